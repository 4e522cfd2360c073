package grader

import (
	"fmt"
	"strings"

	"prep/labs"
)

// assemble turns what a child left — its event stream, stderr and exit — into a
// Result. The parent decides what passed means: the tests come from the lab's own files
// (expectedTests), and the verdict is passed only when the stream holds a passing result
// for each of them and its end (stream.passed). The stream is trusted only for what it
// says about those tests; why a run ended early comes from the child's own stop event,
// the parent's kill, or the Go runtime's fatal error text on stderr, in that order.
// problem is set when the stream was not a whole, consistent report: the verdict is
// then a crash, and the caller logs problem as the grader's failure.
func assemble(job *labs.Job, out *outcome) (res *labs.Result, problem string) {
	res = &labs.Result{Lab: job.Lab, Mode: job.Mode, Duration: out.elapsed}
	expected := expectedTests(job)
	s := readStream(expected, out.events, out.dropped)
	res.Notes = s.notes
	running := s.running
	if len(s.problems) > 0 {
		problem = "the grader's worker sent a report the grader cannot trust: " + strings.Join(s.problems, "; ")
	}
	if s.load != nil && problem == "" {
		res.Verdict, res.Message, res.Diagnostics = s.load.Verdict, s.load.Message, s.load.Diagnostics
		if res.Message == "" {
			res.Message = "your code did not load"
		}
		return res, ""
	}

	// Why the run ended early, if it did, and what the test that was running gets.
	var verdict labs.Verdict
	var why string
	switch {
	case s.done:
	case s.stop != nil && problem != "":
		verdict, why = labs.Crash, problem
	case s.stop != nil:
		verdict, why = s.stop.Verdict, s.stop.Message
		if s.stop.Test != "" {
			running = s.stop.Test
		}
	case out.killed:
		verdict, why = labs.Timeout, fmt.Sprintf("the run took longer than the %v this lab allows and was stopped", out.wall)
	case problem != "":
		verdict, why = labs.Crash, problem
	default:
		verdict, why = classify(out.stderr, out.exitCode)
		if verdict == labs.Crash && running != "" && len(s.frames[running]) > 0 {
			why += "\n\tat " + strings.Join(s.frames[running], "\n\tat ")
		}
	}
	if s.plan == nil && !s.done && s.load == nil {
		// The child died before it could list the tests: while loading the code.
		res.Verdict, res.Message = verdict, why
		switch verdict {
		case labs.Crash:
			switch {
			case strings.Contains(why, "stack overflow") && runningCode(out.stderr):
				res.Message = "stack overflow while initialising your package: a package-level variable or an init function recursed too deep (an infinite recursion? check the base case, or use a loop)"
			case strings.Contains(why, "stack overflow"):
				res.Verdict, res.Message = labs.Unsupported, "your code is nested too deeply for the grader to compile; flatten it"
			default:
				res.Message = "the grader's worker crashed while loading your code: " + why
			}
		case labs.Timeout:
			res.Message = "loading your code took too long: " + why
		case "":
			res.Verdict, res.Message = labs.Crash, "the grader's worker ended without a result"
		}
		return res, problem
	}

	for _, p := range expected {
		tr, ok := s.results[p.Name]
		switch {
		case ok:
		case p.Name == running && !s.done:
			tr = labs.TestResult{Name: p.Name, Hidden: p.Hidden, Status: labs.StatusFail, Message: why}
			if p.Perf {
				tr.Perf = &labs.PerfResult{}
			}
		default:
			tr = labs.TestResult{Name: p.Name, Hidden: p.Hidden, Status: labs.StatusNotRun}
			if p.Perf {
				tr.Perf = &labs.PerfResult{}
			}
			if !s.done {
				tr.Message = "not run: the run stopped earlier"
			} else {
				tr.Message = "not run: the grader's worker reported no result for it"
			}
		}
		res.Tests = append(res.Tests, tr)
	}
	if out.dropped > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d line(s) of the worker's stream were unreadable and ignored", out.dropped))
	}
	pass, fail, _ := res.Counts()
	switch {
	case verdict != "" && verdict != labs.Failed:
		res.Verdict = verdict
		res.Message = why
		if running != "" && !strings.Contains(why, running) {
			res.Message = running + ": " + why
		}
	case problem != "":
		res.Verdict, res.Message = labs.Crash, problem+"; the submission is not graded as passed (submit again; if it persists, report it)"
	case fail > 0 || verdict == labs.Failed:
		res.Verdict = labs.Failed
		first := res.FirstFailure()
		res.Message = fmt.Sprintf("%d of %d tests failed", fail, len(res.Tests))
		if first != nil {
			res.Message += "; first: " + first.Name + ": " + firstLine(first.Message)
		}
	case !s.passed(expected):
		res.Verdict, res.Message = labs.Crash, "the grader's worker ended before every test ran"
	default:
		res.Verdict = labs.Passed
		res.Message = fmt.Sprintf("all %d tests passed", pass)
	}
	return res, problem
}

// runningCode reports whether the goroutine dump in a child's stderr shows the
// interpreter running code (its run loop and calls), as opposed to compiling it (the
// type checker, the interpreter's compiler): a stack overflow before the plan is then
// the code's own initialisation recursing, not code nested too deeply to compile.
func runningCode(stderr string) bool {
	return strings.Contains(stderr, "yaegi/interp.runCfg(") || strings.Contains(stderr, "yaegi/interp.call.")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// fatal maps the Go runtime's fatal error texts to verdicts and messages a candidate can
// act on. The runtime prints them to stderr when it kills the process: they cannot be
// recovered, which is why they end the run.
var fatal = []struct {
	text    string
	verdict labs.Verdict
	msg     string
}{
	{"concurrent map writes", labs.ThreadSafety, "concurrent map writes: two goroutines wrote a map at the same time; guard the map with a sync.Mutex"},
	{"concurrent map read and map write", labs.ThreadSafety, "concurrent map read and write: one goroutine read a map while another wrote it; guard every access with a sync.Mutex (or RWMutex)"},
	{"concurrent map iteration and map write", labs.ThreadSafety, "a map was written while another goroutine ranged over it; guard both with a sync.Mutex"},
	{"sync: unlock of unlocked mutex", labs.ThreadSafety, "unlock of an unlocked mutex: Unlock was called without a matching Lock (a double Unlock, or an Unlock on a path that never locked)"},
	{"sync: Unlock of unlocked RWMutex", labs.ThreadSafety, "Unlock of an unlocked RWMutex: an Unlock without a matching Lock"},
	{"sync: RUnlock of unlocked RWMutex", labs.ThreadSafety, "RUnlock of an unlocked RWMutex: an RUnlock without a matching RLock"},
	{"stack overflow", labs.Crash, "stack overflow: deep or infinite recursion (check the base case, or use a loop)"},
	{"goroutine stack exceeds", labs.Crash, "stack overflow: deep or infinite recursion (check the base case, or use a loop)"},
	{"out of memory", labs.MemoryLimit, "memory limit exceeded: an allocation larger than the lab allows failed"},
	{"cannot allocate memory", labs.MemoryLimit, "memory limit exceeded: an allocation larger than the lab allows failed"},
	{"all goroutines are asleep - deadlock", labs.Timeout, "deadlock: every goroutine is blocked (a lock never released, or a channel nobody sends on)"},
}

// classify reads why a child died from its stderr and exit code.
func classify(stderr string, exitCode int) (labs.Verdict, string) {
	for _, f := range fatal {
		if strings.Contains(stderr, f.text) {
			return f.verdict, f.msg
		}
	}
	if msg := panicText(stderr); msg != "" {
		return labs.Crash, msg + " — in a goroutine or a timer callback (time.AfterFunc), where no test can recover it; recover inside the goroutine or avoid the panic"
	}
	if exitCode == -1 {
		// Killed by a signal the parent did not send: the kernel's OOM killer, most likely.
		return labs.MemoryLimit, "the worker was killed by the system, most likely for using too much memory"
	}
	if line := firstLine(strings.TrimSpace(stderr)); line != "" {
		return labs.Crash, "the worker crashed: " + line
	}
	return labs.Crash, fmt.Sprintf("the worker exited with status %d without a result", exitCode)
}

// panicText returns the "panic: ..." lines of a Go runtime panic report, without the
// goroutine dump that follows (it shows the interpreter, not the candidate's code).
func panicText(stderr string) string {
	i := strings.Index(stderr, "panic: ")
	if i < 0 || (i > 0 && stderr[i-1] != '\n') {
		return ""
	}
	text := stderr[i:]
	if j := strings.Index(text, "\n\n"); j >= 0 {
		text = text[:j]
	}
	if j := strings.Index(text, "\ngoroutine "); j >= 0 {
		text = text[:j]
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
	}
	// Go 1.23+ marks a re-raised panic "[recovered, repanicked]": noise to a candidate.
	if k := strings.Index(lines[0], " [recovered"); k >= 0 {
		lines[0] = lines[0][:k]
	}
	return strings.Join(lines, "\n")
}
