package grader

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"sync"
	"time"

	"prep/labs"
)

// Bounds on what the parent reads from a child, whatever the child does.
const (
	// startGrace is added to the lab's wall limit before the parent kills the child: the
	// child's own watchdog reports the timeout first, naming the test; the kill is the
	// backstop for a child that cannot.
	startGrace = 2 * time.Second
	// maxStreamBytes and maxEvents bound the whole event stream.
	maxStreamBytes = 16 << 20
	maxEvents      = 20000
	// maxStderrBytes is how much of the child's stderr is kept: the Go runtime's fatal
	// error text comes first, goroutine dumps after.
	maxStderrBytes = 64 << 10
	// waitDelay bounds the wait for the child's pipes to close after it exits.
	waitDelay = time.Second
)

// child is one running worker process.
type child struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	killed bool // by the parent, for time or shutdown
	exited bool // reaped: its process group id may be reused, so no more kills
}

// kill ends the child's whole process group.
func (c *child) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exited {
		return
	}
	c.killed = true
	killGroup(c.cmd)
}

func (c *child) wasKilled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.killed
}

// outcome is everything a child left behind.
type outcome struct {
	events   []labs.Event
	dropped  int // stream lines over MaxEventBytes, or past the stream's bounds
	stderr   string
	exitCode int  // -1 when killed by a signal
	killed   bool // by the parent's wall-time kill
	wall     time.Duration
	elapsed  time.Duration
}

// run grades job in a fresh child and assembles its result.
func (g *Grader) run(ctx context.Context, job *labs.Job) (*labs.Result, error) {
	out, err := g.spawn(ctx, job)
	if err != nil {
		return nil, err
	}
	res, problem := assemble(job, out)
	if problem != "" {
		g.cfg.Logger.Error("lab grading: untrustworthy worker report", "lab", job.Lab, "mode", job.Mode, "problem", problem)
	}
	return res, nil
}

// spawn runs job in a child (one waiting in the pool, or a fresh one) to its end and
// collects what it left. The wall limit and the duration count from the moment the
// child is given its job.
func (g *Grader) spawn(ctx context.Context, job *labs.Job) (*outcome, error) {
	in, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	defer g.pool.fill()
	s, err := g.pool.take()
	if err != nil {
		return nil, err
	}
	defer s.discard()
	c := s.child
	g.mu.Lock()
	g.running[c] = true
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.running, c)
		g.mu.Unlock()
	}()

	start := time.Now()
	wall := job.Limits.Clamp().Wall
	timer := time.AfterFunc(wall+startGrace, c.kill)
	defer timer.Stop()
	stopCtx := context.AfterFunc(ctx, c.kill)
	defer stopCtx()

	out := &outcome{wall: wall}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		out.events, out.dropped = readEvents(s.events)
	}()
	// The child reads the whole job before anything else; one that stops reading is
	// killed by the timer above, which ends the write. A write that fails because the
	// child is gone is ignored, as exec does: its exit and stderr say what happened.
	_, _ = s.stdin.Write(in)
	s.stdin.Close()
	<-s.waited
	select {
	case <-readDone:
	case <-time.After(waitDelay):
		s.events.Close() // a descendant holding the pipe open cannot keep us here
		<-readDone
	}
	out.elapsed = time.Since(start)
	out.stderr = s.stderr.String()
	out.killed = c.wasKilled()
	out.exitCode = c.cmd.ProcessState.ExitCode()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exitErr *exec.ExitError
	if werr := s.werr; werr != nil && !errors.As(werr, &exitErr) && !errors.Is(werr, exec.ErrWaitDelay) {
		return nil, werr
	}
	return out, nil
}

// readEvents reads the child's stream: JSON lines, each at most labs.MaxEventBytes.
// Longer lines, undecodable lines and lines past the stream's bounds are dropped and
// counted, and the stream is drained to its end so the child never blocks on it.
func readEvents(r io.Reader) (events []labs.Event, dropped int) {
	br := bufio.NewReaderSize(r, labs.MaxEventBytes)
	total := 0
	for {
		line, err := br.ReadSlice('\n')
		total += len(line)
		if errors.Is(err, bufio.ErrBufferFull) {
			dropped++
			for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of the line
				line, err = br.ReadSlice('\n')
				total += len(line)
			}
			if err != nil {
				return events, dropped
			}
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			var ev labs.Event
			if total > maxStreamBytes || len(events) >= maxEvents || json.Unmarshal(line, &ev) != nil {
				dropped++
			} else {
				events = append(events, ev)
			}
		}
		if err != nil {
			return events, dropped
		}
	}
}

// capWriter keeps the first max bytes written to it and discards the rest.
type capWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (w *capWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
