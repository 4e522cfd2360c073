package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"prep/content"
	"prep/store"
	"prep/store/fsrs"
)

// deckRow is one deck of the deck picker with what it holds for the user today.
type deckRow struct {
	Label   string `json:"label"`
	URL     string `json:"review_url"` // the review page of the deck
	Due     int    `json:"due"`        // due now, within today's review limit
	New     int    `json:"new"`        // new cards today's limit still allows
	Cards   int    `json:"cards"`      // cards in the deck
	AnkiURL string `json:"anki_url"`   // the deck as an Anki package
}

// deckGroup is one way of cutting the library into decks: by topic, case, kind, level
// or tag.
type deckGroup struct {
	Name  string    `json:"name"`
	Decks []deckRow `json:"decks"`
}

// cardStatus is what one card counts for in the deck picker at now.
type cardStatus struct{ due, review, new bool }

// deckGroups counts every deck's due and new cards for the user in one pass over the
// library.
func (s *Server) deckGroups(c echo.Context, userID int64, now time.Time) ([]deckGroup, error) {
	ctx := c.Request().Context()
	st, err := s.store.Settings(ctx, userID)
	if err != nil {
		return nil, err
	}
	states, err := s.store.States(ctx, userID)
	if err != nil {
		return nil, err
	}
	flags, err := s.store.Flags(ctx, userID)
	if err != nil {
		return nil, err
	}
	today, err := s.store.Today(ctx, userID, store.DayStart(st, now))
	if err != nil {
		return nil, err
	}
	status := map[string]cardStatus{}
	for _, card := range s.lib.Cards() {
		if flags[card.ID].Hidden(now) {
			continue
		}
		cs, rated := states[card.ID]
		switch {
		case !rated:
			status[card.ID] = cardStatus{new: true}
		case !cs.Due.After(now):
			status[card.ID] = cardStatus{due: true, review: cs.State == fsrs.Review}
		}
	}
	reviewsLeft, newLeft := max(0, st.ReviewsPerDay-today.Reviews), max(0, st.NewPerDay-today.New)
	row := func(label string, params url.Values, in func(*content.Card) bool) deckRow {
		r := deckRow{Label: label, URL: "/review?" + params.Encode(), AnkiURL: "/export.apkg?" + params.Encode()}
		reviews := 0
		for _, card := range s.lib.Cards() {
			if !in(card) {
				continue
			}
			r.Cards++
			switch cs := status[card.ID]; {
			case cs.review:
				reviews++
			case cs.due:
				r.Due++
			case cs.new:
				r.New++
			}
		}
		r.Due += min(reviews, reviewsLeft)
		r.New = min(r.New, newLeft)
		return r
	}
	var topics, cases, kinds, levels, tags deckGroup
	topics.Name, cases.Name, kinds.Name, levels.Name, tags.Name = "Topics", "Case studies", "Kinds", "Levels", "Tags"
	for _, t := range s.lib.Topics() {
		topics.Decks = append(topics.Decks, row(t.Title, url.Values{"topic": {t.ID}}, func(c *content.Card) bool { return c.Topic == t.ID }))
	}
	for _, cs := range s.lib.Cases() {
		cases.Decks = append(cases.Decks, row(cs.Title, url.Values{"case": {cs.ID}}, func(c *content.Card) bool { return c.Case == cs.ID }))
	}
	for _, k := range content.Kinds {
		kinds.Decks = append(kinds.Decks, row(k, url.Values{"kind": {k}}, func(c *content.Card) bool { return c.Kind == k }))
	}
	for _, l := range content.Levels {
		levels.Decks = append(levels.Decks, row(l, url.Values{"level": {l}}, func(c *content.Card) bool { return c.Level == l }))
	}
	for _, tag := range s.lib.Tags() {
		tags.Decks = append(tags.Decks, row("#"+tag, url.Values{"tag": {tag}}, func(c *content.Card) bool { return filter{Tag: tag}.match(c) }))
	}
	return []deckGroup{topics, cases, kinds, levels, tags}, nil
}

// decksPage is the deck picker: every topic, case, kind, level and tag with its due and
// new cards and a link that reviews it.
func (s *Server) decksPage(c echo.Context) error {
	u, _ := currentUser(c)
	groups, err := s.deckGroups(c, u.ID, s.now())
	if err != nil {
		return err
	}
	all := deckRow{Label: "All cards", URL: "/review"}
	return s.ok(c, "decks", map[string]any{"Title": "Decks", "Groups": groups, "All": all})
}

// apiDecks answers GET /api/decks with the deck picker's groups.
func (s *Server) apiDecks(c echo.Context) error {
	u, _ := currentUser(c)
	groups, err := s.deckGroups(c, u.ID, s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"groups": groups})
}
