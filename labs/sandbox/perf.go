package sandbox

import (
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
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
// to the large net of the reference's growth measured alongside. Each batch is timed
// by CPU time (threadCPU, see call), not the wall clock: other gradings and other
// processes on the machine delay a batch but do not add to the CPU it uses, so they
// cannot move a verdict. What a loaded machine still adds (caches another process
// filled while a batch was preempted) makes some batches slower, never faster, so each
// time per operation is the fastest of many short batches, interleaved with the
// reference's and alternating who goes first. (Preempted batches are not set aside:
// measured, they were no slower than the others.) A batch during which a garbage
// collection ran is kept only if no other one exists.
//
// Rounds stop as soon as the verdict is certain: both figures inside their budgets, or
// one outside, by more than the measurements' own spread (the gap between the fastest
// and the second-fastest batch of each series, which is what another batch could still
// change). A correct submission is judged in perfMinRounds rounds; more run only while
// a figure is within the spread of its budget.
//
// The candidate never holds the child for long: its setup and each of its batches must
// finish within a multiple of the reference's CPU time (and the lab's absolute cap, by
// the wall clock), or the test fails at once with the figures so far. The small size runs first,
// so code whose cost grows with n is stopped before it builds the large structure.
const (
	perfMinRounds = 2
	// perfMinFailRounds: a failure is called on six samples of each series at least,
	// so that a few batches slowed together (a burst of load filling the caches) cannot
	// decide it; batches are short, so that costs little.
	perfMinFailRounds = 6
	// perfMaxRounds: batches are short (under a millisecond interpreted), so that on a
	// loaded machine enough of them run on warm caches.
	perfMaxRounds = 24
	// perfBudget is the time after which no new round starts past perfMinFailRounds.
	perfBudget = 1500 * time.Millisecond
	// perfPrecision is the least relative uncertainty assumed of a fastest batch, even
	// when two batches agree exactly: a verdict is certain once each figure is inside
	// (or outside) its budget by this much and by the measured spread.
	perfPrecision = 0.05
	// The candidate's setup may take perfSetupFactor × max_ratio times the reference's,
	// and a batch perfBatchFactor × max_ratio times the reference's batch just before
	// it, plus perfSlack (a collection of the whole heap can land in one), in CPU time,
	// before the test fails at once.
	perfSetupFactor = 2
	perfBatchFactor = 4
	perfSlack       = 100 * time.Millisecond
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
	perOp   map[int]time.Duration // the fastest CPU time per operation, by size
	second  map[int]time.Duration // the second fastest, by size (0 until there is one)
	gcBest  map[int]time.Duration // the fastest of the batches a collection ran in
	last    map[int]time.Duration // the latest batch's CPU time, all threads, by size
	setup   map[int]time.Duration // CPU time, all threads, by size
	ops     map[int]int           // the latest batch's operations, by size
}

func newSide(w workload) *perfSide {
	return &perfSide{work: w, batches: map[int]func() int{}, perOp: map[int]time.Duration{},
		second: map[int]time.Duration{}, gcBest: map[int]time.Duration{},
		last: map[int]time.Duration{}, setup: map[int]time.Duration{}, ops: map[int]int{}}
}

// add records one batch's CPU time per operation at size n.
func (s *perfSide) add(n int, op time.Duration, gc bool) {
	if gc {
		if s.gcBest[n] == 0 || op < s.gcBest[n] {
			s.gcBest[n] = op
		}
		return
	}
	switch {
	case s.perOp[n] == 0:
		s.perOp[n] = op
	case op < s.perOp[n]:
		s.perOp[n], s.second[n] = op, s.perOp[n]
	case s.second[n] == 0 || op < s.second[n]:
		s.second[n] = op
	}
}

// best is the fastest time per operation at size n, batches without a collection first.
func (s *perfSide) best(n int) time.Duration {
	if s.perOp[n] > 0 {
		return s.perOp[n]
	}
	return s.gcBest[n]
}

// spread is how much another batch could still lower the best at size n, relative to
// it: the gap to the second fastest batch, or +Inf without two batches free of a
// collection.
func (s *perfSide) spread(n int) float64 {
	if s.perOp[n] == 0 || s.second[n] == 0 {
		return math.Inf(1)
	}
	return float64(s.second[n]-s.perOp[n]) / float64(s.perOp[n])
}

// perfRun measures one performance test.
type perfRun struct {
	r         *runner
	spec      labs.PerfSpec
	cand, ref *perfSide
	res       labs.TestResult
	test      *testRun
	start     time.Time
	rounds    int
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

// measure sets both sides up and times rounds of batches until the verdict is certain.
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
	// One collection after the setups, rather than one before each batch: the batches
	// allocate little, and a batch a collection lands in is told apart (perfSide.add).
	runtime.GC()
	deadline := m.r.start.Add(m.r.job.Limits.Wall)
	for round := 0; round < perfMaxRounds; round++ {
		spent := time.Since(m.start)
		if round >= perfMinFailRounds && spent > perfBudget {
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
		m.rounds = round + 1
		if m.rounds >= perfMinRounds && m.certain() {
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
	d, _, _, msg, over := m.call(limit, func() { batch = side.work(n) })
	switch {
	case over:
		msg := fmt.Sprintf("too slow: building the structure of size n=%d took your code more than %v of %s, the lab's reference solution %v (budget %.1f× per operation)",
			n, limit.Round(time.Millisecond), cpuClock, m.ref.setup[n].Round(time.Millisecond), m.spec.MaxRatio)
		if small := m.spec.Sizes[0]; n > small {
			msg += fmt.Sprintf(", where at n=%d it took %v, the reference %v: your build grows more than %.0f× from n=%d to n=%d, the reference's %.0f× — look for a scan or a copy per operation",
				small, m.cand.setup[small].Round(100*time.Microsecond), m.ref.setup[small].Round(100*time.Microsecond),
				float64(limit)/float64(m.cand.setup[small]), small, n, float64(m.ref.setup[n])/float64(m.ref.setup[small]))
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
	proc, cpu, gc, msg, over := m.call(limit, func() { ops = side.batches[n]() })
	switch {
	case over:
		msg := fmt.Sprintf("too slow: at n=%d your code took more than %v of %s for a batch of %d operations, over %.0f× the lab's reference solution's %v (budget %.1f× per operation)",
			n, limit.Round(time.Millisecond), cpuClock, m.ref.ops[n], float64(limit)/float64(m.ref.last[n]), m.ref.last[n].Round(100*time.Microsecond), m.spec.MaxRatio)
		if small := m.spec.Sizes[0]; n > small {
			msg += fmt.Sprintf(", where at n=%d it took %v per operation, the reference %v: your time per operation grows at least %.0f× from n=%d to n=%d, the reference's %.1f× — look for a scan or a copy per operation",
				small, m.cand.best(small), m.ref.best(small),
				float64(perOp(limit, max(m.ref.ops[n], 1)))/float64(m.cand.best(small)), small, n,
				float64(m.ref.best(n))/float64(m.ref.best(small)))
		}
		m.stop(msg)
		return false
	case msg != "":
		m.fail(side, fmt.Sprintf("panic at n=%d: %s", n, msg))
		return false
	}
	side.last[n], side.ops[n] = proc, ops
	side.add(n, perOp(cpu, max(ops, 1)), gc)
	return true
}

// limit is how long a candidate's run may take given the reference's: factor ×
// max_ratio times as long plus slack, and never over the lab's cap.
func (m *perfRun) limit(factor float64, ref time.Duration) time.Duration {
	return min(time.Duration(factor*m.spec.MaxRatio*float64(ref))+perfSlack, m.spec.Cap)
}

// gcCycles is the runtime's count of completed collections, cheap to read.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// call runs f and measures it: the child's CPU time, all threads (for the limits, which
// compare it with the reference's in the same terms: a collection's workers count on
// both sides), the CPU time of f's thread (for the verdict) and whether a collection
// ran meanwhile. With a limit, it gives up
// waiting once f has used that much CPU time, or the wall clock reaches the lab's cap,
// and reports over; the run goes on, since an interpreted goroutine cannot be stopped —
// the caller ends the child. The limit is on CPU time so that a loaded machine, which
// delays f without making it use more, does not stop a correct candidate.
func (m *perfRun) call(limit time.Duration, f func()) (proc, cpu time.Duration, gc bool, panicMsg string, over bool) {
	type outcome struct {
		proc, cpu time.Duration
		gc        bool
		msg       string
	}
	done := make(chan outcome, 1)
	c0, t0 := processCPU(), time.Now()
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o.msg = fmt.Sprint(p)
			}
			done <- o
		}()
		// The batch runs on a thread of its own, timed by that thread's CPU clock: the
		// collector's workers on other threads are not counted. Work the code hands to
		// goroutines of its own is: when the whole child used much more CPU than this
		// thread, with no collection meanwhile, the child's figure counts.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		g0, p0, c0 := gcCycles(), processCPU(), threadCPU()
		f()
		o.proc, o.cpu, o.gc = processCPU()-p0, threadCPU()-c0, gcCycles() != g0
		if !o.gc && o.proc > 2*o.cpu+time.Millisecond/2 {
			o.cpu = o.proc
		}
	}()
	if limit <= 0 {
		o := <-done
		return o.proc, o.cpu, o.gc, o.msg, false
	}
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		select {
		case o := <-done:
			return o.proc, o.cpu, o.gc, o.msg, false
		case <-t.C:
			used, waited := processCPU()-c0, time.Since(t0)
			if used >= limit || waited >= m.spec.Cap {
				return used, used, false, "", true
			}
			t.Reset(min(limit-used, m.spec.Cap-waited))
		}
	}
}

// figures returns the judged figures from the fastest batches so far.
func (m *perfRun) figures() (ratio, growth, refGrowth, net float64) {
	small, large := m.spec.Sizes[0], m.spec.Sizes[len(m.spec.Sizes)-1]
	cl, rl := float64(m.cand.best(large)), float64(m.ref.best(large))
	cs, rs := float64(m.cand.best(small)), float64(m.ref.best(small))
	ratio, growth, refGrowth = cl/rl, cl/cs, rl/rs
	// Growth is judged net of the reference's own growth in the same run: what the
	// large size costs any solution (caches, the collector), it costs both.
	return ratio, growth, refGrowth, growth / max(1, refGrowth)
}

// uncertainty is the relative error each judged figure may still carry: the largest
// spread of the four series (each figure is a quotient of two of them, so twice it),
// and never less than perfPrecision.
func (m *perfRun) uncertainty() float64 {
	u := 0.0
	for _, n := range []int{m.spec.Sizes[0], m.spec.Sizes[len(m.spec.Sizes)-1]} {
		u = max(u, m.cand.spread(n), m.ref.spread(n))
	}
	return max(perfPrecision, 2*u)
}

// certain reports whether more rounds could not change the verdict: both figures inside
// their budgets, or (after perfMinFailRounds) one outside, by more than their
// uncertainty.
func (m *perfRun) certain() bool {
	ratio, _, _, net := m.figures()
	s, k := m.spec, 1+m.uncertainty()
	if ratio*k <= s.MaxRatio && net*k <= s.MaxGrowth {
		return true
	}
	return m.rounds >= perfMinFailRounds && (ratio > s.MaxRatio*k || net > s.MaxGrowth*k)
}

// judge records the figures and the verdict.
func (m *perfRun) judge() {
	s := m.spec
	small, large := s.Sizes[0], s.Sizes[len(s.Sizes)-1]
	m.record()
	pr := m.res.Perf
	net := pr.Growth / max(1, pr.ReferenceGrowth)
	if pr.Ratio <= s.MaxRatio && net <= s.MaxGrowth {
		m.res.Status = labs.StatusPass
		return
	}
	// Both figures, whichever failed: a ratio alone does not say whether the code is
	// slow by a constant or slower the larger the structure.
	what := "the cost of an operation grows with the size — look for a scan or a copy per operation"
	if net <= s.MaxGrowth {
		what = "it grows no faster than the reference's, so the cost is a constant factor: look for work repeated in every operation"
	}
	m.res.Message = fmt.Sprintf("too slow: at n=%d your code takes %v of %s per operation, the lab's reference solution %v (measured alongside, in the same process): %.1f× (budget %.1f×); "+
		"from n=%d to n=%d your time per operation grows %.1f×, the reference's %.1f× (budget %.1f× beyond the reference's): %s",
		large, m.cand.best(large), cpuClock, m.ref.best(large), pr.Ratio, s.MaxRatio,
		small, large, pr.Growth, pr.ReferenceGrowth, s.MaxGrowth, what)
}

// record puts the figures measured so far in the result.
func (m *perfRun) record() {
	pr := m.res.Perf
	pr.CandidatePerOp, pr.ReferencePerOp = nil, nil
	for _, n := range m.spec.Sizes {
		pr.CandidatePerOp = append(pr.CandidatePerOp, m.cand.best(n))
		pr.ReferencePerOp = append(pr.ReferencePerOp, m.ref.best(n))
	}
	small, large := m.spec.Sizes[0], m.spec.Sizes[len(m.spec.Sizes)-1]
	if m.cand.best(large) > 0 && m.ref.best(large) > 0 && m.cand.best(small) > 0 && m.ref.best(small) > 0 {
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
