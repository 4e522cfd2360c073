package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
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

// BenchmarkSignedIn serves pages over real connections, 64 clients at once, to a server
// with a SQLite store: "static" (a hashed asset, the baseline of the same run), the
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
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	anon := &http.Client{Transport: tr}
	jar, _ := cookiejar.New(nil)
	ana := &http.Client{Transport: tr, Jar: jar}
	resp, err := ana.Post(ts.URL+"/login", "application/json", strings.NewReader(`{"name":"ana","password":"correct horse battery"}`))
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("sign-in: %v %v", err, resp)
	}
	resp.Body.Close()
	card := "/cards/" + lib.Cards()[0].ID
	for _, bc := range []struct {
		name   string
		client *http.Client
		url    string
		ttl    time.Duration
	}{
		{"static", anon, srv.assets.url("app.css"), cacheTTL},
		{"card-anon", anon, card, cacheTTL},
		{"card-signed-in-nocache", ana, card, 0},
		{"card-signed-in", ana, card, cacheTTL},
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
					resp, err := bc.client.Get(ts.URL + bc.url)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("%s: %d", bc.url, resp.StatusCode)
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
