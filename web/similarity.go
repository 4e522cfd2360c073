package web

import (
	"sort"
	"strings"

	"prep/labs"
	"prep/labs/similarity"
)

// similarPairJSON is two invites whose final submissions of a lab share code above
// similarity.Threshold, once the lab's starter and reference are removed. It is a
// signal for the interviewer to look at, never a verdict.
type similarPairJSON struct {
	Lab      string              `json:"lab"`
	A        int64               `json:"invite_a"`
	ALabel   string              `json:"label_a"`
	B        int64               `json:"invite_b"`
	BLabel   string              `json:"label_b"`
	Score    float64             `json:"score_percent"`
	RegionsA []similarity.Region `json:"regions_a"`
	RegionsB []similarity.Region `json:"regions_b"`
	// Files is the side-by-side view of the two submissions, for the page only.
	Files []sideFile `json:"-"`
}

// sideFile is one file of a pair shown side by side.
type sideFile struct {
	Name string
	A, B []sideLine
}

// sideLine is a line of a file; Shared if it lies in a region found in the other.
type sideLine struct {
	N      int
	Text   string
	Shared bool
}

// similarPairs compares, lab by lab, the final submissions of reports and returns
// the pairs at or above the threshold, by lab in the assessment's order then score.
func (s *Server) similarPairs(labSlugs []string, reports []inviteReportJSON) []similarPairJSON {
	out := []similarPairJSON{}
	label := map[int64]string{}
	for _, r := range reports {
		label[r.ID] = r.Label
	}
	for _, slug := range labSlugs {
		var subs []similarity.Submission
		code := map[int64]map[string]string{}
		for _, r := range reports {
			if f := r.finals[slug]; f != nil {
				subs = append(subs, similarity.Submission{ID: r.ID, Files: f})
				code[r.ID] = f
			}
		}
		if len(subs) < 2 {
			continue
		}
		var ignore []map[string]string
		if s.labs != nil {
			if l, err := s.labs.Lab(slug); err == nil {
				ignore = append(ignore, labs.Files(l.Starter), labs.Files(l.Solution))
			}
		}
		for _, p := range similarity.Pairs(subs, ignore...) {
			out = append(out, similarPairJSON{Lab: slug, A: p.A, ALabel: label[p.A], B: p.B, BLabel: label[p.B],
				Score: p.Match.Score, RegionsA: p.Match.RegionsA, RegionsB: p.Match.RegionsB,
				Files: sideBySide(code[p.A], code[p.B], p.Match.RegionsA, p.Match.RegionsB)})
		}
	}
	return out
}

// sideBySide lays out the files of a and b, in name order, with their shared lines
// marked.
func sideBySide(a, b map[string]string, ra, rb []similarity.Region) []sideFile {
	names := map[string]bool{}
	for n := range a {
		names[n] = true
	}
	for n := range b {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out []sideFile
	for _, n := range sorted {
		out = append(out, sideFile{Name: n, A: markLines(n, a[n], ra), B: markLines(n, b[n], rb)})
	}
	return out
}

func markLines(name, src string, regions []similarity.Region) []sideLine {
	if src == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	out := make([]sideLine, len(lines))
	for i, l := range lines {
		out[i] = sideLine{N: i + 1, Text: l}
	}
	for _, r := range regions {
		if r.File != name {
			continue
		}
		for n := r.Start; n <= r.End && n <= len(out); n++ {
			if n >= 1 {
				out[n-1].Shared = true
			}
		}
	}
	return out
}
