// Package anki writes cards as an Anki package (.apkg) that Anki imports: a zip holding
// collection.anki2, an Anki collection (SQLite, schema 11, the format every Anki since
// 2.1 reads), and an empty media list. Notes carry stable ids and guids derived from
// their keys, so importing a newer package updates the notes of an older one instead of
// adding duplicates.
package anki

import (
	"archive/zip"
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the collection is a SQLite database

	"prep"
)

// Note is one note of the package: a card with a front and a back.
type Note struct {
	Key   string   // stable identity, e.g. the card id: the same key gives the same note id and guid
	Deck  string   // deck name; "::" separates levels, as in Anki ("prep::Caching")
	Front string   // HTML
	Back  string   // HTML
	Tags  []string // without spaces
}

// modelID is the note type's id: fixed, so every package from prep shares one note type
// and a second import does not add another.
const modelID int64 = 1_700_000_000_000

// Write writes notes as an .apkg to w. modified stamps the notes (Unix time): a note is
// updated on import when its stamp is newer than the one in the collection.
func Write(ctx context.Context, w io.Writer, notes []Note, modified time.Time) error {
	const op = "anki.Write"
	dir, err := os.MkdirTemp("", "prep-apkg-*")
	if err != nil {
		return prep.Wrap(op, err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "collection.anki2")
	if err := writeCollection(ctx, path, notes, modified); err != nil {
		return prep.Wrap(op, err)
	}
	zw := zip.NewWriter(w)
	for _, f := range []struct {
		name string
		src  func(io.Writer) error
	}{
		{"collection.anki2", func(out io.Writer) error {
			in, err := os.Open(path)
			if err != nil {
				return err
			}
			defer in.Close()
			_, err = io.Copy(out, in)
			return err
		}},
		{"media", func(out io.Writer) error { _, err := io.WriteString(out, "{}"); return err }},
	} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return prep.Wrap(op, err)
		}
		if err := f.src(fw); err != nil {
			return prep.Wrap(op, err)
		}
	}
	return prep.Wrap(op, zw.Close())
}

const schema = `
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
	ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
	models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
	usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
	flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
	mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
	ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL,
	odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
	ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL, type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
`

func writeCollection(ctx context.Context, path string, notes []Note, modified time.Time) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return err
	}
	mod := modified.Unix()
	decks := map[string]int64{}
	var tags []string
	seenTag := map[string]bool{}
	for i, n := range notes {
		did, ok := decks[n.Deck]
		if !ok {
			did = stableID("deck:" + n.Deck)
			decks[n.Deck] = did
		}
		for _, t := range n.Tags {
			if !seenTag[t] {
				seenTag[t] = true
				tags = append(tags, t)
			}
		}
		nid := stableID("note:" + n.Key)
		front := n.Front
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')`,
			nid, guid(n.Key), modelID, mod, tagField(n.Tags), front+"\x1f"+n.Back, stripHTML(front), checksum(front)); err != nil {
			return fmt.Errorf("note %s: %w", n.Key, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')`,
			stableID("card:"+n.Key), nid, did, mod, i+1); err != nil {
			return fmt.Errorf("card %s: %w", n.Key, err)
		}
	}
	sort.Strings(tags)
	col, err := colJSON(decks, tags, mod)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, ?)`,
		dayStart(modified), mod*1000, mod*1000, col.conf, col.models, col.decks, col.dconf, col.tags); err != nil {
		return err
	}
	return tx.Commit()
}

// colJSON is the JSON of the collection's one row: settings, the note type, the decks.
type colRow struct{ conf, models, decks, dconf, tags string }

func colJSON(decks map[string]int64, tags []string, mod int64) (colRow, error) {
	deckObjs := map[string]any{"1": deckObject(1, "Default", mod)}
	for name, id := range decks {
		deckObjs[strconv.FormatInt(id, 10)] = deckObject(id, name, mod)
	}
	tagObj := map[string]int{}
	for _, t := range tags {
		tagObj[t] = 0
	}
	model := map[string]any{
		"id": modelID, "name": "prep card", "type": 0, "mod": mod, "usn": -1, "sortf": 0, "did": 1,
		"tags": []string{}, "vers": []int{}, "req": []any{[]any{0, "any", []int{0}}},
		"latexPre":  "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
		"latexPost": "\\end{document}",
		"css":       ".card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; line-height: 1.45; }\npre, code { font-family: ui-monospace, monospace; font-size: 15px; }\npre { white-space: pre-wrap; }\n",
		"flds": []any{
			map[string]any{"name": "Front", "ord": 0, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []string{}},
			map[string]any{"name": "Back", "ord": 1, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []string{}},
		},
		"tmpls": []any{map[string]any{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{FrontSide}}\n<hr id=answer>\n{{Back}}",
			"bqfmt": "", "bafmt": "", "did": nil}},
	}
	dconf := map[string]any{"1": map[string]any{
		"id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0, "replayq": true, "dyn": false,
		"new":   map[string]any{"delays": []float64{1, 10}, "ints": []int{1, 4, 7}, "initialFactor": 2500, "order": 1, "perDay": 20, "bury": false, "separate": true},
		"rev":   map[string]any{"perDay": 200, "ease4": 1.3, "fuzz": 0.05, "maxIvl": 36500, "ivlFct": 1, "minSpace": 1, "bury": false, "hardFactor": 1.2},
		"lapse": map[string]any{"delays": []float64{10}, "mult": 0, "minInt": 1, "leechFails": 8, "leechAction": 1},
	}}
	conf := map[string]any{"nextPos": 1, "estTimes": true, "activeDecks": []int{1}, "sortType": "noteFld", "timeLim": 0,
		"sortBackwards": false, "addToCur": true, "curDeck": 1, "newSpread": 0, "dueCounts": true, "curModel": modelID, "collapseTime": 1200}
	var row colRow
	for _, f := range []struct {
		dst *string
		v   any
	}{{&row.conf, conf}, {&row.models, map[string]any{strconv.FormatInt(modelID, 10): model}}, {&row.decks, deckObjs}, {&row.dconf, dconf}, {&row.tags, tagObj}} {
		b, err := json.Marshal(f.v)
		if err != nil {
			return row, err
		}
		*f.dst = string(b)
	}
	return row, nil
}

func deckObject(id int64, name string, mod int64) map[string]any {
	return map[string]any{"id": id, "name": name, "mod": mod, "usn": -1, "desc": "", "dyn": 0, "conf": 1, "collapsed": false,
		"browserCollapsed": false, "extendNew": 10, "extendRev": 50,
		"newToday": []int{0, 0}, "revToday": []int{0, 0}, "lrnToday": []int{0, 0}, "timeToday": []int{0, 0}}
}

// stableID derives an id from key: positive, below 2^53 so JSON and JavaScript keep it
// exact, and the same in every package.
func stableID(key string) int64 {
	sum := sha1.Sum([]byte(key))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 11)
}

// guid is the note's globally unique id: what Anki matches on to update a note.
func guid(key string) string {
	sum := sha1.Sum([]byte("prep:" + key))
	return hex.EncodeToString(sum[:8])
}

// tagField is Anki's tags column: space-separated, with a space at each end.
func tagField(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return " " + strings.Join(tags, " ") + " "
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// stripHTML is the text of an HTML field, as Anki keeps it for sorting and duplicates.
func stripHTML(s string) string {
	r := strings.NewReplacer("&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)
	return strings.TrimSpace(r.Replace(tagRE.ReplaceAllString(s, "")))
}

// checksum is Anki's duplicate check: the first 8 hex digits of the SHA-1 of the
// stripped first field, as a number.
func checksum(front string) int64 {
	sum := sha1.Sum([]byte(stripHTML(front)))
	return int64(binary.BigEndian.Uint32(sum[:4]))
}

// dayStart is the collection's creation time: the start of the day of t, in seconds.
func dayStart(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 4, 0, 0, 0, time.UTC).Unix()
}
