package similarity

import "sort"

// Submission is one candidate's final code for a lab.
type Submission struct {
	ID    int64 // the caller's key, e.g. the invite
	Files map[string]string
}

// Pair is two submissions that share at least Threshold percent; A.ID < B.ID.
type Pair struct {
	A, B  int64
	Match Match
}

// Pairs compares every two of subs, with the code of ignore (the lab's starter and
// reference) removed first, and returns the pairs scoring at least Threshold, highest
// score first.
func Pairs(subs []Submission, ignore ...map[string]string) []Pair {
	var ig []*Doc
	for _, f := range ignore {
		ig = append(ig, New(f))
	}
	skip := NewIgnore(ig...)
	docs := make([]*Doc, len(subs))
	for i, s := range subs {
		docs[i] = New(s.Files)
	}
	var out []Pair
	for i := range subs {
		for j := i + 1; j < len(subs); j++ {
			m := Compare(docs[i], docs[j], skip)
			if m.Score < Threshold {
				continue
			}
			a, b := subs[i].ID, subs[j].ID
			if a > b {
				a, b = b, a
				m.RegionsA, m.RegionsB = m.RegionsB, m.RegionsA
				m.A, m.B = m.B, m.A
			}
			out = append(out, Pair{A: a, B: b, Match: m})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Match.Score != out[j].Match.Score {
			return out[i].Match.Score > out[j].Match.Score
		}
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}
