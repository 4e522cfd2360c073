package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Ranking weights, on top of BM25 and the field weights in textFields. bleve scales a
// disjunction by the share of its clauses that match, so a card matching more of the
// query ranks above one matching a single word many times.
const (
	// allWordsBoost adds the score of a card that has every word (or a synonym of it):
	// matching all the query comes before matching a part of it.
	allWordsBoost = 3
	// phraseBoost weighs the query's words found together, in order: the whole query
	// in a field, and each adjacent pair (which stands for proximity).
	phraseBoost = 2
)

// unit is one query word, or several words that together form a name in
// synonymGroups ("model view presenter"), with the other names it may match.
type unit struct {
	text       string   // as typed
	start, end int      // byte offsets of text in the query
	words      int      // analysed words it covers
	alts       []string // other names, from synonymGroups
}

// units splits the query into units, in order.
func (ix *Index) units(text string) []unit {
	toks := ix.words.Analyze([]byte(text))
	ts := terms(toks)
	var out []unit
	for i := 0; i < len(toks); {
		n, alts := ix.syn.at(ts[i:])
		if n == 0 {
			n = 1
		}
		u := unit{start: toks[i].Start, end: toks[i+n-1].End, words: n, alts: alts}
		u.text = text[u.start:u.end]
		out = append(out, u)
		i += n
	}
	return out
}

// rankedQuery is the plain-text query: every unit (with its synonyms) an optional
// clause, the units all together a boosted clause, and the phrases another. A card with
// all the words ranks above one with some, yet a card that lacks one word of a long
// query ("vs", "right") is still found.
func (ix *Index) rankedQuery(text string, us []unit) query.Query {
	if len(us) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	var each []query.Query
	for _, u := range us {
		each = append(each, ix.unitQuery(u))
	}
	if len(us) == 1 {
		return each[0]
	}
	conj := bleve.NewConjunctionQuery(each...)
	conj.SetBoost(allWordsBoost)
	return bleve.NewDisjunctionQuery(append(each, conj, ix.phraseQuery(text, us))...)
}

// unitQuery matches one unit, or any of its other names, in any text field.
func (ix *Index) unitQuery(u unit) query.Query {
	var qs []query.Query
	for _, form := range append([]string{u.text}, u.alts...) {
		switch ws := ix.words.Analyze([]byte(form)); {
		case len(ws) == 1:
			for _, f := range unitFields {
				t := bleve.NewTermQuery(string(ws[0].Term))
				t.SetField(f.name)
				t.SetBoost(f.weight)
				qs = append(qs, t)
			}
		case len(ws) > 1: // a name of several words is a phrase, in the body too
			for _, f := range textFields {
				p := bleve.NewMatchPhraseQuery(form)
				p.SetField(f.name)
				p.SetBoost(f.weight)
				qs = append(qs, p)
			}
		}
	}
	for _, form := range append([]string{u.text}, u.alts...) {
		if st := ix.stem.Analyze([]byte(form)); len(st) == 1 {
			s := bleve.NewTermQuery(string(st[0].Term))
			s.SetField(stemField)
			s.SetBoost(stemWeight)
			qs = append(qs, s)
		}
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// unitFields are where a single word is looked up in its plural-folded form. The body
// is not among them: stemField covers it (and every other field), and the body's word
// lists, the longest, are where most of a query's time went.
var unitFields = phraseFields

// phraseFields are where words found together count: the fields that say what a card
// is about. A phrase in the body is weaker evidence, already rewarded by BM25.
var phraseFields = []textField{{"title", 3}, {"aliases", 3}, {"tagtext", 2}, {"prompt", 1.5}, {"keypoints", 1.2}}

// phraseQuery rewards the whole query found as a phrase and, for three units or more,
// each adjacent pair of units found together.
func (ix *Index) phraseQuery(text string, us []unit) query.Query {
	spans := []string{text}
	if len(us) > 2 {
		for i := 0; i+1 < len(us); i++ {
			spans = append(spans, text[us[i].start:us[i+1].end])
		}
	}
	var qs []query.Query
	for _, s := range spans {
		for _, f := range phraseFields {
			p := bleve.NewMatchPhraseQuery(s)
			p.SetField(f.name)
			p.SetBoost(f.weight * phraseBoost)
			qs = append(qs, p)
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}
