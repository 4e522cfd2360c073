package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestParseRequestLog(t *testing.T) {
	tests := []struct {
		spec    string
		want    RequestLog
		wantErr string
	}{
		{spec: "all", want: RequestLog{Mode: LogAll}},
		{spec: "debug", want: RequestLog{Mode: LogDebug}},
		{spec: "errors", want: RequestLog{Mode: LogErrors}},
		{spec: "off", want: RequestLog{Mode: LogOff}},
		{spec: "sample=0.01", want: RequestLog{Mode: LogSample, Sample: 0.01}},
		{spec: "sample=1", want: RequestLog{Mode: LogSample, Sample: 1}},
		{spec: "errors,slow=250ms", want: RequestLog{Mode: LogErrors, Slow: 250 * time.Millisecond}},
		{spec: "sample=0.1, slow=2s", want: RequestLog{Mode: LogSample, Sample: 0.1, Slow: 2 * time.Second}},
		{spec: "some", wantErr: `unknown mode "some"`},
		{spec: "", wantErr: `unknown mode ""`},
		{spec: "sample=2", wantErr: "between 0 and 1"},
		{spec: "sample=x", wantErr: "between 0 and 1"},
		{spec: "sample", wantErr: "unknown mode"},
		{spec: "all,slow=fast", wantErr: "positive duration"},
		{spec: "all,slow=-1s", wantErr: "positive duration"},
		{spec: "all,errors", wantErr: "only slow=D may follow"},
		{spec: "slow=1s", wantErr: "unknown mode"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseRequestLog(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Mode != tt.want.Mode || got.Sample != tt.want.Sample || got.Slow != tt.want.Slow {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestRequestLogLevel(t *testing.T) {
	low, high := func() float64 { return 0.001 }, func() float64 { return 0.5 }
	fast, slow := time.Millisecond, 2*time.Second
	tests := []struct {
		name    string
		rl      RequestLog
		status  int
		latency time.Duration
		want    slog.Level
		logged  bool
	}{
		{"all ok", RequestLog{Mode: LogAll}, 200, fast, slog.LevelInfo, true},
		{"all not found", RequestLog{Mode: LogAll}, 404, fast, slog.LevelInfo, true},
		{"all client closed", RequestLog{Mode: LogAll}, StatusClientClosed, fast, slog.LevelInfo, true},
		{"all failed", RequestLog{Mode: LogAll}, 500, fast, slog.LevelError, true},
		{"all slow", RequestLog{Mode: LogAll}, 200, slow, slog.LevelWarn, true},
		{"debug ok", RequestLog{Mode: LogDebug}, 200, fast, slog.LevelDebug, true},
		{"debug failed", RequestLog{Mode: LogDebug}, 503, fast, slog.LevelError, true},
		{"errors ok", RequestLog{Mode: LogErrors}, 200, fast, 0, false},
		{"errors client error", RequestLog{Mode: LogErrors}, 400, fast, 0, false},
		{"errors client closed", RequestLog{Mode: LogErrors}, StatusClientClosed, fast, 0, false},
		{"errors failed", RequestLog{Mode: LogErrors}, 500, fast, slog.LevelError, true},
		{"errors slow", RequestLog{Mode: LogErrors}, 200, slow, slog.LevelWarn, true},
		{"errors own slow", RequestLog{Mode: LogErrors, Slow: 10 * time.Millisecond}, 200, 20 * time.Millisecond, slog.LevelWarn, true},
		{"errors under own slow", RequestLog{Mode: LogErrors, Slow: 10 * time.Millisecond}, 200, 5 * time.Millisecond, 0, false},
		{"sample drawn", RequestLog{Mode: LogSample, Sample: 0.01, rand: low}, 200, fast, slog.LevelInfo, true},
		{"sample not drawn", RequestLog{Mode: LogSample, Sample: 0.01, rand: high}, 200, fast, 0, false},
		{"sample zero", RequestLog{Mode: LogSample, Sample: 0, rand: func() float64 { return 0 }}, 200, fast, 0, false},
		{"sample failed", RequestLog{Mode: LogSample, Sample: 0.01, rand: high}, 502, fast, slog.LevelError, true},
		{"sample slow", RequestLog{Mode: LogSample, Sample: 0.01, rand: high}, 200, slow, slog.LevelWarn, true},
		{"off ok", RequestLog{Mode: LogOff}, 200, fast, 0, false},
		{"off failed", RequestLog{Mode: LogOff}, 500, fast, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, logged := tt.rl.level(tt.status, tt.latency)
			if logged != tt.logged || (logged && got != tt.want) {
				t.Errorf("level(%d, %v) = %v, %v; want %v, %v", tt.status, tt.latency, got, logged, tt.want, tt.logged)
			}
		})
	}
}

// TestRequestLogLines serves real requests through the server's middleware and reads
// what the logger wrote: a client that went away is no internal error, failures are
// always logged, and the mode decides about the rest.
func TestRequestLogLines(t *testing.T) {
	tests := []struct {
		name     string
		spec     string
		path     string
		cancel   bool     // the client has gone before the handler answers
		contains []string // in the log
		absent   []string // not in the log
	}{
		{name: "client closed", spec: "all", path: "/gone", cancel: true,
			contains: []string{"level=INFO msg=request", "status=499"}, absent: []string{"ERROR", "internal error"}},
		{name: "client closed, errors only", spec: "errors", path: "/gone", cancel: true,
			absent: []string{"msg=request", "ERROR", "internal error"}},
		{name: "canceled by the server is an error", spec: "errors", path: "/gone",
			contains: []string{`level=ERROR msg="internal error"`, "level=ERROR msg=request", "status=500"}},
		{name: "deadline is an error", spec: "errors", path: "/late", cancel: true,
			contains: []string{"level=ERROR msg=request", "status=503"}, absent: []string{"status=499"}},
		{name: "ok, all", spec: "all", path: "/ok", contains: []string{"level=INFO msg=request", "uri=/ok", "status=200"}},
		{name: "ok, errors", spec: "errors", path: "/ok", absent: []string{"msg=request"}},
		{name: "ok, sample of all", spec: "sample=1", path: "/ok", contains: []string{"level=INFO msg=request"}},
		{name: "ok, sample of none", spec: "sample=0", path: "/ok", absent: []string{"msg=request"}},
		{name: "ok, off", spec: "off", path: "/ok", absent: []string{"msg=request"}},
		{name: "ok, debug under an INFO logger", spec: "debug", path: "/ok", absent: []string{"msg=request"}},
		{name: "failed, errors", spec: "errors", path: "/boom", contains: []string{"level=ERROR msg=request", "status=500"}},
		{name: "failed, sample of none", spec: "sample=0", path: "/boom", contains: []string{"level=ERROR msg=request"}},
		{name: "slow, errors", spec: "errors,slow=1ms", path: "/slow", contains: []string{"level=WARN msg=request", "uri=/slow"}},
		{name: "not found, errors", spec: "errors", path: "/nothing", absent: []string{"msg=request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rl, err := ParseRequestLog(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			srv, err := New(Deps{Library: mustLib(t), RequestLog: rl, Logger: slog.New(slog.NewTextHandler(&out, nil))})
			if err != nil {
				t.Fatal(err)
			}
			srv.e.GET("/gone", func(c echo.Context) error {
				return fmt.Errorf("reading the queue: %w", context.Canceled)
			})
			srv.e.GET("/late", func(c echo.Context) error {
				return fmt.Errorf("reading the queue: %w", context.DeadlineExceeded)
			})
			srv.e.GET("/ok", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
			srv.e.GET("/boom", func(c echo.Context) error { return fmt.Errorf("disk on fire") })
			srv.e.GET("/slow", func(c echo.Context) error {
				time.Sleep(3 * time.Millisecond)
				return c.String(http.StatusOK, "slow")
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			req := httptest.NewRequest(http.MethodGet, tt.path, nil).WithContext(ctx)
			srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
			log := out.String()
			for _, s := range tt.contains {
				if !strings.Contains(log, s) {
					t.Errorf("log lacks %q:\n%s", s, log)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(log, s) {
					t.Errorf("log has %q:\n%s", s, log)
				}
			}
		})
	}
}
