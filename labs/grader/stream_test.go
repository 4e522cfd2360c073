package grader

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"prep/labs"
)

// fakeWorker misbehaves as a worker in the way mode names, to test the parent alone.
func fakeWorker(mode string) {
	io.Copy(io.Discard, os.Stdin)
	ev := os.NewFile(3, "events")
	switch mode {
	case "stall":
		// Two tests finish, the third never does, and nothing reports it: only the
		// parent's kill ends this.
		fmt.Fprintln(ev, `{"e":"plan","tests":[{"name":"TestA"},{"name":"TestB"},{"name":"TestC"},{"name":"TestD","hidden":true}]}`)
		fmt.Fprintln(ev, `{"e":"start","test":"TestA"}`)
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestA","status":"pass"}}`)
		fmt.Fprintln(ev, `{"e":"start","test":"TestB"}`)
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestB","status":"fail","message":"Get(1): got 0, want 1"}}`)
		fmt.Fprintln(ev, `{"e":"start","test":"TestC"}`)
		// Sleep rather than select{}: with no other goroutine the runtime would call
		// select{} a deadlock and end the process itself.
		time.Sleep(time.Hour)
	case "flood":
		// A line far over the bound, garbage, and then more events than allowed, while
		// stderr floods too.
		go func() {
			junk := strings.Repeat("e", 1<<20)
			for i := 0; i < 64; i++ {
				fmt.Fprint(os.Stderr, junk)
			}
		}()
		big := strings.Repeat("x", 4*labs.MaxEventBytes)
		fmt.Fprint(ev, `{"e":"plan","tests":[{"name":"`+big+`"}]}`+"\n")
		fmt.Fprintln(ev, "not json at all {{{")
		fmt.Fprintln(ev, `{"e":"plan","tests":[{"name":"TestA"}]}`)
		line := `{"e":"note","msg":"spam"}` + "\n"
		for i := 0; i < 2*maxEvents; i++ {
			ev.WriteString(line)
		}
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestA","status":"pass"}}`)
		fmt.Fprintln(ev, `{"e":"done"}`)
		time.Sleep(100 * time.Millisecond)
	}
	os.Exit(0)
}

func newFakeGrader(t *testing.T, mode string) *Grader {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(Config{Command: []string{exe}, Env: []string{"PREP_GRADER_TEST_FAKE=" + mode}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// TestStreamSurvivesKill: a worker the parent has to kill keeps the results it streamed.
func TestStreamSurvivesKill(t *testing.T) {
	g := newFakeGrader(t, "stall")
	lab := *loadTestLab(t, "minilru")
	lab.Limits.Wall = time.Second
	start := time.Now()
	res, err := g.Grade(context.Background(), &lab, labs.Files(lab.Solution), labs.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second+startGrace+2*time.Second {
		t.Errorf("took %v to give up on the worker", d)
	}
	want := []labs.Status{labs.StatusPass, labs.StatusFail, labs.StatusFail, labs.StatusNotRun}
	if len(res.Tests) != len(want) {
		t.Fatalf("tests = %+v, want 4", res.Tests)
	}
	for i, st := range want {
		if res.Tests[i].Status != st {
			t.Errorf("%s: status %s, want %s", res.Tests[i].Name, res.Tests[i].Status, st)
		}
	}
	if res.Verdict != labs.Timeout || !strings.Contains(res.Message, "TestC") || !strings.Contains(res.Tests[2].Message, "longer than") {
		t.Errorf("verdict %s %q (TestC: %q), want a timeout naming TestC", res.Verdict, res.Message, res.Tests[2].Message)
	}
	if res.Tests[1].Message != "Get(1): got 0, want 1" {
		t.Errorf("TestB's message lost: %q", res.Tests[1].Message)
	}
}

// TestStreamIsBounded: over-long lines, garbage and floods are dropped, not trusted, and
// do not hold the parent.
func TestStreamIsBounded(t *testing.T) {
	g := newFakeGrader(t, "flood")
	lab := loadTestLab(t, "minilru")
	start := time.Now()
	res, err := g.Grade(context.Background(), lab, labs.Files(lab.Solution), labs.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v in %v; notes %q", res.Verdict, time.Since(start), res.Notes)
	if len(res.Tests) != 1 || res.Tests[0].Name != "TestA" {
		t.Errorf("tests = %+v, want the one valid plan's TestA", res.Tests)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "unreadable") {
		t.Errorf("notes %q do not mention the dropped lines", res.Notes)
	}
}

// TestResultsBeforeATimeoutAreKept: with a real child, the tests before the one that
// hangs keep their results, and the ones after are reported as not run.
func TestResultsBeforeATimeoutAreKept(t *testing.T) {
	g := newTestGrader(t, Config{})
	lab := fastLab(t)
	src := strings.Replace(lruWith("", "", ""), "e, ok := c.items[key]", "for key == 7 {\n\t}\n\te, ok := c.items[key]", 1)
	res, err := g.Grade(context.Background(), lab, map[string]string{"lru.go": src}, labs.ModeSubmit)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]labs.Status{}
	for _, tr := range res.Tests {
		got[tr.Name] = tr.Status
	}
	if got["TestPutGet"] != labs.StatusPass || got["TestMissing"] != labs.StatusFail || got["TestEviction"] != labs.StatusNotRun {
		t.Errorf("statuses %v: want TestPutGet pass, TestMissing fail (timed out), TestEviction not run", got)
	}
	if res.Verdict != labs.Timeout || !strings.Contains(res.Message, "TestMissing") {
		t.Errorf("verdict %s %q, want a timeout in TestMissing", res.Verdict, res.Message)
	}
}
