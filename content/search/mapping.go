package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"prep/content"
)

// Analyzers. Words are compared in two forms: wordsAnalyzer folds only plurals and
// possessives ("brokers" = "broker", but "consistent" ≠ "consistency"), and stemAnalyzer
// is the Porter stemmer ("expired" = "expire"), which merges too much to rank on alone
// and so counts for less (see stemWeight).
const (
	wordsAnalyzer = "prep_words"
	stemAnalyzer  = en.AnalyzerName
)

// stemField is the Porter-stemmed copy of all the text fields.
const stemField = "stems"

// textField is an analysed field a query word may match, with its weight.
type textField struct {
	name   string
	weight float64
}

// textFields are the fields words are looked up in. Short fields that name the card
// (title, aliases, tags) weigh most; BM25 already favours a match in a short field.
var textFields = []textField{
	{"title", 3}, {"aliases", 3}, {"tagtext", 2}, {"prompt", 1.5}, {"keypoints", 1.2}, {"body", 1},
}

// stemWeight is the weight of a match on stemField.
const stemWeight = 1

// doc is what is indexed of a card.
type doc struct {
	Title     string   `json:"title"`
	Aliases   []string `json:"aliases"`
	Prompt    string   `json:"prompt"`
	Body      string   `json:"body"`
	KeyPoints string   `json:"keypoints"`
	Tags      []string `json:"tags"`    // facet and filter, as written
	TagText   []string `json:"tagtext"` // the tags as words: thundering-herd → thundering herd
	Stems     []string `json:"stems"`   // every text field above, for stemField
	Kind      string   `json:"kind"`
	Level     string   `json:"level"`
	Topic     string   `json:"topic"`
}

func indexMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	// The error is only for unknown components, and these are bleve's own.
	_ = im.AddCustomAnalyzer(wordsAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, en.PluralStemmerName},
	})
	im.ScoringModel = bleveindex.BM25Scoring // rare terms and short fields count, repeats saturate
	im.DefaultAnalyzer = wordsAnalyzer
	dm := bleve.NewDocumentMapping()
	highlighted := map[string]bool{"prompt": true, "keypoints": true, "body": true}
	for _, f := range textFields {
		words := bleve.NewTextFieldMapping()
		words.Analyzer = wordsAnalyzer
		words.Store = highlighted[f.name] // snippets need the text
		words.IncludeTermVectors = true   // phrases and snippets need positions
		words.IncludeInAll = true         // the advanced syntax's bare words search _all
		dm.AddFieldMappingsAt(f.name, words)
	}
	// One stemmed field holds all the text: a stem is weak evidence, so where it
	// matches matters less than that it does, and one field is one lookup per word.
	stem := bleve.NewTextFieldMapping()
	stem.Analyzer = stemAnalyzer
	stem.Store = false
	stem.IncludeTermVectors = false
	stem.IncludeInAll = false
	dm.AddFieldMappingsAt(stemField, stem)
	dm.AddFieldMappingsAt("title", func() *mapping.FieldMapping {
		m := bleve.NewTextFieldMapping()
		m.Name, m.Analyzer, m.Store, m.IncludeInAll = "title_sort", keyword.Name, false, false
		return m
	}())
	for _, f := range Facets {
		kw := bleve.NewTextFieldMapping()
		kw.Analyzer = keyword.Name
		kw.Store = false
		kw.IncludeInAll = false
		dm.AddFieldMappingsAt(f, kw)
	}
	im.DefaultMapping = dm
	return im
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
	tagText := make([]string, len(c.Tags))
	for i, t := range c.Tags {
		tagText[i] = strings.ReplaceAll(t, "-", " ")
	}
	d := doc{Title: c.Title, Aliases: c.Aliases, Prompt: c.Prompt.Text, Body: body.String(), KeyPoints: kp.String(),
		Tags: c.Tags, TagText: tagText, Kind: c.Kind, Level: c.Level, Topic: c.Topic}
	d.Stems = append(append(append([]string{d.Title}, d.Aliases...), tagText...), d.Prompt, d.KeyPoints, d.Body)
	return d
}
