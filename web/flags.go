package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/content"
	"prep/store"
)

// setAside suspends or buries the user's card (on), or lifts it, for the review and card
// pages' forms (POST /cards/:id/suspend, /cards/:id/bury with on=1|0 and back=PATH) and
// the API (POST /api/cards/:id/suspend, /bury with {"on":bool}).
func (s *Server) setAside(what string) echo.HandlerFunc {
	return func(c echo.Context) error {
		card := s.lib.Card(c.Param("id"))
		if card == nil {
			return prep.Errorf(prep.NotFound, "card", "no card %q", c.Param("id"))
		}
		api := strings.HasPrefix(c.Path(), "/api/")
		on := c.FormValue("on") != "0"
		if api {
			var in struct {
				On *bool `json:"on"`
			}
			if err := decodeJSONBody(c.Request().Body, &in); err != nil {
				return err
			}
			if in.On == nil {
				return prep.Errorf(prep.Invalid, "card", `send {"on": true} to %s the card, {"on": false} to lift it`, strings.TrimSuffix(what, "ed"))
			}
			on = *in.On
		}
		how, err := s.applyAside(c, card, what, on)
		if err != nil {
			return err
		}
		if api {
			return c.JSON(http.StatusOK, map[string]any{"card": card.ID, what: on})
		}
		back, err := url.Parse(safeNext(c.FormValue("back")))
		if err != nil || back.Path == "/" {
			back = &url.URL{Path: "/cards/" + card.ID}
		}
		q := back.Query()
		q.Set("aside", card.ID)
		q.Set("how", how)
		back.RawQuery = q.Encode()
		return c.Redirect(http.StatusSeeOther, back.String())
	}
}

// applyAside stores what setAside was asked and returns the notice's word for it.
func (s *Server) applyAside(c echo.Context, card *content.Card, what string, on bool) (string, error) {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	if what == "suspended" {
		return map[bool]string{true: "suspended", false: "unsuspended"}[on], s.store.SetSuspended(ctx, u.ID, card.ID, on)
	}
	st, err := s.store.Settings(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if !on {
		return "unburied", s.store.Bury(ctx, u.ID, card.ID, time.Time{})
	}
	return "buried", s.store.Bury(ctx, u.ID, card.ID, store.DayStart(st, s.now()).AddDate(0, 0, 1)) // until the next study day
}

// asideNotice is the notice after a card was set aside or brought back, read from the
// redirect's parameters; nil when there is none.
func (s *Server) asideNotice(c echo.Context) map[string]string {
	card := s.lib.Card(c.QueryParam("aside"))
	how := c.QueryParam("how")
	if card == nil {
		return nil
	}
	switch how {
	case "suspended", "buried", "unsuspended", "unburied":
		return map[string]string{"ID": card.ID, "Title": card.Title, "How": how}
	}
	return nil
}

// suspendedPage lists the user's suspended cards, each with a button that lifts it.
func (s *Server) suspendedPage(c echo.Context) error {
	u, _ := currentUser(c)
	flags, err := s.store.Flags(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	var cards []*content.Card
	for _, card := range s.lib.Cards() {
		if flags[card.ID].Suspended {
			cards = append(cards, card)
		}
	}
	return s.ok(c, "suspended", map[string]any{"Title": "Suspended cards", "Cards": cards, "Notice": s.asideNotice(c)})
}
