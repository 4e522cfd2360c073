package fsrs

import "math"

// fuzzRanges are FSRS's fuzz bands: an interval of I days may move by
// 1 day plus 15% of the part of I between 2.5 and 7 days, 10% of the part
// between 7 and 20 days and 5% of the part above 20 days.
var fuzzRanges = [...]struct{ start, end, factor float64 }{
	{2.5, 7, 0.15},
	{7, 20, 0.10},
	{20, math.Inf(1), 0.05},
}

// fuzzRange returns the inclusive range [lo, hi] of days an interval of ivl
// days may be fuzzed into, given the days elapsed since the last review and
// the maximum interval. A fuzzed interval never falls below 2 days, nor to or
// below the elapsed days when ivl itself was longer.
func fuzzRange(ivl, elapsed, maxIvl int) (lo, hi int) {
	delta := 1.0
	for _, r := range fuzzRanges {
		delta += float64(r.factor * math.Max(math.Min(float64(ivl), r.end)-r.start, 0))
	}
	ivl = min(ivl, maxIvl)
	lo = max(2, int(jsRound(float64(ivl)-delta)))
	hi = min(int(jsRound(float64(ivl)+delta)), maxIvl)
	if ivl > elapsed {
		lo = max(lo, elapsed+1)
	}
	return min(lo, hi), hi
}

// fuzzFactor returns a number in [0, 1) drawn from the caller's per-card
// seed and the repetition count, so a card's successive reviews, and two
// cards reviewed together, are fuzzed differently, while the same review
// always gets the same value (Preview agrees with Next).
func fuzzFactor(seed uint64, reps int) float64 {
	x := splitmix64(seed ^ splitmix64(uint64(reps)))
	return float64(x>>11) / (1 << 53)
}

// splitmix64 is the SplitMix64 output function: a cheap bijective mixer
// whose outputs pass BigCrush.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
