package sandbox

import (
	"fmt"
	"runtime"
	"time"

	"github.com/traefik/yaegi/interp"

	"prep/labs"
)

// Performance tests compare the candidate with the reference solution in the same
// child, on the same machine, at the same moment: two interpreters run the lab's
// workload (perf/*.go) against each, interleaved, several rounds, keeping the fastest
// run of each. A noisy shared machine slows both alike, so the judged figures are
// ratios — to the reference at the largest size, and the candidate's own growth from the
// small size to the large — never absolute times.
const (
	perfMinRounds = 3
	perfMaxRounds = 7
	perfBudget    = 2 * time.Second // time one perf test may spend on rounds past the minimum
)

// perf runs the performance tests, or skips them when a functional test failed.
func (r *runner) perf(im *importer, functionalPassed bool) {
	specs := r.job.PerfTests
	if !functionalPassed {
		for _, s := range specs {
			r.perfResult(labs.TestResult{Name: s.Name, Hidden: true, Status: labs.StatusSkip, Perf: budget(s),
				Message: "not run: performance is judged once every functional test passes"})
		}
		return
	}
	cand, err := r.loadWorkload(im, r.job.Candidate, "your code")
	if err != "" {
		r.perfFailAll(specs, err)
		return
	}
	ref, err := r.loadWorkload(im, r.job.Solution, "the reference solution")
	if err != "" {
		r.perfFailAll(specs, "lab error: "+err)
		return
	}
	for _, s := range specs {
		r.perfTest(s, cand[s.Func], ref[s.Func])
	}
}

func (r *runner) perfFailAll(specs []labs.PerfSpec, msg string) {
	for _, s := range specs {
		r.perfResult(labs.TestResult{Name: s.Name, Hidden: true, Status: labs.StatusFail, Perf: budget(s), Message: msg})
	}
}

// budget is a perf result with the budgets and no measurements yet.
func budget(s labs.PerfSpec) *labs.PerfResult {
	return &labs.PerfResult{Sizes: s.Sizes, MaxRatio: s.MaxRatio, MaxGrowth: s.MaxGrowth, Cap: s.Cap}
}

func (r *runner) perfResult(res labs.TestResult) {
	r.em.emit(labs.Event{Kind: labs.EventResult, Result: &res})
}

// loadWorkload interprets code with the lab's perf files and returns its workload
// functions by name, or what went wrong.
func (r *runner) loadWorkload(im *importer, code []labs.JobFile, whose string) (map[string]func(int), string) {
	var files []srcFile
	for _, f := range code {
		files = append(files, srcFile{name: f.Name, src: f.Src, role: roleCode})
	}
	for _, f := range r.job.Perf {
		files = append(files, srcFile{name: f.Name, src: f.Src, role: rolePerf})
		r.roles[f.Name] = rolePerf
	}
	src, lerr := prepare(im, r.job.Package, files)
	var i *interp.Interpreter
	if lerr == nil {
		i, lerr = r.interpret(src, files, "initialising the package for the performance tests")
	}
	if lerr != nil {
		msg := fmt.Sprintf("the performance workload does not load with %s: %s", whose, lerr.msg)
		for _, d := range lerr.diags {
			msg += "\n" + d.String()
		}
		return nil, msg
	}
	out := map[string]func(int){}
	path := "lab/" + r.job.Package
	syms := i.Symbols(path)[path]
	for _, s := range r.job.PerfTests {
		if v, ok := syms[s.Func]; ok && v.IsValid() {
			if fn, ok := v.Interface().(func(int)); ok {
				out[s.Func] = fn
				continue
			}
		}
		return nil, fmt.Sprintf("the performance workload has no func %s(n int)", s.Func)
	}
	return out, ""
}

// perfTest measures one performance test and streams its result.
func (r *runner) perfTest(s labs.PerfSpec, cand, ref func(int)) {
	run := newTest(s.Name).top
	r.running.Store(run)
	defer r.running.Store(nil)
	r.em.emit(labs.Event{Kind: labs.EventStart, Test: s.Name})
	start := time.Now()
	small, large := s.Sizes[0], s.Sizes[len(s.Sizes)-1]
	res := labs.TestResult{Name: s.Name, Hidden: true, Status: labs.StatusFail}
	pr := budget(s)
	res.Perf = pr
	finish := func() {
		res.Duration = time.Since(start)
		run.mu.Lock()
		res.Output = run.output.String()
		run.mu.Unlock()
		r.perfResult(res)
	}

	// One timed measurement of n-sized runs, repeated (see reps) so that a busy machine
	// weighs on every size.
	// A candidate run past the cap cannot be stopped (an interpreted goroutine runs until
	// it returns), so it is reported and the child ends.
	timed := func(fn func(int), n int, capped bool) (d time.Duration, panicMsg string) {
		if capped {
			t := time.AfterFunc(s.Cap, func() {
				r.stop(labs.Failed, fmt.Sprintf("too slow: one run at n=%d took longer than the %v cap", n, s.Cap))
			})
			defer t.Stop()
		}
		defer func() {
			if p := recover(); p != nil {
				panicMsg = fmt.Sprintf("panic at n=%d: %v", n, p)
			}
		}()
		runtime.GC()
		t0 := time.Now()
		for i := 0; i < reps(n, large); i++ {
			fn(n)
		}
		return time.Since(t0), ""
	}
	rate := func(d time.Duration, n int) time.Duration { return perOp(d, n*reps(n, large)) }

	// Warm up both at the small size, and predict the large run from it: per-operation
	// time rarely shrinks with size, so a prediction over the cap is a verdict already.
	cs, msg := timed(cand, small, true)
	if msg != "" {
		res.Message = msg
		finish()
		return
	}
	if _, msg := timed(ref, small, false); msg != "" {
		res.Message = "lab error: the reference solution " + msg
		finish()
		return
	}
	if predicted := rate(cs, small) * time.Duration(large); predicted > s.Cap {
		res.Message = fmt.Sprintf("too slow: at n=%d your code takes %v per operation, so n=%d would take about %v, over the %v cap",
			small, rate(cs, small), large, predicted.Round(time.Millisecond), s.Cap)
		finish()
		return
	}

	best := func(m map[int]time.Duration, n int, d time.Duration) {
		if old, ok := m[n]; !ok || d < old {
			m[n] = d
		}
	}
	cBest, rBest := map[int]time.Duration{}, map[int]time.Duration{}
	deadline := r.start.Add(r.job.Limits.Wall)
	for round := 0; round < perfMaxRounds; round++ {
		spent := time.Since(start)
		if round >= perfMinRounds && spent > perfBudget {
			break
		}
		// Judge on fewer rounds rather than let the wall limit end the run mid-measure.
		if perRound := spent / time.Duration(round+1); round >= 1 && time.Until(deadline) < 2*perRound {
			break
		}
		for _, n := range s.Sizes {
			// Alternate who goes first, so drift in the machine's speed hits both.
			order := []bool{true, false}
			if round%2 == 1 {
				order = []bool{false, true}
			}
			for _, isCand := range order {
				fn := ref
				if isCand {
					fn = cand
				}
				d, msg := timed(fn, n, isCand)
				if msg != "" {
					if !isCand {
						msg = "lab error: the reference solution " + msg
					}
					res.Message = msg
					finish()
					return
				}
				if isCand {
					best(cBest, n, d)
				} else {
					best(rBest, n, d)
				}
			}
		}
		// More rounds only shave noise off the times: a verdict twice over budget stands.
		ratio := float64(rate(cBest[large], large)) / float64(rate(rBest[large], large))
		growth := float64(rate(cBest[large], large)) / float64(rate(cBest[small], small))
		refGrowth := float64(rate(rBest[large], large)) / float64(rate(rBest[small], small))
		if ratio > 2*s.MaxRatio || growth/max(1, refGrowth) > 2*s.MaxGrowth {
			break
		}
	}
	for _, n := range s.Sizes {
		pr.CandidatePerOp = append(pr.CandidatePerOp, rate(cBest[n], n))
		pr.ReferencePerOp = append(pr.ReferencePerOp, rate(rBest[n], n))
	}
	cl, rl := float64(rate(cBest[large], large)), float64(rate(rBest[large], large))
	cs0, rs0 := float64(rate(cBest[small], small)), float64(rate(rBest[small], small))
	pr.Ratio, pr.Growth, pr.ReferenceGrowth = cl/rl, cl/cs0, rl/rs0
	// Growth is judged net of the reference's own growth in the same run: what a loaded
	// machine (caches, collector) adds at the large size, it adds to both.
	net := pr.Growth / max(1, pr.ReferenceGrowth)
	switch {
	case pr.Ratio > s.MaxRatio:
		res.Message = fmt.Sprintf("too slow: at n=%d your code takes %v per operation, the reference %v: %.1f× (budget %.1f×)",
			large, rate(cBest[large], large), rate(rBest[large], large), pr.Ratio, s.MaxRatio)
	case net > s.MaxGrowth:
		res.Message = fmt.Sprintf("per-operation time grows %.1f× from n=%d to n=%d, the reference's %.1f× (budget %.1f× beyond the reference's): the cost of an operation grows with the size — look for a scan or a copy per operation",
			pr.Growth, small, large, pr.ReferenceGrowth, s.MaxGrowth)
	default:
		res.Status = labs.StatusPass
	}
	finish()
}

// perOp is d spread over n operations, at nanosecond resolution.
func perOp(d time.Duration, n int) time.Duration {
	return time.Duration(max(float64(d), 1) / float64(n))
}

// reps is how many runs at size n make a measurement a quarter as long as one at size
// large: long enough that a busy machine weighs on the small size too, short enough to
// keep the rounds affordable (growth is judged net of the reference's anyway).
func reps(n, large int) int { return max(1, large/n/4) }
