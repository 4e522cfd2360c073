package search

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// relevanceCase is one line of testdata/relevance.txt.
type relevanceCase struct {
	line   int
	query  string
	expect string
}

// Goal of issue 15 on the regression set.
const (
	goalMRR  = 0.95
	goalTop1 = 0.90
	// rankDepth is how deep the reciprocal rank looks: an expected card below it
	// scores 0, as it would for someone reading the first page.
	rankDepth = 10
)

func loadRelevanceSet(tb testing.TB) []relevanceCase {
	tb.Helper()
	f, err := os.Open("testdata/relevance.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, id, ok := strings.Cut(line, "|")
		if !ok || strings.TrimSpace(q) == "" || strings.TrimSpace(id) == "" {
			tb.Fatalf("testdata/relevance.txt:%d: want \"query | card-id\", got %q", n, line)
		}
		out = append(out, relevanceCase{n, strings.TrimSpace(q), strings.TrimSpace(id)})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// relevanceScore is the outcome of running the whole set once.
type relevanceScore struct {
	mrr, top1 float64
	misses    []string // "query: got [...], want id (rank n)" for every query not ranked first
	took      []time.Duration
}

func scoreRelevance(tb testing.TB, ix *Index, set []relevanceCase) relevanceScore {
	tb.Helper()
	var s relevanceScore
	var rr, first float64
	for _, c := range set {
		start := time.Now()
		res, err := ix.Search(Query{Text: c.query, Size: rankDepth})
		s.took = append(s.took, time.Since(start))
		if err != nil {
			tb.Fatalf("line %d %q: %v", c.line, c.query, err)
		}
		rank := index(res.Hits, c.expect) + 1
		if rank > 0 {
			rr += 1 / float64(rank)
		}
		if rank == 1 {
			first++
		} else {
			s.misses = append(s.misses, strings.Join([]string{c.query, ": got ", strings.Join(ids(res.Hits, 3), " "), ", want ", c.expect, " at ", rankString(rank)}, ""))
		}
	}
	s.mrr = rr / float64(len(set))
	s.top1 = first / float64(len(set))
	return s
}

func rankString(r int) string {
	if r == 0 {
		return "none"
	}
	return "#" + strconv.Itoa(r)
}

// TestRelevanceSet scores testdata/relevance.txt and holds the ranking to the goal.
func TestRelevanceSet(t *testing.T) {
	ix := embeddedIndex(t)
	lib, _ := embedded()
	set := loadRelevanceSet(t)
	if len(set) < 80 {
		t.Fatalf("the set has %d queries; keep at least 80", len(set))
	}
	for _, c := range set {
		if lib.Card(c.expect) == nil {
			t.Errorf("testdata/relevance.txt:%d: no card %q", c.line, c.expect)
		}
	}
	s := scoreRelevance(t, ix, set)
	for _, m := range s.misses {
		t.Log(m)
	}
	t.Logf("%d queries: MRR %.3f, top-1 %.1f%%", len(set), s.mrr, 100*s.top1)
	if s.mrr < goalMRR || s.top1 < goalTop1 {
		t.Errorf("MRR %.3f (goal %.2f), top-1 %.1f%% (goal %.0f%%)", s.mrr, goalMRR, 100*s.top1, 100*goalTop1)
	}
}

// BenchmarkRelevanceSet runs the regression set over the embedded cards and reports
// MRR, top-1 and the per-query latency (p50, p99), next to a baseline measured in the
// same run: one bare bleve match query on the same index.
func BenchmarkRelevanceSet(b *testing.B) {
	ix := embeddedIndex(b)
	set := loadRelevanceSet(b)
	b.Run("baseline-match", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			start := time.Now()
			req := bleve.NewSearchRequest(bleve.NewMatchQuery("connection pool exhaustion"))
			if _, err := ix.idx.Search(req); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		reportLatency(b, took)
	})
	b.Run("set", func(b *testing.B) {
		var s relevanceScore
		var took []time.Duration
		for b.Loop() {
			s = scoreRelevance(b, ix, set)
			took = append(took, s.took...)
		}
		b.ReportMetric(s.mrr, "MRR")
		b.ReportMetric(100*s.top1, "top1-%")
		reportLatency(b, took)
	})
}

// reportLatency adds p50 and p99 of the recorded durations as metrics (in µs).
func reportLatency(b *testing.B, took []time.Duration) {
	b.Helper()
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	at := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}
