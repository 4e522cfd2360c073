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

// rankedQuery is the plain-text query: every unit as an optional clause, the units all
// together as a boosted clause, and the phrases.
func (ix *Index) rankedQuery(text string, us []unit) query.Query {
	if len(us) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	var clauses []query.Query
	var each []query.Query
	for _, u := range us {
		each = append(each, ix.unitQuery(u))
	}
	clauses = append(clauses, each...)
	if len(us) > 1 {
		all := bleve.NewConjunctionQuery(each...)
		all.SetBoost(allWordsBoost)
		clauses = append(clauses, all)
		clauses = append(clauses, ix.phraseQuery(text, us))
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// unitQuery matches one unit, or any of its other names, in any text field.
func (ix *Index) unitQuery(u unit) query.Query {
	var qs []query.Query
	for _, form := range append([]string{u.text}, u.alts...) {
		ws := ix.words.Analyze([]byte(form))
		for _, f := range textFields {
			switch len(ws) {
			case 0:
			case 1:
				t := bleve.NewTermQuery(string(ws[0].Term))
				t.SetField(f.name)
				t.SetBoost(f.weight)
				qs = append(qs, t)
				for _, st := range ix.stem.Analyze([]byte(form)) {
					s := bleve.NewTermQuery(string(st.Term))
					s.SetField(f.name + stemSuffix)
					s.SetBoost(f.weight * stemWeight)
					qs = append(qs, s)
				}
			default:
				p := bleve.NewMatchPhraseQuery(form)
				p.SetField(f.name)
				p.SetBoost(f.weight)
				qs = append(qs, p)
			}
		}
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

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
