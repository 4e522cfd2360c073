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
		fmt.Fprintln(ev, `{"e":"plan","tests":[{"name":"TestPutGet"},{"name":"TestMissing"},{"name":"TestEviction","hidden":true},{"name":"TestUpdate","hidden":true},{"name":"TestPerfGetPut","hidden":true,"perf":true}]}`)
		fmt.Fprintln(ev, `{"e":"start","test":"TestPutGet"}`)
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestPutGet","status":"pass"}}`)
		fmt.Fprintln(ev, `{"e":"start","test":"TestMissing"}`)
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestMissing","status":"fail","message":"Get(1): got 0, want 1"}}`)
		fmt.Fprintln(ev, `{"e":"start","test":"TestEviction"}`)
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
		fmt.Fprintln(ev, `{"e":"plan","tests":[{"name":"TestPutGet"},{"name":"TestMissing"}]}`)
		line := `{"e":"note","msg":"spam"}` + "\n"
		for i := 0; i < 2*maxEvents; i++ {
			ev.WriteString(line)
		}
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestPutGet","status":"pass"}}`)
		fmt.Fprintln(ev, `{"e":"result","result":{"name":"TestMissing","status":"pass"}}`)
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
	res, err := g.Grade(context.Background(), &lab, labs.Files(lab.Solution), labs.ModeSubmit)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second+startGrace+2*time.Second {
		t.Errorf("took %v to give up on the worker", d)
	}
	want := []labs.Status{labs.StatusPass, labs.StatusFail, labs.StatusFail, labs.StatusNotRun, labs.StatusNotRun}
	if len(res.Tests) != len(want) {
		t.Fatalf("tests = %+v, want 5", res.Tests)
	}
	for i, st := range want {
		if res.Tests[i].Status != st {
			t.Errorf("%s: status %s, want %s", res.Tests[i].Name, res.Tests[i].Status, st)
		}
	}
	if res.Verdict != labs.Timeout || !strings.Contains(res.Message, "TestEviction") || !strings.Contains(res.Tests[2].Message, "longer than") {
		t.Errorf("verdict %s %q (TestEviction: %q), want a timeout naming TestEviction", res.Verdict, res.Message, res.Tests[2].Message)
	}
	if res.Tests[1].Message != "Get(1): got 0, want 1" {
		t.Errorf("TestMissing's message lost: %q", res.Tests[1].Message)
	}
}

// TestStreamIsBounded: over-long lines, garbage and floods are dropped, not trusted, and
// do not hold the parent; a stream that lost lines is never a pass.
func TestStreamIsBounded(t *testing.T) {
	g := newFakeGrader(t, "flood")
	lab := loadTestLab(t, "minilru")
	start := time.Now()
	res, err := g.Grade(context.Background(), lab, labs.Files(lab.Solution), labs.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v in %v; notes %q", res.Verdict, time.Since(start), res.Notes)
	if len(res.Tests) != 2 || res.Tests[0].Name != "TestPutGet" {
		t.Errorf("tests = %+v, want the lab's TestPutGet, TestMissing", res.Tests)
	}
	if res.Verdict != labs.Crash || !strings.Contains(res.Message, "dropped") {
		t.Errorf("verdict %s %q, want a crash saying lines were dropped", res.Verdict, res.Message)
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

// TestForgedStreams: the parent decides what passed means. Streams that are truncated,
// lose a line, or report other tests than the lab's are never a pass, however they end.
func TestForgedStreams(t *testing.T) {
	lab := loadTestLab(t, "minilru")
	const (
		planRun    = `{"e":"plan","tests":[{"name":"TestPutGet"},{"name":"TestMissing"}]}`
		planSubmit = `{"e":"plan","tests":[{"name":"TestPutGet"},{"name":"TestMissing"},{"name":"TestEviction","hidden":true},{"name":"TestUpdate","hidden":true},{"name":"TestPerfGetPut","hidden":true,"perf":true}]}`
		done       = `{"e":"done"}`
	)
	pass := func(name string) string { return `{"e":"result","result":{"name":"` + name + `","status":"pass"}}` }
	skip := func(name string) string { return `{"e":"result","result":{"name":"` + name + `","status":"skip"}}` }
	hugeLoad := `{"e":"load","verdict":"compile_error","msg":"` + strings.Repeat("x", labs.MaxEventBytes) + `"}`
	for _, tc := range []struct {
		name   string
		mode   labs.Mode
		lines  []string
		pass   bool   // the honest controls
		reason string // in the message when not passed
	}{
		{"honest run", labs.ModeRun, []string{planRun, pass("TestPutGet"), pass("TestMissing"), done}, true, ""},
		{"honest submit", labs.ModeSubmit, []string{planSubmit, pass("TestPutGet"), pass("TestMissing"), pass("TestEviction"), pass("TestUpdate"), pass("TestPerfGetPut"), done}, true, ""},
		{"load line over the limit, then done", labs.ModeRun, []string{hugeLoad, done}, false, "dropped"},
		{"only done", labs.ModeRun, []string{done}, false, "without listing"},
		{"empty stream", labs.ModeRun, nil, false, ""},
		{"missing result", labs.ModeRun, []string{planRun, pass("TestPutGet"), done}, false, "TestMissing"},
		{"a result line dropped", labs.ModeRun, []string{planRun, pass("TestPutGet"), `{"e":"result","result":{"name":"TestMissing","status":"fail","message":"` + strings.Repeat("y", labs.MaxEventBytes) + `"}}`, done}, false, "dropped"},
		{"plan of fewer tests", labs.ModeRun, []string{`{"e":"plan","tests":[{"name":"TestPutGet"}]}`, pass("TestPutGet"), done}, false, "planned"},
		{"zero tests planned", labs.ModeRun, []string{`{"e":"plan"}`, done}, false, "planned"},
		{"hidden tests left out of a submit", labs.ModeSubmit, []string{planRun, pass("TestPutGet"), pass("TestMissing"), done}, false, "planned"},
		{"unexpected test name", labs.ModeRun, []string{planRun, pass("TestPutGet"), pass("TestMissing"), pass("TestForged"), done}, false, "TestForged"},
		{"duplicate result", labs.ModeRun, []string{planRun, pass("TestPutGet"), pass("TestPutGet"), pass("TestMissing"), done}, false, "two results"},
		{"result after done", labs.ModeRun, []string{planRun, pass("TestPutGet"), done, pass("TestMissing")}, false, "after"},
		{"result before the plan", labs.ModeRun, []string{pass("TestPutGet"), planRun, pass("TestMissing"), done}, false, "before planning"},
		{"status forged", labs.ModeRun, []string{planRun, pass("TestPutGet"), `{"e":"result","result":{"name":"TestMissing","status":"ok"}}`, done}, false, "status"},
		{"perf test skipped after every functional test passed", labs.ModeSubmit, []string{planSubmit, pass("TestPutGet"), pass("TestMissing"), pass("TestEviction"), pass("TestUpdate"), skip("TestPerfGetPut"), done}, false, ""},
		{"load verdict passed", labs.ModeRun, []string{`{"e":"load","verdict":"passed"}`, done}, false, "load failure"},
		{"stop verdict passed", labs.ModeRun, []string{planRun, pass("TestPutGet"), pass("TestMissing"), `{"e":"stop","verdict":"passed"}`}, false, "stopped"},
		{"truncated: no done", labs.ModeRun, []string{planRun, pass("TestPutGet"), pass("TestMissing")}, false, ""},
		{"last line cut off", labs.ModeRun, []string{planRun, pass("TestPutGet"), pass("TestMissing"), `{"e":"do`}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job, err := labs.NewJob(lab, labs.Files(lab.Solution), tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(tc.lines, "\n")
			if len(tc.lines) > 0 && !strings.HasSuffix(text, `{"e":"do`) {
				text += "\n"
			}
			events, dropped := readEvents(strings.NewReader(text))
			res, problem := assemble(job, &outcome{events: events, dropped: dropped, wall: time.Second})
			t.Logf("%s: %s (problem %q)", res.Verdict, res.Message, problem)
			if res.Passed() != tc.pass {
				t.Fatalf("passed = %v, want %v: %s %s", res.Passed(), tc.pass, res.Verdict, res.Message)
			}
			if tc.pass {
				if problem != "" {
					t.Errorf("problem %q in an honest stream", problem)
				}
				return
			}
			if res.Verdict != labs.Crash {
				t.Errorf("verdict %s, want crash", res.Verdict)
			}
			if !strings.Contains(res.Message, tc.reason) {
				t.Errorf("message %q does not say %q", res.Message, tc.reason)
			}
		})
	}
}

// TestExpectedTestsFromTheLab: the tests the parent expects come from the lab's files,
// per mode.
func TestExpectedTestsFromTheLab(t *testing.T) {
	lab := loadTestLab(t, "minilru")
	own := "package " + lab.Package + "\n\nimport \"testing\"\n\nfunc TestMine(t *testing.T) {}\n"
	for _, tc := range []struct {
		mode  labs.Mode
		files map[string]string
		want  string
	}{
		{labs.ModeRun, nil, "[TestPutGet TestMissing]"},
		{labs.ModeRun, map[string]string{"mine_test.go": own}, "[TestPutGet TestMissing TestMine]"},
		{labs.ModeSubmit, nil, "[TestPutGet TestMissing TestEviction TestUpdate TestPerfGetPut]"},
	} {
		files := labs.Files(lab.Solution)
		for name, src := range tc.files {
			files[name] = src
		}
		job, err := labs.NewJob(lab, files, tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		if got := planNames(expectedTests(job)); got != tc.want {
			t.Errorf("%s: expected %s, want %s", tc.mode, got, tc.want)
		}
	}
}
