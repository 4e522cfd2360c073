package similarity

import "sort"

// Region is a range of lines of one file, both ends included.
type Region struct {
	File  string `json:"file"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Match is how much two submissions share.
type Match struct {
	// Score is the fingerprints shared, in percent of the smaller submission's
	// fingerprints, once those of the ignored code are removed. 0 if either has none.
	Score  float64
	Shared int // fingerprints shared
	A, B   int // fingerprints of each submission that count
	// RegionsA and RegionsB are the lines of each submission that lie in a K-token run
	// found in the other and not in the ignored code, merged, by file then line.
	RegionsA, RegionsB []Region
}

// Ignore is code whose fingerprints never count: the lab's starter and reference.
type Ignore struct {
	grams map[uint64]bool // every K-token run of the ignored code
}

// NewIgnore returns the code of docs as ignored code.
func NewIgnore(docs ...*Doc) *Ignore {
	ig := &Ignore{grams: map[uint64]bool{}}
	for _, d := range docs {
		if d == nil {
			continue
		}
		// Every run, not only the winnowed ones: a candidate's window may select a
		// run of the starter that the starter's own windows skipped.
		for _, h := range d.Grams {
			ig.grams[h] = true
		}
	}
	return ig
}

func (ig *Ignore) has(h uint64) bool { return ig != nil && ig.grams[h] }

// Compare scores a against b with the code of ig removed (ig may be nil).
func Compare(a, b *Doc, ig *Ignore) Match {
	pa, pb := printSet(a, ig), printSet(b, ig)
	m := Match{A: len(pa), B: len(pb)}
	for h := range pa {
		if pb[h] {
			m.Shared++
		}
	}
	if min := minInt(m.A, m.B); min > 0 {
		m.Score = 100 * float64(m.Shared) / float64(min)
	}
	if m.Shared == 0 {
		return m
	}
	ga, gb := gramSet(a, ig), gramSet(b, ig)
	m.RegionsA = regions(a, gb, ig)
	m.RegionsB = regions(b, ga, ig)
	return m
}

func printSet(d *Doc, ig *Ignore) map[uint64]bool {
	s := map[uint64]bool{}
	for _, p := range d.Prints {
		if !ig.has(p.Hash) {
			s[p.Hash] = true
		}
	}
	return s
}

func gramSet(d *Doc, ig *Ignore) map[uint64]bool {
	s := map[uint64]bool{}
	for _, h := range d.Grams {
		if !ig.has(h) {
			s[h] = true
		}
	}
	return s
}

// regions returns the lines of d covered by its runs whose hash is in other.
func regions(d *Doc, other map[uint64]bool, ig *Ignore) []Region {
	covered := make([]bool, len(d.Toks))
	for i, h := range d.Grams {
		if other[h] && !ig.has(h) {
			for j := i; j < i+K; j++ {
				covered[j] = true
			}
		}
	}
	var out []Region
	for i, c := range covered {
		if !c {
			continue
		}
		t := d.Toks[i]
		if n := len(out); n > 0 && out[n-1].File == t.File && t.Line <= out[n-1].End+1 {
			if t.Line > out[n-1].End {
				out[n-1].End = t.Line
			}
			continue
		}
		out = append(out, Region{File: t.File, Start: t.Line, End: t.Line})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Start < out[j].Start
	})
	return out
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}
