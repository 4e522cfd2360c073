package web

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StatusClientClosed is the status logged for a request whose client went away before
// the answer was ready (nginx's 499). Nothing is sent: there is no one to send it to.
const StatusClientClosed = 499

// defaultSlowRequest is how long a request may take before it is logged whatever the
// request log's mode.
const defaultSlowRequest = time.Second

// RequestLog says which requests the request log records. Failed requests (status 500
// and up) and slow ones are always recorded, at level ERROR and WARN; the others by
// Mode. The zero value records every request, as "all" does.
type RequestLog struct {
	Mode   RequestLogMode
	Sample float64       // the fraction of ordinary requests recorded when Mode is LogSample
	Slow   time.Duration // a request taking longer is slow (defaultSlowRequest when 0)
	// rand returns a number in [0,1) per request (math/rand/v2's when nil; tests set it).
	rand func() float64
}

// RequestLogMode is how a RequestLog treats ordinary (fast, successful) requests.
type RequestLogMode int

// The request log's modes, as --log-requests names them.
const (
	LogAll    RequestLogMode = iota // every request, at INFO
	LogErrors                       // only failed and slow requests
	LogSample                       // a sample of ordinary requests, and all failed and slow ones
	LogOff                          // no request lines at all (internal errors are still logged by the error handler)
	LogDebug                        // every request, ordinary ones at DEBUG
)

// ParseRequestLog parses --log-requests: a mode ("all", "debug", "errors", "off", or
// "sample=F" with 0 ≤ F ≤ 1), optionally followed by ",slow=D" with a Go duration.
func ParseRequestLog(spec string) (RequestLog, error) {
	var rl RequestLog
	const how = `; use all, debug, errors, off or sample=0.01, optionally with ",slow=500ms"`
	for i, f := range strings.Split(spec, ",") {
		f = strings.TrimSpace(f)
		name, val, hasVal := strings.Cut(f, "=")
		if i > 0 && name != "slow" {
			return RequestLog{}, fmt.Errorf("--log-requests %q: only slow=D may follow the mode, not %q%s", spec, f, how)
		}
		switch {
		case i == 0 && !hasVal && name == "all":
			rl.Mode = LogAll
		case i == 0 && !hasVal && name == "debug":
			rl.Mode = LogDebug
		case i == 0 && !hasVal && name == "errors":
			rl.Mode = LogErrors
		case i == 0 && !hasVal && name == "off":
			rl.Mode = LogOff
		case i == 0 && hasVal && name == "sample":
			p, err := strconv.ParseFloat(val, 64)
			if err != nil || p < 0 || p > 1 {
				return RequestLog{}, fmt.Errorf("--log-requests %q: the sample must be a fraction between 0 and 1, like sample=0.01", spec)
			}
			rl.Mode, rl.Sample = LogSample, p
		case i > 0 && hasVal && name == "slow":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return RequestLog{}, fmt.Errorf("--log-requests %q: slow must be a positive duration like slow=500ms", spec)
			}
			rl.Slow = d
		default:
			return RequestLog{}, fmt.Errorf("--log-requests %q: unknown mode %q%s", spec, f, how)
		}
	}
	return rl, nil
}

// level says whether a request with status that took latency is recorded, and at which
// level.
func (rl RequestLog) level(status int, latency time.Duration) (slog.Level, bool) {
	if rl.Mode == LogOff {
		return 0, false
	}
	slow := rl.Slow
	if slow == 0 {
		slow = defaultSlowRequest
	}
	switch {
	case status >= http.StatusInternalServerError:
		return slog.LevelError, true
	case latency >= slow:
		return slog.LevelWarn, true
	}
	switch rl.Mode {
	case LogAll:
		return slog.LevelInfo, true
	case LogDebug:
		return slog.LevelDebug, true
	case LogSample:
		r := rand.Float64
		if rl.rand != nil {
			r = rl.rand
		}
		return slog.LevelInfo, rl.Sample > 0 && r() < rl.Sample
	}
	return 0, false
}
