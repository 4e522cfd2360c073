package search

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"prep"
)

// TestCheckCost: the cost check refuses each unbounded part of an advanced query with a
// message naming it, and lets bounded ones run.
func TestCheckCost(t *testing.T) {
	ix := embeddedIndex(t)
	for _, tc := range []struct {
		query string
		err   string // "" when the query must run
	}{
		{"circuit breaker", ""},
		{"circ*", ""},
		{"ci?cuit", ""},
		{"/circ.*/", ""},
		{"/ca(che|ching)/", ""},
		{"breaker~1", ""},
		{"breaker~2", ""},
		{"breaker~0", ""},
		{"title:circ* +kind:concept", ""},
		{"ab* cd* ef* gh*", ""},
		{"ab* cd* ef* gh* ij*", "at most 4"},
		{"ab~1 cd~1 ef~1 gh~1 ij~1", "at most 4"},
		{strings.TrimSpace(strings.Repeat("*e* ", 64)), "start it with at least 2 plain characters"},
		{"*e*", "start it with at least 2 plain characters"},
		{"a*", "start it with at least 2 plain characters"},
		{"?b", "start it with at least 2 plain characters"},
		{"title:*", "start it with at least 2 plain characters"},
		{"/.{0,1000}/", "start it with at least 2 plain characters"},
		{"/ci.{0,1000}/", "too complex"},
		{"/ci(a{9}){9}/", "too complex"},
		{"/.*/", "start it with at least 2 plain characters"},
		{"/(?i)circ/", "start it with at least 2 plain characters"},
		{"/ci[/", "regular expression"},
		{"abcdefghij~9", "edit distance after ~ must be 1 or 2"},
		{"x~-1", "edit distance after ~ must be 1 or 2"},
		{"x~3", "edit distance after ~ must be 1 or 2"},
		{"ab" + strings.Repeat("c", MaxPatternLen) + "*", "the limit is 32"},
		{strings.Repeat("b", MaxPatternLen+1) + "~1", "the limit is 32"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, err := ix.Search(Query{Text: tc.query, Advanced: true})
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.err != "" && err == nil:
				t.Errorf("ran; want it refused with %q", tc.err)
			case tc.err != "" && (prep.KindOf(err) != prep.Invalid || !strings.Contains(prep.Message(err), tc.err)):
				t.Errorf("error %v (kind %s), want an invalid error containing %q", err, prep.KindOf(err), tc.err)
			}
		})
	}
}

// TestLongWordsSearch: the near-match retry of a plain search caps its edit distance at
// what bleve accepts, however long the word (129 letters once asked for 17 and failed).
func TestLongWordsSearch(t *testing.T) {
	ix := embeddedIndex(t)
	for _, q := range []string{strings.Repeat("é", 129), strings.Repeat("abcdefgh", 30), "circuitbreakerpatternxyz"} {
		if _, err := ix.Search(Query{Text: q}); err != nil {
			t.Errorf("%.20s…: %v", q, err)
		}
	}
}

// BenchmarkAdvancedQueryCost compares the costliest advanced queries checkCost admits
// with the one of issue 10 it refuses (run here without the check, as it ran before):
//
//	go test ./content/search -run '^$' -bench AdvancedQueryCost -benchtime 3x
func BenchmarkAdvancedQueryCost(b *testing.B) {
	ix := embeddedIndex(b)
	for _, bc := range []struct{ name, query string }{
		{"refused/64 leading wildcards", strings.TrimSpace(strings.Repeat("*e* ", 64))},
		{"admitted/4 wildcards and 110 terms", "co* re* se* de* " + strings.Repeat("x ", 110)},
		{"admitted/4 regexps", "/co.*/ /re.*/ /se.*/ /de.*/"},
		{"admitted/4 fuzzy terms", "consisten~2 replicatio~2 partitio~2 availabil~2"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := bleve.NewSearchRequestOptions(bleve.NewQueryStringQuery(bc.query), 20, 0, false)
			for range b.N {
				if _, err := ix.idx.Search(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
