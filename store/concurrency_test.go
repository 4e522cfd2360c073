package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"prep/store/fsrs"
)

// TestConcurrentRatings has 50 goroutines rate cards as fast as they can while others
// read, all on one database file: no rating may fail (in particular not with "database
// is locked"), and every rating that succeeded must be in the log.
func TestConcurrentRatings(t *testing.T) {
	const writers, readers = 50, 4
	duration := 1500 * time.Millisecond
	if testing.Short() {
		duration = 300 * time.Millisecond
	}
	ctx := context.Background()
	db := openTest(t)
	deadline := time.Now().Add(duration)

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		rated    = map[string]bool{}
		failures []string
		locked   atomic.Int64
		reads    atomic.Int64
	)
	fail := func(err error) {
		if strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLITE_BUSY") {
			locked.Add(1)
		}
		mu.Lock()
		if len(failures) < 10 {
			failures = append(failures, err.Error())
		}
		mu.Unlock()
	}
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				card := fmt.Sprintf("g%02d-card-%d", g, n)
				if _, err := db.Rate(ctx, LocalUserID, card, fsrs.Rating(1+n%4), t0, time.Second); err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				rated[card] = true
				mu.Unlock()
			}
		}()
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// What a review page reads: settings, the due queue, one card's state.
			for n := 0; time.Now().Before(deadline); n++ {
				if _, err := db.Settings(ctx, LocalUserID); err != nil {
					fail(err)
				}
				if _, err := db.Due(ctx, LocalUserID, t0); err != nil {
					fail(err)
				}
				if _, _, err := db.State(ctx, LocalUserID, fmt.Sprintf("g%02d-card-%d", r, n)); err != nil {
					fail(err)
				}
				reads.Add(1)
				time.Sleep(time.Millisecond) // page views, not a tight loop
			}
		}()
	}
	wg.Wait()

	if len(failures) > 0 {
		t.Errorf("%d ratings or reads failed (%d with database is locked), e.g. %q", len(failures), locked.Load(), failures)
	}
	log := logOf(t, db, LocalUserID)
	logged := map[string]int{}
	for _, e := range log {
		logged[e.CardID]++
	}
	for card := range rated {
		if logged[card] != 1 {
			t.Errorf("card %s rated once, logged %d times", card, logged[card])
		}
	}
	if len(log) != len(rated) {
		t.Errorf("%d log entries for %d ratings", len(log), len(rated))
	}
	states, _ := db.States(ctx, LocalUserID)
	if len(states) != len(rated) {
		t.Errorf("%d states for %d rated cards", len(states), len(rated))
	}
	t.Logf("%d ratings by %d goroutines and %d read rounds in %v: %.0f ratings/s",
		len(rated), writers, reads.Load(), duration, float64(len(rated))/duration.Seconds())
}

// BenchmarkRate measures Rate transactions per second (a first rating of a new card:
// settings, state read, FSRS, state write, log append) against a bare single-row insert
// transaction on the same database, measured in the same run and reported as a ratio.
func BenchmarkRate(b *testing.B) {
	ctx := context.Background()
	db := openTest(b)
	inserts := bareInsertsPerSecond(b, db)

	n := 0
	start := time.Now()
	for b.Loop() {
		if _, err := db.Rate(ctx, LocalUserID, fmt.Sprintf("card-%d", n), fsrs.Good, t0, time.Second); err != nil {
			b.Fatal(err)
		}
		n++
	}
	ratings := float64(n) / time.Since(start).Seconds()
	b.ReportMetric(ratings, "ratings/s")
	b.ReportMetric(inserts, "inserts/s")
	b.ReportMetric(ratings/inserts, "ratio")
}

// bareInsertsPerSecond times single-row insert transactions on db's write pool for
// about a second.
func bareInsertsPerSecond(b *testing.B, db *DB) float64 {
	b.Helper()
	if _, err := db.write.Exec("CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	n := 0
	start := time.Now()
	for ; time.Since(start) < time.Second; n++ {
		tx, err := db.write.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO bench_baseline (v) VALUES (?)", fmt.Sprintf("row-%d", n)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}
