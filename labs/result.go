package labs

import (
	"fmt"
	"time"
)

// Mode says which tests a grading runs.
type Mode string

const (
	// ModeRun runs the public tests only: the candidate's "Run" button.
	ModeRun Mode = "run"
	// ModeSubmit runs the public and hidden tests, then the performance tests.
	ModeSubmit Mode = "submit"
)

// Verdict is the outcome of one grading.
type Verdict string

// The verdicts. Only Passed means the submission is accepted.
const (
	Passed          Verdict = "passed"           // every test ran and passed
	Failed          Verdict = "failed"           // a test (functional or performance) failed
	CompileError    Verdict = "compile_error"    // the code does not compile: Diagnostics say where
	Unsupported     Verdict = "unsupported"      // valid Go the grader's interpreter cannot run faithfully: Diagnostics say where and what to write instead
	ForbiddenImport Verdict = "forbidden_import" // an import outside the allow-list
	Timeout         Verdict = "timeout"          // a test or the whole run took too long
	MemoryLimit     Verdict = "memory_limit"     // the heap grew past the lab's memory limit
	Crash           Verdict = "crash"            // a panic the tests could not catch (in a goroutine or timer), or a fatal runtime error
	ThreadSafety    Verdict = "thread_safety"    // the Go runtime caught a data race: concurrent map writes, unlock of an unlocked mutex
	OutputLimit     Verdict = "output_limit"     // the code printed more than the lab allows
)

// Status is the outcome of one test.
type Status string

// The test statuses.
const (
	StatusPass   Status = "pass"
	StatusFail   Status = "fail"
	StatusSkip   Status = "skip"    // the test called t.Skip, or a perf test that did not run because a functional test failed
	StatusNotRun Status = "not_run" // the run stopped (timeout, crash, limit) before this test started
)

// Result is the outcome of grading a submission. Tests are in the order of the test
// files (public first, then hidden, then performance); Message names the first failure.
type Result struct {
	Lab         string        `json:"lab"`
	Mode        Mode          `json:"mode"`
	Verdict     Verdict       `json:"verdict"`
	Message     string        `json:"message"`
	Diagnostics []Diagnostic  `json:"diagnostics,omitempty"`
	Tests       []TestResult  `json:"tests"`
	Notes       []string      `json:"notes,omitempty"` // things worth knowing that do not change the verdict
	Duration    time.Duration `json:"duration_ns"`
}

// Passed reports whether the submission passed.
func (r *Result) Passed() bool { return r.Verdict == Passed }

// FirstFailure returns the first test that did not pass (fail, or not run), or nil.
func (r *Result) FirstFailure() *TestResult {
	for i := range r.Tests {
		if r.Tests[i].Status == StatusFail {
			return &r.Tests[i]
		}
	}
	return nil
}

// Counts returns how many tests passed, failed and did not run or were skipped.
func (r *Result) Counts() (pass, fail, other int) {
	for _, t := range r.Tests {
		switch t.Status {
		case StatusPass:
			pass++
		case StatusFail:
			fail++
		default:
			other++
		}
	}
	return
}

// Diagnostic is a problem at a place in the candidate's (or a public test) file. Problems
// in hidden files carry File "hidden tests" and no line.
type Diagnostic struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
	Msg  string `json:"msg"`
}

// String formats the diagnostic as file:line:col: message, leaving out what is unknown.
func (d Diagnostic) String() string {
	switch {
	case d.Line > 0 && d.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
	case d.Line > 0:
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Msg)
	case d.File != "":
		return d.File + ": " + d.Msg
	}
	return d.Msg
}

// TestResult is the outcome of one top-level test or performance test. Message is what
// the test reported (t.Error, t.Fatal, a panic, a timeout), subtests prefixed with their
// names; for hidden tests it is shown but their code never is.
type TestResult struct {
	Name     string        `json:"name"`
	Hidden   bool          `json:"hidden,omitempty"`
	Status   Status        `json:"status"`
	Message  string        `json:"message,omitempty"`
	Output   string        `json:"output,omitempty"` // what the code printed and t.Log wrote during the test, capped
	Duration time.Duration `json:"duration_ns"`
	Perf     *PerfResult   `json:"perf,omitempty"`
}

// PerfResult is the measurement behind a performance test: per-operation times of the
// candidate and the reference at each size, timed interleaved in the same child, and the
// two judged figures with their budgets.
type PerfResult struct {
	Sizes          []int           `json:"sizes"`
	CandidatePerOp []time.Duration `json:"candidate_per_op_ns"`
	ReferencePerOp []time.Duration `json:"reference_per_op_ns"`
	Ratio          float64         `json:"ratio"`  // candidate / reference per-op time at the largest size
	Growth         float64         `json:"growth"` // candidate per-op time, largest / smallest size
	// ReferenceGrowth is the reference's growth in the same run; growth is judged net of
	// it (Growth / max(1, ReferenceGrowth) <= MaxGrowth), so machine noise cancels.
	ReferenceGrowth float64       `json:"reference_growth"`
	MaxRatio        float64       `json:"max_ratio"`
	MaxGrowth       float64       `json:"max_growth"`
	Cap             time.Duration `json:"cap_ns"` // the absolute cap for one candidate run (a build or a batch)
}
