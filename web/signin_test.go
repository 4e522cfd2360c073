package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"prep/store"
)

// TestParallelWrongGuessesAreLimitedBeforeHashing: 40 wrong guesses at once, from one
// address at one account, get at most the burst of password checks; the rest are refused
// before any hashing.
func TestParallelWrongGuessesAreLimitedBeforeHashing(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	var checked atomic.Int32
	real := env.srv.authenticate
	env.srv.authenticate = func(ctx context.Context, name, password string) (store.User, error) {
		checked.Add(1)
		return real(ctx, name, password)
	}
	const guesses = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	start := make(chan struct{})
	for i := 0; i < guesses; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.Post(env.ts.URL+"/login", "application/json", strings.NewReader(`{"name":"ana","password":"guess"}`))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}()
	}
	close(start)
	wg.Wait()
	n := int(checked.Load())
	if n > signinBurst || n == 0 {
		t.Errorf("%d guesses were checked against the hash, want 1..%d", n, signinBurst)
	}
	// Checked guesses are 401; the rest were refused (429) or found every hash slot busy
	// (503, only on a very loaded machine).
	if statuses[401] != n || statuses[401]+statuses[429]+statuses[503] != guesses {
		t.Errorf("statuses %v for %d checked guesses", statuses, n)
	}
}

// TestPasswordHashesAreBounded: no more than signinHashes passwords are checked at once;
// a sign-in that finds no free slot within its wait is answered 503 with Retry-After, and
// the attempt does not count against the client.
func TestPasswordHashesAreBounded(t *testing.T) {
	env := newTestEnv(t)
	env.srv.hashWait = 50 * time.Millisecond
	for i := 0; i < signinHashes; i++ {
		if _, err := env.store.AddUser(context.Background(), "user"+string(rune('a'+i)), "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	real := env.srv.authenticate
	entered, release := make(chan struct{}), make(chan struct{})
	var running, most atomic.Int32
	env.srv.authenticate = func(ctx context.Context, name, password string) (store.User, error) {
		if n := running.Add(1); n > most.Load() {
			most.Store(n)
		}
		entered <- struct{}{}
		<-release
		running.Add(-1)
		return real(ctx, name, "a long enough password")
	}
	post := func(name string) *http.Response {
		t.Helper()
		resp, err := http.Post(env.ts.URL+"/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"x"}`))
		if err != nil {
			t.Error(err)
			return nil
		}
		resp.Body.Close()
		return resp
	}
	var wg sync.WaitGroup
	for i := 0; i < signinHashes; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp := post("user" + string(rune('a'+i))); resp == nil || resp.StatusCode != http.StatusOK {
				t.Errorf("held sign-in: %v", resp)
			}
		}()
		<-entered
	}
	// Every slot is held: the next sign-in waits hashWait, then is turned away.
	resp := post("late")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("sign-in with every hash slot busy: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	close(release)
	wg.Wait()
	if most.Load() > signinHashes {
		t.Errorf("%d hashes ran at once, want at most %d", most.Load(), signinHashes)
	}
	// The turned-away attempt was given back: the address still has its whole burst
	// (the four held sign-ins succeeded and gave theirs back too).
	for i := 0; i < signinBurst; i++ {
		if !env.srv.signins.take("ip:127.0.0.1", signinPerAddress) {
			t.Fatalf("token %d of the address's burst is gone", i+1)
		}
	}
}
