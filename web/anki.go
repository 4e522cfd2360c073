package web

import (
	"io"
	"strings"

	"github.com/labstack/echo/v4"

	"prep/content"
	"prep/store/anki"
)

// exportAnki answers GET /export.apkg[?deck]: the deck's cards (all cards when none is
// given) as an Anki package, one Anki deck per topic, or one deck for a filtered deck.
func (s *Server) exportAnki(c echo.Context) error {
	d, err := s.parseDeck(c)
	if err != nil {
		return err
	}
	var cards []*content.Card
	for _, card := range s.deckCards(d) {
		if d.match(card) {
			cards = append(cards, card)
		}
	}
	name, deckName := "prep.apkg", ""
	if where := d.Where(); len(where) > 0 {
		var parts []string
		for _, k := range []string{"topic", "case", "kind", "level", "tag", "q"} {
			if v := where.Get(k); v != "" {
				parts = append(parts, v)
			}
		}
		deckName = "prep::" + strings.Join(parts, " ")
		name = "prep-" + slugify(strings.Join(parts, "-")) + ".apkg"
	}
	attachment(c, "application/octet-stream", name)
	return streamDownload(c, func(w io.Writer) error {
		return anki.Write(c.Request().Context(), w, anki.FromCards(s.lib, cards, deckName), s.now())
	})
}

// slugify keeps letters, digits and dashes of s, for a file name.
func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
