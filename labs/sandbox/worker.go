// Package sandbox is the child side of the lab grader: it interprets a submission with
// yaegi and runs its tests, in a process of its own that the grader (labs/grader)
// starts, limits and reads. It is the only package of prep that imports yaegi.
//
// The interpreter is the second wall, not the first: it offers only the allowed
// standard packages (labs.AllowedImports) and reads source only from memory, but the
// child process — its own process group, empty environment, fresh working directory,
// kernel limits, killed by the parent on time — is what keeps hostile code from the
// server.
package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"prep/labs"
)

// maxJobBytes bounds the job read from stdin: sources are capped far below it.
const maxJobBytes = 8 << 20

// Main runs the child: it reads a labs.Job from stdin, grades it and writes labs.Event
// lines to events. It never returns normally: it exits the process, since goroutines
// the candidate left running can only be outlived. cmd/prep calls it in its hidden
// worker mode; tests call it from TestMain.
func Main(stdin io.Reader, events io.Writer) {
	em := &emitter{w: events, exit: os.Exit}
	var job labs.Job
	if err := json.NewDecoder(io.LimitReader(stdin, maxJobBytes)).Decode(&job); err != nil {
		fmt.Fprintf(os.Stderr, "prep worker: bad job: %v\n", err)
		os.Exit(exitBadJob)
	}
	job.Limits = job.Limits.Clamp()
	// The type checker and the interpreter's compiler recurse over the syntax tree: give
	// them room until the candidate's code starts to run.
	debug.SetMaxStack(256 << 20)
	setProcessLimits(job.Limits.MemoryMB)
	debug.SetMemoryLimit(int64(job.Limits.MemoryMB) << 20)
	r := &runner{job: &job, em: em, start: time.Now(), roles: map[string]role{}}
	r.out = &stdoutSink{r: r, limit: job.Limits.OutputKB << 10}
	go r.watchdog()
	r.run()
	em.stop(labs.Event{Kind: labs.EventDone}, exitDone)
}

// runner grades one job.
type runner struct {
	job   *labs.Job
	em    *emitter
	start time.Time
	roles map[string]role // file name -> role, for frames
	out   *stdoutSink

	running   atomic.Pointer[testRun] // the test running now, nil between tests
	compiling atomic.Bool             // prepare is running: the compile limits apply
}

func (r *runner) current() *testRun { return r.running.Load() }

// stop ends the run at a limit, naming the test that was running.
func (r *runner) stop(v labs.Verdict, msg string) {
	name := ""
	if run := r.current(); run != nil {
		name = run.name
	}
	r.em.stop(labs.Event{Kind: labs.EventStop, Verdict: v, Test: name, Message: msg}, exitStopped)
}
