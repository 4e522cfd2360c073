// Package search indexes the knowledge base with bleve and answers queries with
// highlighted snippets, facet counts, pages and a correction of misspelt words.
//
// Ranking is BM25 over the title, aliases, tags, prompt, key points and body, each
// weighed (mapping.go); a card with every query word (or a synonym of it, synonyms.go)
// and with the words together as a phrase ranks first (ranking.go); a word no card
// contains is replaced by the nearest one that keeps the query's words together in some
// card (fuzzy.go). testdata/relevance.txt holds the queries this is measured on.
//
// It is the only package that imports bleve. An Index is built once from a
// content.Library, either in memory or in a directory where it is reused for as long as
// the content hash matches.
package search

import (
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"prep"
	"prep/content"
)

// Limits on queries.
const (
	MaxQueryLen = 256 // characters of query text
	MaxResults  = 50  // hits on one page
	DefaultSize = 20  // hits on a page when Size is 0
	// MaxOffset bounds how deep pages go: (Page-1)*Size must stay below it.
	MaxOffset = 1000
)

// Facet fields, in the order pages show them.
var Facets = []string{"kind", "level", "topic", "tags"}

// Index is a search index over one content.Library. It is safe for concurrent use.
type Index struct {
	idx              bleve.Index
	lib              *content.Library
	words, stem      analysis.Analyzer
	syn              *synonyms
	vocab, stemVocab map[string]bool // every indexed word, in each analysed form
}

// New builds an index of lib. With dir empty the index lives in memory; otherwise it is
// kept in dir/search-<hash> and reused by the next start with the same content, and
// indexes of other content found in dir are removed.
func New(lib *content.Library, dir string) (*Index, error) {
	if dir == "" {
		idx, err := bleve.NewUsing("", indexMapping(), scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, prep.Wrap("search.New", err)
		}
		return build(idx, lib)
	}
	path := filepath.Join(dir, "search-"+lib.Hash()[:16])
	if idx, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": "2s"}); err == nil {
		if n, err := idx.DocCount(); err == nil && n == uint64(len(lib.Cards())) {
			return open(idx, lib)
		}
		idx.Close()
	}
	// Stale or broken: start over, leaving no index of older content behind.
	old, _ := filepath.Glob(filepath.Join(dir, "search-*"))
	for _, o := range old {
		if err := os.RemoveAll(o); err != nil {
			return nil, prep.Wrap("search.New", err)
		}
	}
	idx, err := bleve.NewUsing(path, indexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, prep.Wrap("search.New", fmt.Errorf("create index in %s: %w", path, err))
	}
	ix, err := build(idx, lib)
	if err != nil {
		os.RemoveAll(path)
	}
	return ix, err
}

func build(idx bleve.Index, lib *content.Library) (*Index, error) {
	b := idx.NewBatch()
	for _, c := range lib.Cards() {
		if err := b.Index(c.ID, toDoc(c)); err != nil {
			idx.Close()
			return nil, prep.Wrap("search.build", err)
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, prep.Wrap("search.build", err)
	}
	return open(idx, lib)
}

// open readies a built index for queries: the analyzers, the synonyms in analysed form
// and the vocabulary that tells a misspelling from a word some card has.
func open(idx bleve.Index, lib *content.Library) (*Index, error) {
	m := idx.Mapping()
	ix := &Index{idx: idx, lib: lib, words: m.AnalyzerNamed(wordsAnalyzer), stem: m.AnalyzerNamed(stemAnalyzer),
		vocab: map[string]bool{}, stemVocab: map[string]bool{}}
	if ix.words == nil || ix.stem == nil {
		idx.Close()
		return nil, prep.Wrap("search.open", fmt.Errorf("index mapping lacks the %s or %s analyzer", wordsAnalyzer, stemAnalyzer))
	}
	ix.syn = newSynonyms(ix.words)
	fields := map[string]map[string]bool{stemField: ix.stemVocab}
	for _, f := range textFields {
		fields[f.name] = ix.vocab
	}
	for field, into := range fields {
		d, err := idx.FieldDict(field)
		if err != nil {
			idx.Close()
			return nil, prep.Wrap("search.open", err)
		}
		for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
			into[e.Term] = true
		}
		d.Close()
	}
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// Query is one search request.
type Query struct {
	Text     string
	Advanced bool // Text is the advanced syntax: AND/OR/NOT, field:value, +must, -not, "phrase"
	Kind     string
	Level    string
	Topic    string
	Tag      string
	Page     int // 1-based; 0 means 1
	Size     int // hits on a page; 0 means DefaultSize, at most MaxResults
}

// Filtered reports whether q narrows the cards by kind, level, topic or tag.
func (q Query) Filtered() bool { return q.Kind != "" || q.Level != "" || q.Topic != "" || q.Tag != "" }

// Hit is one matching card.
type Hit struct {
	ID, Title, Kind, Level, Topic string
	Score                         float64
	Snippet                       template.HTML // escaped text with <mark> around matches
}

// FacetCount is one value of a facet with the number of hits that have it.
type FacetCount struct {
	Value string
	Count int
}

// Results of a search.
type Results struct {
	Total  uint64
	Hits   []Hit                   // the requested page
	Page   int                     // 1-based page of Hits
	Size   int                     // hits per page
	Facets map[string][]FacetCount // by field name in Facets
	// Fuzzy is set when some query word is in no card and was replaced by a near one;
	// Corrected is the query that was run.
	Fuzzy     bool
	Corrected string
	Took      time.Duration
}

// Pages is the number of pages of Size hits that Total fills (at least 1).
func (r *Results) Pages() int {
	if r.Size <= 0 || r.Total == 0 {
		return 1
	}
	return int((r.Total + uint64(r.Size) - 1) / uint64(r.Size))
}

// EmptyQuery is the message for a search with neither words nor filters.
const EmptyQuery = "the query is empty: type the words to look for (such as: circuit breaker), or pick a filter"

// Search runs q. Bad input (no words and no filters, unknown filter value, over-long
// text, a page out of range, broken advanced syntax) is a prep.Invalid error whose
// message says what to change. Filters without words list the cards by title.
func (ix *Index) Search(q Query) (*Results, error) {
	if err := ix.validate(&q); err != nil {
		return nil, err
	}
	text := strings.TrimSpace(q.Text)
	switch {
	case text == "":
		return ix.run(q, bleve.NewMatchAllQuery(), true, nil)
	case q.Advanced:
		qs := bleve.NewQueryStringQuery(booleanToQueryString(text))
		parsed, err := qs.Parse()
		if err != nil {
			return nil, prep.Errorf(prep.Invalid, "search", "query syntax: %v (%s Or turn advanced syntax off.)", err, AdvancedHelp)
		}
		if err := checkCost(parsed); err != nil {
			return nil, err
		}
		return ix.run(q, qs, false, qs)
	}
	us := ix.units(text)
	fixed, fuzzy, err := ix.corrected(text, us)
	if err != nil {
		return nil, prep.Wrap("search", err)
	}
	if fuzzy {
		text, us = fixed, ix.units(fixed)
	}
	res, err := ix.run(q, ix.rankedQuery(text, us), false, ix.highlightQuery(us))
	if err != nil {
		return nil, err
	}
	if fuzzy {
		res.Fuzzy, res.Corrected = true, text
	}
	return res, nil
}

func (ix *Index) validate(q *Query) error {
	const op = "search"
	if n := utf8.RuneCountInString(q.Text); n > MaxQueryLen {
		return prep.Errorf(prep.Invalid, op, "query is %d characters long; the limit is %d", n, MaxQueryLen)
	}
	if strings.TrimSpace(q.Text) == "" && !q.Filtered() {
		return prep.Errorf(prep.Invalid, op, "%s", EmptyQuery)
	}
	if q.Size <= 0 {
		q.Size = DefaultSize
	}
	q.Size = min(q.Size, MaxResults)
	if q.Page <= 0 {
		q.Page = 1
	}
	if (q.Page-1)*q.Size >= MaxOffset {
		return prep.Errorf(prep.Invalid, op, "page %d is too deep: with %d per page the last page is %d (narrow the search instead)", q.Page, q.Size, (MaxOffset-1)/q.Size+1)
	}
	check := func(field, value string, allowed []string) error {
		if value == "" || slices.Contains(allowed, value) {
			return nil
		}
		return prep.Errorf(prep.Invalid, op, "unknown %s %q (use one of: %s)", field, value, strings.Join(allowed, ", "))
	}
	if err := errors.Join(check("kind", q.Kind, content.Kinds), check("level", q.Level, content.Levels), check("topic", q.Topic, ix.lib.TopicIDs())); err != nil {
		return err
	}
	if q.Tag != "" && !ix.lib.HasTag(q.Tag) {
		return prep.Errorf(prep.Invalid, op, "unknown tag %q", q.Tag)
	}
	return nil
}

// run searches with text under q's filters and returns q's page. byTitle sorts the
// hits by title, for a listing without words to rank by. hl, when not nil, is what the
// snippets highlight: it is run again on the page's cards only, so that the long body
// field is read for those few cards and not for every card the ranking looks at.
func (ix *Index) run(q Query, text query.Query, byTitle bool, hl query.Query) (*Results, error) {
	var filters []query.Query
	for _, f := range []struct{ field, value string }{{"kind", q.Kind}, {"level", q.Level}, {"topic", q.Topic}, {"tags", q.Tag}} {
		if f.value != "" {
			t := bleve.NewTermQuery(f.value)
			t.SetField(f.field)
			filters = append(filters, t)
		}
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(append([]query.Query{text}, filters...)...), q.Size, (q.Page-1)*q.Size, false)
	if byTitle {
		req.SortBy([]string{"title_sort", "_id"})
	}
	for _, f := range Facets {
		req.AddFacet(f, bleve.NewFacetRequest(f, 100))
	}
	sr, err := ix.idx.Search(req)
	if err != nil {
		return nil, prep.Wrap("search", err)
	}
	snippets, err := ix.snippets(sr.Hits, hl)
	if err != nil {
		return nil, err
	}
	res := &Results{Total: sr.Total, Took: sr.Took, Page: q.Page, Size: q.Size, Facets: map[string][]FacetCount{}}
	for _, h := range sr.Hits {
		c := ix.lib.Card(h.ID)
		if c == nil {
			continue
		}
		s, ok := snippets[h.ID]
		if !ok {
			s = plainSnippet(c.Prompt.Text)
		}
		res.Hits = append(res.Hits, Hit{ID: c.ID, Title: c.Title, Kind: c.Kind, Level: c.Level, Topic: c.Topic,
			Score: h.Score, Snippet: s})
	}
	for _, f := range Facets {
		fr := sr.Facets[f]
		if fr == nil || fr.Terms == nil {
			continue
		}
		for _, t := range fr.Terms.Terms() {
			res.Facets[f] = append(res.Facets[f], FacetCount{Value: t.Term, Count: t.Count})
		}
	}
	return res, nil
}

// snippets highlights hl in the prompt, key points and body of hits, by card id.
func (ix *Index) snippets(hits search.DocumentMatchCollection, hl query.Query) (map[string]template.HTML, error) {
	out := map[string]template.HTML{}
	if hl == nil || len(hits) == 0 {
		return out, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), hl), len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.Fields = []string{"prompt", "keypoints", "body"}
	sr, err := ix.idx.Search(req)
	if err != nil {
		return nil, prep.Wrap("search", err)
	}
	for _, h := range sr.Hits {
		if s := snippet(h.Fragments); s != "" {
			out[h.ID] = s
		}
	}
	return out, nil
}

// highlightQuery matches the units' words (and other names) in the fields snippets
// come from.
func (ix *Index) highlightQuery(us []unit) query.Query {
	var qs []query.Query
	for _, u := range us {
		for _, form := range append([]string{u.text}, u.alts...) {
			for _, f := range []string{"prompt", "keypoints", "body"} {
				m := bleve.NewMatchQuery(form)
				m.SetField(f)
				qs = append(qs, m)
			}
		}
	}
	if len(qs) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// plainSnippet is the start of text, escaped, for a card none of whose highlighted
// fields has a query word (it matched on its title, tags or a stem).
func plainSnippet(text string) template.HTML {
	const n = 200
	if r := []rune(text); len(r) > n {
		text = string(r[:n]) + "…"
	}
	return template.HTML(template.HTMLEscapeString(text))
}

// snippet picks the first highlighted fragment with a match, preferring the prompt,
// then key points, then the body. bleve's html formatter has already escaped the text
// around <mark>.
func snippet(frags map[string][]string) template.HTML {
	for _, f := range []string{"prompt", "keypoints", "body"} {
		for _, fr := range frags[f] {
			if strings.Contains(fr, "<mark>") {
				return template.HTML(fr) // #nosec: escaped by bleve's html fragment formatter
			}
		}
	}
	return ""
}
