package sandbox

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
)

// The grader's own implementation of the standard testing package's API subset, served
// to interpreted code under the import path "testing". Owning it is what lets the
// grader report each test and subtest, turn a panic in a test into that test's failure,
// stop a test with FailNow (runtime.Goexit in the test's goroutine, as the real package
// does) and keep messages and output per test.

// Per-test caps on what a result carries, so one chatty test cannot fill the stream.
const (
	maxMessageBytes = 4 << 10
	maxOutputBytes  = 8 << 10
	maxFrames       = 8
)

// T is the grader's testing.T.
type T struct {
	name   string // full name, e.g. TestGet/evicts_oldest
	parent *T
	top    *testRun

	mu       sync.Mutex
	failed   bool
	skipped  bool
	cleanups []func()
	subNames map[string]int
	ctx      context.Context
	cancel   context.CancelFunc
}

// TB is the grader's testing.TB: the methods T and the real testing.TB have in common.
type TB interface {
	Cleanup(func())
	Error(args ...any)
	Errorf(format string, args ...any)
	Fail()
	FailNow()
	Failed() bool
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Helper()
	Log(args ...any)
	Logf(format string, args ...any)
	Name() string
	Skip(args ...any)
	SkipNow()
	Skipf(format string, args ...any)
	Skipped() bool
}

// testRun is what one top-level test accumulates, shared by its subtests.
type testRun struct {
	mu       sync.Mutex
	name     string
	messages capBuffer
	output   capBuffer
	frames   []string // candidate frames of the panic unwinding now, innermost first
	panicked bool
}

// testingExports is the table interpreted code sees as package testing.
func testingExports() map[string]reflect.Value {
	return map[string]reflect.Value{
		"T":       reflect.ValueOf((*T)(nil)),
		"TB":      reflect.ValueOf((*TB)(nil)),
		"Short":   reflect.ValueOf(func() bool { return false }),
		"Verbose": reflect.ValueOf(func() bool { return false }),
		"Testing": reflect.ValueOf(func() bool { return true }),
	}
}

// newTest returns a top-level test named name.
func newTest(name string) *T {
	return &T{name: name, top: &testRun{name: name, messages: capBuffer{max: maxMessageBytes}, output: capBuffer{max: maxOutputBytes}}}
}

// run calls f in a new goroutine, as the testing package does, and waits for it: a
// FailNow or SkipNow (runtime.Goexit) ends only that goroutine, and a panic becomes this
// test's failure. It returns when f, its subtests and its cleanups are done.
func (t *T) run(f func(*T)) {
	t.ctx, t.cancel = context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				t.panicked(r)
			}
			t.cancel()
			t.runCleanups()
		}()
		f(t)
	}()
	<-done
}

func (t *T) panicked(r any) {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	if t.top == nil {
		return
	}
	t.top.mu.Lock()
	frames := t.top.frames
	t.top.frames = nil
	t.top.panicked = true
	t.top.mu.Unlock()
	t.message(panicMessage(r, frames))
}

func (t *T) runCleanups() {
	for {
		t.mu.Lock()
		n := len(t.cleanups)
		if n == 0 {
			t.mu.Unlock()
			return
		}
		f := t.cleanups[n-1]
		t.cleanups = t.cleanups[:n-1]
		t.mu.Unlock()
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.panicked(r)
				}
			}()
			f()
		}()
	}
}

// message records a failure message, prefixed with the subtest's name below the
// top-level test.
func (t *T) message(s string) {
	if t.top == nil {
		return // a T the code made itself (&testing.T{}): nothing to report to
	}
	t.top.mu.Lock()
	defer t.top.mu.Unlock()
	if rel := strings.TrimPrefix(t.name, t.top.name); rel != "" {
		s = strings.TrimPrefix(rel, "/") + ": " + s
	}
	t.top.messages.WriteString(s + "\n")
}

// log records a t.Log line in the test's output.
func (t *T) log(s string) {
	if t.top == nil {
		return
	}
	t.top.mu.Lock()
	defer t.top.mu.Unlock()
	if rel := strings.TrimPrefix(t.name, t.top.name); rel != "" {
		s = strings.TrimPrefix(rel, "/") + ": " + s
	}
	t.top.output.WriteString(s + "\n")
}

// Name returns the test's name, subtests included: TestGet/evicts_oldest.
func (t *T) Name() string { return t.name }

// Fail marks the test failed and goes on.
func (t *T) Fail() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
}

// Failed reports whether the test has failed.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// FailNow marks the test failed and stops its goroutine.
func (t *T) FailNow() {
	t.Fail()
	runtime.Goexit()
}

// Error is Log followed by Fail.
func (t *T) Error(args ...any) { t.message(sprintln(args...)); t.Fail() }

// Errorf is Logf followed by Fail.
func (t *T) Errorf(format string, args ...any) { t.message(fmt.Sprintf(format, args...)); t.Fail() }

// Fatal is Log followed by FailNow.
func (t *T) Fatal(args ...any) { t.message(sprintln(args...)); t.FailNow() }

// Fatalf is Logf followed by FailNow.
func (t *T) Fatalf(format string, args ...any) { t.message(fmt.Sprintf(format, args...)); t.FailNow() }

// Log records a line in the test's output.
func (t *T) Log(args ...any) { t.log(sprintln(args...)) }

// Logf records a formatted line in the test's output.
func (t *T) Logf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)) }

// Helper does nothing: messages carry no file:line to adjust.
func (t *T) Helper() {}

// Parallel does nothing: the grader runs tests one at a time.
func (t *T) Parallel() {}

// Skip is Log followed by SkipNow.
func (t *T) Skip(args ...any) { t.log(sprintln(args...)); t.SkipNow() }

// Skipf is Logf followed by SkipNow.
func (t *T) Skipf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)); t.SkipNow() }

// SkipNow marks the test skipped and stops its goroutine.
func (t *T) SkipNow() {
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	runtime.Goexit()
}

// Skipped reports whether the test was skipped.
func (t *T) Skipped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.skipped
}

// Cleanup registers f to run when the test and its subtests are done, last first.
func (t *T) Cleanup(f func()) {
	t.mu.Lock()
	t.cleanups = append(t.cleanups, f)
	t.mu.Unlock()
}

// Context returns a context cancelled when the test finishes, before its cleanups.
func (t *T) Context() context.Context { return t.ctx }

// Run runs f as a subtest named name in its own goroutine and waits for it. It reports
// whether the subtest passed; a failed subtest fails t.
func (t *T) Run(name string, f func(t *T)) bool {
	if t.top == nil {
		return false
	}
	sub := &T{name: t.name + "/" + t.subName(name), parent: t, top: t.top}
	sub.run(f)
	if sub.Failed() {
		t.Fail()
	}
	return !sub.Failed()
}

// subName rewrites a subtest name as the testing package does: spaces become
// underscores and repeats get a #01, #02 suffix.
func (t *T) subName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' {
			return '_'
		}
		return r
	}, name)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.subNames == nil {
		t.subNames = map[string]int{}
	}
	n := t.subNames[name]
	t.subNames[name] = n + 1
	if n > 0 {
		name = fmt.Sprintf("%s#%02d", name, n)
	}
	return name
}

// sprintln formats like fmt.Sprintln without the newline, as t.Log does.
func sprintln(args ...any) string {
	return strings.TrimSuffix(fmt.Sprintln(args...), "\n")
}

// capBuffer keeps the first max bytes written to it and notes that more were dropped.
type capBuffer struct {
	b         strings.Builder
	max       int
	truncated bool
}

func (c *capBuffer) WriteString(s string) {
	if room := c.max - c.b.Len(); len(s) > room {
		s, c.truncated = s[:max(room, 0)], true
	}
	c.b.WriteString(s)
}

func (c *capBuffer) String() string {
	s := strings.TrimRight(c.b.String(), "\n")
	if c.truncated {
		s += "\n… (truncated)"
	}
	return s
}
