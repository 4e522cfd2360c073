package fsrs

import (
	"math"
	"strconv"
	"time"
)

const (
	day          = 24 * time.Hour
	secondsInDay = 24 * 60 * 60
	minutesInDay = 24 * 60
)

// Scheduler computes the next state of cards under fixed Params.
// It holds no mutable state and is safe for concurrent use.
type Scheduler struct {
	m         model
	maxIvl    int
	fuzz      bool
	shortTerm bool
	learn     []int // learning steps, minutes
	relearn   []int // relearning steps, minutes
}

// New returns a Scheduler for p, or p.Validate's error. With more than one
// relearning step, w17 and w18 are capped as FSRS prescribes (see Params.W).
func New(p Params) (*Scheduler, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Scheduler{
		m:         newModel(clippedW(p), p.DesiredRetention, p.EnableShortTerm),
		maxIvl:    p.MaximumInterval,
		fuzz:      p.EnableFuzz,
		shortTerm: p.EnableShortTerm,
		learn:     minutes(p.LearningSteps),
		relearn:   minutes(p.RelearningSteps),
	}, nil
}

func minutes(steps []time.Duration) []int {
	out := make([]int, len(steps))
	for i, d := range steps {
		out[i] = int(d / time.Minute)
	}
	return out
}

// Next returns the card after rating r at now. seed makes fuzz deterministic
// per card: pass a stable hash of the user and card ids; the card's Reps is
// mixed in so successive reviews are fuzzed differently.
//
// Elapsed time is counted in UTC calendar days, as in FSRS: a review at 23:59
// UTC and another at 00:01 UTC are one day apart. A now before c.LastReview
// counts as the same day. A card whose Difficulty and Stability are both
// zero is rated as a first review. Next panics if r is not Valid.
func (s *Scheduler) Next(c Card, now time.Time, r Rating, seed uint64) Card {
	if !r.Valid() {
		panic("fsrs: invalid rating " + strconv.Itoa(int(r)))
	}
	rv := s.begin(c, now, seed)
	if s.shortTerm && rv.state != Review {
		return rv.step(r)
	}
	return rv.all()[r-1]
}

// Preview returns the card Next would give for each rating, indexed by
// rating-1 (for the buttons' "10m", "4d").
func (s *Scheduler) Preview(c Card, now time.Time, seed uint64) [4]Card {
	rv := s.begin(c, now, seed)
	if s.shortTerm && rv.state != Review {
		var out [4]Card
		for i := range out {
			out[i] = rv.step(Rating(i + 1))
		}
		return out
	}
	return rv.all()
}

// Retrievability is the predicted recall probability of c at now (0 for a
// new card). Like ts-fsrs, it counts whole 24-hour periods since the last
// review, not calendar days.
func (s *Scheduler) Retrievability(c Card, now time.Time) float64 {
	if c.State == StateNew || c.LastReview.IsZero() || !(c.Stability > 0) {
		return 0
	}
	t := max(floorDiv(now.UnixMilli()-c.LastReview.UnixMilli(), secondsInDay*1000), 0)
	return s.m.forgetting(int(t), roundTo8(c.Stability))
}

// review is one rating event in progress: what every outcome shares.
type review struct {
	s     *Scheduler
	state State  // c.State, unknown values read as Review
	step0 int    // c.LearningStep
	base  Card   // c with Reps and LastReview already advanced
	mem   memory // c's memory state, sanitised
	t     int    // whole UTC days since the last review
	r     float64
	now   time.Time
	fuzz  float64
}

func (s *Scheduler) begin(c Card, now time.Time, seed uint64) review {
	rv := review{s: s, state: c.State, step0: max(c.LearningStep, 0), base: c, now: now}
	if rv.state < StateNew || rv.state > Relearning {
		rv.state = Review
	}
	if rv.state != StateNew && !c.LastReview.IsZero() {
		// Unix seconds, not now.Sub: a gap of centuries overflows time.Duration.
		rv.t = int(max(utcDay(now)-utcDay(c.LastReview), 0))
	}
	rv.base.Reps++
	rv.base.LastReview = now
	rv.mem = memory{d: c.Difficulty, s: c.Stability}
	if rv.mem != (memory{}) {
		// Only corrupt data lies outside these bounds; ts-fsrs throws there.
		rv.mem.d = clamp(rv.mem.d, 1, 10)
		rv.mem.s = math.Max(rv.mem.s, sMin)
		rv.r = s.m.forgetting(rv.t, rv.mem.s)
	}
	rv.fuzz = fuzzFactor(seed, rv.base.Reps)
	return rv
}

// rated returns the base card with the memory state after rating g.
func (rv *review) rated(g Rating) Card {
	c := rv.base
	m := rv.s.m.next(rv.mem, rv.t, g, rv.r)
	c.Difficulty, c.Stability = m.d, m.s
	return c
}

// step rates a new, learning or relearning card with short-term scheduling:
// each rating is independent of the others.
func (rv *review) step(g Rating) Card {
	c := rv.rated(g)
	to := Learning
	if rv.state == Relearning {
		to = Relearning
	}
	rv.applySteps(&c, g, to)
	return c
}

// all rates a review card (or, without short-term scheduling, any card) for
// all four ratings at once, because each interval is forced longer than
// the one for the rating below it. As in FSRS, that forcing may push the
// longer intervals a few days past the maximum interval.
func (rv *review) all() [4]Card {
	var out [4]Card
	var ivl [4]int
	for i := range out {
		out[i] = rv.rated(Rating(i + 1))
		ivl[i] = rv.s.interval(out[i].Stability, rv.t, rv.fuzz)
	}
	if rv.s.shortTerm {
		rv.applySteps(&out[0], Again, Relearning)
		out[0].Lapses++
		ivl[1] = min(ivl[1], ivl[2])
	} else {
		ivl[0] = min(ivl[0], ivl[1])
		ivl[1] = max(ivl[1], ivl[0]+1)
		if rv.state != StateNew {
			out[0].Lapses++
		}
		rv.graduate(&out[0], ivl[0])
	}
	ivl[2] = max(ivl[2], ivl[1]+1)
	ivl[3] = max(ivl[3], ivl[2]+1)
	for i := 1; i < 4; i++ {
		rv.graduate(&out[i], ivl[i])
	}
	return out
}

// graduate schedules c as a review card due in days.
func (rv *review) graduate(c *Card, days int) {
	c.State = Review
	c.LearningStep = 0
	c.ScheduledDays = days
	c.Due = rv.now.Add(time.Duration(days) * day)
}

// applySteps schedules c after rating g from the (re)learning steps: a step
// shorter than a day keeps the card in state to; a step of a day or more, or
// running out of steps, makes it a review card.
func (rv *review) applySteps(c *Card, g Rating, to State) {
	mins, next := rv.s.stepFor(rv.state, rv.step0, g)
	switch {
	case mins > 0 && mins < minutesInDay:
		c.State = to
		c.LearningStep = next
		c.ScheduledDays = 0
		c.Due = rv.now.Add(time.Duration(mins) * time.Minute)
	case mins >= minutesInDay:
		c.State = Review
		c.LearningStep = next
		c.ScheduledDays = mins / minutesInDay
		c.Due = rv.now.Add(time.Duration(mins) * time.Minute)
	default:
		rv.graduate(c, rv.s.interval(c.Stability, rv.t, rv.fuzz))
	}
}

// stepFor returns the step, in minutes, for rating g of a card in state at
// step cur, and the step index the card moves to; 0 minutes means no step
// applies. Again restarts the steps, Hard repeats the current step with the
// mean of the first two steps (1.5 times the only step), Good advances and
// Easy leaves the steps.
func (s *Scheduler) stepFor(state State, cur int, g Rating) (mins, next int) {
	steps := s.learn
	if state == Relearning || state == Review {
		steps = s.relearn
	}
	n := len(steps)
	if n == 0 || cur >= n {
		return 0, 0
	}
	if state == Review {
		if g == Again {
			return steps[cur], 0
		}
		return 0, 0
	}
	switch g {
	case Again:
		return steps[0], 0
	case Hard:
		if n == 1 {
			return int(jsRound(float64(steps[0]) * 1.5)), cur
		}
		return int(jsRound(float64(steps[0]+steps[1]) / 2)), cur
	case Good:
		if cur+1 < n {
			return steps[cur+1], cur + 1
		}
	}
	return 0, 0
}

// interval is the number of days for stability stab at the desired
// retention, capped at the maximum and fuzzed when fuzz is on.
func (s *Scheduler) interval(stab float64, elapsed int, fuzz float64) int {
	ivl := min(max(1, int(jsRound(stab*s.m.ivlModifier))), s.maxIvl)
	// FSRS fuzzes intervals of 2.5 days and more; ivl is whole days.
	if !s.fuzz || ivl < 3 {
		return ivl
	}
	lo, hi := fuzzRange(ivl, elapsed, s.maxIvl)
	return int(math.Floor(float64(fuzz*float64(hi-lo+1)) + float64(lo)))
}

// utcDay is the number of UTC calendar days from 1970-01-01 to t.
func utcDay(t time.Time) int64 { return floorDiv(t.Unix(), secondsInDay) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
