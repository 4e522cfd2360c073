package similarity

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"strings"
	"testing"

	"prep/labs"
)

func embedded(t testing.TB) []*labs.Lab {
	t.Helper()
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return set.All()
}

func lab(t testing.TB, slug string) *labs.Lab {
	t.Helper()
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	l, err := set.Lab(slug)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func fixture(t testing.TB, l *labs.Lab, name string) map[string]string {
	t.Helper()
	for _, fx := range l.Fixtures {
		if fx.Name == name {
			return l.Submission(fx)
		}
	}
	t.Fatalf("%s has no fixture %s", l.Slug, name)
	return nil
}

// disguise is what a candidate copying another does to hide it: every identifier
// renamed, every literal changed, a comment on every declaration, and the layout of
// another printer (spaces, not tabs); with reorder, the declarations reversed.
func disguise(t testing.TB, files map[string]string, reorder bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, src := range files {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, src, 0) // comments dropped
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if x.Name == "_" || x == f.Name {
					break
				}
				if _, ok := names[x.Name]; !ok {
					names[x.Name] = fmt.Sprintf("zz%d", len(names))
				}
				x.Name = names[x.Name]
			case *ast.BasicLit:
				switch x.Kind {
				case token.INT:
					x.Value = "7"
				case token.STRING:
					x.Value = `"other"`
				}
			}
			return true
		})
		if reorder {
			var imports, rest []ast.Decl
			for _, d := range f.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
					imports = append(imports, d)
				} else {
					rest = append(rest, d)
				}
			}
			for i, j := 0, len(rest)-1; i < j; i, j = i+1, j-1 {
				rest[i], rest[j] = rest[j], rest[i]
			}
			f.Decls = append(imports, rest...)
		}
		var b bytes.Buffer
		cfg := printer.Config{Mode: printer.UseSpaces, Tabwidth: 2}
		if err := cfg.Fprint(&b, fset, f); err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(b.String(), "\nfunc ", "\n// helper, written from scratch\n\nfunc ")
		out[name] = s
	}
	return out
}

func score(l *labs.Lab, a, b map[string]string) Match {
	ig := NewIgnore(New(labs.Files(l.Starter)), New(labs.Files(l.Solution)))
	return Compare(New(a), New(b), ig)
}

func TestCompare(t *testing.T) {
	lru, lfu := lab(t, "lru"), lab(t, "lfu")
	hand := fixture(t, lru, "ok-hand-list")
	lfuNodes := fixture(t, lfu, "ok-frequency-node-list")
	cases := []struct {
		name     string
		l        *labs.Lab
		a, b     map[string]string
		min, max float64 // the score must lie in [min, max]
	}{
		{"identical copy", lru, hand, hand, 100, 100},
		{"renamed and reformatted copy", lru, hand, disguise(t, hand, false), 90, 100},
		{"renamed copy with functions reordered", lru, hand, disguise(t, hand, true), Threshold + 20, 100},
		{"lru: hand list vs slice arena", lru, hand, fixture(t, lru, "ok-slice-arena"), 0, Threshold - 10},
		{"lru: hand list vs list of keys", lru, hand, fixture(t, lru, "ok-list-of-keys"), 0, Threshold - 10},
		{"lru: starter alone", lru, labs.Files(lru.Starter), labs.Files(lru.Starter), 0, 0},
		{"lru: starter vs a solution", lru, labs.Files(lru.Starter), hand, 0, 0},
		{"lru: both submit the reference", lru, labs.Files(lru.Solution), disguise(t, labs.Files(lru.Solution), false), 0, 0},
		{"lfu: renamed and reformatted copy", lfu, lfuNodes, disguise(t, lfuNodes, false), 90, 100},
		{"lfu: renamed copy with functions reordered", lfu, lfuNodes, disguise(t, lfuNodes, true), Threshold + 20, 100},
		{"lfu: node list vs intrusive lists", lfu, lfuNodes, fixture(t, lfu, "ok-intrusive-lists"), 0, Threshold - 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := score(c.l, c.a, c.b)
			t.Logf("%.1f%% (%d shared of %d/%d)", m.Score, m.Shared, m.A, m.B)
			if m.Score < c.min || m.Score > c.max {
				t.Errorf("score %.1f%%, want in [%.0f, %.0f]", m.Score, c.min, c.max)
			}
			if m.Score >= Threshold && (len(m.RegionsA) == 0 || len(m.RegionsB) == 0) {
				t.Errorf("score %.1f%% but no shared regions: %v / %v", m.Score, m.RegionsA, m.RegionsB)
			}
		})
	}
}

// TestParameters checks K, W and Threshold over every embedded lab: each pair of its
// independent correct solutions (ok-* fixtures) stays below Threshold, and every
// disguised copy of one (renamed, reformatted, reordered) is at or above it.
func TestParameters(t *testing.T) {
	maxIndep, minCopy := 0.0, 100.0
	var worst, weakest string
	for _, l := range embedded(t) {
		var oks []labs.Fixture
		for _, fx := range l.Fixtures {
			if !fx.Wrong {
				oks = append(oks, fx)
			}
		}
		for i, x := range oks {
			a := l.Submission(x)
			for _, reorder := range []bool{false, true} {
				if m := score(l, a, disguise(t, a, reorder)); m.Score < minCopy {
					minCopy, weakest = m.Score, fmt.Sprintf("%s/%s reorder=%v", l.Slug, x.Name, reorder)
				}
			}
			for _, y := range oks[i+1:] {
				if m := score(l, a, l.Submission(y)); m.Score > maxIndep {
					maxIndep, worst = m.Score, fmt.Sprintf("%s: %s vs %s", l.Slug, x.Name, y.Name)
				}
			}
		}
	}
	t.Logf("K=%d W=%d: independent solutions at most %.1f%% (%s); copies at least %.1f%% (%s); threshold %.0f%%",
		K, W, maxIndep, worst, minCopy, weakest, Threshold)
	if maxIndep >= Threshold {
		t.Errorf("independent solutions reach %.1f%% (%s), threshold %.0f%%", maxIndep, worst, Threshold)
	}
	if minCopy < Threshold {
		t.Errorf("a disguised copy scores only %.1f%% (%s), threshold %.0f%%", minCopy, weakest, Threshold)
	}
}

// TestPairs checks that Pairs reports the copy and only it, and that the regions it
// gives are the copied lines and not the starter's.
func TestPairs(t *testing.T) {
	l := lab(t, "lru")
	hand := fixture(t, l, "ok-hand-list")
	subs := []Submission{
		{ID: 3, Files: disguise(t, hand, true)},
		{ID: 1, Files: hand},
		{ID: 2, Files: fixture(t, l, "ok-slice-arena")},
		{ID: 4, Files: labs.Files(l.Starter)},
	}
	pairs := Pairs(subs, labs.Files(l.Starter), labs.Files(l.Solution))
	if len(pairs) != 1 || pairs[0].A != 1 || pairs[0].B != 3 {
		t.Fatalf("pairs %+v, want only 1 and 3", pairs)
	}
	m := pairs[0].Match
	lines := strings.Count(hand["lru.go"], "\n")
	covered := 0
	for _, r := range m.RegionsA {
		if r.File != "lru.go" || r.Start < 1 || r.End < r.Start || r.End > lines+1 {
			t.Fatalf("bad region %+v of a %d-line file", r, lines)
		}
		covered += r.End - r.Start + 1
	}
	if covered < lines/2 {
		t.Errorf("regions %v cover %d of %d lines of the copied file", m.RegionsA, covered, lines)
	}
	if len(m.RegionsB) == 0 {
		t.Error("no regions in the copy")
	}
}

// BenchmarkFingerprint measures New on a typical submission (the lru reference, about
// 70 lines); BenchmarkScan is the baseline, go/scanner alone over the same source, so
// their ratio is what the normalization, hashing and winnowing cost on top of
// scanning. Run with: go test ./labs/similarity -run X -bench . -count 5
func BenchmarkFingerprint(b *testing.B) {
	src := labs.Files(lab(b, "lru").Solution)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		New(src)
	}
}

func BenchmarkScan(b *testing.B) {
	src := []byte(labs.Files(lab(b, "lru").Solution)["lru.go"])
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		fset := token.NewFileSet()
		f := fset.AddFile("lru.go", -1, len(src))
		var s scanner.Scanner
		s.Init(f, src, nil, 0)
		for {
			if _, tok, _ := s.Scan(); tok == token.EOF {
				break
			}
		}
	}
}
