package grader

import (
	"fmt"
	"strings"

	"prep/labs"
)

// expectedTests returns the tests a grading of job must report, in order, from the
// lab's own files as the parent holds them: the public tests' TestXxx functions, then in
// ModeRun the candidate's own tests, in ModeSubmit the hidden tests' and the performance
// tests lab.yaml names. The parent
// decides from this list, never from what the child says it planned, whether every test
// ran.
func expectedTests(job *labs.Job) []labs.PlannedTest {
	var out []labs.PlannedTest
	for _, name := range labs.TestNames(jobFiles(job.Public)) {
		out = append(out, labs.PlannedTest{Name: name})
	}
	if job.Mode != labs.ModeSubmit {
		// A Run also reports the candidate's own tests (the job's Scratch), after the
		// public ones; a Submit never carries them.
		for _, name := range labs.TestNames(jobFiles(job.Scratch)) {
			out = append(out, labs.PlannedTest{Name: name})
		}
		return out
	}
	for _, name := range labs.TestNames(jobFiles(job.Hidden)) {
		out = append(out, labs.PlannedTest{Name: name, Hidden: true})
	}
	for _, p := range job.PerfTests {
		out = append(out, labs.PlannedTest{Name: p.Name, Hidden: true, Perf: true})
	}
	return out
}

func jobFiles(fs []labs.JobFile) []labs.File {
	out := make([]labs.File, len(fs))
	for i, f := range fs {
		out[i] = labs.File{Name: f.Name, Src: f.Src}
	}
	return out
}

// stream is what the parent read of a child's event stream, checked against the tests
// it expects. problems lists every way the stream is not a whole, consistent report:
// with any, the verdict cannot be passed.
type stream struct {
	plan     []labs.PlannedTest
	load     *labs.Event
	stop     *labs.Event
	done     bool
	running  string
	results  map[string]labs.TestResult
	frames   map[string][]string
	notes    []string
	problems []string
}

// readStream checks the events of a child against the expected tests. It never trusts
// the child for what exists: a result is kept only for an expected test, once.
func readStream(expected []labs.PlannedTest, events []labs.Event, dropped int) *stream {
	s := &stream{results: map[string]labs.TestResult{}, frames: map[string][]string{}}
	want := map[string]labs.PlannedTest{}
	for _, p := range expected {
		want[p.Name] = p
	}
	problem := func(format string, args ...any) {
		if len(s.problems) < 5 {
			s.problems = append(s.problems, fmt.Sprintf(format, args...))
		}
	}
	if len(expected) == 0 {
		problem("the lab defines no tests to run")
	}
	if dropped > 0 {
		problem("%d line(s) of its report were too long (over %d KiB) or unreadable and were dropped", dropped, labs.MaxEventBytes>>10)
	}
	ended := false // done or stop arrived: nothing may follow
	for i := range events {
		ev := &events[i]
		if ended {
			problem("it reported %q after its report had ended", clip(string(ev.Kind)))
			continue
		}
		switch ev.Kind {
		case labs.EventPlan:
			if s.plan != nil || s.load != nil {
				problem("it sent a second plan, or a plan after a load failure")
				continue
			}
			s.plan = ev.Tests
			if !samePlan(ev.Tests, expected) {
				problem("it planned tests %s, not the lab's %s", planNames(ev.Tests), planNames(expected))
			}
		case labs.EventLoad:
			if s.load != nil || s.plan != nil {
				problem("it reported a load failure after loading, or twice")
				continue
			}
			switch ev.Verdict {
			case labs.CompileError, labs.Unsupported, labs.ForbiddenImport, labs.Crash, labs.Timeout, labs.MemoryLimit:
			default:
				problem("it reported a load failure with verdict %q", clip(string(ev.Verdict)))
				continue
			}
			s.load = ev
		case labs.EventStart:
			s.running = ev.Test
		case labs.EventResult:
			r := ev.Result
			switch {
			case r == nil:
				problem("it sent an empty result")
			case s.plan == nil:
				problem("it reported test %s before planning the tests", clip(r.Name))
			case !known(want, r.Name):
				problem("it reported a result for %q, which is not one of the lab's tests", clip(r.Name))
			case hasResult(s.results, r.Name):
				problem("it reported two results for %s", r.Name)
			case r.Status != labs.StatusPass && r.Status != labs.StatusFail && r.Status != labs.StatusSkip:
				problem("it reported %s with status %q", r.Name, clip(string(r.Status)))
			default:
				tr := *r
				tr.Hidden, tr.Name = want[r.Name].Hidden, want[r.Name].Name
				s.results[r.Name] = tr
				if r.Name == s.running {
					s.running = ""
				}
			}
		case labs.EventFrame:
			if len(s.frames[ev.Test]) < 8 {
				s.frames[ev.Test] = append(s.frames[ev.Test], ev.Message)
			}
		case labs.EventNote:
			if ev.Message != "" && len(s.notes) < 5 {
				s.notes = append(s.notes, ev.Message)
			}
		case labs.EventStop:
			if ev.Verdict == "" || ev.Verdict == labs.Passed {
				problem("it stopped with verdict %q", clip(string(ev.Verdict)))
			}
			s.stop, ended = ev, true
		case labs.EventDone:
			s.done, ended = true, true
		default:
			problem("it sent an event of unknown kind %q", clip(string(ev.Kind)))
		}
	}
	if s.done && s.load == nil {
		var missing []labs.PlannedTest
		for _, p := range expected {
			if _, ok := s.results[p.Name]; !ok {
				missing = append(missing, p)
			}
		}
		switch {
		case s.plan == nil:
			problem("it ended without listing or running any test")
		case len(missing) > 0:
			problem("it ended without a result for %s", planNames(missing))
		}
	}
	return s
}

// passed reports whether the stream proves that every expected test ran and passed:
// done arrived, nothing is amiss, and each expected test has a result — pass, or skip
// for a functional test (t.Skip in the lab's tests); a performance test must pass.
func (s *stream) passed(expected []labs.PlannedTest) bool {
	if !s.done || s.stop != nil || s.load != nil || len(s.problems) > 0 || len(expected) == 0 {
		return false
	}
	for _, p := range expected {
		r, ok := s.results[p.Name]
		if !ok || !(r.Status == labs.StatusPass || r.Status == labs.StatusSkip && !p.Perf) {
			return false
		}
	}
	return true
}

func known(want map[string]labs.PlannedTest, name string) bool { _, ok := want[name]; return ok }

func hasResult(m map[string]labs.TestResult, name string) bool { _, ok := m[name]; return ok }

func samePlan(a, b []labs.PlannedTest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Perf != b[i].Perf {
			return false
		}
	}
	return true
}

func planNames(ps []labs.PlannedTest) string {
	names := make([]string, 0, len(ps))
	for i, p := range ps {
		if i == 8 {
			names = append(names, fmt.Sprintf("… (%d in all)", len(ps)))
			break
		}
		names = append(names, clip(p.Name))
	}
	return "[" + strings.Join(names, " ") + "]"
}

// clip shortens a name the child sent for a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
