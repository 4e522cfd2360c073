package search

import (
	"cmp"
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Misspellings. A query word that no card contains, in either of its analysed forms, is
// replaced by the nearest word that cards do contain; words cards contain are never
// touched, so "split brian" corrects "brian" and keeps "split".
const (
	minFuzzyLen   = 4 // shorter words are left alone: one edit away is half the dictionary
	twoEditsFrom  = 8 // words this long may be two edits away
	maxCandidates = 8 // nearest dictionary words weighed for one correction
)

// correction is the replacement of one query word.
type correction struct {
	start, end int
	with       string
}

// corrected returns text with every unknown word replaced, and whether any was. Among
// the dictionary words near an unknown one it picks the one found in the most cards
// together with the rest of the query, then the nearer, then the more common: "circut
// braker" becomes "circuit breaker", not "circuit brokers".
func (ix *Index) corrected(text string, us []unit) (string, bool, error) {
	forms := make([]string, len(us)) // each unit's text after correction; "" while unknown
	var fixes []correction
	for i, u := range us {
		if u.words > 1 || len(u.alts) > 0 || ix.known(u.text) {
			forms[i] = u.text
		}
	}
	for i, u := range us {
		if forms[i] != "" {
			continue
		}
		cands, err := ix.candidates(u.text)
		if err != nil {
			return "", false, err
		}
		var others []query.Query
		for j, f := range forms {
			if j != i && f != "" {
				others = append(others, ix.unitQuery(unit{text: f, words: us[j].words, alts: us[j].alts}))
			}
		}
		var best *candidate
		var bestScore [3]int
		for _, c := range cands {
			if len(others) == 0 && best != nil && c.distance > cands[0].distance {
				break // alone, a word is corrected to the nearest, then the most common
			}
			together, err := ix.together(c.term, forms, us, i)
			if err != nil {
				return "", false, err
			}
			n, err := ix.count(append([]query.Query{ix.unitQuery(unit{text: c.term, words: 1})}, others...))
			if err != nil {
				return "", false, err
			}
			score := [3]int{together, -c.distance, n}
			if n > 0 && (best == nil || slices.Compare(score[:], bestScore[:]) > 0) {
				best, bestScore = &c, score
			}
		}
		if best != nil {
			forms[i] = best.term
			fixes = append(fixes, correction{u.start, u.end, best.term})
		}
	}
	if len(fixes) == 0 {
		return text, false, nil
	}
	out, last := "", 0
	for _, f := range fixes {
		out += text[last:f.start] + f.with
		last = f.end
	}
	return out + text[last:], true, nil
}

// together counts the cards that have term next to the unit before or after unit i of
// us, as a phrase in any field: "cache stampeed" is "cache stampede", a phrase many
// cards have, rather than "cache sampled", two words many cards have apart.
func (ix *Index) together(term string, forms []string, us []unit, i int) (int, error) {
	n := 0
	for _, pair := range [][2]int{{i - 1, i}, {i, i + 1}} {
		if pair[0] < 0 || pair[1] >= len(us) {
			continue
		}
		words := [2]string{}
		for k, j := range pair {
			words[k] = forms[j]
			if j == i {
				words[k] = term
			}
		}
		if words[0] == "" || words[1] == "" {
			continue
		}
		var qs []query.Query
		for _, f := range textFields {
			p := bleve.NewMatchPhraseQuery(words[0] + " " + words[1])
			p.SetField(f.name)
			qs = append(qs, p)
		}
		c, err := ix.count([]query.Query{bleve.NewDisjunctionQuery(qs...)})
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// known reports whether some card contains word, as a word or as a stem.
func (ix *Index) known(word string) bool {
	for _, t := range ix.words.Analyze([]byte(word)) {
		if ix.vocab[string(t.Term)] {
			return true
		}
	}
	for _, t := range ix.stem.Analyze([]byte(word)) {
		if ix.stemVocab[string(t.Term)] {
			return true
		}
	}
	return false
}

type candidate struct {
	term     string
	distance int
}

// candidates lists the dictionary words within reach of word, nearest first.
func (ix *Index) candidates(word string) ([]candidate, error) {
	ts := ix.words.Analyze([]byte(word))
	if len(ts) != 1 {
		return nil, nil
	}
	term := string(ts[0].Term)
	n := utf8.RuneCountInString(term)
	if n < minFuzzyLen {
		return nil, nil
	}
	fuzz := 1
	if n >= twoEditsFrom {
		fuzz = 2
	}
	ai, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := ai.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fr, ok := r.(bleveindex.IndexReaderFuzzy)
	if !ok {
		return nil, nil
	}
	seen := map[string]bool{}
	for _, f := range textFields {
		d, err := fr.FieldDictFuzzy(f.name, term, fuzz, "")
		if err != nil {
			return nil, err
		}
		for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
			seen[e.Term] = true
		}
		d.Close()
	}
	var out []candidate
	for t := range seen {
		out = append(out, candidate{t, levenshtein(term, t)})
	}
	slices.SortFunc(out, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.distance, b.distance), cmp.Compare(a.term, b.term))
	})
	return out[:min(len(out), maxCandidates)], nil
}

// count is the number of cards matching every query in qs.
func (ix *Index) count(qs []query.Query) (int, error) {
	sr, err := ix.idx.Search(bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(qs...), 0, 0, false))
	if err != nil {
		return 0, err
	}
	return int(sr.Total), nil
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
