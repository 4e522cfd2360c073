package fsrs

import (
	"math/rand/v2"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func mustNew(t testing.TB, edit func(*Params)) *Scheduler {
	t.Helper()
	p := DefaultParams()
	if edit != nil {
		edit(&p)
	}
	s, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reviewCard is a review card last seen elapsed days before t0.
func reviewCard(stability, difficulty float64, elapsed int) Card {
	last := t0.Add(-time.Duration(elapsed) * day)
	return Card{
		Due:           last.Add(time.Duration(max(1, int(stability))) * day),
		Stability:     stability,
		Difficulty:    difficulty,
		ScheduledDays: max(1, int(stability)),
		Reps:          5,
		State:         Review,
		LastReview:    last,
	}
}

func TestRatingAndStateStrings(t *testing.T) {
	tests := []struct {
		name  string
		got   string
		want  string
		valid bool
	}{
		{"again", Again.String(), "again", Again.Valid()},
		{"hard", Hard.String(), "hard", Hard.Valid()},
		{"good", Good.String(), "good", Good.Valid()},
		{"easy", Easy.String(), "easy", Easy.Valid()},
		{"rating 0", Rating(0).String(), "rating(0)", !Rating(0).Valid()},
		{"rating 5", Rating(5).String(), "rating(5)", !Rating(5).Valid()},
		{"new", StateNew.String(), "new", true},
		{"learning", Learning.String(), "learning", true},
		{"review", Review.String(), "review", true},
		{"relearning", Relearning.String(), "relearning", true},
		{"state 9", State(9).String(), "state(9)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want || !tt.valid {
				t.Errorf("String() = %q (valid as expected: %v), want %q", tt.got, tt.valid, tt.want)
			}
		})
	}
}

func TestNextPanicsOnInvalidRating(t *testing.T) {
	s := mustNew(t, nil)
	defer func() {
		if recover() == nil {
			t.Fatal("Next(rating 0) did not panic")
		}
	}()
	s.Next(NewCard(t0), t0, 0, 1)
}

// TestShortTermSteps walks a new card through the default steps by name.
func TestShortTermSteps(t *testing.T) {
	s := mustNew(t, nil)
	tests := []struct {
		name      string
		ratings   []Rating
		wantState State
		wantStep  int
		wantIn    time.Duration // from the last review to due; 0: at least a day
		wantLapse int
	}{
		{"again is the first step", []Rating{Again}, Learning, 0, time.Minute, 0},
		{"hard is the mean of the first two steps", []Rating{Hard}, Learning, 0, 6 * time.Minute, 0},
		{"good moves to the second step", []Rating{Good}, Learning, 1, 10 * time.Minute, 0},
		{"good twice graduates", []Rating{Good, Good}, Review, 0, 0, 0},
		{"easy graduates at once", []Rating{Easy}, Review, 0, 0, 0},
		{"again after good restarts", []Rating{Good, Again}, Learning, 0, time.Minute, 0},
		{"lapse relearns for 10 minutes", []Rating{Easy, Again}, Relearning, 0, 10 * time.Minute, 1},
		{"hard in relearning is 15 minutes", []Rating{Easy, Again, Hard}, Relearning, 0, 15 * time.Minute, 1},
		{"good in relearning graduates", []Rating{Easy, Again, Good}, Review, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, now := NewCard(t0), t0
			for _, r := range tt.ratings {
				if c.State == Review {
					now = c.Due // on time, so the lapse is a real one
				}
				c = s.Next(c, now, r, 7)
				now = now.Add(time.Minute)
			}
			in := c.Due.Sub(c.LastReview)
			if c.State != tt.wantState || c.LearningStep != tt.wantStep || c.Lapses != tt.wantLapse ||
				(tt.wantIn != 0 && in != tt.wantIn) || (tt.wantIn == 0 && in < day) {
				t.Errorf("got state %s step %d lapses %d due in %s; want %s step %d lapses %d in %s",
					c.State, c.LearningStep, c.Lapses, in, tt.wantState, tt.wantStep, tt.wantLapse, tt.wantIn)
			}
			if tt.wantIn != 0 && c.ScheduledDays != 0 {
				t.Errorf("ScheduledDays = %d for a short-term step, want 0", c.ScheduledDays)
			}
		})
	}
}

// TestIntervalsMonotone: for review cards, hard <= good <= easy (strictly,
// as FSRS forces), with and without fuzz and short-term scheduling, and
// again <= hard without short-term scheduling.
func TestIntervalsMonotone(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Params)
	}{
		{"defaults with fuzz", nil},
		{"no fuzz", func(p *Params) { p.EnableFuzz = false }},
		{"long-term with fuzz", func(p *Params) { p.EnableShortTerm = false }},
		{"retention 0.7 max 30", func(p *Params) { p.DesiredRetention = 0.7; p.MaximumInterval = 30 }},
		{"retention 0.99 max 5", func(p *Params) { p.DesiredRetention = 0.99; p.MaximumInterval = 5 }},
		{"long-term max 2", func(p *Params) { p.EnableShortTerm = false; p.MaximumInterval = 2 }},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, tt.edit)
			for range 2000 {
				stab := 0.01 + rng.Float64()*rng.Float64()*2000
				c := reviewCard(stab, 1+9*rng.Float64(), rng.IntN(int(stab)+30))
				out := s.Preview(c, t0, rng.Uint64())
				h, g, e := out[1].ScheduledDays, out[2].ScheduledDays, out[3].ScheduledDays
				if !(1 <= h && h < g && g < e) || e > s.maxIvl+3 {
					t.Fatalf("card %+v: hard %d, good %d, easy %d days (max %d)", c, h, g, e, s.maxIvl)
				}
				if !s.shortTerm && out[0].ScheduledDays >= h {
					t.Fatalf("card %+v: again %d >= hard %d days", c, out[0].ScheduledDays, h)
				}
			}
		})
	}
}

func TestFuzzDeterministicAndBounded(t *testing.T) {
	s := mustNew(t, nil)
	plain := mustNew(t, func(p *Params) { p.EnableFuzz = false })
	tests := []struct {
		name      string
		stability float64
		elapsed   int
	}{
		{"short interval", 3, 3},
		{"a week", 7, 5},
		{"a month", 30, 31},
		{"a year", 365, 200},
		{"early review of a long interval", 400, 2},
		{"overdue", 100, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reviewCard(tt.stability, 5, tt.elapsed)
			base := plain.Next(c, t0, Good, 0).ScheduledDays
			lo, hi := fuzzRange(base, tt.elapsed, s.maxIvl)
			seen := map[int]bool{}
			for seed := range uint64(500) {
				a := s.Next(c, t0, Good, seed)
				if b := s.Next(c, t0, Good, seed); a != b {
					t.Fatalf("seed %d: Next not deterministic: %+v vs %+v", seed, a, b)
				}
				if p := s.Preview(c, t0, seed)[Good-1]; p != a {
					t.Fatalf("seed %d: Preview %+v, Next %+v", seed, p, a)
				}
				// Good may only leave the fuzz range by being forced past hard.
				hard := s.Next(c, t0, Hard, seed).ScheduledDays
				if d := a.ScheduledDays; (d < lo || d > hi) && d != hard+1 {
					t.Fatalf("seed %d: good %d days outside fuzz range [%d, %d] of %d", seed, d, lo, hi, base)
				}
				if !a.Due.Equal(t0.Add(time.Duration(a.ScheduledDays) * day)) {
					t.Fatalf("due %s does not match %d days", a.Due, a.ScheduledDays)
				}
				seen[a.ScheduledDays] = true
			}
			if hi > lo && len(seen) < 2 {
				t.Errorf("500 seeds gave only %v in [%d, %d]", seen, lo, hi)
			}
		})
	}
}

// TestFuzzRange checks the bands against values ts-fsrs 5.4.2's
// get_fuzz_range returns.
func TestFuzzRange(t *testing.T) {
	tests := []struct {
		name                 string
		ivl, elapsed, maxIvl int
		lo, hi               int
	}{
		{"3 days", 3, 0, 36500, 2, 4},
		{"7 days", 7, 0, 36500, 5, 9},
		{"20 days", 20, 5, 36500, 17, 23},
		{"100 days", 100, 0, 36500, 93, 107},
		{"capped by the maximum, spread from the uncapped", 100, 0, 30, 23, 30},
		{"beyond the elapsed days", 10, 9, 36500, 10, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := fuzzRange(tt.ivl, tt.elapsed, tt.maxIvl)
			if lo != tt.lo || hi != tt.hi {
				t.Errorf("fuzzRange(%d, %d, %d) = [%d, %d], want [%d, %d]",
					tt.ivl, tt.elapsed, tt.maxIvl, lo, hi, tt.lo, tt.hi)
			}
		})
	}
}

func TestFuzzSkipsShortIntervals(t *testing.T) {
	s := mustNew(t, nil)
	for seed := range uint64(200) {
		for _, stab := range []float64{0.5, 1, 2, 2.4} {
			if got := s.interval(stab, 0, fuzzFactor(seed, 1)); got != int(jsRound(stab*s.m.ivlModifier)) && got != 1 {
				t.Fatalf("stability %v seed %d: fuzzed a short interval to %d", stab, seed, got)
			}
		}
	}
}

func TestFuzzFactorVariesWithReps(t *testing.T) {
	seen := map[float64]bool{}
	for reps := range 100 {
		f := fuzzFactor(42, reps)
		if f < 0 || f >= 1 {
			t.Fatalf("fuzzFactor(42, %d) = %v, want [0, 1)", reps, f)
		}
		seen[f] = true
	}
	if len(seen) != 100 {
		t.Errorf("100 reps gave %d distinct fuzz factors", len(seen))
	}
}

func TestJSRound(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want float64
	}{
		{"half up", 2.5, 3},
		{"negative half towards +inf", -2.5, -2},
		{"below half", 2.4999999999999996, 2},
		{"largest below one half", 0.49999999999999994, 0},
		{"negative", -2.6, -3},
		{"integer", 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jsRound(tt.in); got != tt.want {
				t.Errorf("jsRound(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRetrievability(t *testing.T) {
	s := mustNew(t, nil)
	tests := []struct {
		name string
		card Card
		now  time.Time
		want float64
	}{
		{"new card", NewCard(t0), t0.Add(time.Hour), 0},
		{"just reviewed", reviewCard(10, 5, 0), t0, 1},
		{"at stability", reviewCard(10, 5, 10), t0, 0.9},
		{"23 hours is still day 0", reviewCard(10, 5, 0), t0.Add(23 * time.Hour), 1},
		{"before the last review", reviewCard(10, 5, 0), t0.Add(-48 * time.Hour), 1},
		{"centuries later (ts-fsrs value)", reviewCard(10, 5, 0), t0.AddDate(400, 0, 0), 0.22863194},
		{"never reviewed but not new", Card{State: Review, Stability: 3}, t0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Retrievability(tt.card, tt.now); !closeRel(got, tt.want, 1e-6) {
				t.Errorf("Retrievability = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestOddCards: cards the store might hand over after a bug or a manual
// edit must not panic or produce NaN.
func TestOddCards(t *testing.T) {
	s := mustNew(t, nil)
	tests := []struct {
		name string
		card Card
		now  time.Time
	}{
		{"review time before last review", reviewCard(10, 5, 0), t0.Add(-72 * time.Hour)},
		{"zero last review", Card{State: Review, Stability: 5, Difficulty: 5}, t0},
		{"unknown state", Card{State: 9, Stability: 5, Difficulty: 5, LastReview: t0}, t0.Add(day)},
		{"out-of-range memory", Card{State: Review, Stability: -1, Difficulty: 40, LastReview: t0}, t0.Add(day)},
		{"negative learning step", Card{State: Learning, LearningStep: -3, Stability: 1, Difficulty: 5, LastReview: t0}, t0},
		{"step past the last", Card{State: Learning, LearningStep: 5, Stability: 1, Difficulty: 5, LastReview: t0}, t0},
		{"centuries overdue", reviewCard(3, 5, 0), t0.AddDate(300, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, c := range s.Preview(tt.card, tt.now, 3) {
				if !(c.Stability >= sMin && c.Difficulty >= 1 && c.Difficulty <= 10) ||
					c.Due.Before(tt.now) || c.State == StateNew || c.Reps != tt.card.Reps+1 {
					t.Errorf("%s: %+v", Rating(i+1), c)
				}
			}
		})
	}
}

func TestFormatInterval(t *testing.T) {
	tests := []struct {
		name string
		in   time.Duration
		want string
	}{
		{"overdue", -time.Hour, "now"},
		{"zero", 0, "now"},
		{"one minute", time.Minute, "1m"},
		{"ten minutes", 10 * time.Minute, "10m"},
		{"59.6 minutes rounds to an hour", 59*time.Minute + 36*time.Second, "1h"},
		{"three hours", 3 * time.Hour, "3h"},
		{"23.7 hours rounds to a day", 23*time.Hour + 42*time.Minute, "1d"},
		{"four days", 4 * day, "4d"},
		{"29 days", 29 * day, "29d"},
		{"a month", 30 * day, "1mo"},
		{"2.1 months", 63 * day, "2.1mo"},
		{"364 days", 364 * day, "12.1mo"},
		{"a year", 365 * day, "1y"},
		{"1.3 years", 475 * day, "1.3y"},
		{"a century", 36500 * day, "100y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatInterval(tt.in); got != tt.want {
				t.Errorf("FormatInterval(%s) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func BenchmarkNext(b *testing.B) {
	s := mustNew(b, nil)
	c := reviewCard(20, 5, 18)
	b.ReportAllocs()
	for b.Loop() {
		c2 := s.Next(c, t0, Good, 12345)
		_ = c2
	}
}

func BenchmarkNextLearning(b *testing.B) {
	s := mustNew(b, nil)
	c := s.Next(NewCard(t0), t0, Good, 1)
	now := c.Due
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Next(c, now, Good, 12345)
	}
}

func BenchmarkPreview(b *testing.B) {
	s := mustNew(b, nil)
	c := reviewCard(20, 5, 18)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Preview(c, t0, 12345)
	}
}
