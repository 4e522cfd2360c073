package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/content"
	"prep/labs"
	"prep/labs/assessment"
	"prep/labs/grader"
	"prep/store"
)

// attemptsShown is how many past attempts the lab page lists.
const attemptsShown = 20

// labView is a lab as pages show it: never the solution or the hidden tests.
type labView struct {
	*labs.Lab
	Statement template.HTML
	Cards     []*content.Card
	Status    string // the user's best result: "passed", a verdict, "attempted" or ""
}

func (s *Server) labView(l *labs.Lab, status map[string]string) labView {
	v := labView{Lab: l, Statement: s.statements[l.Slug], Status: status[l.Slug]}
	for _, id := range l.Cards {
		if card := s.lib.Card(id); card != nil {
			v.Cards = append(v.Cards, card)
		}
	}
	return v
}

// renderStatements renders every lab's statement once, at start-up. The page prints the
// title, so a statement that opens with it as "# Title" loses that line.
func renderStatements(set *labs.Set) (map[string]template.HTML, error) {
	out := map[string]template.HTML{}
	if set == nil {
		return out, nil
	}
	for _, l := range set.All() {
		statement := l.Statement
		if first, rest, _ := strings.Cut(strings.TrimLeft(statement, "\n"), "\n"); strings.HasPrefix(first, "# ") {
			statement = rest
		}
		html, err := content.Render([]byte(statement))
		if err != nil {
			return nil, prep.Wrap("web.labs", fmt.Errorf("%s: statement: %w", l.Origin, err))
		}
		out[l.Slug] = html
	}
	return out, nil
}

// labStatus returns the signed-in user's best result per lab, or nil.
func (s *Server) labStatus(c echo.Context) (map[string]string, error) {
	u, ok := currentUser(c)
	if !ok || s.store == nil {
		return nil, nil
	}
	d, err := s.userData(c, u)
	if err != nil {
		return nil, err
	}
	return d.labStatus, nil
}

func (s *Server) lab(c echo.Context) (*labs.Lab, error) {
	if s.labs == nil {
		return nil, prep.Errorf(prep.NotFound, "lab", "this server has no labs")
	}
	return s.labs.Lab(c.Param("slug"))
}

// labPage shows a lab: the statement, the editor with the user's draft (or the
// starter), the public tests and past attempts.
func (s *Server) labPage(c echo.Context) error {
	return s.renderLab(c, http.StatusOK, nil, nil)
}

// editorFile is one tab of the editor.
type editorFile struct {
	Name, Src string
	Scratch   bool // the candidate's own tests: run by Run, never submitted
}

// renderLab renders the lab page. result, when not nil, is a grading to show in the
// results panel; attempt, when not nil, is the stored attempt it came from.
func (s *Server) renderLab(c echo.Context, status int, result *labs.Result, attempt *store.Attempt) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	st, err := s.labStatus(c)
	if err != nil {
		return err
	}
	d, err := s.draft(c, l)
	if err != nil {
		return err
	}
	var attempts []attemptJSON
	page, api := "/labs/"+l.Slug, "/api/labs/"+l.Slug
	cc, candidate := c.Get(inviteKey).(candidateCtx)
	readOnly := false
	if candidate {
		// An invite's workspace: the same page aimed at the invite's routes, without
		// the history of attempts and the links into the study side.
		page, api = "/a/"+cc.token+"/labs/"+l.Slug, "/api/a/"+cc.token+"/labs/"+l.Slug
		readOnly = rulesOf(cc.invite, cc.assessment).Allow(assessment.Run, s.now()) != nil
	}
	if u, ok := currentUser(c); ok && s.store != nil && !candidate {
		list, err := s.store.Attempts(c.Request().Context(), u.ID, l.Slug, attemptsShown)
		if err != nil {
			return err
		}
		for i := range list {
			attempts = append(attempts, summarize(&list[i], false))
		}
	}
	var editor []editorFile
	for _, name := range draftNames(l, d.Files) {
		editor = append(editor, editorFile{Name: name, Src: d.Files[name], Scratch: strings.HasSuffix(name, "_test.go")})
	}
	var updated int64
	if d.UpdatedAt != nil {
		updated = d.UpdatedAt.UnixMilli()
	}
	data := map[string]any{"Title": l.Title, "Lab": s.labView(l, st), "Editor": editor, "Public": l.Public,
		"Attempts": attempts, "Result": result, "Attempt": attempt, "Saved": d.UpdatedAt != nil && s.store != nil,
		"Page": page, "Candidate": candidate, "ReadOnly": readOnly,
		"EditorData": map[string]any{"slug": l.Slug, "starter": starterDraft(l), "updated_at": updated,
			"user": s.store != nil && hasUser(c) && !readOnly, "scratch": scratchName, "page": page, "api": api}}
	if candidate {
		data["Invite"] = "/a/" + cc.token
	}
	if attempt != nil {
		data["AttemptFiles"] = sortedFiles(attempt.Source)
	}
	return s.render(c, status, "lab", data)
}

func hasUser(c echo.Context) bool {
	_, ok := currentUser(c)
	return ok
}

// submission reads the candidate's files from a form (fields "file:<name>") or a JSON
// body {"files":{"name.go":"source"}}.
func submission(c echo.Context) (map[string]string, error) {
	if wantsJSON(c) {
		var body struct {
			Files map[string]string `json:"files"`
		}
		if err := json.NewDecoder(c.Request().Body).Decode(&body); err != nil {
			return nil, prep.Errorf(prep.Invalid, "lab", "body must be JSON like {\"files\":{\"lru.go\":\"package lru …\"}}: %v", err)
		}
		if len(body.Files) == 0 {
			return nil, prep.Errorf(prep.Invalid, "lab", "no files in the submission: send {\"files\":{\"name.go\":\"source\"}}")
		}
		return body.Files, nil
	}
	form, err := c.FormParams()
	if err != nil {
		return nil, prep.Errorf(prep.Invalid, "lab", "cannot read the form: %v", err)
	}
	files := map[string]string{}
	for k, v := range form {
		if name, ok := strings.CutPrefix(k, "file:"); ok && len(v) > 0 {
			files[name] = strings.ReplaceAll(v[0], "\r\n", "\n") // browsers send CRLF from textareas
		}
	}
	if len(files) == 0 {
		return nil, prep.Errorf(prep.Invalid, "lab", "no files in the submission")
	}
	return files, nil
}

// forMode returns what of the editor's files a grading in mode takes: everything for a
// Run, and for a Submit only the code, never the candidate's own tests.
func forMode(files map[string]string, mode labs.Mode) map[string]string {
	if mode == labs.ModeRun {
		return files
	}
	out := make(map[string]string, len(files))
	for name, src := range files {
		if !strings.HasSuffix(name, "_test.go") {
			out[name] = src
		}
	}
	return out
}

// grade grades a submission and keeps it in the user's attempts. A form post also keeps
// the files as the user's draft, before grading, so a page without JavaScript loses
// nothing even when the grading fails.
func (s *Server) grade(c echo.Context, mode labs.Mode) (map[string]string, *labs.Result, int64, error) {
	l, err := s.lab(c)
	if err != nil {
		return nil, nil, 0, err
	}
	if s.grader == nil {
		return nil, nil, 0, prep.Errorf(prep.Unavailable, "lab", "this server does not grade labs")
	}
	files, err := submission(c)
	if err != nil {
		return nil, nil, 0, err
	}
	u, signedIn := currentUser(c)
	if signedIn && s.store != nil && !wantsJSON(c) {
		if _, err := s.saveDraft(c, l, u.ID, files, nil); err != nil {
			return files, nil, 0, err
		}
	}
	graded := forMode(files, mode)
	res, err := s.gradeInTurn(c, l, graded, mode)
	if err != nil {
		if after, busy := grader.RetryAfter(err); busy {
			err = &retryError{err, max(1, int(after.Round(time.Second)/time.Second))}
		}
		return files, nil, 0, err
	}
	var id int64
	if signedIn && s.store != nil {
		raw, err := json.Marshal(res)
		if err != nil {
			return files, nil, 0, prep.Wrap("web.grade", err)
		}
		id, err = s.store.SaveAttempt(c.Request().Context(), u.ID, store.Attempt{
			Lab: l.Slug, Mode: string(mode), Verdict: string(res.Verdict), ResultJSON: raw, Source: graded, Duration: res.Duration, CreatedAt: s.now()})
		if err != nil {
			return files, nil, 0, err
		}
	}
	return files, res, id, nil
}

// labGradeForm handles the lab page's Run and Submit buttons: post, redirect, get. The
// grading is kept as an attempt and the browser is sent to its page, so a reload shows
// the result again rather than grading again. Without a user to keep attempts for, the
// result is shown at once.
func (s *Server) labGradeForm(mode labs.Mode) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, res, id, err := s.grade(c, mode)
		if err != nil {
			if prep.KindOf(err) == prep.Invalid {
				return s.renderLab(c, http.StatusBadRequest, &labs.Result{Mode: mode, Verdict: "invalid", Message: prep.Message(err)}, nil)
			}
			return err
		}
		if id > 0 {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/labs/%s/attempts/%d", c.Param("slug"), id))
		}
		return s.renderLab(c, http.StatusOK, res, nil)
	}
}

// apiGrade handles POST /api/labs/{slug}/runs and /submissions.
func (s *Server) apiGrade(mode labs.Mode) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, res, id, err := s.grade(c, mode)
		if err != nil {
			return err
		}
		out := map[string]any{"result": res}
		if id > 0 {
			out["attempt"] = id
		}
		return c.JSON(http.StatusOK, out)
	}
}

// labJSON is a lab in the API: everything a candidate may see.
type labJSON struct {
	Slug      string            `json:"slug"`
	Title     string            `json:"title"`
	Level     string            `json:"level"`
	Summary   string            `json:"summary"`
	Cards     []string          `json:"cards"`
	Status    string            `json:"status,omitempty"`
	Statement string            `json:"statement,omitempty"`
	Starter   map[string]string `json:"starter,omitempty"`
	Tests     map[string]string `json:"public_tests,omitempty"`
	Perf      []labs.PerfSpec   `json:"perf_tests,omitempty"`
	URL       string            `json:"url"`
}

func toLabJSON(l *labs.Lab, status string, full bool) labJSON {
	j := labJSON{Slug: l.Slug, Title: l.Title, Level: l.Level, Summary: l.Summary, Cards: nonNil(l.Cards), Status: status, URL: "/labs/" + l.Slug}
	if full {
		j.Statement, j.Starter, j.Tests, j.Perf = l.Statement, labs.Files(l.Starter), labs.Files(l.Public), l.PerfTests
	}
	return j
}

func (s *Server) apiLabs(c echo.Context) error {
	st, err := s.labStatus(c)
	if err != nil {
		return err
	}
	out := []labJSON{}
	if s.labs != nil {
		for _, l := range s.labs.All() {
			out = append(out, toLabJSON(l, st[l.Slug], false))
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"labs": out})
}

func (s *Server) apiLab(c echo.Context) error {
	l, err := s.lab(c)
	if err != nil {
		return err
	}
	st, err := s.labStatus(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toLabJSON(l, st[l.Slug], true))
}

// cardLabs lists a card's labs with the user's status, for the card page.
func (s *Server) cardLabs(c echo.Context, card *content.Card) ([]labView, error) {
	if s.labs == nil || len(card.Labs) == 0 {
		return nil, nil
	}
	st, err := s.labStatus(c)
	if err != nil {
		return nil, err
	}
	var out []labView
	for _, slug := range card.Labs {
		if l, err := s.labs.Lab(slug); err == nil {
			out = append(out, labView{Lab: l, Status: st[slug]})
		}
	}
	return out, nil
}
