package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"prep/content"
)

// countingWriter counts what the logger writes.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkRequestLog serves /healthz with the request log in each mode, through a real
// text handler, and reports the bytes of log per request. "off" is the baseline of the
// same run; "all" is what prep logged before --log-requests.
func BenchmarkRequestLog(b *testing.B) {
	lib, err := content.Load(content.Embedded, content.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, spec := range []string{"off", "all", "errors", "sample=0.01"} {
		b.Run(spec, func(b *testing.B) {
			rl, err := ParseRequestLog(spec)
			if err != nil {
				b.Fatal(err)
			}
			var w countingWriter
			srv, err := New(Deps{Library: lib, RequestLog: rl, Logger: slog.New(slog.NewTextHandler(&w, nil))})
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
				if rec.Code != 200 {
					b.Fatalf("healthz: %d", rec.Code)
				}
			}
			b.ReportMetric(float64(w.n)/float64(b.N), "log-B/op")
		})
	}
}
