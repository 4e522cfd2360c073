package web

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs"
)

// gradingWaitsPerClient is how many of one client's gradings may wait for a worker
// while its share is busy; past it the client is told to wait (429).
const gradingWaitsPerClient = 2

// gradingQuota shares the grader's workers between clients, so that one client — one
// account, or one address for those not signed in — cannot hold every worker with slow
// submissions while others wait. A client runs at most half the workers at once (at
// least one), and, once accounts exist, everyone not signed in shares that same half
// together: anonymous addresses are cheap to come by, so a signed-in user always finds
// the other half free of them. Gradings beyond a client's share wait in arrival order,
// a few per client and the grader's queue size in all, and a freed worker goes to the first waiting
// grading whose client is within its share.
type gradingQuota struct {
	workers, share, maxWaiting int

	mu      sync.Mutex
	total   int            // gradings running
	running map[string]int // by client
	anon    int            // gradings running for clients not signed in
	queue   []*gradingTicket
	avg     time.Duration // moving average of a grading's duration, for Retry-After
}

// gradingTicket is one grading waiting for a worker.
type gradingTicket struct {
	client string
	anon   bool
	ready  chan struct{} // closed when admitted
}

// newGradingQuota shares workers (runtime.NumCPU() when 0) with at most queue gradings
// waiting (4 × workers when 0).
func newGradingQuota(workers, queue int) *gradingQuota {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	if queue <= 0 {
		queue = 4 * workers
	}
	return &gradingQuota{workers: workers, share: max(1, workers/2), maxWaiting: queue,
		running: map[string]int{}, avg: 2 * time.Second}
}

// gradeInTurn grades files for c's client when its quota lets it, within the grading
// routes' own time limit (timeouts.grade), which the connection's deadlines are moved
// to first.
func (s *Server) gradeInTurn(c echo.Context, l *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error) {
	s.extendDeadlines(c, s.timeouts.grade)
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.timeouts.grade)
	defer cancel()
	client, anon := gradingClient(c)
	release, err := s.quota.acquire(ctx, client, anon)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.grader.Grade(ctx, l, files, mode)
}

// gradingClient says whose quota a grading counts against: the account when signed in,
// otherwise the client address (an IPv6 client's /64, which one host usually has all
// of), and whether it is an anonymous client of a server that has accounts.
func gradingClient(c echo.Context) (client string, anon bool) {
	signIn, _ := c.Get("signInMode").(bool)
	if u, ok := currentUser(c); ok && signIn {
		return "user:" + strconv.FormatInt(u.ID, 10), false
	}
	ip := c.RealIP()
	if a, err := netip.ParseAddr(ip); err == nil && a.Unmap().Is6() {
		p, _ := a.Prefix(64)
		ip = p.String()
	}
	return "ip:" + ip, signIn
}

// canRun reports whether a grading of client may start now. Called with q.mu held.
func (q *gradingQuota) canRun(client string, anon bool) bool {
	return q.total < q.workers && q.running[client] < q.share && (!anon || q.anon < q.share)
}

// start counts a grading of client as running. Called with q.mu held.
func (q *gradingQuota) start(client string, anon bool) {
	q.total++
	q.running[client]++
	if anon {
		q.anon++
	}
}

// acquire waits until a grading of client may run, and returns the function that ends
// it. It fails at once with a TooMany error (with Retry-After) when the client already
// has its share running and gradingWaitsPerClient waiting, or the whole queue is full.
func (q *gradingQuota) acquire(ctx context.Context, client string, anon bool) (release func(), err error) {
	const op = "lab"
	q.mu.Lock()
	if q.canRun(client, anon) {
		q.start(client, anon)
		q.mu.Unlock()
		return q.releaser(client, anon), nil
	}
	waiting := 0
	for _, t := range q.queue {
		if t.client == client {
			waiting++
		}
	}
	if waiting >= gradingWaitsPerClient {
		wait := q.retryAfter(1)
		q.mu.Unlock()
		return nil, &retryError{prep.Errorf(prep.TooMany, op,
			"you already have %d gradings running and %d waiting, your share of this server's graders; wait for them to finish, then try again (in about %d s)",
			q.running[client], waiting, wait), wait}
	}
	if len(q.queue) >= q.maxWaiting {
		wait := q.retryAfter(len(q.queue)/q.workers + 1)
		q.mu.Unlock()
		return nil, &retryError{prep.Errorf(prep.TooMany, op, "the grader is busy with other submissions; try again in %d s", wait), wait}
	}
	t := &gradingTicket{client: client, anon: anon, ready: make(chan struct{})}
	q.queue = append(q.queue, t)
	q.mu.Unlock()
	select {
	case <-t.ready:
		return q.releaser(client, anon), nil
	case <-ctx.Done():
		q.mu.Lock()
		defer q.mu.Unlock()
		select {
		case <-t.ready: // admitted just now: hand the worker on
			q.end(client, anon, 0)
		default:
			for i, w := range q.queue {
				if w == t {
					q.queue = append(q.queue[:i], q.queue[i+1:]...)
					break
				}
			}
		}
		wait := q.retryAfter(len(q.queue)/q.workers + 1)
		return nil, &retryError{prep.Errorf(prep.Unavailable, op, "no grader became free in time (%v); try again in %d s", ctx.Err(), wait), wait}
	}
}

// releaser returns the function that ends a running grading of client, once.
func (q *gradingQuota) releaser(client string, anon bool) func() {
	start := time.Now()
	var once sync.Once
	return func() {
		once.Do(func() {
			q.mu.Lock()
			defer q.mu.Unlock()
			q.end(client, anon, time.Since(start))
		})
	}
}

// end counts a grading of client as done and gives its worker to the first waiting
// gradings that may run. Called with q.mu held.
func (q *gradingQuota) end(client string, anon bool, took time.Duration) {
	q.total--
	if q.running[client]--; q.running[client] == 0 {
		delete(q.running, client)
	}
	if anon {
		q.anon--
	}
	if took > 0 {
		q.avg = (q.avg*7 + took) / 8
	}
	for i := 0; i < len(q.queue); {
		t := q.queue[i]
		if !q.canRun(t.client, t.anon) {
			i++
			continue
		}
		q.start(t.client, t.anon)
		close(t.ready)
		q.queue = append(q.queue[:i], q.queue[i+1:]...)
	}
}

// retryAfter is a fair guess, in seconds, of when rounds of gradings will have
// finished. Called with q.mu held.
func (q *gradingQuota) retryAfter(rounds int) int {
	return int(min(time.Minute, max(time.Second, q.avg*time.Duration(rounds))).Round(time.Second) / time.Second)
}

// String describes the quota's state, for tests and logs: running per client, then
// the waiting clients in order.
func (q *gradingQuota) String() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var waiting []string
	for _, t := range q.queue {
		waiting = append(waiting, t.client)
	}
	return fmt.Sprintf("running %v (anonymous %d), waiting %v", q.running, q.anon, waiting)
}
