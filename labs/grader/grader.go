// Package grader is the parent side of lab grading: it runs each submission in a fresh
// child process (the prep binary re-executed in its worker mode, see labs/sandbox),
// enforces the wall-time limit by killing the child's process group, reads the child's
// result stream defensively and turns it — with the child's exit and stderr — into a
// labs.Result. A bounded queue in front keeps the machine from drowning: when it is full,
// Grade fails fast with a TooMany error carrying a retry-after.
//
// Nothing a child does can hang or crash the parent: every read is bounded, every wait
// has a deadline, and untrusted code never runs in this process.
package grader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"prep"
	"prep/labs"
)

// Config configures a Grader.
type Config struct {
	// Command starts a worker: the prep binary and its hidden worker argument, e.g.
	// []string{os.Args[0], "__worker"}. Required.
	Command []string
	// Env is the child's whole environment; nil means an empty one. Tests use it to
	// switch their own binary into worker mode.
	Env []string
	// Workers is how many children may run at once (default runtime.NumCPU()).
	Workers int
	// QueueSize is how many gradings may wait for a worker (default 4 × Workers); past
	// it Grade returns a TooMany error at once.
	QueueSize int
	// TempDir is where each child's fresh working directory is made (default os.TempDir()).
	TempDir string
	// Pool is how many started children wait for their job, so a grading does not
	// wait for one to start (0: none, each grading starts its own). Each takes one job
	// and exits, like any other.
	Pool int
	// Logger receives internal failures (a worker that could not start, a stream the
	// parent could not read); nil discards them.
	Logger *slog.Logger
}

// Grader grades submissions in child processes. It is safe for concurrent use.
type Grader struct {
	cfg  Config
	sem  chan struct{}
	stop chan struct{} // closed by Shutdown: waiting gradings give up
	wg   sync.WaitGroup

	mu      sync.Mutex
	waiting int
	closed  bool
	avg     time.Duration // moving average of a grading's duration, for retry-after
	running map[*child]bool
	pool    *pool
}

// BusyError is the cause of the TooMany error Grade returns when the queue is full.
type BusyError struct {
	RetryAfter time.Duration // a fair guess of when a slot frees up
}

// Error describes the full queue for logs; users see the TooMany error wrapping it.
func (e *BusyError) Error() string { return fmt.Sprintf("grader busy; retry after %v", e.RetryAfter) }

// RetryAfter returns how long to wait before retrying a grading that failed with err,
// and whether err was a full queue at all.
func RetryAfter(err error) (time.Duration, bool) {
	var b *BusyError
	if errors.As(err, &b) {
		return b.RetryAfter, true
	}
	return 0, false
}

// New returns a Grader. It first removes the working directories a grader killed before
// it could clean up left in TempDir (those no live grader holds).
func New(cfg Config) (*Grader, error) {
	if len(cfg.Command) == 0 {
		return nil, prep.Wrap("grader.New", errors.New("no worker command"))
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 4 * cfg.Workers
	}
	if cfg.Env == nil {
		cfg.Env = []string{}
	}
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if n := removeStaleWorkDirs(cfg.TempDir); n > 0 {
		cfg.Logger.Info("removed working directories a killed grader left behind", "dir", cfg.TempDir, "count", n)
	}
	g := &Grader{cfg: cfg, sem: make(chan struct{}, cfg.Workers), stop: make(chan struct{}),
		avg: time.Second, running: map[*child]bool{}}
	g.pool = newPool(g, cfg.Pool)
	return g, nil
}

// Grade grades files (the candidate's files by name) against lab in mode. A result is
// returned for anything the candidate's code did — compile errors, crashes and timeouts
// included. The error is for everything else: an Invalid submission (too large, bad
// file names), a full queue (TooMany, see RetryAfter), a grader shutting down
// (Unavailable), ctx's end, or an internal failure.
func (g *Grader) Grade(ctx context.Context, lab *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error) {
	const op = "grader.Grade"
	job, err := labs.NewJob(lab, files, mode)
	if err != nil {
		return nil, err
	}
	if err := g.acquire(ctx); err != nil {
		return nil, err
	}
	defer g.release()
	start := time.Now()
	res, err := g.run(ctx, job)
	g.observe(time.Since(start))
	g.mu.Lock()
	closed := g.closed
	g.mu.Unlock()
	if closed && err == nil && res.Verdict == labs.Timeout {
		// Killed by Shutdown, not by its own time limit: not the candidate's doing.
		return nil, prep.Errorf(prep.Unavailable, op, "the grader shut down while grading; submit again")
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		g.cfg.Logger.Error("lab grading failed", "lab", lab.Slug, "mode", mode, "err", err)
		return nil, prep.Wrap(op, err)
	}
	return res, nil
}

// acquire waits for a worker slot, or fails at once if the queue is full.
func (g *Grader) acquire(ctx context.Context) error {
	const op = "grader.Grade"
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return prep.Errorf(prep.Unavailable, op, "the grader is shutting down; try again shortly")
	}
	select {
	case g.sem <- struct{}{}:
		g.wg.Add(1)
		g.mu.Unlock()
		return nil
	default:
	}
	if g.waiting >= g.cfg.QueueSize {
		wait := g.retryAfter()
		g.mu.Unlock()
		return &prep.Error{Kind: prep.TooMany, Op: op, Err: &BusyError{RetryAfter: wait},
			Msg: fmt.Sprintf("the grader is busy with other submissions; try again in %d s", int(wait.Seconds()+0.5))}
	}
	g.waiting++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
	}()
	select {
	case g.sem <- struct{}{}:
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.closed {
			<-g.sem
			return prep.Errorf(prep.Unavailable, op, "the grader is shutting down; try again shortly")
		}
		g.wg.Add(1)
		return nil
	case <-g.stop:
		return prep.Errorf(prep.Unavailable, op, "the grader is shutting down; try again shortly")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Grader) release() {
	<-g.sem
	g.wg.Done()
}

// observe folds a grading's duration into the moving average.
func (g *Grader) observe(d time.Duration) {
	g.mu.Lock()
	g.avg = (g.avg*7 + d) / 8
	g.mu.Unlock()
}

// retryAfter estimates when a queue slot frees: the queue ahead drains Workers at a
// time. Called with g.mu held.
func (g *Grader) retryAfter() time.Duration {
	d := g.avg * time.Duration(g.waiting/g.cfg.Workers+1)
	return max(time.Second, min(d, time.Minute)).Round(time.Second)
}

// Shutdown stops accepting gradings and waits for those running to finish; when ctx
// ends first it kills them and returns ctx's error.
func (g *Grader) Shutdown(ctx context.Context) error {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.stop)
	}
	g.mu.Unlock()
	g.pool.close()
	done := make(chan struct{})
	go func() {
		g.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		for c := range g.running {
			c.kill()
		}
		g.mu.Unlock()
		<-done
		return ctx.Err()
	}
}

// Close kills running gradings and returns once they are gone.
func (g *Grader) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
