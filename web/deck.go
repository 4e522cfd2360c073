package web

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/content"
	"prep/content/search"
	"prep/store"
	"prep/store/fsrs"
)

// maxSkipped bounds the cards a review session may pass over ("skip"): the list rides
// in the URL and the form.
const maxSkipped = 50

// deck is the set of cards a review session draws from: a filter, optionally a case
// study or the results of a search, and the cards skipped in this session.
type deck struct {
	filter
	Case  string
	Query string   // the cards a search for Query finds ("Review these")
	Skip  []string // cards passed over in this session: they come last

	inQuery map[string]bool // the search's hits, when Query is set
}

// parseDeck reads the deck from the URL or, for a form post, its fields.
func (s *Server) parseDeck(c echo.Context) (deck, error) {
	f, err := s.parseFilter(c)
	if err != nil {
		return deck{}, err
	}
	d := deck{filter: f, Case: c.FormValue("case"), Query: strings.TrimSpace(c.FormValue("q"))}
	if d.Case != "" {
		if _, ok := s.lib.Case(d.Case); !ok {
			return d, prep.Errorf(prep.Invalid, "deck", "unknown case %q", d.Case)
		}
	}
	if d.Query != "" {
		if s.search == nil {
			return d, prep.Errorf(prep.Invalid, "deck", "search is not available on this server")
		}
		res, err := s.search.Search(search.Query{Text: d.Query, Size: search.MaxResults})
		if err != nil {
			return d, err
		}
		d.inQuery = map[string]bool{}
		for _, h := range res.Hits {
			d.inQuery[h.ID] = true
		}
	}
	for _, id := range strings.Split(c.FormValue("skip"), ",") {
		if s.lib.Card(id) != nil && !slices.Contains(d.Skip, id) && len(d.Skip) < maxSkipped {
			d.Skip = append(d.Skip, id)
		}
	}
	return d, nil
}

func (d deck) match(c *content.Card) bool {
	return d.filter.match(c) && (d.Case == "" || c.Case == d.Case) && (d.inQuery == nil || d.inQuery[c.ID])
}

// Params returns the deck as URL parameters, to carry it from card to card.
func (d deck) Params() url.Values {
	q := d.Where()
	if len(d.Skip) > 0 {
		q.Set("skip", strings.Join(d.Skip, ","))
	}
	return q
}

// Where returns the deck's parameters without the session's skipped cards: which cards
// it is, not where the session stands.
func (d deck) Where() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"kind": d.Kind, "level": d.Level, "topic": d.Topic, "tag": d.Tag, "case": d.Case, "q": d.Query} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// skipping returns the deck with one more card passed over.
func (d deck) skipping(id string) deck {
	if !slices.Contains(d.Skip, id) && len(d.Skip) < maxSkipped {
		d.Skip = append(slices.Clip(d.Skip), id)
	}
	return d
}

// deckCards returns the deck's cards in library order, or a case deck's in the case's
// own order (rounds, then position in the round).
func (s *Server) deckCards(d deck) []*content.Card {
	cs, ok := s.lib.Case(d.Case)
	if !ok {
		return s.lib.Cards()
	}
	var out []*content.Card
	for _, r := range cs.Rounds {
		for _, id := range r.Cards {
			if card := s.lib.Card(id); card != nil {
				out = append(out, card)
			}
		}
	}
	return out
}

// newOrder puts the deck's cards in the order the user's settings introduce new ones:
// the deck's own order, by level (junior first, the deck's order within a level), or
// shuffled with a seed of the user and the study day, so the order holds all day.
func newOrder(cards []*content.Card, order string, userID int64, day time.Time) []*content.Card {
	out := slices.Clone(cards)
	switch order {
	case "level":
		slices.SortStableFunc(out, func(a, b *content.Card) int {
			return cmp.Compare(slices.Index(content.Levels, a.Level), slices.Index(content.Levels, b.Level))
		})
	case "random":
		h := fnv.New64a()
		h.Write([]byte(day.UTC().Format(time.DateOnly)))
		r := rand.New(rand.NewPCG(uint64(userID), h.Sum64()))
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// queue is where a user stands in a deck right now.
type queue struct {
	Next     *content.Card // nil when nothing is left for today
	IsNew    bool
	Due      int // rated cards due now in the deck, within today's review limit
	HeldBack int // graduated cards due now that today's review limit holds back
	NewLeft  int // new cards still allowed today, in the deck
	Today    store.DayCounts
	Unseen   int       // cards of the deck never rated and not set aside, whatever the limit
	NextDue  time.Time // when the deck's next rated card falls due; zero if none is waiting
	Settings store.Settings
}

// queueFor builds the queue: due cards first, the most overdue first, graduated ones
// within the daily review limit; then new cards in the user's order up to the daily new
// limit. Suspended and buried cards are left out, cards skipped in this session come
// after all others, and cards that left the library are ignored.
func (s *Server) queueFor(c echo.Context, userID int64, d deck, now time.Time) (queue, error) {
	ctx := c.Request().Context()
	st, err := s.store.Settings(ctx, userID)
	if err != nil {
		return queue{}, err
	}
	q := queue{Settings: st}
	states, err := s.store.States(ctx, userID)
	if err != nil {
		return q, err
	}
	flags, err := s.store.Flags(ctx, userID)
	if err != nil {
		return q, err
	}
	dayStart := store.DayStart(st, now)
	if q.Today, err = s.store.Today(ctx, userID, dayStart); err != nil {
		return q, err
	}
	var due []string
	for id, cs := range states {
		card := s.lib.Card(id)
		switch {
		case card == nil || !d.match(card) || flags[id].Hidden(now):
		case !cs.Due.After(now):
			due = append(due, id)
		case q.NextDue.IsZero() || cs.Due.Before(q.NextDue):
			q.NextDue = cs.Due
		}
	}
	slices.SortFunc(due, func(a, b string) int {
		return cmp.Or(states[a].Due.Compare(states[b].Due), cmp.Compare(a, b))
	})
	var next []*content.Card // in the order they come up
	reviewsLeft := max(0, st.ReviewsPerDay-q.Today.Reviews)
	for _, id := range due {
		if states[id].State == fsrs.Review { // learning steps are never held back
			if reviewsLeft == 0 {
				q.HeldBack++
				continue
			}
			reviewsLeft--
		}
		next = append(next, s.lib.Card(id))
	}
	q.Due = len(next)
	allowed := max(0, st.NewPerDay-q.Today.New)
	for _, card := range newOrder(s.deckCards(d), st.NewOrder, userID, dayStart) {
		if _, seen := states[card.ID]; seen || !d.match(card) || flags[card.ID].Hidden(now) {
			continue
		}
		q.Unseen++
		if q.NewLeft < allowed {
			next = append(next, card)
			q.NewLeft++
		}
	}
	if len(next) == 0 {
		return q, nil
	}
	q.Next = next[0]
	for _, card := range next { // the first card not skipped; all skipped, the first again
		if !slices.Contains(d.Skip, card.ID) {
			q.Next = card
			break
		}
	}
	_, rated := states[q.Next.ID]
	q.IsNew = !rated
	return q, nil
}
