package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"prep/content"
	"prep/content/search"
	"prep/labs"
	"prep/store"
)

// BenchmarkSignedIn serves pages in process (64 requests at once; over loopback the
// benchmark's own HTTP client costs more than the pages) from a server with a SQLite
// store: "static" (a hashed asset, the baseline of the same run), the
// card page anonymously, and signed in with the session and user cache ("signed-in")
// and without it ("signed-in-nocache", what every request read before). Each reports
// requests per second and the p50 and p99 latency.
func BenchmarkSignedIn(b *testing.B) {
	const conns = 64
	lib, err := content.Load(content.Embedded, content.Options{})
	if err != nil {
		b.Fatal(err)
	}
	idx, err := search.New(lib, "")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	set, err := labs.Load("")
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "prep.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Deps{Library: lib, Search: idx, Store: db, Labs: set, RequestLog: RequestLog{Mode: LogOff},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"name":"ana","password":"correct horse battery"}`))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	var session string
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == sessionCookie {
			session = ck.Value
		}
	}
	if rec.Code != 200 || session == "" {
		b.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	card := "/cards/" + lib.Cards()[0].ID
	for _, bc := range []struct {
		name    string
		session string
		url     string
		ttl     time.Duration
	}{
		{"static", "", srv.assets.url("app.css"), cacheTTL},
		{"card-anon", "", card, cacheTTL},
		{"card-signed-in-nocache", session, card, 0},
		{"card-signed-in", session, card, cacheTTL},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv.cache = newUserCache()
			srv.cache.ttl = bc.ttl
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(max(1, conns/max(1, runtime.GOMAXPROCS(0))))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					t0 := time.Now()
					req := httptest.NewRequest(http.MethodGet, bc.url, nil)
					if bc.session != "" {
						req.AddCookie(&http.Cookie{Name: sessionCookie, Value: bc.session})
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 200 || bc.session != "" && !strings.Contains(rec.Body.String(), `action="/logout"`) {
						b.Errorf("%s: %d, or not signed in", bc.url, rec.Code)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			if len(lat) > 0 {
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}
