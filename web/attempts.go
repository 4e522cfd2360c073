package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs"
	"prep/store"
)

// attemptsListed bounds GET /api/labs/{slug}/attempts.
const attemptsListed = 200

// attemptJSON is an attempt in the API and in the page's history. Files and Result are
// only in GET /api/attempts/{id}.
type attemptJSON struct {
	ID         int64             `json:"id"`
	Lab        string            `json:"lab"`
	Mode       string            `json:"mode"`
	Verdict    string            `json:"verdict"`
	Passed     int               `json:"passed"`
	Total      int               `json:"total"`
	At         time.Time         `json:"at"`
	DurationMS int64             `json:"duration_ms"`
	URL        string            `json:"url"`
	Imported   bool              `json:"imported,omitempty"` // read from a progress file, not graded here
	Files      map[string]string `json:"files,omitempty"`
	Result     *labs.Result      `json:"result,omitempty"`
}

// summarize turns a stored attempt into its JSON, counting its tests from the result.
func summarize(a *store.Attempt, full bool) attemptJSON {
	j := attemptJSON{ID: a.ID, Lab: a.Lab, Mode: a.Mode, Verdict: a.Verdict, At: a.CreatedAt.UTC(),
		DurationMS: a.Duration.Milliseconds(), URL: fmt.Sprintf("/labs/%s/attempts/%d", a.Lab, a.ID), Imported: a.Imported}
	var res labs.Result
	if len(a.ResultJSON) > 0 && json.Unmarshal(a.ResultJSON, &res) == nil {
		pass, _, _ := res.Counts()
		j.Passed, j.Total = pass, len(res.Tests)
		if full {
			j.Result = &res
		}
	}
	if full {
		j.Files = a.Source
		if j.Files == nil {
			j.Files = map[string]string{}
		}
	}
	return j
}

// ownAttempt returns the signed-in user's attempt named by the :id parameter; another
// user's attempt is not found, as if it did not exist.
func (s *Server) ownAttempt(c echo.Context) (store.Attempt, error) {
	u, _ := currentUser(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.Attempt{}, prep.Errorf(prep.NotFound, "attempt", "no attempt %q", c.Param("id"))
	}
	return s.store.Attempt(c.Request().Context(), u.ID, id)
}

// apiAttempts handles GET /api/labs/{slug}/attempts: the user's attempts, newest first.
func (s *Server) apiAttempts(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	list, err := s.store.Attempts(c.Request().Context(), u.ID, l.Slug, attemptsListed)
	if err != nil {
		return err
	}
	out := []attemptJSON{}
	for i := range list {
		out = append(out, summarize(&list[i], false))
	}
	return c.JSON(http.StatusOK, map[string]any{"attempts": out})
}

// apiAttempt handles GET /api/attempts/{id}: one attempt with its files and result.
func (s *Server) apiAttempt(c echo.Context) error {
	a, err := s.ownAttempt(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, summarize(&a, true))
}

// attemptPage shows one past attempt: its result in the panel, its code beside the
// editor (which keeps the draft), and a way to restore it.
func (s *Server) attemptPage(c echo.Context) error {
	a, err := s.ownAttempt(c)
	if err != nil {
		return err
	}
	if a.Lab != c.Param("slug") {
		return prep.Errorf(prep.NotFound, "attempt", "no attempt %d for this lab", a.ID)
	}
	res, err := attemptResult(&a)
	if err != nil {
		return err
	}
	return s.renderLab(c, http.StatusOK, res, &a)
}

// namedFile is a file for templates, which range over slices in order.
type namedFile struct{ Name, Src string }

func sortedFiles(files map[string]string) []namedFile {
	out := make([]namedFile, 0, len(files))
	for n, src := range files {
		out = append(out, namedFile{n, src})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
