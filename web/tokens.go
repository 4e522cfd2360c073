package web

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"prep"
)

// tokensPage lists the user's personal API tokens; secret, when not empty, is a token
// just created, shown this once.
func (s *Server) tokensPage(c echo.Context) error { return s.renderTokens(c, http.StatusOK, "") }

func (s *Server) renderTokens(c echo.Context, status int, secret string) error {
	u, _ := currentUser(c)
	list, err := s.store.APITokens(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return s.render(c, status, "tokens", map[string]any{"Title": "API tokens", "Tokens": list, "Secret": secret})
}

func (s *Server) createTokenForm(c echo.Context) error {
	u, _ := currentUser(c)
	_, secret, err := s.store.CreateAPIToken(c.Request().Context(), u.ID, c.FormValue("name"))
	if err != nil {
		return err
	}
	return s.renderTokens(c, http.StatusCreated, secret)
}

func (s *Server) deleteTokenForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.store.DeleteAPIToken(c.Request().Context(), u.ID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/tokens")
}

func (s *Server) apiTokens(c echo.Context) error {
	u, _ := currentUser(c)
	list, err := s.store.APITokens(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, t := range list {
		out = append(out, map[string]any{"id": t.ID, "name": t.Name, "created_at": t.CreatedAt.UTC()})
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": out})
}

func (s *Server) apiCreateToken(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return prep.Errorf(prep.Invalid, "token", `body must be JSON like {"name":"ats"}: %v`, err)
	}
	u, _ := currentUser(c)
	t, secret, err := s.store.CreateAPIToken(c.Request().Context(), u.ID, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": t.ID, "name": t.Name, "token": secret})
}

func (s *Server) apiDeleteToken(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.store.DeleteAPIToken(c.Request().Context(), u.ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
