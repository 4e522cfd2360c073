package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkColdStart starts the real binary and waits for the first 200 from /healthz:
// loading and rendering every card, building the search index and opening the database.
// "exec-help" is the baseline of the same run: starting the binary to print its help.
func BenchmarkColdStart(b *testing.B) {
	bin, err := buildBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("exec-help", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(bin, "help").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	firstOK := func(b *testing.B, args ...string) {
		s := startServer(b, args...)
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(s.url + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				b.Fatal("no 200 within 30s")
			}
			time.Sleep(time.Millisecond)
		}
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	// A new data directory each time: the search index is built.
	b.Run("serve-first-200", func(b *testing.B) {
		for b.Loop() {
			firstOK(b)
		}
	})
	// The same data directory: the index kept there is reopened, and the rendered
	// cards kept there are decoded.
	b.Run("restart-first-200", func(b *testing.B) {
		data := b.TempDir()
		firstOK(b, "--data", data)
		b.ResetTimer()
		for b.Loop() {
			firstOK(b, "--data", data)
		}
	})
	// The same, with the rendered cards removed before each start: every card is
	// rendered again, as every restart did before the render cache.
	b.Run("restart-first-200-render", func(b *testing.B) {
		data := b.TempDir()
		firstOK(b, "--data", data)
		b.ResetTimer()
		for b.Loop() {
			b.StopTimer()
			if err := os.Remove(filepath.Join(data, "render-cache.gob")); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			firstOK(b, "--data", data)
		}
	})
}

// BenchmarkReviewHTTP runs the real binary with 50 signed-in users working at once (two
// goroutines per core × 25). "healthz" is the baseline of the same run: the cost of a
// request through the whole stack. "rate" is one rating (next card + rating) per op;
// "review-page" renders /review and reports its latency percentiles.
func BenchmarkReviewHTTP(b *testing.B) {
	const users = 50
	data := b.TempDir()
	names := addUsers(b, data, users)
	s := startServer(b, "--data", data, "--log-format", "json")
	var clients []*reviewer
	for _, n := range names {
		clients = append(clients, newReviewer(b, s.url, n, "password-"+n))
	}
	parallel := func(b *testing.B, op func(r *reviewer) error) []time.Duration {
		var next atomic.Int64
		var mu sync.Mutex
		var lat []time.Duration
		b.SetParallelism(users / runtime.GOMAXPROCS(0))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			r := clients[int(next.Add(1)-1)%users]
			var mine []time.Duration
			for pb.Next() {
				t0 := time.Now()
				if err := op(r); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		return lat
	}
	b.Run("healthz", func(b *testing.B) {
		parallel(b, func(r *reviewer) error {
			resp, err := r.client.Get(r.base + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			return err
		})
	})
	b.Run("rate", func(b *testing.B) {
		parallel(b, func(r *reviewer) error {
			card, err := r.next()
			if err != nil || card == "" {
				return fmt.Errorf("%s: no card to rate (%v): raise the card supply", r.name, err)
			}
			code, body, err := r.post("/api/review/ratings", fmt.Sprintf(`{"card":%q,"rating":3}`, card))
			if err == nil && code != http.StatusCreated {
				err = fmt.Errorf("rate: %d %s", code, body)
			}
			return err
		})
	})
	b.Run("review-page", func(b *testing.B) {
		lat := parallel(b, func(r *reviewer) error {
			resp, err := r.client.Get(r.base + "/review")
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("/review: %d", resp.StatusCode)
			}
			return nil
		})
		slices.Sort(lat)
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		}
	})
}
