package fsrs

import "math"

// The memory model: stability S (days until recall probability falls to
// 90%), difficulty D in [1, 10] and retrievability R. Every function rounds
// its result to 8 decimals, as ts-fsrs does, so that schedules agree with
// the reference implementation to the day. Products that feed an addition
// are wrapped in float64() so the compiler cannot fuse them into FMA
// instructions on some architectures and change the last bit.

// model holds the weights and the constants derived from them.
type model struct {
	w           [21]float64
	decay       float64 // -w20
	factor      float64 // 0.9^(1/decay) - 1, so that R(S, S) = 0.9
	shortTerm   bool
	ivlModifier float64 // interval = S * ivlModifier, for the desired retention
}

func newModel(w [21]float64, retention float64, shortTerm bool) model {
	m := model{w: w, decay: -w[20], shortTerm: shortTerm}
	m.factor = roundTo8(math.Exp(float64(1/m.decay)*math.Log(0.9)) - 1)
	m.ivlModifier = roundTo8((math.Pow(retention, 1/m.decay) - 1) / m.factor)
	return m
}

// forgetting is R after t days for stability s.
func (m *model) forgetting(t int, s float64) float64 {
	return roundTo8(math.Pow(1+float64(m.factor*float64(t))/s, m.decay))
}

// initStability is S after the first rating g.
func (m *model) initStability(g Rating) float64 {
	return math.Max(m.w[g-1], 0.1)
}

// initDifficulty is D after the first rating g, before clamping to [1, 10].
func (m *model) initDifficulty(g Rating) float64 {
	return roundTo8(m.w[4] - math.Exp(float64(float64(g-1)*m.w[5])) + 1)
}

// nextDifficulty applies the rating's change with linear damping towards 10
// and mean reversion towards the initial difficulty of an easy card.
func (m *model) nextDifficulty(d float64, g Rating) float64 {
	delta := -m.w[6] * float64(g-3)
	damped := roundTo8(float64(delta*(10-d)) / 9)
	next := d + damped
	init := m.initDifficulty(Easy)
	rev := roundTo8(float64(m.w[7]*init) + float64((1-m.w[7])*next))
	return clamp(rev, 1, 10)
}

// recallStability is S after a successful review (Hard, Good or Easy).
func (m *model) recallStability(d, s, r float64, g Rating) float64 {
	w := &m.w
	hardPenalty, easyBonus := 1.0, 1.0
	if g == Hard {
		hardPenalty = w[15]
	}
	if g == Easy {
		easyBonus = w[16]
	}
	inc := float64(math.Exp(w[8]) * (11 - d) * math.Pow(s, -w[9]) *
		(math.Exp(float64((1-r)*w[10])) - 1) * hardPenalty * easyBonus)
	return roundTo8(clamp(s*(1+inc), sMin, MaxMaximumInterval))
}

// forgetStability is S after a lapse.
func (m *model) forgetStability(d, s, r float64) float64 {
	w := &m.w
	v := w[11] * math.Pow(d, -w[12]) * (math.Pow(s+1, w[13]) - 1) * math.Exp(float64((1-r)*w[14]))
	return roundTo8(clamp(v, sMin, MaxMaximumInterval))
}

// shortTermStability is S after a same-day review.
func (m *model) shortTermStability(s float64, g Rating) float64 {
	w := &m.w
	sinc := math.Pow(s, -w[19]) * math.Exp(float64(w[17]*(float64(g-3)+w[18])))
	if g >= Hard {
		sinc = math.Max(sinc, 1)
	}
	return roundTo8(clamp(s*sinc, sMin, MaxMaximumInterval))
}

// memory is a card's (difficulty, stability) pair.
type memory struct{ d, s float64 }

// next returns the memory state after rating g, t whole days after the last
// review, with r the retrievability at that moment. A zero memory is a card
// that has not been rated yet.
func (m *model) next(mem memory, t int, g Rating, r float64) memory {
	if mem.d == 0 && mem.s == 0 {
		return memory{d: clamp(m.initDifficulty(g), 1, 10), s: m.initStability(g)}
	}
	var s float64
	switch {
	case t == 0 && m.shortTerm:
		s = m.shortTermStability(mem.s, g)
	case g == Again:
		fail := m.forgetStability(mem.d, mem.s, r)
		var w17, w18 float64
		if m.shortTerm {
			w17, w18 = m.w[17], m.w[18]
		}
		floor := roundTo8(mem.s / math.Exp(float64(w17*w18)))
		s = math.Min(math.Max(floor, sMin), fail)
	default:
		s = m.recallStability(mem.d, mem.s, r, g)
	}
	return memory{d: m.nextDifficulty(mem.d, g), s: s}
}

// clamp is min(max(v, lo), hi), in that order, as ts-fsrs computes it.
func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// jsRound is JavaScript's Math.round: the nearest integer, halves rounded
// up (-2.5 -> -2), unlike math.Round which rounds halves away from zero.
func jsRound(x float64) float64 {
	f := math.Floor(x)
	if x-f >= 0.5 {
		return f + 1
	}
	return f
}

// roundTo8 rounds to 8 decimals the way ts-fsrs's roundTo does.
func roundTo8(x float64) float64 { return jsRound(x*1e8) / 1e8 }
