package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds cmd/prep once per test run into a temp dir.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "prep-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "prep")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{string(out), err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// server is a running prep binary.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs *strings.Builder
	mu   *sync.Mutex
	done chan error
}

var servingLine = regexp.MustCompile(`"?url"?[=:]"?(http://[0-9.:]+)`)

// startServer starts the real binary on a free port with a temp data dir and waits for
// it to say where it listens.
func startServer(t testing.TB, args ...string) *server {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)...)
	cmd.Env = append(os.Environ(), "PREP_LOG_FORMAT=text")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan error, 1)}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case s.url = <-urlc:
	case err := <-s.done:
		t.Fatalf("server exited before serving: %v\n%s", err, s.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start within 60s\n%s", s.log())
	}
	return s
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEndToEnd builds the binary, serves the embedded content, reads pages and the API,
// and stops the server with SIGTERM.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startServer(t)
	for _, c := range []struct {
		path, want string
	}{
		{"/healthz", `"status":"ok"`},
		{"/", "Topics"},
		{"/cards/circuit-breaker", `id="answer"`},
		{"/search?q=circut+braker", "/cards/circuit-breaker"},
		{"/api/cards/circuit-breaker", `"kind":"concept"`},
		{"/api/search?q=thundering+herd", `"id":"thundering-herd-after-restart"`},
		{"/cases/mutual-fund", "Challenge round 4"},
	} {
		code, body := get(t, s.url+c.path)
		if code != 200 || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, want 200 with %q\n%.400s", c.path, code, c.want, body)
		}
	}
	if code, _ := get(t, s.url+"/cards/no-such-card"); code != 404 {
		t.Errorf("unknown card: %d, want 404", code)
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, s.log())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("server still running 15s after SIGTERM\n%s", s.log())
	}
	if !strings.Contains(s.log(), "status=200") {
		t.Errorf("no request log lines:\n%s", s.log())
	}
}

// TestServeRefusesBadContent starts the binary on a content directory with a broken
// card: it must exit 1 and name the file and line.
func TestServeRefusesBadContent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "resilience"), 0o755)
	os.WriteFile(filepath.Join(dir, "resilience", "mine.md"), []byte("---\nid: mine\ntitle: Mine\nkind: essay\nlevel: mid\ntopic: resilience\n---\n\n## Question\n\nQ\n"), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--content", dir).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit = %v, want 1\n%s", err, out)
	}
	if want := filepath.Join(dir, "resilience", "mine.md") + `:4: invalid kind "essay"`; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// TestEndToEndTrustedProxy: the real binary believes X-Forwarded-For and
// X-Forwarded-Proto only from the proxy named by --trusted-proxy.
func TestEndToEndTrustedProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	for _, tc := range []struct {
		name   string
		args   []string
		ip     string
		secure bool
	}{
		{"direct", nil, "ip=127.0.0.1", false},
		{"behind a trusted proxy", []string{"--trusted-proxy", "127.0.0.1/32"}, "ip=198.51.100.7", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, tc.args...)
			req, _ := http.NewRequest(http.MethodGet, s.url+"/login", nil)
			req.Header.Set("X-Forwarded-For", "198.51.100.7")
			req.Header.Set("X-Forwarded-Proto", "https")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := strings.Contains(resp.Header.Get("Set-Cookie"), "; Secure"); got != tc.secure {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", resp.Header.Get("Set-Cookie"), got, tc.secure)
			}
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.log(), "uri=/login"); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("no log line for /login:\n%s", s.log())
				}
			}
			if !strings.Contains(s.log(), tc.ip) {
				t.Errorf("request log lacks %s:\n%s", tc.ip, s.log())
			}
		})
	}
}
