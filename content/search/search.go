// Package search indexes the knowledge base with bleve and answers queries with
// highlighted snippets, facet counts and a fuzzy fallback for misspellings.
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
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"prep"
	"prep/content"
)

// Limits on queries.
const (
	MaxQueryLen = 256 // characters of query text
	MaxResults  = 50  // hits returned by one search
	// fuzzyBelow is the hit count under which a plain search is retried with edit
	// distance, so that "circut braker" finds the circuit breaker card.
	fuzzyBelow = 3
)

// Facet fields, in the order pages show them.
var Facets = []string{"kind", "level", "topic", "tags"}

// Index is a search index over one content.Library. It is safe for concurrent use.
type Index struct {
	idx bleve.Index
	lib *content.Library
}

// doc is what is indexed of a card.
type doc struct {
	Title     string   `json:"title"`
	Prompt    string   `json:"prompt"`
	Body      string   `json:"body"`
	KeyPoints string   `json:"keypoints"`
	Tags      []string `json:"tags"`
	Kind      string   `json:"kind"`
	Level     string   `json:"level"`
	Topic     string   `json:"topic"`
}

func indexMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName // English stemming and stop words
	text.Store = true               // snippets need the text
	text.IncludeTermVectors = true  // and the term positions
	kw := bleve.NewTextFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store = false
	kw.IncludeInAll = false
	dm := bleve.NewDocumentMapping()
	for _, f := range []string{"title", "prompt", "body", "keypoints"} {
		dm.AddFieldMappingsAt(f, text)
	}
	for _, f := range Facets {
		dm.AddFieldMappingsAt(f, kw)
	}
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	return im
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
			return &Index{idx: idx, lib: lib}, nil
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
	return &Index{idx: idx, lib: lib}, nil
}

func toDoc(c *content.Card) doc {
	var body, kp strings.Builder
	for _, s := range c.Sections {
		if s.Name == "Key points" {
			kp.WriteString(s.Text)
			continue
		}
		body.WriteString(s.Text)
		body.WriteString("\n")
	}
	for _, f := range c.FollowUps {
		body.WriteString(f.Question + "\n" + f.Text + "\n")
	}
	return doc{Title: c.Title, Prompt: c.Prompt.Text, Body: body.String(), KeyPoints: kp.String(),
		Tags: c.Tags, Kind: c.Kind, Level: c.Level, Topic: c.Topic}
}

// Close releases the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// Query is one search request.
type Query struct {
	Text     string
	Advanced bool // Text is bleve query-string syntax (field:value, +must, -not, "phrase")
	Kind     string
	Level    string
	Topic    string
	Tag      string
	Size     int // hits wanted; 0 means 20, at most MaxResults
}

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
	Hits   []Hit
	Facets map[string][]FacetCount // by field name in Facets
	Fuzzy  bool                    // the exact search found little; these are near matches
	Took   time.Duration
}

// Search runs q. Bad input (unknown filter value, over-long text, broken advanced
// syntax) is a prep.Invalid error whose message says what to change.
func (ix *Index) Search(q Query) (*Results, error) {
	if err := ix.validate(&q); err != nil {
		return nil, err
	}
	text, err := ix.textQuery(q, false)
	if err != nil {
		return nil, err
	}
	res, err := ix.run(q, text)
	if err != nil {
		return nil, err
	}
	if q.Advanced || strings.TrimSpace(q.Text) == "" {
		return res, nil
	}
	// Near matches when the exact search finds little, or when a word of the query is in
	// no card at all (a typo: "consistensy models" still matches "models" exactly).
	if unknown := ix.hasUnknownWord(q.Text); unknown || res.Total < fuzzyBelow {
		fq, _ := ix.textQuery(q, true)
		fres, err := ix.run(q, fq)
		if err != nil {
			return nil, err
		}
		if fres.Total > 0 && (unknown || fres.Total > res.Total) {
			fres.Fuzzy = true
			res = fres
		}
	}
	return res, nil
}

// textFields are the analysed fields a query word may match.
var textFields = []string{"title", "prompt", "keypoints", "body"}

// hasUnknownWord reports whether some word of text, analysed as the index analyses it,
// occurs in no card.
func (ix *Index) hasUnknownWord(text string) bool {
	an := ix.idx.Mapping().AnalyzerNamed(en.AnalyzerName)
	if an == nil {
		return false
	}
	for _, tok := range an.Analyze([]byte(text)) {
		if !ix.knownTerm(tok.Term) {
			return true
		}
	}
	return false
}

func (ix *Index) knownTerm(term []byte) bool {
	for _, f := range textFields {
		d, err := ix.idx.FieldDictRange(f, term, term)
		if err != nil {
			continue
		}
		e, _ := d.Next()
		d.Close()
		if e != nil && e.Term == string(term) {
			return true
		}
	}
	return false
}

func (ix *Index) validate(q *Query) error {
	const op = "search"
	if n := utf8.RuneCountInString(q.Text); n > MaxQueryLen {
		return prep.Errorf(prep.Invalid, op, "query is %d characters long; the limit is %d", n, MaxQueryLen)
	}
	if q.Size <= 0 {
		q.Size = 20
	}
	q.Size = min(q.Size, MaxResults)
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

// fieldBoosts weighs where a word matches: a title hit counts most.
var fieldBoosts = []struct {
	field string
	boost float64
}{{"title", 4}, {"prompt", 2}, {"keypoints", 1.5}, {"body", 1}}

// textQuery turns the query text into a bleve query: field-boosted match queries, the
// near-match form of them when fuzzy, or the parsed query string in advanced mode.
func (ix *Index) textQuery(q Query, fuzzy bool) (query.Query, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return bleve.NewMatchAllQuery(), nil
	}
	if q.Advanced {
		qs := bleve.NewQueryStringQuery(text)
		parsed, err := qs.Parse()
		if err != nil {
			return nil, prep.Errorf(prep.Invalid, "search", "query syntax: %v (in advanced mode use field:value, +must, -not, \"a phrase\"; or turn advanced mode off)", err)
		}
		if err := checkCost(parsed); err != nil {
			return nil, err
		}
		return qs, nil
	}
	if fuzzy {
		return ix.fuzzyQuery(text), nil
	}
	var parts []query.Query
	for _, f := range fieldBoosts {
		m := bleve.NewMatchQuery(text)
		m.SetField(f.field)
		m.SetBoost(f.boost)
		parts = append(parts, m)
	}
	tags := bleve.NewMatchQuery(text)
	tags.SetField("tags")
	tags.Analyzer = keyword.Name
	tags.SetBoost(2)
	parts = append(parts, tags)
	if strings.Contains(text, " ") {
		p := bleve.NewMatchPhraseQuery(text)
		p.SetField("body")
		p.SetBoost(2)
		parts = append(parts, p)
	}
	return bleve.NewDisjunctionQuery(parts...), nil
}

// fuzzyQuery matches the words of text that some card has exactly, and the others
// within an edit distance that grows with their length (one edit from 4 letters, two
// from 8): a short word with two edits would match half the dictionary.
func (ix *Index) fuzzyQuery(text string) query.Query {
	var parts []query.Query
	for _, tok := range ix.idx.Mapping().AnalyzerNamed(en.AnalyzerName).Analyze([]byte(text)) {
		term, n := string(tok.Term), utf8.RuneCount(tok.Term)
		exact := n < 4 || ix.knownTerm(tok.Term)
		for _, f := range fieldBoosts {
			var q interface {
				query.Query
				SetField(string)
				SetBoost(float64)
			}
			if exact {
				q = bleve.NewTermQuery(term)
			} else {
				fq := bleve.NewFuzzyQuery(term)
				fq.SetFuzziness(min(MaxFuzziness, 1+n/8)) // bleve refuses more than 2
				q = fq
			}
			q.SetField(f.field)
			q.SetBoost(f.boost)
			parts = append(parts, q)
		}
	}
	return bleve.NewDisjunctionQuery(parts...)
}

func (ix *Index) run(q Query, text query.Query) (*Results, error) {
	must := []query.Query{text}
	for _, f := range []struct{ field, value string }{{"kind", q.Kind}, {"level", q.Level}, {"topic", q.Topic}, {"tags", q.Tag}} {
		if f.value != "" {
			t := bleve.NewTermQuery(f.value)
			t.SetField(f.field)
			must = append(must, t)
		}
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), q.Size, 0, false)
	req.Fields = []string{"title"}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.Fields = []string{"prompt", "keypoints", "body"}
	for _, f := range Facets {
		req.AddFacet(f, bleve.NewFacetRequest(f, 100))
	}
	sr, err := ix.idx.Search(req)
	if err != nil {
		return nil, prep.Wrap("search", err)
	}
	res := &Results{Total: sr.Total, Took: sr.Took, Facets: map[string][]FacetCount{}}
	for _, h := range sr.Hits {
		c := ix.lib.Card(h.ID)
		if c == nil {
			continue
		}
		res.Hits = append(res.Hits, Hit{ID: c.ID, Title: c.Title, Kind: c.Kind, Level: c.Level, Topic: c.Topic,
			Score: h.Score, Snippet: snippet(h.Fragments)})
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

// snippet picks the first highlighted fragment, preferring the prompt, then key points,
// then the body. bleve's html formatter has already escaped the text around <mark>.
func snippet(frags map[string][]string) template.HTML {
	for _, f := range []string{"prompt", "keypoints", "body"} {
		if fs := frags[f]; len(fs) > 0 {
			return template.HTML(fs[0]) // #nosec: escaped by bleve's html fragment formatter
		}
	}
	return ""
}
