package sandbox

import (
	"io"
	"os"
	"sync"

	"prep/labs"
)

// Exit codes of the child. Anything else (2 for a Go runtime fatal error or an
// unrecovered panic, death by signal) is a crash the parent reads from stderr.
const (
	exitDone    = 0 // every planned test ran, or the code did not load (a load event says why)
	exitStopped = 3 // the child stopped itself at a limit (a stop event says which)
	exitBadJob  = 4 // the job could not be read: a grader bug
)

// emitter writes the event stream: one JSON object a line, each line written in one
// call, so that lines never interleave and a kill leaves only whole lines behind.
type emitter struct {
	mu   sync.Mutex
	w    io.Writer
	exit func(int)
}

func (e *emitter) emit(ev labs.Event) {
	b, err := boundEvent(ev)
	if err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(b)
}

// stop writes a last event and ends the process. It keeps the lock, so nothing else is
// written after it: goroutines the candidate left running cannot be stopped, only outlived.
func (e *emitter) stop(ev labs.Event, code int) {
	b, _ := boundEvent(ev)
	e.mu.Lock()
	_, _ = e.w.Write(b)
	if f, ok := e.w.(*os.File); ok {
		_ = f.Sync()
	}
	e.exit(code)
}
