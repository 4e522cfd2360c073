package content

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// readCache decodes the cache file in dir.
func readCache(t *testing.T, dir string) renderCacheData {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, renderCacheFile))
	if err != nil {
		t.Fatal(err)
	}
	var d renderCacheData
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// markCache replaces the rendered answer of every cached card with a marker, so a
// Load that shows the marker took the card from the cache.
func markCache(t *testing.T, dir string) {
	t.Helper()
	d := readCache(t, dir)
	for _, e := range d.Cards {
		for i := range e.Card.Sections {
			if e.Card.Sections[i].Name == "Answer" {
				e.Card.Sections[i].HTML = "<p>FROM THE CACHE</p>"
			}
		}
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(d); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, renderCacheFile), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func answerOf(t *testing.T, l *Library, id string) string {
	t.Helper()
	c := l.Card(id)
	if c == nil {
		t.Fatalf("no card %q", id)
	}
	s, _ := c.Section("Answer")
	return string(s.HTML)
}

func TestRenderCache(t *testing.T) {
	withBreaker := func() fstest.MapFS {
		fs := baseFS()
		fs["resilience/breaker.md"] = &fstest.MapFile{Data: []byte(card(okFront, conceptBody))}
		return fs
	}
	tests := []struct {
		name string
		// change alters the content between the first Load and the second.
		change func(fs fstest.MapFS, dir string)
		check  func(t *testing.T, l *Library, err error, dir string)
	}{
		{name: "same content: every card from the cache",
			check: func(t *testing.T, l *Library, err error, dir string) {
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range []string{"breaker", "other", "shop-scale"} {
					if a := answerOf(t, l, id); !strings.Contains(a, "FROM THE CACHE") {
						t.Errorf("%s rendered again: %s", id, a)
					}
				}
			}},
		{name: "a changed card is rendered again, the others come from the cache",
			change: func(fs fstest.MapFS, dir string) {
				fs["resilience/breaker.md"] = &fstest.MapFile{Data: []byte(card(okFront, strings.Replace(conceptBody, "An answer", "A new answer", 1)))}
			},
			check: func(t *testing.T, l *Library, err error, dir string) {
				if err != nil {
					t.Fatal(err)
				}
				if a := answerOf(t, l, "breaker"); !strings.Contains(a, "A new answer") {
					t.Errorf("changed card: %s", a)
				}
				if a := answerOf(t, l, "other"); !strings.Contains(a, "FROM THE CACHE") {
					t.Errorf("unchanged card rendered again: %s", a)
				}
				if n := len(readCache(t, dir).Cards); n != 3 {
					t.Errorf("cache holds %d cards after the change, want 3 (the old breaker dropped)", n)
				}
			}},
		{name: "a cached card's problem with others is still found",
			change: func(fs fstest.MapFS, dir string) {
				delete(fs, "resilience/other.md") // breaker links to /cards/other
			},
			check: func(t *testing.T, l *Library, err error, dir string) {
				if err == nil || !strings.Contains(err.Error(), "other") {
					t.Fatalf("a link to a removed card was not reported: %v", err)
				}
			}},
		{name: "a broken cache file is ignored",
			change: func(fs fstest.MapFS, dir string) {
				os.WriteFile(filepath.Join(dir, renderCacheFile), []byte("not gob"), 0o600)
			},
			check: func(t *testing.T, l *Library, err error, dir string) {
				if err != nil {
					t.Fatal(err)
				}
				if a := answerOf(t, l, "breaker"); !strings.Contains(a, "An answer") {
					t.Errorf("after a broken cache: %s", a)
				}
				if n := len(readCache(t, dir).Cards); n != 3 {
					t.Errorf("the cache was not written again: %d cards", n)
				}
			}},
		{name: "a cache of another build is ignored",
			change: func(fs fstest.MapFS, dir string) {
				d := readCache(t, dir)
				d.Stamp = "another build"
				var b bytes.Buffer
				gob.NewEncoder(&b).Encode(d)
				os.WriteFile(filepath.Join(dir, renderCacheFile), b.Bytes(), 0o600)
			},
			check: func(t *testing.T, l *Library, err error, dir string) {
				if err != nil {
					t.Fatal(err)
				}
				if a := answerOf(t, l, "other"); strings.Contains(a, "FROM THE CACHE") {
					t.Errorf("another build's cache was used: %s", a)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			fs := withBreaker()
			first, err := Load(fs, Options{RenderCache: dir})
			if err != nil {
				t.Fatal(err)
			}
			plain, err := Load(fs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			again, err := Load(fs, Options{RenderCache: dir})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first.Cards(), plain.Cards()) || !reflect.DeepEqual(again.Cards(), plain.Cards()) {
				t.Fatal("a Load through the cache differs from one without")
			}
			markCache(t, dir)
			if tt.change != nil {
				tt.change(fs, dir)
			}
			l, err := Load(fs, Options{RenderCache: dir})
			tt.check(t, l, err, dir)
		})
	}
}

// TestRenderCacheKeepsNoProblemCards: a card with a problem is never cached, so its
// problem is reported on every Load.
func TestRenderCacheKeepsNoProblemCards(t *testing.T) {
	dir := t.TempDir()
	fs := baseFS()
	fs["resilience/bad.md"] = &fstest.MapFile{Data: []byte(card("id: bad\ntitle: Bad\nkind: concept\nlevel: mid\ntopic: resilience", "text before any section\n"+conceptBody))}
	for i := 0; i < 2; i++ {
		if _, err := Load(fs, Options{RenderCache: dir}); err == nil || !strings.Contains(err.Error(), "text before the first section") {
			t.Fatalf("load %d: %v", i+1, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, renderCacheFile)); !os.IsNotExist(err) {
		t.Errorf("a failed Load wrote the cache: %v", err)
	}
}
