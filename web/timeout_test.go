package web

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"prep/labs"
)

// serveReal runs env's server on a real listener with timeouts t and returns its URL.
func serveReal(t *testing.T, env *testEnv, to timeouts) string {
	t.Helper()
	env.srv.timeouts = to
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- env.srv.Serve(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-addrc:
		return "http://" + a
	case err := <-done:
		t.Fatal(err)
	}
	return ""
}

// shortTimeouts are far shorter than the server's, so a test sees them pass.
var shortTimeouts = timeouts{readHeader: 300 * time.Millisecond, read: 300 * time.Millisecond, write: 600 * time.Millisecond,
	idle: time.Second, request: 300 * time.Millisecond, grade: 10 * time.Second, importRead: time.Second}

// TestSlowBodiesAreCutOff: a client that trickles its body, or never finishes its
// headers, is disconnected by the server; it does not hold a connection for ever.
func TestSlowBodiesAreCutOff(t *testing.T) {
	env := newTestEnv(t)
	base := serveReal(t, env, shortTimeouts)
	host := strings.TrimPrefix(base, "http://")
	for _, tc := range []struct{ name, head string }{
		{"slow body", "POST /api/review/ratings HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"},
		{"slow lab submission", "POST /api/labs/lru/runs HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"},
		{"slow import", "POST /import HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"},
		{"slow headers", "GET / HTTP/1.1\r\nHost: " + host + "\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.head); err != nil {
				t.Fatal(err)
			}
			// Trickle a byte at a time: the body (or headers) would take hours to finish.
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
						if _, err := conn.Write([]byte(" ")); err != nil {
							return
						}
					}
				}
			}()
			// Guard against a server that never cuts the client off: the test then fails
			// instead of hanging.
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the server kept the slow client's connection open")
			}
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode < 400 {
					t.Errorf("slow client got %d; want the request refused", resp.StatusCode)
				}
				// After answering, the connection is closed.
				if _, err := conn.Read(make([]byte, 1)); err != nil {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						t.Fatal("the server kept the slow client's connection open after answering")
					}
				}
			}
		})
	}
}

// TestLongGradingOutlivesReadAndWriteTimeouts: a grading that runs longer than the
// read, write and request timeouts still answers, since its route moves them.
func TestLongGradingOutlivesReadAndWriteTimeouts(t *testing.T) {
	env := newFakeGradingEnv(t, 2, func(ctx context.Context, lab *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error) {
		select {
		case <-time.After(3 * shortTimeouts.write):
			return passed(lab, mode), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	base := serveReal(t, env, shortTimeouts)
	for _, path := range []string{"/api/labs/lru/runs", "/api/labs/lru/submissions"} {
		resp, err := http.Post(base+path, "application/json", strings.NewReader(`{"files":{"lru.go":"package lru"}}`))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"verdict":"passed"`) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	// The form route too (a same-origin form post).
	req, _ := http.NewRequest(http.MethodPost, base+"/labs/lru/run", strings.NewReader("file:lru.go=package+lru"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "fake grader") {
		t.Errorf("form run: %d %.500s", resp.StatusCode, b)
	}
}
