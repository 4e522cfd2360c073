package grader

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"prep/labs"
)

// TestPerfSoak (opt-in: PREP_PERF_SOAK=1, runs PREP_PERF_SOAK_RUNS, default 100) grades,
// for every lab with performance tests, its reference, every correct fixture and every
// wrong fixture that only a timing budget can catch (one whose functional tests all
// pass: an O(n) operation), over and over, on a grader with one worker per CPU and all
// of them submitted at once (gradings overlapping, as the server runs them), with
// PREP_PERF_SOAK_BURNERS (default 2) CPU-burning processes alongside. Each correct one
// must pass its performance tests every time, each O(n) one fail them every time. It
// prints the counts:
//
//	PREP_PERF_SOAK=1 go test ./labs/grader -run TestPerfSoak -v -timeout 60m
func TestPerfSoak(t *testing.T) {
	if os.Getenv("PREP_PERF_SOAK") != "1" {
		t.Skip("opt-in: PREP_PERF_SOAK=1 (and PREP_PERF_SOAK_RUNS, PREP_PERF_SOAK_BURNERS)")
	}
	runs := envInt(t, "PREP_PERF_SOAK_RUNS", 100)
	burners := envInt(t, "PREP_PERF_SOAK_BURNERS", 2)
	for i := 0; i < burners; i++ {
		burn := exec.Command("sh", "-c", "while :; do :; done")
		if err := burn.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { burn.Process.Kill(); burn.Wait() })
	}

	type subject struct {
		lab      *labs.Lab
		name     string
		code     map[string]string
		correct  bool
		perfPass int // gradings whose performance tests all passed
		notRun   int // gradings stopped before their performance tests (a functional test's time limit)
		verdict  int // gradings whose verdict was passed
		figures  []string
	}
	var subjects []*subject
	g := newTestGrader(t, Config{Workers: runtime.NumCPU(), QueueSize: 1000})
	for _, lab := range allLabs(t) {
		if len(lab.PerfTests) == 0 {
			continue
		}
		subjects = append(subjects, &subject{lab: lab, name: "reference", code: labs.Files(lab.Solution), correct: true})
		for _, fx := range lab.Fixtures {
			s := &subject{lab: lab, name: fx.Name, code: lab.Submission(fx), correct: !fx.Wrong}
			if fx.Wrong {
				// Only the wrong fixtures that every functional test passes are the
				// performance tests' to catch.
				res, err := g.Grade(context.Background(), lab, s.code, labs.ModeSubmit)
				if err != nil {
					t.Fatal(err)
				}
				if !functionalPassed(res) {
					continue
				}
			}
			subjects = append(subjects, s)
		}
	}
	start := time.Now()
	var mu sync.Mutex
	for run := 0; run < runs; run++ {
		var wg sync.WaitGroup
		for _, s := range subjects {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := g.Grade(context.Background(), s.lab, s.code, labs.ModeSubmit)
				if err != nil {
					t.Error(err)
					return
				}
				pass, ran, fig, msg := perfOutcome(res)
				mu.Lock()
				defer mu.Unlock()
				if pass {
					s.perfPass++
				} else if ran == 0 {
					s.notRun++
				}
				if res.Verdict == labs.Passed {
					s.verdict++
				}
				// Keep a few figures, and every unexpected outcome with its message.
				if pass != s.correct {
					s.figures = append(s.figures, fig+" "+msg[:min(len(msg), 240)])
				} else if len(s.figures) < 3 {
					s.figures = append(s.figures, fig)
				}
			}()
		}
		wg.Wait()
		if (run+1)%10 == 0 {
			t.Logf("%d runs done in %v", run+1, time.Since(start).Round(time.Second))
		}
	}
	t.Logf("%d runs of %d gradings in %v, %d at once (one worker per CPU, %d CPUs), %d CPU burners alongside",
		runs, len(subjects), time.Since(start).Round(time.Second), runtime.NumCPU(), runtime.NumCPU(), burners)
	sort.SliceStable(subjects, func(i, j int) bool { return subjects[i].correct && !subjects[j].correct })
	for _, s := range subjects {
		want, got := "pass", s.perfPass
		if !s.correct {
			want, got = "fail", runs-s.perfPass-s.notRun
		}
		t.Logf("%s/%s: performance tests %s %d/%d, not run %d (verdict passed %d/%d); figures %v", s.lab.Slug, s.name, want, got, runs, s.notRun, s.verdict, runs, s.figures)
		// A grading stopped before its performance tests (a functional test over its
		// wall-clock limit on the loaded machine) is counted apart: it says nothing of
		// the performance verdict.
		if got+s.notRun != runs {
			t.Errorf("%s/%s: performance tests %s only %d of %d times (%d not run)", s.lab.Slug, s.name, want, got, runs, s.notRun)
		}
		if !s.correct && s.verdict > 0 {
			t.Errorf("%s/%s: a wrong solution passed %d of %d times", s.lab.Slug, s.name, s.verdict, runs)
		}
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}

// functionalPassed reports whether every test other than the performance tests passed.
func functionalPassed(res *labs.Result) bool {
	for _, tr := range res.Tests {
		if tr.Perf == nil && tr.Status != labs.StatusPass {
			return false
		}
	}
	return true
}

// perfOutcome reports whether every performance test passed, how many ran, their
// figures, and the first failure's message.
func perfOutcome(res *labs.Result) (pass bool, ran int, figures, msg string) {
	pass = true
	for _, tr := range res.Tests {
		if tr.Perf == nil {
			continue
		}
		if tr.Status == labs.StatusPass || tr.Status == labs.StatusFail {
			ran++
		}
		figures += fmt.Sprintf("[%s ratio %.2f growth %.2f ref %.2f]", tr.Status, tr.Perf.Ratio, tr.Perf.Growth, tr.Perf.ReferenceGrowth)
		if tr.Status != labs.StatusPass && pass {
			pass, msg = false, tr.Message
		}
	}
	if ran == 0 {
		return false, 0, figures, res.Message
	}
	return pass, ran, figures, msg
}
