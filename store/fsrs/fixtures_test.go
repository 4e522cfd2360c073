package fsrs

import (
	"encoding/json"
	"math"
	"os"
	"testing"
	"time"
)

// The fixtures are written by testdata/gen/gen.mjs from ts-fsrs 5.4.2 with
// fuzz off; testdata/gen/check.sh verifies they are what that version gives.
const fixturesPath = "testdata/fixtures.json"

type fixtures struct {
	Generator    string            `json:"generator"`
	TotalReviews int               `json:"total_reviews"`
	Sequences    []fixtureSequence `json:"sequences"`
}

type fixtureSequence struct {
	Name   string `json:"name"`
	Start  int64  `json:"start"`
	Params struct {
		W                [21]float64 `json:"w"`
		RequestRetention float64     `json:"request_retention"`
		MaximumInterval  int         `json:"maximum_interval"`
		EnableShortTerm  bool        `json:"enable_short_term"`
		LearningSteps    []int       `json:"learning_steps"`
		RelearningSteps  []int       `json:"relearning_steps"`
	} `json:"params"`
	Reviews []fixtureReview `json:"reviews"`
}

type fixtureReview struct {
	Now            int64   `json:"now"`
	Rating         Rating  `json:"rating"`
	Retrievability float64 `json:"retrievability"` // of the card before this review, at now
	Due            int64   `json:"due"`
	Stability      float64 `json:"stability"`
	Difficulty     float64 `json:"difficulty"`
	ScheduledDays  int     `json:"scheduled_days"`
	LearningStep   int     `json:"learning_steps"`
	Reps           int     `json:"reps"`
	Lapses         int     `json:"lapses"`
	State          State   `json:"state"`
	LastReview     int64   `json:"last_review"`
}

func loadFixtures(t testing.TB) fixtures {
	t.Helper()
	b, err := os.ReadFile(fixturesPath)
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", fixturesPath, err)
	}
	return f
}

func (fs fixtureSequence) params() Params {
	steps := func(mins []int) []time.Duration {
		out := make([]time.Duration, len(mins))
		for i, m := range mins {
			out[i] = time.Duration(m) * time.Minute
		}
		return out
	}
	return Params{
		W:                fs.Params.W,
		DesiredRetention: fs.Params.RequestRetention,
		MaximumInterval:  fs.Params.MaximumInterval,
		EnableShortTerm:  fs.Params.EnableShortTerm,
		EnableFuzz:       false,
		LearningSteps:    steps(fs.Params.LearningSteps),
		RelearningSteps:  steps(fs.Params.RelearningSteps),
	}
}

// closeRel reports whether got is within rel of want, relative to want.
func closeRel(got, want, rel float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestFixtures replays every review ts-fsrs scheduled and demands the same
// due time, state, interval and learning step, and the same memory state to
// 1e-9 relative. Each sequence chains our own output, so drift would show.
func TestFixtures(t *testing.T) {
	f := loadFixtures(t)
	const minReviews = 1000
	total, exact := 0, 0
	for _, seq := range f.Sequences {
		total += len(seq.Reviews)
	}
	if total != f.TotalReviews || total < minReviews {
		t.Fatalf("fixtures hold %d reviews (header says %d), want >= %d", total, f.TotalReviews, minReviews)
	}
	for _, seq := range f.Sequences {
		t.Run(seq.Name, func(t *testing.T) {
			s, err := New(seq.params())
			if err != nil {
				t.Fatal(err)
			}
			seed := uint64(len(seq.Name)) // irrelevant with fuzz off
			c := NewCard(time.UnixMilli(seq.Start).UTC())
			for i, want := range seq.Reviews {
				now := time.UnixMilli(want.Now).UTC()
				if r := s.Retrievability(c, now); !closeRel(r, want.Retrievability, 1e-9) {
					t.Errorf("review %d: retrievability before = %.17g, want %.17g", i, r, want.Retrievability)
				}
				preview := s.Preview(c, now, seed)
				got := s.Next(c, now, want.Rating, seed)
				if preview[want.Rating-1] != got {
					t.Errorf("review %d: Preview[%s] = %+v, Next = %+v", i, want.Rating, preview[want.Rating-1], got)
				}
				if diff := diffCard(got, want); diff != "" {
					t.Fatalf("review %d (%s at %s, card before %+v): %s",
						i, want.Rating, now.Format(time.RFC3339Nano), c, diff)
				}
				if got.Stability == want.Stability && got.Difficulty == want.Difficulty {
					exact++
				}
				c = got
			}
		})
	}
	t.Logf("%d reviews in %d sequences; %d with bit-identical stability and difficulty",
		total, len(f.Sequences), exact)
}

func diffCard(got Card, want fixtureReview) string {
	var msg string
	add := func(field string, g, w any) {
		msg += field + " = " + fmtAny(g) + ", want " + fmtAny(w) + "; "
	}
	if got.Due.UnixMilli() != want.Due || got.Due.Nanosecond()%int(time.Millisecond) != 0 {
		add("due", got.Due.UTC().Format(time.RFC3339Nano), time.UnixMilli(want.Due).UTC().Format(time.RFC3339Nano))
	}
	if got.State != want.State {
		add("state", got.State, want.State)
	}
	if got.ScheduledDays != want.ScheduledDays {
		add("scheduled days", got.ScheduledDays, want.ScheduledDays)
	}
	if got.LearningStep != want.LearningStep {
		add("learning step", got.LearningStep, want.LearningStep)
	}
	if got.Reps != want.Reps {
		add("reps", got.Reps, want.Reps)
	}
	if got.Lapses != want.Lapses {
		add("lapses", got.Lapses, want.Lapses)
	}
	if got.LastReview.UnixMilli() != want.LastReview {
		add("last review", got.LastReview.UnixMilli(), want.LastReview)
	}
	if !closeRel(got.Stability, want.Stability, 1e-9) {
		add("stability", got.Stability, want.Stability)
	}
	if !closeRel(got.Difficulty, want.Difficulty, 1e-9) {
		add("difficulty", got.Difficulty, want.Difficulty)
	}
	return msg
}

func fmtAny(v any) string {
	switch v := v.(type) {
	case float64:
		return ftoa(v)
	case int:
		return ftoa(float64(v))
	case int64:
		return ftoa(float64(v))
	case string:
		return v
	case State:
		return v.String()
	}
	return "?"
}
