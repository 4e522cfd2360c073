package anki

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"prep/content"
)

// openPackage opens an .apkg as Anki does: the zip, then its collection as SQLite.
func openPackage(t *testing.T, apkg []byte) *sql.DB {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(apkg), int64(len(apkg)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	if string(files["media"]) != "{}" {
		t.Errorf("media = %q, want {}", files["media"])
	}
	path := filepath.Join(t.TempDir(), "collection.anki2")
	if err := os.WriteFile(path, files["collection.anki2"], 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPackage(t *testing.T) {
	lib, err := content.Load(content.Embedded, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var cards []*content.Card
	for _, c := range lib.Cards() {
		if c.Topic == "caching" || c.Topic == "resilience" {
			cards = append(cards, c)
		}
	}
	write := func(at time.Time) []byte {
		var buf bytes.Buffer
		if err := Write(context.Background(), &buf, FromCards(lib, cards, ""), at); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	t1 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	db := openPackage(t, write(t1))

	var ver, notes, cardRows int
	var models, decks string
	if err := db.QueryRow("SELECT ver, models, decks FROM col").Scan(&ver, &models, &decks); err != nil {
		t.Fatal(err)
	}
	db.QueryRow("SELECT count(*) FROM notes").Scan(&notes)
	db.QueryRow("SELECT count(*) FROM cards").Scan(&cardRows)
	if ver != 11 || notes != len(cards) || cardRows != len(cards) {
		t.Errorf("ver %d, %d notes, %d cards; want 11, %d, %d", ver, notes, cardRows, len(cards), len(cards))
	}
	var m map[string]struct {
		Name string
		Flds []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(models), &m); err != nil || len(m) != 1 {
		t.Fatalf("models: %v %s", err, models)
	}
	for _, model := range m {
		if model.Name != "prep card" || len(model.Flds) != 2 || model.Flds[0].Name != "Front" || model.Flds[1].Name != "Back" {
			t.Errorf("note type = %+v", model)
		}
	}
	var d map[string]struct{ Name string }
	json.Unmarshal([]byte(decks), &d)
	names := map[string]bool{}
	for _, deck := range d {
		names[deck.Name] = true
	}
	if !names["prep::Caching"] || !names["prep::Resilience"] || !names["Default"] || len(names) != 3 {
		t.Errorf("decks = %v", names)
	}
	// Every card is in its topic's deck, and a note's fields are front and back.
	var flds, tags, deckName string
	err = db.QueryRow(`SELECT n.flds, n.tags, c.did FROM notes n JOIN cards c ON c.nid = n.id WHERE n.sfld LIKE 'Circuit breaker pattern%'`).Scan(&flds, &tags, &deckName)
	if err != nil {
		t.Fatal(err)
	}
	front, back, _ := strings.Cut(flds, "\x1f")
	if !strings.Contains(front, "<h2>Circuit breaker pattern</h2>") || !strings.Contains(back, "<h3>Key points</h3>") || !strings.Contains(back, "<h3>Follow-ups</h3>") {
		t.Errorf("fields: front %.200q back %.200q", front, back)
	}
	if !strings.Contains(tags, " kind::concept ") || !strings.HasPrefix(tags, " prep ") {
		t.Errorf("tags = %q", tags)
	}
	if d[deckName].Name != "prep::Resilience" {
		t.Errorf("circuit-breaker is in deck %q", d[deckName].Name)
	}

	// A second package a day later has the same note ids and guids, newer stamps: Anki
	// updates the notes instead of adding copies.
	ids := func(db *sql.DB) map[int64]string {
		rows, err := db.Query("SELECT id, guid FROM notes")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[int64]string{}
		for rows.Next() {
			var id int64
			var g string
			rows.Scan(&id, &g)
			m[id] = g
		}
		return m
	}
	db2 := openPackage(t, write(t1.Add(24*time.Hour)))
	first, second := ids(db), ids(db2)
	if len(first) != len(cards) || len(second) != len(first) {
		t.Fatalf("note ids: %d then %d", len(first), len(second))
	}
	for id, g := range first {
		if second[id] != g {
			t.Errorf("note %d: guid %q then %q", id, g, second[id])
		}
	}
	var mod1, mod2 int64
	db.QueryRow("SELECT max(mod) FROM notes").Scan(&mod1)
	db2.QueryRow("SELECT min(mod) FROM notes").Scan(&mod2)
	if mod2 <= mod1 {
		t.Errorf("the second package's notes are not newer: %d then %d", mod1, mod2)
	}
}

func TestOneDeck(t *testing.T) {
	lib, err := content.Load(content.Embedded, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := FromCards(lib, lib.Cards()[:3], "prep::my deck")
	for _, n := range notes {
		if n.Deck != "prep::my deck" {
			t.Errorf("%s in deck %q", n.Key, n.Deck)
		}
	}
}
