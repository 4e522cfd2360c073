package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"prep/content"
	"prep/content/search"
)

// BenchmarkPages renders pages of the embedded knowledge base in-process. "healthz" is
// the baseline of the same run: the cost of the middleware stack alone.
func BenchmarkPages(b *testing.B) {
	lib, err := content.Load(content.Embedded, content.Options{})
	if err != nil {
		b.Fatal(err)
	}
	idx, err := search.New(lib, "")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	srv, err := New(Deps{Library: lib, Search: idx, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	for _, bc := range []struct{ name, url string }{
		{"healthz", "/healthz"},
		{"card", "/cards/circuit-breaker"},
		{"topic", "/topics/distributed-systems"},
		{"search", "/search?q=cache+stampede"},
		{"home", "/"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, bc.url, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", bc.url, rec.Code)
				}
			}
		})
	}
}
