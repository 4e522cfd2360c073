package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"prep/labs"
)

// gate is a fake grader whose gradings block until the test releases them; it reports
// each grading as it starts, by the name in its submission.
type gate struct {
	started chan string
	mu      sync.Mutex
	release map[string]chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan string, 16), release: map[string]chan struct{}{}}
}

func (g *gate) ch(name string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.release[name] == nil {
		g.release[name] = make(chan struct{})
	}
	return g.release[name]
}

func (g *gate) grade(ctx context.Context, lab *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error) {
	name := files["lru.go"]
	g.started <- name
	select {
	case <-g.ch(name):
		return passed(lab, mode), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestGradingQuota: slow gradings of anonymous clients — several from one address, and
// from a second address — cannot make a signed-in user's Run wait behind them; what
// exceeds a client's share waits in order, and what exceeds its waiting allowance is
// refused with 429 and Retry-After.
func TestGradingQuota(t *testing.T) {
	g := newGate()
	env := newFakeGradingEnv(t, 2, g.grade)
	ana, err := env.store.AddUser(context.Background(), "ana", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	session, err := env.store.CreateSession(context.Background(), ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code  int
		retry string
		body  string
	}
	answers := map[string]chan answer{}
	// run sends a Run named name from addr (signed in as ana when cookie is set).
	run := func(name, addr string, signedIn bool) {
		req := httptest.NewRequest(http.MethodPost, "/api/labs/lru/runs", strings.NewReader(`{"files":{"lru.go":"`+name+`"}}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr + ":40000"
		if signedIn {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		}
		done := make(chan answer, 1)
		answers[name] = done
		go func() {
			rec := httptest.NewRecorder()
			env.srv.Handler().ServeHTTP(rec, req)
			done <- answer{rec.Code, rec.Header().Get("Retry-After"), rec.Body.String()}
		}()
	}
	// waitFor blocks until the quota's state shows want (a poll, not a time limit: the
	// test's own deadline ends a hang).
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if got := env.srv.quota.String(); strings.Contains(got, want) {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("quota state %q, want it to contain %q", got, want)
			}
		}
	}
	started := func(want string) {
		t.Helper()
		select {
		case got := <-g.started:
			if got != want {
				t.Fatalf("grading %s started, want %s", got, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("grading %s never started; quota %s", want, env.srv.quota)
		}
	}
	finish := func(name string, code int) answer {
		t.Helper()
		close(g.ch(name))
		a := <-answers[name]
		if a.code != code {
			t.Fatalf("%s: %d %s, want %d", name, a.code, a.body, code)
		}
		return a
	}

	const a, b = "203.0.113.1", "203.0.113.2"
	run("a1", a, false)
	started("a1")
	run("a2", a, false) // a's share (1 of 2 workers) is running: waits
	waitFor("waiting [ip:203.0.113.1]")
	run("b1", b, false) // anonymous clients together have their half: waits
	waitFor("waiting [ip:203.0.113.1 ip:203.0.113.2]")
	run("a3", a, false)
	waitFor("waiting [ip:203.0.113.1 ip:203.0.113.2 ip:203.0.113.1]")
	run("a4", a, false) // a has its share running and 2 waiting: refused
	if ans := <-answers["a4"]; ans.code != http.StatusTooManyRequests || ans.retry == "" || !strings.Contains(ans.body, "your share of this server's graders") {
		t.Errorf("a4: %d, Retry-After %q, %s; want 429 with Retry-After", ans.code, ans.retry, ans.body)
	}
	// The lab page's Run button is refused alike.
	form := httptest.NewRequest(http.MethodPost, "/labs/lru/run", strings.NewReader("file:lru.go=package+lru"))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form.Header.Set("Sec-Fetch-Site", "same-origin")
	form.RemoteAddr = a + ":40001"
	rec := httptest.NewRecorder()
	env.srv.Handler().ServeHTTP(rec, form)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "your share of this server") {
		t.Errorf("form run over the quota: %d, Retry-After %q\n%.3000s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	// ana's Run starts at once, ahead of every anonymous grading waiting.
	run("u1", a, true)
	started("u1")
	finish("u1", 200)
	// Freed workers go to the waiting gradings in order, each client within its share.
	finish("a1", 200)
	started("a2")
	finish("a2", 200)
	started("b1")
	finish("b1", 200)
	started("a3")
	finish("a3", 200)
	waitFor("running map[] (anonymous 0), waiting []")
}

// TestGradingQuotaOffline: without accounts every client is anonymous but no class
// limit applies; two addresses each get their share, a third waits.
func TestGradingQuotaOffline(t *testing.T) {
	q := newGradingQuota(2, 0)
	ctx := context.Background()
	r1, err := q.acquire(ctx, "ip:a", false)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := q.acquire(ctx, "ip:b", false)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := q.acquire(ctx, "ip:c", false)
		if r != nil {
			r()
		}
		got <- err
	}()
	for !strings.Contains(q.String(), "waiting [ip:c]") {
		time.Sleep(time.Millisecond)
	}
	r1()
	r1() // a second release changes nothing
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	r2()
	if s := q.String(); s != "running map[] (anonymous 0), waiting []" {
		t.Errorf("after every release: %s", s)
	}
	// A waiting grading whose request ends leaves the queue.
	r1, _ = q.acquire(ctx, "ip:a", false)
	short, cancel := context.WithCancel(ctx)
	go func() {
		for !strings.Contains(q.String(), "waiting [ip:a]") {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, err := q.acquire(short, "ip:a", false); err == nil {
		t.Fatal("a cancelled wait succeeded")
	}
	r1()
	if s := q.String(); s != "running map[] (anonymous 0), waiting []" {
		t.Errorf("after a cancelled wait: %s", s)
	}
}
