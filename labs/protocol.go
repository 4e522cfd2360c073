package labs

import (
	"fmt"
	"sort"
	"strings"

	"prep"
)

// Job is what the grader sends its sandboxed child on stdin: everything needed to grade
// one submission, and nothing more. The reference solution is included only when
// performance tests will run, and hidden tests only in ModeSubmit. Scratch holds the
// candidate's own test files, only in ModeRun: they run after the public tests and are
// never part of a submission.
type Job struct {
	Lab       string     `json:"lab"`
	Package   string     `json:"package"`
	Mode      Mode       `json:"mode"`
	Candidate []JobFile  `json:"candidate"`
	Public    []JobFile  `json:"public"`
	Scratch   []JobFile  `json:"scratch,omitempty"`
	Hidden    []JobFile  `json:"hidden,omitempty"`
	Perf      []JobFile  `json:"perf,omitempty"`
	Solution  []JobFile  `json:"solution,omitempty"`
	PerfTests []PerfSpec `json:"perf_tests,omitempty"`
	Limits    Limits     `json:"limits"`
}

// JobFile is one Go file of a job.
type JobFile struct {
	Name string `json:"name"`
	Src  string `json:"src"`
}

// EventKind names an event of the child's stream.
type EventKind string

// The events a child writes, one JSON object a line, as they happen, so that a child
// killed mid-run still leaves the results it had.
const (
	EventPlan   EventKind = "plan"   // the code compiled; Tests lists every test about to run, in order
	EventLoad   EventKind = "load"   // the code did not load: Verdict (compile_error, unsupported, forbidden_import), Message, Diagnostics
	EventStart  EventKind = "start"  // Test is starting
	EventResult EventKind = "result" // Result is a finished test
	EventFrame  EventKind = "frame"  // Message is a frame ("lru.go:12 in Get") of a panic unwinding through the candidate's code
	EventStop   EventKind = "stop"   // the child stops early: Verdict (timeout, memory_limit, output_limit, crash), Test running, Message
	EventNote   EventKind = "note"   // Message is a note for the result
	EventDone   EventKind = "done"   // every planned test ran
)

// Event is one line of the child's stream.
type Event struct {
	Kind        EventKind     `json:"e"`
	Test        string        `json:"test,omitempty"`
	Tests       []PlannedTest `json:"tests,omitempty"`
	Result      *TestResult   `json:"result,omitempty"`
	Verdict     Verdict       `json:"verdict,omitempty"`
	Message     string        `json:"msg,omitempty"`
	Diagnostics []Diagnostic  `json:"diags,omitempty"`
}

// PlannedTest is one test the child is about to run.
type PlannedTest struct {
	Name   string `json:"name"`
	Hidden bool   `json:"hidden,omitempty"`
	Perf   bool   `json:"perf,omitempty"`
}

// MaxEventBytes bounds one line of the child's stream; the parent drops longer lines. The
// child keeps messages and outputs well under it.
const MaxEventBytes = 256 << 10

// NewJob checks a submission (files by name) against lab and returns the job that grades
// it in mode. A submission is the lab's non-test files: at most MaxSourceFiles files of at
// most MaxSourceBytes in total, named like Go files, not clashing with the lab's tests,
// built on every system (no GOOS/GOARCH suffix, no build constraint: BuildConstraint).
// In ModeRun it may also hold the candidate's own *_test.go files (the job's Scratch);
// a submit never does, so the candidate's tests cannot change what Submit grades.
// Problems come back as an Invalid prep error the candidate can act on.
func NewJob(lab *Lab, files map[string]string, mode Mode) (*Job, error) {
	const op = "labs.NewJob"
	if mode != ModeRun && mode != ModeSubmit {
		return nil, prep.Errorf(prep.Invalid, op, "unknown mode %q (run or submit)", mode)
	}
	if len(files) == 0 {
		return nil, prep.Errorf(prep.Invalid, op, "no files submitted (submit %s)", strings.Join(lab.StarterNames(), ", "))
	}
	if len(files) > MaxSourceFiles {
		return nil, prep.Errorf(prep.Invalid, op, "%d files submitted; the limit is %d", len(files), MaxSourceFiles)
	}
	taken := map[string]bool{}
	for _, group := range [][]File{lab.Public, lab.Hidden, lab.Perf} {
		for _, f := range group {
			taken[f.Name] = true
		}
	}
	size := 0
	names := make([]string, 0, len(files))
	for name, src := range files {
		switch {
		case !goNameRE.MatchString(name):
			return nil, prep.Errorf(prep.Invalid, op, "bad file name %q (letters, digits and _ ending in .go, e.g. %s)", name, lab.StarterNames()[0])
		case taken[name] || strings.HasPrefix(name, "zz_prep_"):
			return nil, prep.Errorf(prep.Invalid, op, "%s clashes with a file of the lab or the grader; rename it", name)
		case strings.HasSuffix(name, "_test.go") && mode != ModeRun:
			return nil, prep.Errorf(prep.Invalid, op, "%s is a test file; your own tests run with Run only: submit only your code (%s)", name, strings.Join(lab.StarterNames(), ", "))
		}
		if why := BuildConstraint(name, src); why != "" {
			return nil, prep.Errorf(prep.Invalid, op, "%s: %s; labs build every file on every system: rename it (e.g. %s) and remove build constraints", name, why, lab.StarterNames()[0])
		}
		size += len(src)
		names = append(names, name)
	}
	if size > MaxSourceBytes {
		return nil, prep.Errorf(prep.Invalid, op, "your files total %d KiB; the limit is %d KiB", (size+1023)/1024, MaxSourceBytes>>10)
	}
	sort.Strings(names)
	job := &Job{Lab: lab.Slug, Package: lab.Package, Mode: mode, Limits: lab.Limits.Clamp(), Public: jobFiles(lab.Public)}
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			job.Scratch = append(job.Scratch, JobFile{Name: n, Src: files[n]})
		} else {
			job.Candidate = append(job.Candidate, JobFile{Name: n, Src: files[n]})
		}
	}
	if len(job.Candidate) == 0 {
		return nil, prep.Errorf(prep.Invalid, op, "only test files submitted; send your code too (%s)", strings.Join(lab.StarterNames(), ", "))
	}
	if mode == ModeSubmit {
		job.Hidden = jobFiles(lab.Hidden)
		if len(lab.PerfTests) > 0 {
			job.Perf, job.Solution, job.PerfTests = jobFiles(lab.Perf), jobFiles(lab.Solution), lab.PerfTests
		}
	}
	return job, nil
}

func jobFiles(fs []File) []JobFile {
	out := make([]JobFile, len(fs))
	for i, f := range fs {
		out[i] = JobFile{Name: f.Name, Src: f.Src}
	}
	return out
}

// String names the job for logs, without its sources.
func (j *Job) String() string {
	return fmt.Sprintf("job %s (%s, %d candidate files)", j.Lab, j.Mode, len(j.Candidate))
}
