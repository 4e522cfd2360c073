package grader

import (
	"fmt"
	"strings"

	"prep/labs"
)

// assemble turns what a child left — its event stream, stderr and exit — into a
// Result. The stream is trusted only for what it says about tests; why a run ended
// early comes from the child's own stop event, the parent's kill, or the Go runtime's
// fatal error text on stderr, in that order.
func assemble(job *labs.Job, out *outcome) *labs.Result {
	res := &labs.Result{Lab: job.Lab, Mode: job.Mode, Duration: out.elapsed}
	var (
		plan    []labs.PlannedTest
		load    *labs.Event
		stop    *labs.Event
		done    bool
		running string
		results = map[string]labs.TestResult{}
		frames  = map[string][]string{}
	)
	for i := range out.events {
		ev := &out.events[i]
		switch ev.Kind {
		case labs.EventPlan:
			if plan == nil {
				plan = ev.Tests
			}
		case labs.EventLoad:
			load = ev
		case labs.EventStart:
			running = ev.Test
		case labs.EventResult:
			if ev.Result != nil {
				results[ev.Result.Name] = *ev.Result
				if ev.Result.Name == running {
					running = ""
				}
			}
		case labs.EventFrame:
			if len(frames[ev.Test]) < 8 {
				frames[ev.Test] = append(frames[ev.Test], ev.Message)
			}
		case labs.EventNote:
			if ev.Message != "" && len(res.Notes) < 5 {
				res.Notes = append(res.Notes, ev.Message)
			}
		case labs.EventStop:
			if stop == nil {
				stop = ev
			}
		case labs.EventDone:
			done = true
		}
	}
	if load != nil {
		res.Verdict, res.Message, res.Diagnostics = load.Verdict, load.Message, load.Diagnostics
		if res.Message == "" {
			res.Message = "your code did not load"
		}
		return res
	}

	// Why the run ended early, if it did, and what the test that was running gets.
	var verdict labs.Verdict
	var why string
	switch {
	case done:
	case stop != nil:
		verdict, why = stop.Verdict, stop.Message
		if stop.Test != "" {
			running = stop.Test
		}
	case out.killed:
		verdict, why = labs.Timeout, fmt.Sprintf("the run took longer than the %v this lab allows and was stopped", out.wall)
	default:
		verdict, why = classify(out.stderr, out.exitCode)
		if verdict == labs.Crash && running != "" && len(frames[running]) > 0 {
			why += "\n\tat " + strings.Join(frames[running], "\n\tat ")
		}
	}
	if plan == nil && !done {
		// The child died before it could list the tests: while loading the code.
		res.Verdict, res.Message = verdict, why
		switch verdict {
		case labs.Crash:
			if strings.Contains(why, "stack overflow") {
				res.Verdict, res.Message = labs.Unsupported, "your code is nested too deeply for the grader to compile; flatten it"
			} else {
				res.Message = "the grader's worker crashed while loading your code: " + why
			}
		case labs.Timeout:
			res.Message = "loading your code took too long: " + why
		case "":
			res.Verdict, res.Message = labs.Crash, "the grader's worker ended without a result"
		}
		return res
	}

	for _, p := range plan {
		tr, ok := results[p.Name]
		switch {
		case ok:
		case p.Name == running && !done:
			tr = labs.TestResult{Name: p.Name, Hidden: p.Hidden, Status: labs.StatusFail, Message: why}
			if p.Perf {
				tr.Perf = &labs.PerfResult{}
			}
		default:
			tr = labs.TestResult{Name: p.Name, Hidden: p.Hidden, Status: labs.StatusNotRun}
			if p.Perf {
				tr.Perf = &labs.PerfResult{}
			}
			if !done {
				tr.Message = "not run: the run stopped earlier"
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
	case fail > 0 || verdict == labs.Failed:
		res.Verdict = labs.Failed
		first := res.FirstFailure()
		res.Message = fmt.Sprintf("%d of %d tests failed", fail, len(res.Tests))
		if first != nil {
			res.Message += "; first: " + first.Name + ": " + firstLine(first.Message)
		}
	case !done:
		res.Verdict, res.Message = labs.Crash, "the grader's worker ended before every test ran"
	default:
		res.Verdict = labs.Passed
		res.Message = fmt.Sprintf("all %d tests passed", pass)
	}
	return res
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
