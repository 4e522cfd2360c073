package search

import (
	"slices"
	"strings"
	"testing"

	"prep"
)

// TestPagesReachEveryHit: a query with 70+ hits can be read to the end, page by page,
// each hit once.
func TestPagesReachEveryHit(t *testing.T) {
	ix := embeddedIndex(t)
	q := Query{Text: "latency timeouts", Size: 20}
	first, err := ix.Search(q)
	if err != nil {
		t.Fatal(err)
	}
	if first.Total < 70 {
		t.Fatalf("%q has %d hits; the test needs a query with 70 or more", q.Text, first.Total)
	}
	seen := map[string]bool{}
	for q.Page = 1; q.Page <= first.Pages(); q.Page++ {
		res, err := ix.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Page != q.Page || res.Total != first.Total {
			t.Errorf("page %d: page %d, total %d (first page said %d)", q.Page, res.Page, res.Total, first.Total)
		}
		for _, h := range res.Hits {
			if seen[h.ID] {
				t.Errorf("page %d repeats %s", q.Page, h.ID)
			}
			seen[h.ID] = true
		}
	}
	if uint64(len(seen)) != first.Total {
		t.Errorf("%d pages held %d distinct hits of %d", first.Pages(), len(seen), first.Total)
	}
	q.Page = first.Pages() + 1
	if res, err := ix.Search(q); err != nil || len(res.Hits) != 0 {
		t.Errorf("past the last page: %v, %v", err, res)
	}
}

// TestRankingRules: each rule of the ranking, with a query that needs it.
func TestRankingRules(t *testing.T) {
	ix := embeddedIndex(t)
	tests := []struct {
		name, query string
		want        string // expected card
		within      int    // its rank at worst; 1 when 0
		not         string // a card that must not be in the first three
	}{
		{"tags are words", "thundering herd", "cache-stampede", 3, ""},
		{"a multi-word tag", "hybrid logical clocks", "clock-skew-ordering", 1, ""},
		{"aliases weigh like titles", "dogpile effect", "cache-stampede", 1, ""},
		{"synonym: abbreviation", "2PC", "two-phase-commit-vs-sagas", 1, ""},
		{"synonym: one word for another", "dogpile", "cache-stampede", 1, ""},
		{"synonym: spelling", "noisy neighbor", "noisy-neighbour", 1, ""},
		{"synonym: OOMKilled is OOM", "OOMKilled", "memory-leak", 3, ""},
		{"consistent is not consistency", "consistent hashing", "consistent-hashing", 1, "consistency-models"},
		{"rare words beat a generic title word", "base62 short code", "design-url-shortener", 1, ""},
		{"all the words first", "kafka consumer lag", "queue-backlog", 1, ""},
		{"phrase in the title", "model view presenter", "mvc-mvp-mvvm", 1, "consistency-models"},
		{"a generic word does not bury the phrase", "LLM hallucination", "mf-genai-hallucination", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(Query{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if r := index(res.Hits, tt.want) + 1; r == 0 || r > max(tt.within, 1) {
				t.Errorf("%q: %s at %d, want it within %d; top %v", tt.query, tt.want, r, max(tt.within, 1), ids(res.Hits, 5))
			}
			if tt.not != "" && slices.Contains(ids(res.Hits, 3), tt.not) {
				t.Errorf("%q: %s in the top 3: %v", tt.query, tt.not, ids(res.Hits, 3))
			}
		})
	}
}

// TestCorrections: only words no card contains are corrected, and to the word that
// keeps the query together.
func TestCorrections(t *testing.T) {
	ix := embeddedIndex(t)
	tests := []struct {
		query, corrected string // corrected "" means no correction
		top              string
	}{
		{"circut braker", "circuit breaker", "circuit-breaker"},
		{"kafka brokers", "", ""}, // every word is known: nothing to correct
		{"cache stampeed", "cache stampede", "cache-stampede"},
		{"split brian", "split brain", "split-brain-two-leaders"},
		{"idempotancy", "", "idempotency"}, // its stem is idempotency's: found without a correction
		{"bulkhed", "bulkhead", "bulkhead"},
		{"consistensy models", "consistency models", "consistency-models"},
		{"zzqqxxvv", "", ""}, // nothing near: no hits rather than a guess
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := ix.Search(Query{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if res.Fuzzy != (tt.corrected != "") || res.Corrected != tt.corrected {
				t.Errorf("fuzzy %v, corrected %q; want %q", res.Fuzzy, res.Corrected, tt.corrected)
			}
			if tt.top != "" && (len(res.Hits) == 0 || res.Hits[0].ID != tt.top) {
				t.Errorf("top %v, want %s first", ids(res.Hits, 3), tt.top)
			}
		})
	}
}

// TestAdvancedOperators: AND, OR and NOT are operators in the advanced syntax.
func TestAdvancedOperators(t *testing.T) {
	ix := embeddedIndex(t)
	lib, _ := embedded()
	has := func(id, word string) bool {
		c := lib.Card(id)
		var b strings.Builder
		b.WriteString(c.Title + " " + c.Prompt.Text)
		for _, s := range c.Sections {
			b.WriteString(" " + s.Text)
		}
		for _, f := range c.FollowUps {
			b.WriteString(" " + f.Question + " " + f.Text)
		}
		return strings.Contains(strings.ToLower(b.String()), word)
	}
	count := func(text string) (*Results, []string) {
		t.Helper()
		res, err := ix.Search(Query{Text: text, Advanced: true, Size: MaxResults})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return res, ids(res.Hits, MaxResults)
	}
	and, andIDs := count("kafka AND partition")
	or, _ := count("kafka OR partition")
	kafka, _ := count("kafka")
	not, notIDs := count("kafka NOT partition")
	if and.Total == 0 || and.Total >= kafka.Total || or.Total < kafka.Total {
		t.Errorf("totals: AND %d, kafka %d, OR %d; want 0 < AND < kafka ≤ OR", and.Total, kafka.Total, or.Total)
	}
	if and.Total+not.Total != kafka.Total {
		t.Errorf("kafka AND partition (%d) + kafka NOT partition (%d) ≠ kafka (%d)", and.Total, not.Total, kafka.Total)
	}
	for _, id := range andIDs {
		if !has(id, "kafka") || !has(id, "partition") {
			t.Errorf("AND: %s lacks kafka or partition", id)
		}
	}
	for _, id := range notIDs {
		if has(id, "partition ") || has(id, "partition.") || has(id, "partition,") {
			t.Errorf("NOT: %s mentions partition", id)
		}
	}
	tests := []struct{ in, out string }{
		{"a AND b", "+a +b"},
		{"a OR b", "a b"},
		{"a NOT b", "a -b"},
		{"a AND NOT b", "+a -b"},
		{`"split brain" AND fencing`, `+"split brain" +fencing`},
		{"x AND y OR z", "+x +y z"},
		{"+a -b c", "+a -b c"},
		{"and or not", "and or not"}, // lower case: words, not operators
	}
	for _, tt := range tests {
		if got := booleanToQueryString(tt.in); got != tt.out {
			t.Errorf("booleanToQueryString(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}

// TestEmptyAndDeepQueries: no words and no filters is a prompt, not every card; filters
// alone list their cards; pages end at MaxOffset.
func TestEmptyAndDeepQueries(t *testing.T) {
	ix := embeddedIndex(t)
	_, err := ix.Search(Query{Text: "  "})
	if prep.KindOf(err) != prep.Invalid || prep.Message(err) != EmptyQuery {
		t.Errorf("empty query: %v, want %q", err, EmptyQuery)
	}
	res, err := ix.Search(Query{Kind: "incident", Size: MaxResults})
	if err != nil || res.Total == 0 {
		t.Fatalf("filter only: %v %v", err, res)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i-1].Title > res.Hits[i].Title && !strings.EqualFold(res.Hits[i-1].Title, res.Hits[i].Title) {
			t.Errorf("filter-only listing not by title: %q before %q", res.Hits[i-1].Title, res.Hits[i].Title)
		}
	}
	_, err = ix.Search(Query{Text: "cache", Page: MaxOffset/DefaultSize + 1})
	if prep.KindOf(err) != prep.Invalid || !strings.Contains(prep.Message(err), "too deep") {
		t.Errorf("deep page: %v", err)
	}
}
