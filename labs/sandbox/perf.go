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
// workload (perf/*.go) against each. A workload is `func F(n int) func() int`: F(n)
// builds a structure of size n (the setup, not judged), and each call of what it
// returns — a batch — does some operations on it and says how many (timed). The older
// form `func F(n int)`, n operations on a structure of size n timed whole, still works.
//
// The figures judged are ratios, never absolute times: the candidate's time per
// operation at the large size over the reference's, and its growth from the small size
// to the large net of the reference's growth measured alongside — a busy machine slows
// both alike. Each time per operation is the fastest of the batches timed, interleaved
// with the reference's and alternating who goes first. Rounds stop as soon as both
// figures are clearly inside or clearly outside their budgets, so a correct submission
// is judged in perfMinRounds rounds; more run while a figure is near its budget, and
// before calling a failure.
//
// The candidate never holds the child for long: its setup and each of its batches must
// finish within a multiple of the reference's (and the lab's absolute cap), or the test
// fails at once with the figures so far. The small size runs first, so code whose cost
// grows with n is stopped before it builds the large structure.
const (
	perfMinRounds = 2
	// perfMinFailRounds: a failure is not called early on fewer rounds — a busy
	// machine can slow every batch of one side in two rounds, never in four.
	perfMinFailRounds = 4
	perfMaxRounds     = 9
	// perfBudget is the time after which no new round starts past the minimum.
	perfBudget = 1500 * time.Millisecond
	// perfMargin: a figure within budget/perfMargin, or over budget×perfMargin, is
	// clear — measuring longer would not change the verdict.
	perfMargin = 1.5
	// The candidate's setup may take perfSetupFactor × max_ratio times the reference's,
	// and a batch perfBatchFactor × max_ratio times the reference's batch just before
	// it, plus perfSlack for a scheduler's hiccup, before the test fails at once.
	perfSetupFactor = 2
	perfBatchFactor = 4
	perfSlack       = 50 * time.Millisecond
)

// workload is a perf function in the batch form.
type workload func(n int) func() int

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
func (r *runner) loadWorkload(im *importer, code []labs.JobFile, whose string) (map[string]workload, string) {
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
	out := map[string]workload{}
	path := "lab/" + r.job.Package
	syms := i.Symbols(path)[path]
	for _, s := range r.job.PerfTests {
		if v, ok := syms[s.Func]; ok && v.IsValid() {
			switch fn := v.Interface().(type) {
			case func(int) func() int:
				out[s.Func] = fn
				continue
			case func(int):
				out[s.Func] = func(n int) func() int { return func() int { fn(n); return n } }
				continue
			}
		}
		return nil, fmt.Sprintf("the performance workload has no func %s(n int) func() int", s.Func)
	}
	return out, ""
}

// perfSide is what is known of one side, candidate or reference.
type perfSide struct {
	work    workload
	batches map[int]func() int    // by size, once set up
	perOp   map[int]time.Duration // the fastest time per operation, by size
	last    map[int]time.Duration // the latest batch's duration, by size
	setup   map[int]time.Duration // by size
	ops     map[int]int           // the latest batch's operations, by size
}

func newSide(w workload) *perfSide {
	return &perfSide{work: w, batches: map[int]func() int{}, perOp: map[int]time.Duration{},
		last: map[int]time.Duration{}, setup: map[int]time.Duration{}, ops: map[int]int{}}
}

// perfRun measures one performance test.
type perfRun struct {
	r         *runner
	spec      labs.PerfSpec
	cand, ref *perfSide
	res       labs.TestResult
	test      *testRun
	start     time.Time
}

// perfTest measures one performance test and streams its result.
func (r *runner) perfTest(s labs.PerfSpec, cand, ref workload) {
	m := &perfRun{r: r, spec: s, cand: newSide(cand), ref: newSide(ref), test: newTest(s.Name).top, start: time.Now(),
		res: labs.TestResult{Name: s.Name, Hidden: true, Status: labs.StatusFail, Perf: budget(s)}}
	r.running.Store(m.test)
	defer r.running.Store(nil)
	r.em.emit(labs.Event{Kind: labs.EventStart, Test: s.Name})
	if m.measure() {
		m.judge()
	}
	m.finish()
}

// measure sets both sides up and times rounds of batches until the verdict is clear.
// It reports false when the test already has its outcome (a panic, a lab error).
func (m *perfRun) measure() bool {
	s := m.spec
	for _, n := range s.Sizes {
		for _, side := range []*perfSide{m.ref, m.cand} {
			if !m.setUp(side, n) {
				return false
			}
		}
	}
	deadline := m.r.start.Add(m.r.job.Limits.Wall)
	for round := 0; round < perfMaxRounds; round++ {
		spent := time.Since(m.start)
		if round >= perfMinRounds && spent > perfBudget {
			break
		}
		// Judge on fewer rounds rather than let the wall limit end the run mid-measure.
		if perRound := spent / time.Duration(round+1); round >= 1 && time.Until(deadline) < 2*perRound {
			break
		}
		for _, n := range s.Sizes {
			order := []*perfSide{m.ref, m.cand}
			if round%2 == 1 {
				order = []*perfSide{m.cand, m.ref}
			}
			for _, side := range order {
				if !m.timeBatch(side, n) {
					return false
				}
			}
		}
		if round+1 >= perfMinRounds && m.clear(round+1) {
			break
		}
	}
	return true
}

// setUp builds side's structure of size n.
func (m *perfRun) setUp(side *perfSide, n int) bool {
	var batch func() int
	limit := time.Duration(0)
	if side == m.cand {
		limit = m.limit(perfSetupFactor, m.ref.setup[n])
	}
	d, msg, over := m.call(limit, func() { batch = side.work(n) })
	switch {
	case over:
		msg := fmt.Sprintf("too slow: building the structure of size n=%d took your code more than %v, the reference %v (budget %.1f× per operation)",
			n, limit.Round(time.Millisecond), m.ref.setup[n].Round(time.Millisecond), m.spec.MaxRatio)
		if n > m.spec.Sizes[0] {
			msg += fmt.Sprintf(", where at n=%d it took %v, the reference %v: the cost of an operation grows with the size — look for a scan or a copy per operation",
				m.spec.Sizes[0], m.cand.setup[m.spec.Sizes[0]].Round(100*time.Microsecond), m.ref.setup[m.spec.Sizes[0]].Round(100*time.Microsecond))
		}
		m.stop(msg)
		return false
	case msg != "":
		m.fail(side, fmt.Sprintf("panic building the structure of size n=%d: %s", n, msg))
		return false
	case batch == nil:
		m.fail(side, fmt.Sprintf("the workload returned no batch at n=%d", n))
		return false
	}
	side.setup[n], side.batches[n] = d, batch
	return true
}

// timeBatch times one batch of side at size n.
func (m *perfRun) timeBatch(side *perfSide, n int) bool {
	var ops int
	limit := time.Duration(0)
	if side == m.cand {
		limit = m.limit(perfBatchFactor, m.ref.last[n])
	}
	d, msg, over := m.call(limit, func() { ops = side.batches[n]() })
	switch {
	case over:
		msg := fmt.Sprintf("too slow: at n=%d your code took more than %v for a batch of %d operations, over %.0f× the reference's %v (budget %.1f× per operation)",
			n, limit.Round(time.Millisecond), m.ref.ops[n], float64(limit)/float64(m.ref.last[n]), m.ref.last[n].Round(100*time.Microsecond), m.spec.MaxRatio)
		if n > m.spec.Sizes[0] {
			msg += fmt.Sprintf(", where at n=%d it took %v per operation, the reference %v: the cost of an operation grows with the size — look for a scan or a copy per operation",
				m.spec.Sizes[0], m.cand.perOp[m.spec.Sizes[0]], m.ref.perOp[m.spec.Sizes[0]])
		}
		m.stop(msg)
		return false
	case msg != "":
		m.fail(side, fmt.Sprintf("panic at n=%d: %s", n, msg))
		return false
	}
	side.last[n], side.ops[n] = d, ops
	if op := perOp(d, max(ops, 1)); side.perOp[n] == 0 || op < side.perOp[n] {
		side.perOp[n] = op
	}
	return true
}

// limit is how long a candidate's run may take given the reference's: factor ×
// max_ratio times as long plus slack, and never over the lab's cap.
func (m *perfRun) limit(factor float64, ref time.Duration) time.Duration {
	return min(time.Duration(factor*m.spec.MaxRatio*float64(ref))+perfSlack, m.spec.Cap)
}

// call runs f after a collection (so none lands in the measurement) and times it. With
// a limit, it gives up waiting after it and reports over; the run goes on, since an
// interpreted goroutine cannot be stopped — the caller ends the child.
func (m *perfRun) call(limit time.Duration, f func()) (d time.Duration, panicMsg string, over bool) {
	runtime.GC()
	type outcome struct {
		d   time.Duration
		msg string
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o.msg = fmt.Sprint(p)
			}
			done <- o
		}()
		t0 := time.Now()
		f()
		o.d = time.Since(t0)
	}()
	var timeout <-chan time.Time
	if limit > 0 {
		t := time.NewTimer(limit)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case o := <-done:
		return o.d, o.msg, false
	case <-timeout:
		return limit, "", true
	}
}

// figures returns the judged figures from the fastest batches so far.
func (m *perfRun) figures() (ratio, growth, refGrowth, net float64) {
	small, large := m.spec.Sizes[0], m.spec.Sizes[len(m.spec.Sizes)-1]
	cl, rl := float64(m.cand.perOp[large]), float64(m.ref.perOp[large])
	cs, rs := float64(m.cand.perOp[small]), float64(m.ref.perOp[small])
	ratio, growth, refGrowth = cl/rl, cl/cs, rl/rs
	// Growth is judged net of the reference's own growth in the same run: what a
	// loaded machine (caches, collector) adds at the large size, it adds to both.
	return ratio, growth, refGrowth, growth / max(1, refGrowth)
}

// clear reports whether, after rounds rounds, more would not change the verdict: both
// figures well inside their budgets, or (after perfMinFailRounds) one far outside.
func (m *perfRun) clear(rounds int) bool {
	ratio, _, _, net := m.figures()
	s := m.spec
	if ratio <= s.MaxRatio/perfMargin && net <= s.MaxGrowth/perfMargin {
		return true
	}
	return rounds >= perfMinFailRounds && (ratio > s.MaxRatio*perfMargin || net > s.MaxGrowth*perfMargin)
}

// judge records the figures and the verdict.
func (m *perfRun) judge() {
	s := m.spec
	small, large := s.Sizes[0], s.Sizes[len(s.Sizes)-1]
	m.record()
	pr := m.res.Perf
	net := pr.Growth / max(1, pr.ReferenceGrowth)
	switch {
	case pr.Ratio > s.MaxRatio:
		m.res.Message = fmt.Sprintf("too slow: at n=%d your code takes %v per operation, the reference %v: %.1f× (budget %.1f×)",
			large, m.cand.perOp[large], m.ref.perOp[large], pr.Ratio, s.MaxRatio)
	case net > s.MaxGrowth:
		m.res.Message = fmt.Sprintf("per-operation time grows %.1f× from n=%d to n=%d, the reference's %.1f× (budget %.1f× beyond the reference's): the cost of an operation grows with the size — look for a scan or a copy per operation",
			pr.Growth, small, large, pr.ReferenceGrowth, s.MaxGrowth)
	default:
		m.res.Status = labs.StatusPass
	}
}

// record puts the figures measured so far in the result.
func (m *perfRun) record() {
	pr := m.res.Perf
	pr.CandidatePerOp, pr.ReferencePerOp = nil, nil
	for _, n := range m.spec.Sizes {
		pr.CandidatePerOp = append(pr.CandidatePerOp, m.cand.perOp[n])
		pr.ReferencePerOp = append(pr.ReferencePerOp, m.ref.perOp[n])
	}
	small, large := m.spec.Sizes[0], m.spec.Sizes[len(m.spec.Sizes)-1]
	if m.cand.perOp[large] > 0 && m.ref.perOp[large] > 0 && m.cand.perOp[small] > 0 && m.ref.perOp[small] > 0 {
		pr.Ratio, pr.Growth, pr.ReferenceGrowth, _ = m.figures()
	}
}

// fail ends the test with msg, about side.
func (m *perfRun) fail(side *perfSide, msg string) {
	if side == m.ref {
		msg = "lab error: the reference solution: " + msg
	}
	m.res.Message = msg
}

// stop fails the test at once, while the candidate's run goes on: the result with the
// figures so far, then the end of the child.
func (m *perfRun) stop(msg string) {
	m.res.Message = msg
	m.record()
	m.finish()
	m.r.stop(labs.Failed, msg)
}

// finish streams the result.
func (m *perfRun) finish() {
	m.res.Duration = time.Since(m.start)
	m.test.mu.Lock()
	m.res.Output = m.test.output.String()
	m.test.mu.Unlock()
	m.r.perfResult(m.res)
}

// perOp is d spread over n operations, at nanosecond resolution.
func perOp(d time.Duration, n int) time.Duration {
	return time.Duration(max(float64(d), 1) / float64(n))
}
