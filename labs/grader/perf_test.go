package grader

import (
	"context"
	"strings"
	"testing"
	"time"

	"prep/labs"
)

// sliceLRU is a correct LRU cache whose Get and Put scan a slice: O(n) per operation.
const sliceLRU = `package minilru

type Cache struct {
	cap  int
	keys []int
	vals []int
}

func New(capacity int) *Cache { return &Cache{cap: capacity} }

func (c *Cache) find(key int) int {
	for i, k := range c.keys {
		if k == key {
			return i
		}
	}
	return -1
}

func (c *Cache) touch(i int) {
	k, v := c.keys[i], c.vals[i]
	copy(c.keys[i:], c.keys[i+1:])
	copy(c.vals[i:], c.vals[i+1:])
	c.keys[len(c.keys)-1], c.vals[len(c.vals)-1] = k, v
}

func (c *Cache) Get(key int) (int, bool) {
	i := c.find(key)
	if i < 0 {
		return 0, false
	}
	c.touch(i)
	return c.vals[len(c.vals)-1], true
}

func (c *Cache) Put(key, value int) {
	if i := c.find(key); i >= 0 {
		c.vals[i] = value
		c.touch(i)
		return
	}
	if len(c.keys) >= c.cap {
		c.keys, c.vals = c.keys[1:], c.vals[1:]
	}
	c.keys = append(c.keys, key)
	c.vals = append(c.vals, value)
}
`

// scanLRU is a correct LRU cache of the lru lab that evicts by scanning every entry for
// the oldest: O(n) per eviction.
const scanLRU = `package lru

// Cache evicts by scanning every entry for the oldest tick: O(n) per eviction.
type Cache struct {
	cap   int
	tick  int
	items map[int]*entry
}

type entry struct{ value, used int }

func New(capacity int) *Cache { return &Cache{cap: capacity, items: map[int]*entry{}} }

func (c *Cache) Get(key int) (int, bool) {
	e, ok := c.items[key]
	if !ok {
		return 0, false
	}
	c.tick++
	e.used = c.tick
	return e.value, true
}

func (c *Cache) Put(key, value int) {
	if c.cap <= 0 {
		return
	}
	c.tick++
	if e, ok := c.items[key]; ok {
		e.value, e.used = value, c.tick
		return
	}
	if len(c.items) >= c.cap {
		oldest, min := 0, -1
		for k, e := range c.items {
			if min < 0 || e.used < min {
				oldest, min = k, e.used
			}
		}
		delete(c.items, oldest)
	}
	c.items[key] = &entry{value, c.tick}
}

func (c *Cache) Len() int { return len(c.items) }
`

// sliceRecencyLRU is a correct LRU cache of the lru lab that keeps the recency order in
// a slice: O(n) per access to move a key to the back.
const sliceRecencyLRU = `package lru

// Cache keeps the recency order in a slice: O(n) per access to move a key.
type Cache struct {
	cap   int
	order []int // least recently used first
	items map[int]int
}

func New(capacity int) *Cache { return &Cache{cap: capacity, items: map[int]int{}} }

func (c *Cache) touch(key int) {
	for i, k := range c.order {
		if k == key {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	c.order = append(c.order, key)
}

func (c *Cache) Get(key int) (int, bool) {
	v, ok := c.items[key]
	if !ok {
		return 0, false
	}
	c.touch(key)
	return v, true
}

func (c *Cache) Put(key, value int) {
	if c.cap <= 0 {
		return
	}
	if _, ok := c.items[key]; ok {
		c.items[key] = value
		c.touch(key)
		return
	}
	if len(c.items) >= c.cap {
		old := c.order[0]
		c.order = c.order[1:]
		delete(c.items, old)
	}
	c.items[key] = value
	c.order = append(c.order, key)
}

func (c *Cache) Len() int { return len(c.items) }
`

// scanEverywhereLRU is a correct LRU cache of the lru lab that finds every key by
// scanning a slice: O(n) per operation, filling the cache included.
const scanEverywhereLRU = `package lru

type Cache struct {
	cap  int
	keys []int
	vals []int
}

func New(capacity int) *Cache { return &Cache{cap: capacity} }

func (c *Cache) find(key int) int {
	for i, k := range c.keys {
		if k == key {
			return i
		}
	}
	return -1
}

func (c *Cache) touch(i int) {
	k, v := c.keys[i], c.vals[i]
	copy(c.keys[i:], c.keys[i+1:])
	copy(c.vals[i:], c.vals[i+1:])
	c.keys[len(c.keys)-1], c.vals[len(c.vals)-1] = k, v
}

func (c *Cache) Get(key int) (int, bool) {
	i := c.find(key)
	if i < 0 {
		return 0, false
	}
	c.touch(i)
	return c.vals[len(c.vals)-1], true
}

func (c *Cache) Put(key, value int) {
	if c.cap <= 0 {
		return
	}
	if i := c.find(key); i >= 0 {
		c.vals[i] = value
		c.touch(i)
		return
	}
	if len(c.keys) >= c.cap {
		c.keys, c.vals = c.keys[1:], c.vals[1:]
	}
	c.keys = append(c.keys, key)
	c.vals = append(c.vals, value)
}

func (c *Cache) Len() int { return len(c.keys) }
`

// TestPerfCatchesLinearLRUs: the lru lab's O(n) caches pass every functional test and
// fail the performance test, with the figures; the reference passes it.
func TestPerfCatchesLinearLRUs(t *testing.T) {
	g := newTestGrader(t, Config{})
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	lab, err := set.Lab("lru")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src string
		pass      bool
	}{
		{"reference", lab.Solution[0].Src, true},
		{"eviction scan", scanLRU, false},
		{"slice recency list", sliceRecencyLRU, false},
		{"scan on every operation", scanEverywhereLRU, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), lab, map[string]string{"lru.go": tc.src}, labs.ModeSubmit)
			if err != nil {
				t.Fatal(err)
			}
			perf := perfResult(t, res)
			t.Logf("%s in %v: %s (ratio %.1f, growth %.1f, reference growth %.1f, %v vs %v)", perf.Status, res.Duration.Round(time.Millisecond),
				perf.Message, perf.Perf.Ratio, perf.Perf.Growth, perf.Perf.ReferenceGrowth, perf.Perf.CandidatePerOp, perf.Perf.ReferencePerOp)
			if (perf.Status == labs.StatusPass) != tc.pass || (res.Verdict == labs.Passed) != tc.pass {
				t.Errorf("verdict %s, perf %s (%s): want passed %v", res.Verdict, perf.Status, perf.Message, tc.pass)
			}
			if !tc.pass && !strings.Contains(perf.Message, "reference") {
				t.Errorf("message %q does not give the reference's figure", perf.Message)
			}
		})
	}
}

// perfResult returns the performance test's result, after checking that every
// functional test passed.
func perfResult(t *testing.T, res *labs.Result) *labs.TestResult {
	t.Helper()
	var perf *labs.TestResult
	for i, tr := range res.Tests {
		if tr.Perf != nil {
			perf = &res.Tests[i]
		} else if tr.Status != labs.StatusPass {
			t.Errorf("%s: %s %s, want pass", tr.Name, tr.Status, tr.Message)
		}
	}
	if perf == nil {
		t.Fatalf("no performance test in %+v", res)
	}
	return perf
}

// TestPerfJudgesComplexity: a correct but O(n) cache passes every functional test and
// fails the performance test, with its figures and the budget in the message.
func TestPerfJudgesComplexity(t *testing.T) {
	g := newTestGrader(t, Config{})
	lab := loadTestLab(t, "minilru")
	res, err := g.Grade(context.Background(), lab, map[string]string{"lru.go": sliceLRU}, labs.ModeSubmit)
	if err != nil {
		t.Fatal(err)
	}
	var perf *labs.TestResult
	for i, tr := range res.Tests {
		if tr.Perf != nil {
			perf = &res.Tests[i]
		} else if tr.Status != labs.StatusPass {
			t.Errorf("%s: %s %s, want pass", tr.Name, tr.Status, tr.Message)
		}
	}
	if perf == nil || perf.Status != labs.StatusFail || res.Verdict != labs.Failed {
		t.Fatalf("verdict %s, perf %+v: want the performance test to fail", res.Verdict, perf)
	}
	t.Logf("%s: %s (ratio %.1f, growth %.1f, reference growth %.1f)", perf.Name, perf.Message, perf.Perf.Ratio, perf.Perf.Growth, perf.Perf.ReferenceGrowth)
	if !strings.Contains(perf.Message, "budget") && !strings.Contains(perf.Message, "cap") {
		t.Errorf("message %q does not give the budget", perf.Message)
	}
}
