package content

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Embedded holds the knowledge base compiled into the binary.
//
//go:embed topics.yaml cases.yaml */*.md
var Embedded embed.FS

// Options adjust Load.
type Options struct {
	// Overlay, when not nil, holds cards (and optionally topics.yaml and cases.yaml) laid
	// over the base: a card whose id exists in the base replaces it, others are added.
	Overlay fs.FS
	// OverlayPath names the overlay in messages, e.g. the directory it was read from.
	OverlayPath string
	// LabExists reports whether a lab slug exists. When nil, lab links are not checked.
	LabExists func(slug string) bool
	// RenderCache, when not "", is a directory where rendered cards are kept between
	// starts (see rendercache.go); it is made if missing.
	RenderCache string
	// CacheError, when not nil, is told why the render cache could not be written.
	CacheError func(error)
}

// source is one file tree being loaded and the prefix its paths get in messages.
type source struct {
	fsys   fs.FS
	prefix string
}

func (s source) name(p string) string {
	if s.prefix == "content" {
		return path.Join("content", p)
	}
	return filepath.Join(s.prefix, filepath.FromSlash(p))
}

// Load reads, validates and renders the knowledge base in base (laid out as this
// package's folder: topics.yaml, cases.yaml, <topic>/<id>.md) with the overlay of opts.
// Every problem found is returned at once as prep.Problems.
func Load(base fs.FS, opts Options) (*Library, error) {
	ps := &problems{}
	sources := []source{{base, "content"}}
	if opts.Overlay != nil {
		sources = append(sources, source{opts.Overlay, opts.OverlayPath})
	}
	h := sha256.New()
	rc := openRenderCache(opts.RenderCache)
	l := &Library{byID: map[string]*Card{}}
	l.topics = loadTopics(sources, ps, h)
	l.cases = loadCases(sources, ps, h)

	cards := map[string]*parsed{}
	for i, src := range sources {
		files, err := fs.Glob(src.fsys, "*/*.md")
		if err != nil {
			ps.add(src.prefix, 0, "cannot list cards: %v", err)
			continue
		}
		if len(files) == 0 {
			if i == 0 {
				ps.add(src.prefix, 0, "no cards: a card is a file <topic>/<id>.md (see content/README.md)")
			} else {
				ps.add(src.prefix, 0, "no cards to lay over the knowledge base: put them in %s (see content/README.md)", src.name("<topic>/<id>.md"))
			}
		}
		inSource := map[string]string{}
		for _, f := range files {
			data, err := fs.ReadFile(src.fsys, f)
			if err != nil {
				ps.add(src.name(f), 0, "cannot read: %v", err)
				continue
			}
			h.Write([]byte(src.name(f) + "\x00"))
			h.Write(data)
			p := rc.parse(src.name(f), data, ps)
			if p == nil || p.card.ID == "" {
				continue
			}
			if other, dup := inSource[p.card.ID]; dup {
				ps.add(p.card.Path, p.fm.lines["id"], "duplicate id %q, also used by %s (ids must be unique)", p.card.ID, other)
				continue
			}
			inSource[p.card.ID] = p.card.Path
			checkCard(p, path.Base(path.Dir(f)), path.Base(f), l, ps)
			if i > 0 || cards[p.card.ID] == nil {
				cards[p.card.ID] = p
			}
		}
	}
	for _, p := range cards {
		l.cards = append(l.cards, p.card)
		l.byID[p.card.ID] = p.card
	}
	for _, p := range cards {
		crossCheck(p, l, opts, ps)
	}
	checkCases(l, cards, ps)
	if len(ps.list) > 0 {
		return nil, ps.list.Sorted()
	}
	l.index()
	l.hash = hex.EncodeToString(h.Sum(nil))
	if err := rc.save(); err != nil && opts.CacheError != nil {
		opts.CacheError(err)
	}
	return l, nil
}

// readYAML reads name from every source that has it and decodes it into a list of T,
// calling merge for each source's list in order. A missing file is fine unless required.
func readYAML[T any](sources []source, name string, required bool, ps *problems, h io.Writer, merge func(src source, items []T, lines []int)) {
	for i, src := range sources {
		data, err := fs.ReadFile(src.fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			if required && i == 0 {
				ps.add(src.name(name), 0, "missing (it lists the topics; see content/README.md)")
			}
			continue
		}
		if err != nil {
			ps.add(src.name(name), 0, "cannot read: %v", err)
			continue
		}
		h.Write([]byte(src.name(name) + "\x00"))
		h.Write(data)
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			ps.add(src.name(name), 0, "not valid YAML: %v", err)
			continue
		}
		if len(doc.Content) == 0 {
			continue
		}
		var items []T
		if err := doc.Content[0].Decode(&items); err != nil {
			ps.add(src.name(name), doc.Content[0].Line, "expected a list of entries: %v", err)
			continue
		}
		lines := make([]int, len(items))
		for j, n := range doc.Content[0].Content {
			if j < len(lines) {
				lines[j] = n.Line
			}
		}
		merge(src, items, lines)
	}
}

func loadTopics(sources []source, ps *problems, h io.Writer) []Topic {
	var out []Topic
	readYAML(sources, "topics.yaml", true, ps, h, func(src source, items []Topic, lines []int) {
		for j, t := range items {
			where := src.name("topics.yaml")
			switch {
			case !idPattern.MatchString(t.ID):
				ps.add(where, lines[j], "topic id %q must be kebab-case (a-z, 0-9, dashes)", t.ID)
				continue
			case strings.TrimSpace(t.Title) == "":
				ps.add(where, lines[j], "topic %q has no title", t.ID)
			}
			if k := slices.IndexFunc(out, func(o Topic) bool { return o.ID == t.ID }); k >= 0 {
				out[k] = t
			} else {
				out = append(out, t)
			}
		}
	})
	slices.SortStableFunc(out, func(a, b Topic) int { return a.Order - b.Order })
	return out
}

func loadCases(sources []source, ps *problems, h io.Writer) []Case {
	var out []Case
	readYAML(sources, "cases.yaml", false, ps, h, func(src source, items []Case, lines []int) {
		for j, c := range items {
			if !idPattern.MatchString(c.ID) {
				ps.add(src.name("cases.yaml"), lines[j], "case id %q must be kebab-case (a-z, 0-9, dashes)", c.ID)
				continue
			}
			if k := slices.IndexFunc(out, func(o Case) bool { return o.ID == c.ID }); k >= 0 {
				out[k] = c
			} else {
				out = append(out, c)
			}
		}
	})
	return out
}
