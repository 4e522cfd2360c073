package fsrs

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// DefaultW holds the 21 FSRS-6 default parameters w0..w20, as shipped by
// ts-fsrs 5.4.2. w20 is the decay of the forgetting curve.
var DefaultW = [21]float64{
	0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666,
	0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658,
	0.1542,
}

// Limits on Params, checked by Validate.
const (
	MinDesiredRetention = 0.70
	MaxDesiredRetention = 0.99
	MaxMaximumInterval  = 36500 // days; also the largest stability FSRS keeps
	maxStep             = MaxMaximumInterval * 24 * time.Hour
)

// sMin is the smallest stability FSRS keeps (days).
const sMin = 0.001

// wRange is the closed range FSRS allows for each parameter. w17 and w18 are
// further capped by New when there is more than one relearning step, and the
// lower bound of w19 depends on short-term scheduling (see wBounds).
var wRange = [21][2]float64{
	{sMin, 100}, {sMin, 100}, {sMin, 100}, {sMin, 100},
	{1, 10}, {0.001, 4}, {0.001, 4}, {0.001, 0.75},
	{0, 4.5}, {0, 0.8}, {0.001, 3.5}, {0.001, 5},
	{0.001, 0.25}, {0.001, 0.9}, {0, 4}, {0, 1},
	{1, 6}, {0, 2}, {0, 2}, {0.01, 0.8},
	{0.1, 0.8},
}

// wBounds returns the allowed range of w[i] under the given short-term setting.
func wBounds(i int, shortTerm bool) (lo, hi float64) {
	lo, hi = wRange[i][0], wRange[i][1]
	if i == 19 && !shortTerm {
		lo = 0
	}
	return lo, hi
}

// Params configures a Scheduler. Build one with DefaultParams and change
// fields; New validates it.
type Params struct {
	// W are the 21 FSRS-6 model weights, e.g. from the FSRS optimizer.
	W [21]float64
	// DesiredRetention is the recall probability at which cards fall due,
	// in [MinDesiredRetention, MaxDesiredRetention].
	DesiredRetention float64
	// MaximumInterval caps the interval, in days, in [1, MaxMaximumInterval].
	// As in FSRS, forcing each rating's interval past the one below may
	// push good and easy (and hard, without short-term scheduling) a day or
	// three beyond it.
	MaximumInterval int
	// EnableShortTerm schedules new and lapsed cards through the
	// (re)learning steps and models same-day reviews. When off, every
	// answer schedules whole days.
	EnableShortTerm bool
	// EnableFuzz spreads intervals of 3 days and more over a small range so
	// cards learnt together do not stay together.
	EnableFuzz bool
	// LearningSteps are the intervals for new cards before they graduate.
	// Each is a positive whole number of minutes.
	LearningSteps []time.Duration
	// RelearningSteps are the intervals for lapsed review cards.
	RelearningSteps []time.Duration
}

// DefaultParams returns the FSRS-6 defaults: DefaultW, desired retention
// 0.9, learning steps 1m and 10m, relearning step 10m, maximum interval
// 36500 days, short-term scheduling and fuzz on.
func DefaultParams() Params {
	return Params{
		W:                DefaultW,
		DesiredRetention: 0.9,
		MaximumInterval:  MaxMaximumInterval,
		EnableShortTerm:  true,
		EnableFuzz:       true,
		LearningSteps:    []time.Duration{time.Minute, 10 * time.Minute},
		RelearningSteps:  []time.Duration{10 * time.Minute},
	}
}

// Validate returns an error naming the first field of p that is out of its
// allowed range, or nil.
func (p Params) Validate() error {
	// Written as !(in range) so NaN fails too.
	if !(p.DesiredRetention >= MinDesiredRetention && p.DesiredRetention <= MaxDesiredRetention) {
		return errors.New("fsrs: DesiredRetention " + ftoa(p.DesiredRetention) +
			" out of range [0.70, 0.99]")
	}
	if p.MaximumInterval < 1 || p.MaximumInterval > MaxMaximumInterval {
		return errors.New("fsrs: MaximumInterval " + strconv.Itoa(p.MaximumInterval) +
			" out of range [1, 36500] days")
	}
	for i, w := range p.W {
		lo, hi := wBounds(i, p.EnableShortTerm)
		if !(w >= lo && w <= hi) {
			return errors.New("fsrs: W[" + strconv.Itoa(i) + "] " + ftoa(w) +
				" out of range [" + ftoa(lo) + ", " + ftoa(hi) + "]")
		}
	}
	if err := validateSteps("LearningSteps", p.LearningSteps); err != nil {
		return err
	}
	return validateSteps("RelearningSteps", p.RelearningSteps)
}

func validateSteps(field string, steps []time.Duration) error {
	for i, d := range steps {
		if d < time.Minute || d > maxStep || d%time.Minute != 0 {
			return errors.New("fsrs: " + field + "[" + strconv.Itoa(i) + "] " + d.String() +
				" must be a whole number of minutes in [1m, 36500d]")
		}
	}
	return nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// clippedW returns p.W with w17 and w18 capped so that, with several
// relearning steps, the short-term stability gained by passing all of them
// cannot exceed what a lapse would keep. This mirrors ts-fsrs, which clips
// silently rather than rejecting such weights.
func clippedW(p Params) [21]float64 {
	w := p.W
	n := len(p.RelearningSteps)
	if n <= 1 {
		return w
	}
	v := -(math.Log(w[11]) + math.Log(math.Pow(2, w[13])-1) + float64(w[14]*0.3)) / float64(n)
	ceiling := clamp(roundTo8(math.Sqrt(math.Max(v, 0))), 0.01, wRange[17][1])
	w[17] = clamp(w[17], wRange[17][0], ceiling)
	w[18] = clamp(w[18], wRange[18][0], ceiling)
	return w
}
