package search

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"prep"
	"prep/content"
)

var embedded = sync.OnceValues(func() (*content.Library, error) { return content.Load(content.Embedded, content.Options{}) })

func embeddedIndex(t testing.TB) *Index {
	t.Helper()
	lib, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := New(lib, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestRelevance: queries people type, including misspellings and symptoms, find the
// right card first.
func TestRelevance(t *testing.T) {
	ix := embeddedIndex(t)
	tests := []struct {
		query string
		top   string
		fuzzy bool
	}{
		{"circuit breaker", "circuit-breaker", false},
		{"circut braker", "circuit-breaker", true},
		{"too many connections", "db-connection-pool-exhaustion", false},
		{"thundering herd", "thundering-herd-after-restart", false},
		{"two leaders", "split-brain-two-leaders", false},
		{"certificate expired", "certificate-expiry", false},
		{"cache stampede", "cache-stampede", false},
		{"url shortener", "design-url-shortener", false},
		{"CQRS", "cqrs", false},
		{"bulkhead", "bulkhead", false},
		{"request units throttling 429", "mf-cosmos-ru-throttling", false},
		{"idempotency key", "idempotency", false},
		{"blue green canary", "blue-green-vs-canary", false},
		{"consistensy models", "consistency-models", true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := ix.Search(Query{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].ID != tt.top {
				t.Errorf("top hits %v, want %s first", ids(res.Hits, 5), tt.top)
			}
			if res.Fuzzy != tt.fuzzy {
				t.Errorf("fuzzy = %v, want %v", res.Fuzzy, tt.fuzzy)
			}
		})
	}
}

// TestEveryCardFoundByTitle: searching for a card's title finds it in the first three.
func TestEveryCardFoundByTitle(t *testing.T) {
	ix := embeddedIndex(t)
	lib, _ := embedded()
	for _, c := range lib.Cards() {
		res, err := ix.Search(Query{Text: c.Title})
		if err != nil {
			t.Fatal(err)
		}
		if i := index(res.Hits, c.ID); i < 0 || i > 2 {
			t.Errorf("%q: %s at position %d; top: %v", c.Title, c.ID, i, ids(res.Hits, 3))
		}
	}
}

func TestFiltersFacetsAndSnippets(t *testing.T) {
	ix := embeddedIndex(t)
	res, err := ix.Search(Query{Text: "cache", Kind: content.KindIncident})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no incident hits for cache")
	}
	for _, h := range res.Hits {
		if h.Kind != content.KindIncident {
			t.Errorf("%s is a %s, filter asked for incidents", h.ID, h.Kind)
		}
	}
	if k := res.Facets["kind"]; len(k) != 1 || k[0].Value != "incident" || k[0].Count != int(res.Total) {
		t.Errorf("kind facet = %v, want only incident with the total", k)
	}
	if len(res.Facets["topic"]) == 0 || len(res.Facets["level"]) == 0 {
		t.Errorf("missing facets: %v", res.Facets)
	}
	if !strings.Contains(string(res.Hits[0].Snippet), "<mark>") {
		t.Errorf("snippet without highlight: %s", res.Hits[0].Snippet)
	}
	if regexp.MustCompile(`<[^m/]|</[^m]`).MatchString(string(res.Hits[0].Snippet)) {
		t.Errorf("snippet has markup other than <mark>: %s", res.Hits[0].Snippet)
	}
}

func TestBadQueries(t *testing.T) {
	ix := embeddedIndex(t)
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"too long", Query{Text: strings.Repeat("x", MaxQueryLen+1)}, "query is 257 characters long; the limit is 256"},
		{"unknown kind", Query{Text: "x", Kind: "essay"}, `unknown kind "essay" (use one of: concept, design, incident, scenario, case-study)`},
		{"unknown level", Query{Text: "x", Level: "guru"}, `unknown level "guru"`},
		{"unknown topic", Query{Text: "x", Topic: "cooking"}, `unknown topic "cooking"`},
		{"unknown tag", Query{Text: "x", Tag: "zzz"}, `unknown tag "zzz"`},
		{"broken field", Query{Text: "title:", Advanced: true}, "query syntax:"},
		{"open quote", Query{Text: `"abc`, Advanced: true}, "query syntax:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(tt.q)
			if prep.KindOf(err) != prep.Invalid || !strings.Contains(prep.Message(err), tt.want) {
				t.Errorf("err = %v (%s), want invalid with %q", err, prep.KindOf(err), tt.want)
			}
		})
	}
	// The same text that breaks advanced mode is fine as plain text.
	if _, err := ix.Search(Query{Text: `title: "abc`}); err != nil {
		t.Errorf("plain text with syntax characters: %v", err)
	}
}

func TestOnDiskIndexIsReused(t *testing.T) {
	lib, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ix, err := New(lib, dir)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = New(lib, dir) // reopened, not rebuilt
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(Query{Text: "circuit breaker"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "circuit-breaker" {
		t.Fatalf("reused index: %v %v", err, res)
	}
}

func ids(hs []Hit, n int) []string {
	var out []string
	for i, h := range hs {
		if i == n {
			break
		}
		out = append(out, h.ID)
	}
	return out
}

func index(hs []Hit, id string) int {
	for i, h := range hs {
		if h.ID == id {
			return i
		}
	}
	return -1
}

// replicated returns the embedded corpus copied until it has about n cards. Copies of
// case-study cards become concept cards, since cases.yaml lists only the originals.
func replicated(tb testing.TB, n int) *content.Library {
	tb.Helper()
	fsys := fstest.MapFS{}
	files, _ := fs.Glob(content.Embedded, "*/*.md")
	for _, f := range []string{"topics.yaml", "cases.yaml"} {
		b, _ := fs.ReadFile(content.Embedded, f)
		fsys[f] = &fstest.MapFile{Data: b}
	}
	caseLine := regexp.MustCompile(`(?m)^(case|round):.*\n`)
	for copyN := 0; len(fsys) < n; copyN++ {
		for _, f := range files {
			b, _ := fs.ReadFile(content.Embedded, f)
			if copyN == 0 {
				fsys[f] = &fstest.MapFile{Data: b}
				continue
			}
			id := strings.TrimSuffix(f[strings.Index(f, "/")+1:], ".md")
			nid := fmt.Sprintf("%s-copy%d", id, copyN)
			s := strings.Replace(string(b), "id: "+id+"\n", "id: "+nid+"\n", 1)
			s = strings.Replace(s, "kind: case-study\n", "kind: concept\n", 1)
			s = caseLine.ReplaceAllString(s, "")
			fsys[strings.TrimSuffix(f, id+".md")+nid+".md"] = &fstest.MapFile{Data: []byte(s)}
		}
	}
	lib, err := content.Load(fsys, content.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// BenchmarkSearch measures queries over ~2,000 cards. Compare the sub-benchmarks with
// "match", the baseline of the same run.
func BenchmarkSearch(b *testing.B) {
	lib := replicated(b, 2000)
	ix, err := New(lib, "")
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.Logf("%d cards", len(lib.Cards()))
	// baseline: the query shape search had before issue 15 (match queries over the
	// fields, OR), with the same facets and highlights, on this index.
	b.Run("baseline-or", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			start := time.Now()
			var parts []query.Query
			for _, f := range textFields {
				m := bleve.NewMatchQuery("connection pool exhaustion")
				m.SetField(f.name)
				m.SetBoost(f.weight)
				parts = append(parts, m)
			}
			req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(parts...), DefaultSize, 0, false)
			req.Highlight = bleve.NewHighlightWithStyle(html.Name)
			req.Highlight.Fields = []string{"prompt", "keypoints", "body"}
			for _, f := range Facets {
				req.AddFacet(f, bleve.NewFacetRequest(f, 100))
			}
			if _, err := ix.idx.Search(req); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		reportLatency(b, took)
	})
	for _, bc := range []struct {
		name string
		q    Query
	}{
		{"match", Query{Text: "connection pool exhaustion"}},
		{"fuzzy", Query{Text: "conection pol exhaustoin"}},
		{"facets+filter", Query{Text: "cache", Kind: "incident", Topic: "caching"}},
		{"filter-only", Query{Kind: "incident"}},
		{"phrase+synonym", Query{Text: "retry storm after a redis failover"}},
		{"two-typos-long", Query{Text: "circut braker half open stat after timeuot"}},
		{"advanced", Query{Text: "+title:cache -kind:incident", Advanced: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := ix.Search(bc.q); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			reportLatency(b, took)
		})
	}
}

// BenchmarkIndex compares building the index in memory with reopening one kept on disk,
// over ~2,000 cards: what start-up pays either way.
func BenchmarkIndex(b *testing.B) {
	lib := replicated(b, 2000)
	b.Run("build-memory", func(b *testing.B) {
		for b.Loop() {
			ix, err := New(lib, "")
			if err != nil {
				b.Fatal(err)
			}
			ix.Close()
		}
	})
	dir := b.TempDir()
	ix, err := New(lib, dir)
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	b.Run("reopen-disk", func(b *testing.B) {
		for b.Loop() {
			ix, err := New(lib, dir)
			if err != nil {
				b.Fatal(err)
			}
			ix.Close()
		}
	})
}
