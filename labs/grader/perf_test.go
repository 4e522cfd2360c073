package grader

import (
	"context"
	"strings"
	"testing"

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
