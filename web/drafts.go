package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs"
	"prep/store"
)

// scratchName is the editor's tab for the candidate's own tests: Run runs it after the
// public tests, Submit never sends it.
const scratchName = "my_test.go"

// draftJSON is a draft in the API: GET, PUT and DELETE /api/labs/{slug}/draft.
// UpdatedAt is null for a draft never saved (the starter).
type draftJSON struct {
	Files     map[string]string `json:"files"`
	UpdatedAt *time.Time        `json:"updated_at"`
}

// scratchStarter is the scratch tab's first content: a test that compiles and passes, to
// be edited.
func scratchStarter(l *labs.Lab) string {
	return "package " + l.Package + `

import "testing"

// Your own tests. Run runs them after the public tests; Submit never sends this file.
func TestMine(t *testing.T) {
	// t.Errorf("got %v, want %v", got, want)
}
`
}

// starterDraft returns what the editor starts from: the starter and the scratch tab.
func starterDraft(l *labs.Lab) map[string]string {
	files := labs.Files(l.Starter)
	files[scratchName] = scratchStarter(l)
	return files
}

// draftNames orders a draft's files as tabs: the starter's files in the lab's order,
// then any other code, then the test files.
func draftNames(l *labs.Lab, files map[string]string) []string {
	names := l.StarterNames()
	starter := map[string]bool{}
	for _, n := range names {
		starter[n] = true
	}
	var code, tests []string
	for n := range files {
		switch {
		case starter[n]:
		case strings.HasSuffix(n, "_test.go"):
			tests = append(tests, n)
		default:
			code = append(code, n)
		}
	}
	sort.Strings(code)
	sort.Strings(tests)
	return append(append(names, code...), tests...)
}

// draft returns what the user's editor holds for l: the saved draft, else the code of
// the latest attempt, else the starter; every starter file is in it.
func (s *Server) draft(c echo.Context, l *labs.Lab) (draftJSON, error) {
	d := draftJSON{Files: starterDraft(l)}
	u, ok := currentUser(c)
	if !ok || s.store == nil {
		return d, nil
	}
	ctx := c.Request().Context()
	saved, ok, err := s.store.Draft(ctx, u.ID, l.Slug)
	if err != nil {
		return d, err
	}
	if ok {
		d.UpdatedAt = &saved.UpdatedAt
		for _, n := range l.StarterNames() {
			if _, has := saved.Files[n]; !has {
				saved.Files[n] = d.Files[n]
			}
		}
		d.Files = saved.Files
		return d, nil
	}
	last, err := s.store.Attempts(ctx, u.ID, l.Slug, 1)
	if err != nil {
		return d, err
	}
	if len(last) > 0 {
		for n, src := range last[0].Source {
			d.Files[n] = src
		}
	}
	return d, nil
}

// saveDraft checks files as a Run would (names, sizes, clashes with the lab's files) and
// keeps them as the user's draft. base, when not nil, is the updated_at in Unix
// milliseconds of the draft the files are based on (0: the starter); a draft saved
// since then is not overwritten (Conflict).
func (s *Server) saveDraft(c echo.Context, l *labs.Lab, userID int64, files map[string]string, base *int64) (draftJSON, error) {
	if _, err := labs.NewJob(l, files, labs.ModeRun); err != nil {
		return draftJSON{}, err
	}
	var saved store.Draft
	var err error
	if base != nil {
		var b time.Time
		if *base > 0 {
			b = time.UnixMilli(*base)
		}
		saved, err = s.store.SaveDraftIf(c.Request().Context(), userID, l.Slug, files, s.now(), b)
	} else {
		saved, err = s.store.SaveDraft(c.Request().Context(), userID, l.Slug, files, s.now())
	}
	if err != nil {
		return draftJSON{}, err
	}
	return draftJSON{Files: saved.Files, UpdatedAt: &saved.UpdatedAt}, nil
}

// apiDraft handles GET /api/labs/{slug}/draft.
func (s *Server) apiDraft(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	d, err := s.draft(c, l)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// apiSaveDraft handles PUT /api/labs/{slug}/draft with {"files":{name:source}} and,
// optionally, "base": the updated_at (Unix ms, 0 for the starter) of the draft the
// files were edited from, so that a stale tab gets 409 instead of overwriting.
func (s *Server) apiSaveDraft(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	var body struct {
		Files map[string]string `json:"files"`
		Base  *int64            `json:"base"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&body); err != nil {
		return prep.Errorf(prep.Invalid, "draft", `body must be JSON like {"files":{"%s":"package %s …"}}: %v`, l.StarterNames()[0], l.Package, err)
	}
	u, _ := currentUser(c)
	d, err := s.saveDraft(c, l, u.ID, body.Files, body.Base)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// apiResetDraft handles DELETE /api/labs/{slug}/draft: back to the starter.
func (s *Server) apiResetDraft(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.store.ResetDraft(c.Request().Context(), u.ID, l.Slug, s.now()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, draftJSON{Files: starterDraft(l)})
}

// resetForm handles the page's "Reset to starter" form, for browsers without JavaScript.
func (s *Server) resetForm(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.store.ResetDraft(c.Request().Context(), u.ID, l.Slug, s.now()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/labs/"+l.Slug)
}

// restoreForm handles an attempt page's "Restore into the editor" form: the attempt's
// code becomes the draft, keeping the draft's own tests (an attempt has none when it
// was a submit).
func (s *Server) restoreForm(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	a, err := s.ownAttempt(c)
	if err != nil {
		return err
	}
	if a.Lab != l.Slug {
		return prep.Errorf(prep.NotFound, "attempt", "no attempt %d for this lab", a.ID)
	}
	d, err := s.draft(c, l)
	if err != nil {
		return err
	}
	for n, src := range a.Source {
		d.Files[n] = src
	}
	u, _ := currentUser(c)
	if _, err := s.saveDraft(c, l, u.ID, d.Files, nil); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/labs/%s", l.Slug))
}
