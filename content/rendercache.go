package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// The render cache keeps every card as parsed and rendered, keyed by a hash of its path
// and bytes, in one file of Options.RenderCache, so a restart with the same content
// decodes the cards instead of rendering them again. Only cards that had no problem are
// kept, and only after a Load that succeeded; the checks across cards, topics, cases and
// labs run on every Load whatever the cache holds. The file is stamped with the running
// executable (its size and time), so a new build, whose renderer may differ, starts
// afresh.

// renderCacheFile is the cache's file name in Options.RenderCache.
const renderCacheFile = "render-cache.gob"

// renderCacheVersion changes when the cached types do.
const renderCacheVersion = "1"

// cachedCard is a parsed card in a form gob can encode.
type cachedCard struct {
	Card         Card
	FM           cachedFrontMatter
	Links        []cachedLink
	SectionLines map[string]int
}

type cachedFrontMatter struct {
	ID, Title, Kind, Level, Topic, Case string
	Tags, Labs, Related                 []string
	Round                               int
	HasRound                            bool // gob drops a pointer to 0
	Lines                               map[string]int
}

type cachedLink struct {
	Line   int
	Target string
}

// renderCacheData is the file's content.
type renderCacheData struct {
	Stamp string
	Cards map[string]*cachedCard
}

// renderCache is the cache during one Load. A nil *renderCache caches nothing.
type renderCache struct {
	path  string
	stamp string
	old   map[string]*cachedCard // read from the file
	used  map[string]*cachedCard // what this Load's cards are, to write back
	fresh int                    // cards rendered by this Load
}

// openRenderCache reads the cache in dir; "" means no cache. A missing, unreadable or
// outdated file is an empty cache: it is only ever a shortcut.
func openRenderCache(dir string) *renderCache {
	if dir == "" {
		return nil
	}
	rc := &renderCache{path: filepath.Join(dir, renderCacheFile), stamp: executableStamp(), used: map[string]*cachedCard{}}
	if b, err := os.ReadFile(rc.path); err == nil {
		var d renderCacheData
		if gob.NewDecoder(bytes.NewReader(b)).Decode(&d) == nil && d.Stamp == rc.stamp {
			rc.old = d.Cards
		}
	}
	return rc
}

// executableStamp names the running build: a renderer that changed must not reuse what
// another rendered.
func executableStamp() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("v%s %s %d %d", renderCacheVersion, exe, st.Size(), st.ModTime().UnixNano())
}

// parse is parseCard through the cache.
func (rc *renderCache) parse(path string, src []byte, ps *problems) *parsed {
	if rc == nil || rc.stamp == "" {
		return parseCard(path, src, ps)
	}
	h := sha256.New()
	h.Write([]byte(path + "\x00"))
	h.Write(src)
	key := hex.EncodeToString(h.Sum(nil))
	if e, ok := rc.old[key]; ok {
		rc.used[key] = e
		return e.parsed()
	}
	before := len(ps.list)
	p := parseCard(path, src, ps)
	if p != nil && len(ps.list) == before {
		rc.used[key] = cacheCard(p)
		rc.fresh++
	}
	return p
}

// save writes the cache back when this Load rendered cards or left some out; an error
// only costs the next start its shortcut.
func (rc *renderCache) save() error {
	if rc == nil || rc.stamp == "" || rc.fresh == 0 && len(rc.used) == len(rc.old) {
		return nil
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(renderCacheData{Stamp: rc.stamp, Cards: rc.used}); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(rc.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(rc.path), renderCacheFile+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), rc.path)
}

func cacheCard(p *parsed) *cachedCard {
	e := &cachedCard{Card: *p.card, SectionLines: p.sectionLines, FM: cachedFrontMatter{
		ID: p.fm.ID, Title: p.fm.Title, Kind: p.fm.Kind, Level: p.fm.Level, Topic: p.fm.Topic, Case: p.fm.Case,
		Tags: p.fm.Tags, Labs: p.fm.Labs, Related: p.fm.Related, Lines: p.fm.lines}}
	if p.fm.Round != nil {
		e.FM.Round, e.FM.HasRound = *p.fm.Round, true
	}
	for _, l := range p.links {
		e.Links = append(e.Links, cachedLink{Line: l.line, Target: l.target})
	}
	return e
}

func (e *cachedCard) parsed() *parsed {
	card := e.Card
	p := &parsed{card: &card, sectionLines: e.SectionLines, fm: frontMatter{
		ID: e.FM.ID, Title: e.FM.Title, Kind: e.FM.Kind, Level: e.FM.Level, Topic: e.FM.Topic, Case: e.FM.Case,
		Tags: e.FM.Tags, Labs: e.FM.Labs, Related: e.FM.Related, lines: e.FM.Lines}}
	if e.FM.HasRound {
		round := e.FM.Round
		p.fm.Round = &round
	}
	for _, l := range e.Links {
		p.links = append(p.links, link{line: l.Line, target: l.Target})
	}
	return p
}
