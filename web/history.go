package web

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"prep/content"
	"prep/store/fsrs"
)

// historyRow is one rating of a card as its page shows it (Anki's card info).
type historyRow struct {
	When           string // in the user's zone
	Rating         string
	Interval       string // from this rating to the next due date
	Stability      string // days, after the rating
	Difficulty     string // 1–10, after the rating
	Retrievability string // predicted recall at the rating; "–" for the first
}

// cardStudy is what the user has of a card: its flags and its review history.
type cardStudy struct {
	Rated     bool
	State     string
	Due       string
	Reps      int
	Lapses    int
	Suspended bool
	Buried    bool
	History   []historyRow
}

// cardStudy reads the user's flags and history of card; nil when the page has no user.
func (s *Server) cardStudy(c echo.Context, card *content.Card) (*cardStudy, error) {
	u, ok := currentUser(c)
	if !ok || s.store == nil {
		return nil, nil
	}
	ctx := c.Request().Context()
	d, err := s.userData(c, u)
	if err != nil {
		return nil, err
	}
	st, flags := d.settings, d.flags
	reviews, err := s.store.CardReviews(ctx, u.ID, card.ID)
	if err != nil {
		return nil, err
	}
	now, loc := s.now(), st.Location()
	out := &cardStudy{Suspended: flags[card.ID].Suspended, Buried: now.Before(flags[card.ID].BuriedUntil)}
	for _, r := range reviews {
		row := historyRow{
			When: r.ReviewedAt.In(loc).Format("2 Jan 2006 15:04"), Rating: r.Rating.String(),
			Interval:   fsrs.FormatInterval(r.After.Due.Sub(r.ReviewedAt)),
			Stability:  fmt.Sprintf("%.1f d", r.After.Stability),
			Difficulty: fmt.Sprintf("%.1f", r.After.Difficulty), Retrievability: "–",
		}
		if r.Before.State != fsrs.StateNew {
			row.Retrievability = percent(r.Retrievability)
		}
		out.History = append(out.History, row)
	}
	if n := len(reviews); n > 0 {
		last := reviews[n-1].After
		out.Rated, out.State, out.Reps, out.Lapses = true, last.State.String(), last.Reps, last.Lapses
		out.Due = last.Due.In(loc).Format("Mon 2 Jan 2006 15:04")
		if !last.Due.After(now) {
			out.Due += " (due now)"
		}
	}
	return out, nil
}
