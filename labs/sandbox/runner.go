package sandbox

import (
	"fmt"
	"io/fs"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/traefik/yaegi/interp"

	"prep/labs"
)

// watchdogEvery is how often the watchdog looks at the heap and the clock: often
// enough to catch an 8 GiB allocation loop within a few MiB of the limit's overshoot.
const watchdogEvery = 5 * time.Millisecond

// watchdog stops the run when the heap passes the memory limit or the run its wall
// time. Go's soft memory limit (set in Main) makes the collector work hard near the
// limit; this is what ends a run that keeps its memory live.
func (r *runner) watchdog() {
	limit := uint64(r.job.Limits.MemoryMB) << 20
	compileLimit := min(limit, uint64(labs.CompileMemoryMB)<<20)
	deadline := r.start.Add(r.job.Limits.Wall)
	// Heap objects, and goroutine stacks: a goroutine bomb grows only the latter.
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/memory/classes/os-stacks:bytes"},
	}
	tick := time.NewTicker(watchdogEvery)
	for now := range tick.C {
		metrics.Read(samples)
		var used uint64
		for _, s := range samples {
			if s.Value.Kind() == metrics.KindUint64 {
				used += s.Value.Uint64()
			}
		}
		if r.compiling.Load() && used > compileLimit {
			r.compileTooCostly(fmt.Sprintf("your code takes too much memory to compile (over %d MiB)", compileLimit>>20))
		}
		if used > limit {
			r.stop(labs.MemoryLimit, fmt.Sprintf("memory limit exceeded: your code's memory reached %d MiB; this lab allows %d MiB", used>>20, r.job.Limits.MemoryMB))
		}
		if now.After(deadline) {
			r.stop(labs.Timeout, fmt.Sprintf("the run took longer than the %v this lab allows in all", r.job.Limits.Wall))
		}
	}
}

// run grades the job: prepare and load the package, run every test in order, then the
// performance tests.
func (r *runner) run() {
	r.hookPanics()
	j := r.job
	var files []srcFile
	add := func(fs []labs.JobFile, ro role) {
		for _, f := range fs {
			files = append(files, srcFile{name: f.Name, src: f.Src, role: ro})
			r.roles[f.Name] = ro
		}
	}
	add(j.Candidate, roleCode)
	add(j.Public, rolePublic)
	add(j.Scratch, rolePublic) // the candidate's own tests: shown to them like the public ones
	add(j.Hidden, roleHidden)
	r.roles[helperFile] = roleGenerated

	im := newImporter(typeExports(), typeSources())
	tests, lerr := r.load(im, files)
	if lerr != nil {
		r.em.emit(labs.Event{Kind: labs.EventLoad, Verdict: lerr.verdict, Message: lerr.msg, Diagnostics: lerr.diags})
		return
	}
	var plan []labs.PlannedTest
	for _, t := range tests {
		plan = append(plan, labs.PlannedTest{Name: t.name, Hidden: t.hidden})
	}
	for _, p := range j.PerfTests {
		plan = append(plan, labs.PlannedTest{Name: p.Name, Hidden: true, Perf: true})
	}
	r.em.emit(labs.Event{Kind: labs.EventPlan, Tests: plan})
	passed := true
	for _, t := range tests {
		res := r.runTest(t)
		passed = passed && res.Status != labs.StatusFail
	}
	if len(j.PerfTests) > 0 {
		r.perf(im, passed)
	}
}

// loadedTest is a test function ready to run.
type loadedTest struct {
	name   string
	hidden bool
	fn     func(*T)
}

// load checks, rewrites and interprets the package with its tests and returns the test
// functions in the order of the test files. Package initialisation runs here, under
// the per-test time limit.
func (r *runner) load(im *importer, files []srcFile) ([]loadedTest, *loadError) {
	src, lerr := r.compile(func() (map[string]string, *loadError) { return prepare(im, r.job.Package, files) })
	if lerr != nil {
		return nil, lerr
	}
	i, lerr := r.interpret(src, files, "initialising your package (package-level variables and init functions)")
	if lerr != nil {
		return nil, lerr
	}
	path := "lab/" + r.job.Package
	syms := i.Symbols(path)[path]
	var tests []loadedTest
	for _, group := range []struct {
		files  []labs.JobFile
		hidden bool
	}{{r.job.Public, false}, {r.job.Scratch, false}, {r.job.Hidden, true}} {
		for _, name := range labs.TestNames(toFiles(group.files)) {
			var fn func(*T)
			if v, ok := syms[name]; ok && v.IsValid() {
				fn, _ = v.Interface().(func(*T))
			}
			if fn == nil {
				return nil, &loadError{verdict: labs.CompileError, msg: "test " + name + " did not load"}
			}
			tests = append(tests, loadedTest{name: name, hidden: group.hidden, fn: fn})
		}
	}
	return tests, nil
}

// compile runs prepare (parsing, type checks, rewrite) under the compile limits: past
// labs.CompileLimit, or past the compile memory limit (see watchdog), the run ends with
// an unsupported verdict saying the code takes too long to compile. go/types cannot be
// interrupted, so the child reports and exits while it is still working.
func (r *runner) compile(prepare func() (map[string]string, *loadError)) (map[string]string, *loadError) {
	type out struct {
		src  map[string]string
		lerr *loadError
	}
	done := make(chan out, 1)
	r.compiling.Store(true)
	defer r.compiling.Store(false)
	go func() {
		src, lerr := prepare()
		done <- out{src, lerr}
	}()
	timer := time.NewTimer(labs.CompileLimit)
	defer timer.Stop()
	select {
	case o := <-done:
		return o.src, o.lerr
	case <-timer.C:
		r.compileTooCostly(fmt.Sprintf("your code takes too long to compile (over %v)", labs.CompileLimit))
		return nil, nil // not reached: compileTooCostly exits
	}
}

// compileTooCostly ends the run while the code is being compiled, with a hint.
func (r *runner) compileTooCostly(what string) {
	r.em.stop(labs.Event{Kind: labs.EventLoad, Verdict: labs.Unsupported,
		Message: what + ": a type whose checking grows exponentially — struct types nested many levels deep, each holding several of the one before — or huge constant expressions or literals; simplify them"}, exitDone)
}

// interpret loads prepared sources (name -> source) into a new interpreter as package
// lab/<package>. It recovers the interpreter's own panics (its bugs) and bounds the
// time package initialisation may take.
func (r *runner) interpret(src map[string]string, files []srcFile, what string) (i *interp.Interpreter, lerr *loadError) {
	mfs := fstest.MapFS{}
	for name, s := range src {
		mfs["src/lab/"+r.job.Package+"/"+name] = &fstest.MapFile{Data: []byte(s)}
	}
	i, err := newInterpreter(fs.FS(mfs), r.out, &stderrSink{r: r})
	if err != nil {
		return nil, &loadError{verdict: labs.Unsupported, msg: "the grader's interpreter failed to start: " + err.Error()}
	}
	// From here on the candidate's code runs: hold its stack to the limit that turns
	// runaway recursion into a quick, recognisable crash.
	debug.SetMaxStack(labs.MaxStackBytes)
	timer := time.AfterFunc(r.job.Limits.Test, func() {
		r.stop(labs.Timeout, fmt.Sprintf("%s took longer than %v: an infinite loop or a very slow computation", what, r.job.Limits.Test))
	})
	defer timer.Stop()
	// Package initialisation runs the code: its panics unwind through frames, which the
	// stderr sink keeps with this pseudo-test.
	run := newTest("init").top
	r.running.Store(run)
	defer r.running.Store(nil)
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		run.mu.Lock()
		frames := run.frames
		run.mu.Unlock()
		if len(frames) == 0 {
			lerr = &loadError{verdict: labs.Unsupported, msg: fmt.Sprintf("the grader's interpreter failed on your code (%v); write the construct differently", p)}
			return
		}
		lerr = &loadError{verdict: labs.Crash, msg: fmt.Sprintf("panic while initialising the package: %s\n\tat %s", panicValue(p), strings.Join(frames, "\n\tat "))}
	}()
	if err := i.EvalTest("lab/" + r.job.Package); err != nil {
		return nil, r.interpError(err, files, src)
	}
	return i, nil
}

// yaegiErrRE matches the interpreter's "path:line:col: message" errors.
var yaegiErrRE = regexp.MustCompile(`^(?:.*/)?([^/:]+\.go):(\d+):(\d+): (.*)$`)

// interpError turns an error the interpreter reports after go/types accepted the code:
// valid Go it cannot handle, hence Unsupported rather than a compile error.
func (r *runner) interpError(err error, files []srcFile, src map[string]string) *loadError {
	p := newPkgState(r.job.Package, files)
	msg := strings.SplitN(err.Error(), "\n", 2)[0]
	d := labs.Diagnostic{Msg: msg}
	if m := yaegiErrRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		text := m[4]
		if m[1] == helperFile {
			text = "in the helper the grader generated for " + helperPurpose(src[helperFile], line) + " in your code: " + text
		}
		d = p.diagAt(m[1], line, col, text)
	}
	return &loadError{verdict: labs.Unsupported, diags: []labs.Diagnostic{d},
		msg: "the grader's interpreter cannot run this valid Go (a limit of the interpreter, not a mistake of yours); write the construct differently"}
}

// runTest runs one top-level test under the per-test time limit and streams its result.
func (r *runner) runTest(lt loadedTest) labs.TestResult {
	t := newTest(lt.name)
	r.running.Store(t.top)
	r.em.emit(labs.Event{Kind: labs.EventStart, Test: lt.name})
	before := runtime.NumGoroutine()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.run(lt.fn)
	}()
	timer := time.NewTimer(r.job.Limits.Test)
	select {
	case <-done:
		timer.Stop()
	case <-timer.C:
		r.stop(labs.Timeout, fmt.Sprintf("%s did not finish within %v: an infinite loop, a deadlock (a lock never released, a channel nobody sends on) or code far slower than needed", lt.name, r.job.Limits.Test))
	}
	res := labs.TestResult{Name: lt.name, Hidden: lt.hidden, Duration: time.Since(start), Status: labs.StatusPass}
	switch {
	case t.Failed():
		res.Status = labs.StatusFail
	case t.Skipped():
		res.Status = labs.StatusSkip
	}
	t.top.mu.Lock()
	res.Message, res.Output = t.top.messages.String(), t.top.output.String()
	t.top.mu.Unlock()
	if res.Status == labs.StatusFail && res.Message == "" {
		res.Message = "failed (t.Fail or t.FailNow without a message)"
	}
	r.em.emit(labs.Event{Kind: labs.EventResult, Result: &res})
	r.leaks(lt.name, before)
	r.running.Store(nil)
	return res
}

// leaks notes goroutines a test left running. It does not fail the test — go test would
// not — but a goroutine spinning after its test skews everything timed after it.
func (r *runner) leaks(name string, before int) {
	deadline := time.Now().Add(50 * time.Millisecond)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if n := runtime.NumGoroutine() - before; n > 0 {
		r.em.emit(labs.Event{Kind: labs.EventNote, Test: name,
			Message: fmt.Sprintf("%s left %d goroutine(s) running after it returned; stop every goroutine you start (a Close method, a done channel)", name, n)})
	}
}

func toFiles(fs []labs.JobFile) []labs.File {
	out := make([]labs.File, len(fs))
	for i, f := range fs {
		out[i] = labs.File{Name: f.Name, Src: f.Src}
	}
	return out
}
