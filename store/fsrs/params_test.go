package fsrs

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(p *Params)
		wantErr string // substring; "" means valid
	}{
		{"defaults", func(p *Params) {}, ""},
		{"retention lowest", func(p *Params) { p.DesiredRetention = 0.70 }, ""},
		{"retention highest", func(p *Params) { p.DesiredRetention = 0.99 }, ""},
		{"retention too low", func(p *Params) { p.DesiredRetention = 0.69 }, "DesiredRetention 0.69 out of range [0.70, 0.99]"},
		{"retention too high", func(p *Params) { p.DesiredRetention = 0.995 }, "DesiredRetention 0.995 out of range [0.70, 0.99]"},
		{"retention one", func(p *Params) { p.DesiredRetention = 1 }, "DesiredRetention"},
		{"retention zero value", func(p *Params) { p.DesiredRetention = 0 }, "DesiredRetention"},
		{"retention NaN", func(p *Params) { p.DesiredRetention = math.NaN() }, "DesiredRetention NaN"},
		{"maximum interval one", func(p *Params) { p.MaximumInterval = 1 }, ""},
		{"maximum interval zero", func(p *Params) { p.MaximumInterval = 0 }, "MaximumInterval 0 out of range [1, 36500]"},
		{"maximum interval too long", func(p *Params) { p.MaximumInterval = 36501 }, "MaximumInterval 36501"},
		{"weights all zero", func(p *Params) { p.W = [21]float64{} }, "W[0] 0 out of range [0.001, 100]"},
		{"weight too high", func(p *Params) { p.W[4] = 10.5 }, "W[4] 10.5 out of range [1, 10]"},
		{"weight NaN", func(p *Params) { p.W[20] = math.NaN() }, "W[20] NaN"},
		{"weight infinite", func(p *Params) { p.W[8] = math.Inf(1) }, "W[8] +Inf"},
		{"w19 zero with short-term", func(p *Params) { p.W[19] = 0 }, "W[19] 0 out of range [0.01, 0.8]"},
		{"w19 zero without short-term", func(p *Params) { p.W[19] = 0; p.EnableShortTerm = false }, ""},
		{"no steps", func(p *Params) { p.LearningSteps, p.RelearningSteps = nil, nil }, ""},
		{"day-long steps", func(p *Params) { p.LearningSteps = []time.Duration{time.Hour, 48 * time.Hour} }, ""},
		{"zero step", func(p *Params) { p.LearningSteps = []time.Duration{0} }, "LearningSteps[0] 0s must be a whole number of minutes"},
		{"seconds step", func(p *Params) { p.RelearningSteps = []time.Duration{10*time.Minute + 30*time.Second} }, "RelearningSteps[0] 10m30s"},
		{"negative step", func(p *Params) { p.LearningSteps = []time.Duration{time.Minute, -time.Minute} }, "LearningSteps[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.edit(&p)
			err := p.Validate()
			_, newErr := New(p)
			if (err == nil) != (newErr == nil) {
				t.Fatalf("Validate() = %v but New() error = %v", err, newErr)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Validate() = nil, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Validate() = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// TestDefaultParamsMatchReference ties DefaultParams to the parameters the
// generator took from ts-fsrs's own defaults.
func TestDefaultParamsMatchReference(t *testing.T) {
	f := loadFixtures(t)
	var ref *fixtureSequence
	for i := range f.Sequences {
		if strings.HasPrefix(f.Sequences[i].Name, "default/") {
			ref = &f.Sequences[i]
			break
		}
	}
	if ref == nil {
		t.Fatal("no default/ sequence in fixtures")
	}
	want := ref.params()
	want.EnableFuzz = true
	got := DefaultParams()
	if got.W != want.W || got.DesiredRetention != want.DesiredRetention ||
		got.MaximumInterval != want.MaximumInterval || got.EnableShortTerm != want.EnableShortTerm ||
		!got.EnableFuzz || !equalSteps(got.LearningSteps, want.LearningSteps) ||
		!equalSteps(got.RelearningSteps, want.RelearningSteps) {
		t.Errorf("DefaultParams() = %+v, want %+v", got, want)
	}
}

func equalSteps(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClippedW: expected ceilings from ts-fsrs 5.4.2 clipParameters(w, n, true).
func TestClippedW(t *testing.T) {
	tests := []struct {
		name      string
		relearn   int
		w17, w18  float64
		want17    float64
		wantClips bool
	}{
		{"one relearning step keeps weights", 1, 1.5, 1.2, 1.5, false},
		{"defaults under the ceiling", 2, DefaultW[17], DefaultW[18], DefaultW[17], false},
		{"large weights clipped with two steps", 2, 1.5, 1.2, 0.60045935, true},
		{"lower ceiling with four steps", 4, 1.5, 1.2, 0.42458888, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			p.W[17], p.W[18] = tt.w17, tt.w18
			p.RelearningSteps = make([]time.Duration, tt.relearn)
			w := clippedW(p)
			if !closeRel(w[17], tt.want17, 1e-8) {
				t.Errorf("w17 = %v, want %v", w[17], tt.want17)
			}
			if clipped := w[18] != tt.w18; clipped != tt.wantClips {
				t.Errorf("w18 = %v from %v, clipped = %v, want %v", w[18], tt.w18, clipped, tt.wantClips)
			}
		})
	}
}

// TestNewCopiesSteps: a Scheduler must not change when the caller reuses
// the slices it passed in.
func TestNewCopiesSteps(t *testing.T) {
	p := DefaultParams()
	s, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before := s.Next(NewCard(now), now, Good, 1)
	p.LearningSteps[1] = 3 * time.Hour
	if after := s.Next(NewCard(now), now, Good, 1); after != before {
		t.Fatalf("scheduler changed with the caller's slice: %+v, then %+v", before, after)
	}
}
