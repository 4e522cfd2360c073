package grader

import (
	"os"
	"os/exec"
	"sync"
)

// A child is started before its job is known: the process, its working directory and
// its pipes are made, and the worker blocks reading its job from stdin. The grader keeps
// up to Config.Pool of them waiting, so a grading does not wait for the binary to load
// and its packages to initialise. Each still takes exactly one job and exits: a child is
// never reused, and its limits apply from the moment it reads the job, as before.

// started is a child process waiting for its job, or running it.
type started struct {
	*child
	stdin   *os.File   // the write end of the child's stdin; the job goes here
	events  *os.File   // the read end of the child's event stream (fd 3 there)
	stderr  *capWriter // what the child wrote to stderr
	release func()     // removes the child's working directory
	waited  chan struct{}
	werr    error // cmd.Wait's error, once waited is closed
}

// start starts a child in a fresh working directory and returns it waiting for its
// job.
func (g *Grader) start() (*started, error) {
	dir, release, err := makeWorkDir(g.cfg.TempDir)
	if err != nil {
		return nil, err
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		release()
		return nil, err
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		evR.Close()
		evW.Close()
		release()
		return nil, err
	}
	cmd := exec.Command(g.cfg.Command[0], g.cfg.Command[1:]...)
	cmd.Dir = dir
	cmd.Env = g.cfg.Env
	cmd.Stdin = inR
	stderr := &capWriter{max: maxStderrBytes}
	cmd.Stderr = stderr
	cmd.ExtraFiles = []*os.File{evW} // fd 3 in the child
	cmd.WaitDelay = waitDelay
	setGroup(cmd)
	err = cmd.Start()
	// The child holds the only other ends now: EOF on events comes when it is gone, and
	// a write to stdin fails once it is.
	inR.Close()
	evW.Close()
	if err != nil {
		inW.Close()
		evR.Close()
		release()
		return nil, err
	}
	s := &started{child: &child{cmd: cmd}, stdin: inW, events: evR, stderr: stderr, release: release, waited: make(chan struct{})}
	go func() {
		s.werr = cmd.Wait()
		s.mu.Lock()
		s.exited = true
		s.mu.Unlock()
		close(s.waited)
	}()
	return s, nil
}

// discard kills a child that will not be given a job (or whose job is over) and
// removes what it left.
func (s *started) discard() {
	s.kill()
	<-s.waited
	s.stdin.Close()
	s.events.Close()
	s.release()
}

// hasExited reports whether the child is already gone.
func (s *started) hasExited() bool {
	select {
	case <-s.waited:
		return true
	default:
		return false
	}
}

// pool keeps children waiting for their jobs.
type pool struct {
	g    *Grader
	size int

	mu      sync.Mutex
	idle    []*started
	filling int // children being started for the pool
	closed  bool
	wg      sync.WaitGroup // the goroutines starting children
}

func newPool(g *Grader, size int) *pool {
	p := &pool{g: g, size: max(size, 0)}
	p.fill()
	return p
}

// take returns a waiting child if there is one, else starts one.
func (p *pool) take() (*started, error) {
	for {
		p.mu.Lock()
		var s *started
		if n := len(p.idle); n > 0 {
			s, p.idle = p.idle[n-1], p.idle[:n-1]
		}
		p.mu.Unlock()
		if s == nil {
			return p.g.start()
		}
		if !s.hasExited() {
			return s, nil
		}
		// It died waiting (killed from outside, out of memory): not the job's doing.
		p.g.cfg.Logger.Warn("lab grading: a waiting worker had exited; starting another", "err", s.werr, "stderr", s.stderr.String())
		s.discard()
	}
}

// fill starts children in the background until the pool is full. Gradings call it
// once they end, so a replacement does not take the CPU from the grading it replaces.
func (p *pool) fill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.closed && len(p.idle)+p.filling < p.size {
		p.filling++
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s, err := p.g.start()
			p.mu.Lock()
			p.filling--
			if err == nil && !p.closed {
				p.idle = append(p.idle, s)
				s = nil
			}
			p.mu.Unlock()
			if err != nil {
				p.g.cfg.Logger.Error("lab grading: cannot start a waiting worker", "err", err)
			}
			if s != nil {
				s.discard()
			}
		}()
	}
}

// close stops filling the pool and ends the children waiting in it.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	p.wg.Wait()
	for _, s := range idle {
		s.discard()
	}
}

// Waiting returns how many started children wait for a job now.
func (g *Grader) Waiting() int {
	g.pool.mu.Lock()
	defer g.pool.mu.Unlock()
	return len(g.pool.idle)
}
