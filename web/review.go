package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
	"prep/store/fsrs"
)

// maxElapsed caps the answering time a client may report; store clamps it too.
const maxElapsed = time.Hour

// ratingButton is one of Again/Hard/Good/Easy with the interval it would give.
type ratingButton struct {
	Rating   int
	Label    string
	Interval string
	Key      string
}

func (s *Server) buttons(c echo.Context, userID int64, cardID string, now time.Time) ([]ratingButton, error) {
	pv, err := s.store.Preview(c.Request().Context(), userID, cardID, now)
	if err != nil {
		return nil, err
	}
	labels := []string{"Again", "Hard", "Good", "Easy"}
	out := make([]ratingButton, 4)
	for i := range out {
		out[i] = ratingButton{Rating: i + 1, Label: labels[i], Interval: fsrs.FormatInterval(pv[i].Due.Sub(now)), Key: strconv.Itoa(i + 1)}
	}
	return out, nil
}

// nextReview reads the deck from the request and returns the queue for the current user
// with the buttons for its next card (nil when nothing is left).
func (s *Server) nextReview(c echo.Context) (deck, queue, []ratingButton, time.Time, error) {
	u, _ := currentUser(c)
	now := s.now()
	d, err := s.parseDeck(c)
	if err != nil {
		return d, queue{}, nil, now, err
	}
	q, err := s.queueFor(c, u.ID, d, now)
	if err != nil || q.Next == nil {
		return d, q, nil, now, err
	}
	b, err := s.buttons(c, u.ID, q.Next.ID, now)
	return d, q, b, now, err
}

func (s *Server) reviewPage(c echo.Context) error {
	d, q, buttons, now, err := s.nextReview(c)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "Review", "Queue": q, "Deck": d, "DeckQuery": d.Where().Encode(), "Here": "/review?" + d.Params().Encode(),
		"Shown": now.UnixMilli(), "Undone": s.lib.Card(c.QueryParam("undone")), "Buttons": buttons, "Aside": s.asideNotice(c)}
	if q.Next != nil {
		data["SkipURL"] = "/review?" + d.skipping(q.Next.ID).Params().Encode()
	}
	if q.Next == nil && !q.NextDue.IsZero() {
		data["NextDueIn"] = fsrs.FormatInterval(q.NextDue.Sub(now))
		data["NextDueAt"] = q.NextDue.In(q.Settings.Location()).Format("Mon 2 Jan 15:04")
		data["NextDueMS"] = q.NextDue.UnixMilli()
		data["DueToday"] = q.NextDue.Before(store.DayStart(q.Settings, now).AddDate(0, 0, 1))
	}
	if d.Case != "" {
		cs, _ := s.lib.Case(d.Case)
		data["CaseTitle"] = cs.Title
	}
	return s.ok(c, "review", data)
}

// rateInput is a rating from the review form or the API.
type rateInput struct {
	Card      string `json:"card" form:"card"`
	Rating    int    `json:"rating" form:"rating"`
	ElapsedMS int64  `json:"elapsed_ms" form:"-"`
}

// applyRating checks a rating against the library and stores it.
func (s *Server) applyRating(c echo.Context, in rateInput, elapsed time.Duration) (store.ReviewResult, error) {
	u, _ := currentUser(c)
	if len(in.Card) > store.MaxSlugLen {
		return store.ReviewResult{}, prep.Errorf(prep.Invalid, "review", "card id is longer than %d characters", store.MaxSlugLen)
	}
	if s.lib.Card(in.Card) == nil {
		return store.ReviewResult{}, prep.Errorf(prep.NotFound, "review", "no card %q to rate", in.Card)
	}
	r := fsrs.Rating(in.Rating)
	if !r.Valid() {
		return store.ReviewResult{}, prep.Errorf(prep.Invalid, "review", "rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy), not %d", in.Rating)
	}
	return s.store.Rate(c.Request().Context(), u.ID, in.Card, r, s.now(), min(max(elapsed, 0), maxElapsed))
}

// rate handles the review form: store the rating, then show the next card.
func (s *Server) rate(c echo.Context) error {
	d, err := s.parseDeck(c)
	if err != nil {
		return err
	}
	rating, err := strconv.Atoi(c.FormValue("rating"))
	if err != nil {
		return prep.Errorf(prep.Invalid, "review", "rating must be a number from 1 to 4")
	}
	var elapsed time.Duration
	if shown, err := strconv.ParseInt(c.FormValue("shown"), 10, 64); err == nil {
		elapsed = s.now().Sub(time.UnixMilli(shown))
	}
	if _, err := s.applyRating(c, rateInput{Card: c.FormValue("card"), Rating: rating}, elapsed); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/review?"+d.Params().Encode())
}

func (s *Server) undo(c echo.Context) error {
	u, _ := currentUser(c)
	d, err := s.parseDeck(c)
	if err != nil {
		return err
	}
	id, err := s.store.Undo(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	q := d.Params()
	q.Set("undone", id)
	return c.Redirect(http.StatusSeeOther, "/review?"+q.Encode())
}

// apiNext answers GET /api/review/next: the next card of the deck with its intervals.
func (s *Server) apiNext(c echo.Context) error {
	_, q, buttons, _, err := s.nextReview(c)
	if err != nil {
		return err
	}
	out := map[string]any{"due": q.Due, "new_left": q.NewLeft, "card": nil}
	if q.Next != nil {
		intervals := map[string]string{}
		for _, b := range buttons {
			intervals[fsrs.Rating(b.Rating).String()] = b.Interval
		}
		out["card"] = map[string]any{"summary": summary(q.Next), "new": q.IsNew, "prompt": string(q.Next.Prompt.HTML), "intervals": intervals}
	}
	return c.JSON(http.StatusOK, out)
}

// apiRate answers POST /api/review/ratings with {"card","rating","elapsed_ms"}.
func (s *Server) apiRate(c echo.Context) error {
	var in rateInput
	if err := c.Bind(&in); err != nil {
		return prep.Errorf(prep.Invalid, "review", "body must be JSON like {\"card\":\"cqrs\",\"rating\":3,\"elapsed_ms\":5200}")
	}
	res, err := s.applyRating(c, in, time.Duration(in.ElapsedMS)*time.Millisecond)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{
		"id": res.ID, "card": res.CardID, "rating": res.Rating.String(), "reviewed_at": res.ReviewedAt,
		"state": res.After.State.String(), "due": res.After.Due, "interval": fsrs.FormatInterval(res.After.Due.Sub(res.ReviewedAt)),
	})
}

func (s *Server) apiUndo(c echo.Context) error {
	u, _ := currentUser(c)
	id, err := s.store.Undo(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"undone": id})
}
