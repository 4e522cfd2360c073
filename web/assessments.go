package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs/assessment"
	"prep/store"
)

// assessmentJSON is an assessment in the API.
type assessmentJSON struct {
	ID        int64        `json:"id"`
	Title     string       `json:"title"`
	Labs      []string     `json:"labs"`
	Cards     []string     `json:"cards"`
	TimeLimit int          `json:"time_limit_minutes"`
	ExpiresAt time.Time    `json:"expires_at"`
	Note      string       `json:"note"`
	Owner     string       `json:"owner"`
	CreatedAt time.Time    `json:"created_at"`
	Invites   []inviteJSON `json:"invites,omitempty"`
	// WebhookURL receives the invites' events; WebhookSecret is given only when the
	// URL is set, once.
	WebhookURL    string `json:"webhook_url"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

func toAssessmentJSON(a store.Assessment) assessmentJSON {
	return assessmentJSON{ID: a.ID, Title: a.Title, Labs: a.Labs, Cards: a.Cards, TimeLimit: a.TimeLimit,
		ExpiresAt: a.ExpiresAt.UTC(), Note: a.Note, Owner: a.Owner, CreatedAt: a.CreatedAt.UTC(), WebhookURL: a.WebhookURL}
}

// inviteJSON is an invite as its interviewer sees it (never its token).
type inviteJSON struct {
	ID            int64      `json:"id"`
	Label         string     `json:"label"`
	State         string     `json:"state"`
	CreatedAt     time.Time  `json:"created_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	StartedAt     *time.Time `json:"started_at"`
	Deadline      *time.Time `json:"deadline"`
	FinishedAt    *time.Time `json:"finished_at"`
	AutoSubmitted bool       `json:"auto_submitted"`
	TimeUsedSecs  int64      `json:"time_used_seconds"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Server) toInviteJSON(iv store.Invite, a store.Assessment) inviteJSON {
	r := rulesOf(iv, a)
	now := s.now()
	return inviteJSON{ID: iv.ID, Label: iv.Label, State: string(r.State(now)), CreatedAt: iv.CreatedAt.UTC(), ExpiresAt: iv.ExpiresAt.UTC(),
		StartedAt: optTime(iv.StartedAt), Deadline: optTime(r.Deadline()), FinishedAt: optTime(iv.FinishedAt),
		AutoSubmitted: iv.AutoSubmitted, TimeUsedSecs: int64(r.TimeUsed(now) / time.Second)}
}

// rulesOf is what the rules need of an invite.
func rulesOf(iv store.Invite, a store.Assessment) assessment.Invite {
	return assessment.Invite{TimeLimit: time.Duration(a.TimeLimit) * time.Minute, ExpiresAt: iv.ExpiresAt, Extra: iv.Extra,
		OpenedAt: iv.OpenedAt, StartedAt: iv.StartedAt, FinishedAt: iv.FinishedAt, AutoSubmit: iv.AutoSubmitted, RevokedAt: iv.RevokedAt}
}

// withRules returns iv with the state fields of r.
func withRules(iv store.Invite, r assessment.Invite) store.Invite {
	iv.ExpiresAt, iv.Extra, iv.OpenedAt, iv.StartedAt, iv.FinishedAt, iv.AutoSubmitted, iv.RevokedAt =
		r.ExpiresAt, r.Extra, r.OpenedAt, r.StartedAt, r.FinishedAt, r.AutoSubmit, r.RevokedAt
	return iv
}

// actorName is who the audit log says did what the request does.
func actorName(c echo.Context) string {
	if u, ok := currentUser(c); ok && u.Role != store.RoleCandidate {
		return u.Name
	}
	return "candidate"
}

// assessmentSpec is the body of POST /api/assessments (and the form's fields).
type assessmentSpec struct {
	Title     string   `json:"title"`
	Labs      []string `json:"labs"`
	Cards     []string `json:"cards"`
	TimeLimit int      `json:"time_limit_minutes"`
	ExpiresAt string   `json:"expires_at"`
	Note      string   `json:"note"`
	// WebhookURL, if set, receives the invites' events (webhook.go).
	WebhookURL string `json:"webhook_url"`
}

// createAssessment checks spec and stores it as the signed-in interviewer's.
func (s *Server) createAssessment(c echo.Context, in assessmentSpec) (store.Assessment, error) {
	const op = "assessment"
	exp, err := parseExpiry(in.ExpiresAt)
	if err != nil {
		return store.Assessment{}, err
	}
	sp := assessment.Spec{Title: strings.TrimSpace(in.Title), Labs: in.Labs, Cards: in.Cards, TimeLimit: in.TimeLimit, ExpiresAt: exp, Note: strings.TrimSpace(in.Note)}
	hasLab := func(slug string) bool {
		if s.labs == nil {
			return false
		}
		_, err := s.labs.Lab(slug)
		return err == nil
	}
	hasCard := func(id string) bool { return s.lib.Card(id) != nil }
	if err := sp.Check(s.now(), hasLab, hasCard); err != nil {
		return store.Assessment{}, err
	}
	hook, err := s.checkWebhookURL(c, in.WebhookURL)
	if err != nil {
		return store.Assessment{}, err
	}
	secret := ""
	if hook != "" {
		secret = store.NewWebhookSecret()
	}
	u, _ := currentUser(c)
	a, err := s.store.CreateAssessment(c.Request().Context(), store.Assessment{OwnerID: u.ID, Title: sp.Title, Labs: sp.Labs, Cards: sp.Cards,
		TimeLimit: sp.TimeLimit, ExpiresAt: sp.ExpiresAt, Note: sp.Note, WebhookURL: hook, WebhookSecret: secret}, u.Name)
	return a, prep.Wrap(op, err)
}

// parseExpiry reads an expiry as RFC 3339 or a date (the end of that day, UTC).
func parseExpiry(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t.Add(24*time.Hour - time.Millisecond), nil
	}
	if t, err := time.Parse("2006-01-02T15:04", v); err == nil { // <input type="datetime-local">
		return t, nil
	}
	return time.Time{}, prep.Errorf(prep.Invalid, "assessment", "expires_at: %q is not a date; use RFC 3339 like 2026-12-31T18:00:00Z, or 2026-12-31", v)
}

// ownAssessment returns the assessment of the :id parameter if the user may see it:
// their own, or any for an admin. Another interviewer's is NotFound, as a missing one.
func (s *Server) ownAssessment(c echo.Context, id int64) (store.Assessment, error) {
	notFound := prep.Errorf(prep.NotFound, "assessment", "no assessment %d", id)
	a, err := s.store.Assessment(c.Request().Context(), id)
	if prep.KindOf(err) == prep.NotFound {
		return a, notFound
	}
	if err != nil {
		return a, err
	}
	u, _ := currentUser(c)
	if u.Role != store.RoleAdmin && a.OwnerID != u.ID {
		return store.Assessment{}, notFound
	}
	return a, nil
}

func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, prep.Errorf(prep.NotFound, "assessment", "no %s %q", name, c.Param(name))
	}
	return id, nil
}

// assessmentParam is ownAssessment of the :id parameter.
func (s *Server) assessmentParam(c echo.Context) (store.Assessment, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return store.Assessment{}, err
	}
	return s.ownAssessment(c, id)
}

// inviteParam returns the invite of the :id parameter and its assessment, if the user
// may see the assessment.
func (s *Server) inviteParam(c echo.Context) (store.Invite, store.Assessment, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return store.Invite{}, store.Assessment{}, err
	}
	iv, err := s.store.Invite(c.Request().Context(), id)
	if err != nil {
		return iv, store.Assessment{}, err
	}
	a, err := s.ownAssessment(c, iv.AssessmentID)
	if err != nil {
		return store.Invite{}, store.Assessment{}, prep.Errorf(prep.NotFound, "invite", "no invite %d", id)
	}
	return iv, a, nil
}

// visibleAssessments lists the user's assessments, or all for an admin.
func (s *Server) visibleAssessments(c echo.Context) ([]store.Assessment, error) {
	u, _ := currentUser(c)
	owner := u.ID
	if u.Role == store.RoleAdmin {
		owner = 0
	}
	return s.store.Assessments(c.Request().Context(), owner)
}

func (s *Server) apiCreateAssessment(c echo.Context) error {
	var in assessmentSpec
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return prep.Errorf(prep.Invalid, "assessment", `body must be JSON like {"title":"Backend take-home","labs":["lru-cache"],"time_limit_minutes":90,"expires_at":"2026-12-31T18:00:00Z","note":"…"}: %v`, err)
	}
	a, err := s.createAssessment(c, in)
	if err != nil {
		return err
	}
	out := toAssessmentJSON(a)
	out.WebhookSecret = a.WebhookSecret
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) apiAssessments(c echo.Context) error {
	list, err := s.visibleAssessments(c)
	if err != nil {
		return err
	}
	out := make([]assessmentJSON, 0, len(list))
	for _, a := range list {
		out = append(out, toAssessmentJSON(a))
	}
	return c.JSON(http.StatusOK, map[string]any{"assessments": out})
}

func (s *Server) apiAssessment(c echo.Context) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	invites, err := s.store.Invites(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	out := toAssessmentJSON(a)
	out.Invites = []inviteJSON{}
	for _, iv := range invites {
		out.Invites = append(out.Invites, s.toInviteJSON(iv, a))
	}
	return c.JSON(http.StatusOK, out)
}

// inviteURL is the candidate's link for token.
func inviteURL(c echo.Context, token string) string {
	return c.Scheme() + "://" + c.Request().Host + "/a/" + token
}

// issueInvite creates an invite for label and returns it with the candidate's URL.
func (s *Server) issueInvite(c echo.Context, a store.Assessment, label string) (store.Invite, string, error) {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > assessment.MaxLabelLen {
		return store.Invite{}, "", prep.Errorf(prep.Invalid, "invite", "label: give the candidate's name or e-mail, 1 to %d bytes", assessment.MaxLabelLen)
	}
	iv, token, err := s.store.CreateInvite(c.Request().Context(), a.ID, label, actorName(c))
	if err != nil {
		return iv, "", err
	}
	return iv, inviteURL(c, token), nil
}

func (s *Server) apiCreateInvite(c echo.Context) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Label string `json:"label"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return prep.Errorf(prep.Invalid, "invite", `body must be JSON like {"label":"ada@example.com"}: %v`, err)
	}
	iv, url, err := s.issueInvite(c, a, in.Label)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": iv.ID, "url": url, "expires_at": iv.ExpiresAt.UTC(), "label": iv.Label})
}

// changeInvite applies a move of the rules to the invite and logs event.
func (s *Server) changeInvite(c echo.Context, iv store.Invite, a store.Assessment, event, detail string, move func(assessment.Invite) (assessment.Invite, error)) (store.Invite, error) {
	r, err := move(rulesOf(iv, a))
	if err != nil {
		return iv, err
	}
	next := withRules(iv, r)
	err = s.store.UpdateInvite(c.Request().Context(), iv, next, store.AuditEvent{Actor: actorName(c), Event: event, Detail: detail, At: s.now()})
	return next, err
}

func (s *Server) revokeInvite(c echo.Context) (store.Invite, store.Assessment, error) {
	iv, a, err := s.inviteParam(c)
	if err != nil {
		return iv, a, err
	}
	if !iv.RevokedAt.IsZero() {
		return iv, a, nil
	}
	iv, err = s.changeInvite(c, iv, a, "revoked", "", func(r assessment.Invite) (assessment.Invite, error) { return r.Withdraw(s.now()), nil })
	return iv, a, err
}

func (s *Server) extendInvite(c echo.Context, minutes int) (store.Invite, store.Assessment, error) {
	iv, a, err := s.inviteParam(c)
	if err != nil {
		return iv, a, err
	}
	iv, err = s.changeInvite(c, iv, a, "extended", strconv.Itoa(minutes)+" minutes", func(r assessment.Invite) (assessment.Invite, error) { return r.Extend(minutes, s.now()) })
	return iv, a, err
}

func (s *Server) apiRevokeInvite(c echo.Context) error {
	iv, a, err := s.revokeInvite(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toInviteJSON(iv, a))
}

func (s *Server) apiExtendInvite(c echo.Context) error {
	var in struct {
		Minutes int `json:"minutes"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return prep.Errorf(prep.Invalid, "invite", `body must be JSON like {"minutes":30}: %v`, err)
	}
	iv, a, err := s.extendInvite(c, in.Minutes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toInviteJSON(iv, a))
}

func (s *Server) reissueInvite(c echo.Context) (store.Invite, string, error) {
	iv, a, err := s.inviteParam(c)
	if err != nil {
		return iv, "", err
	}
	st := rulesOf(iv, a).State(s.now())
	if st == assessment.Revoked || st == assessment.Submitted {
		return iv, "", prep.Errorf(prep.Conflict, "invite", "the invite is %s; issue a new invite instead", strings.ReplaceAll(string(st), "_", " "))
	}
	token, err := s.store.ReissueInvite(c.Request().Context(), iv.ID, actorName(c))
	if err != nil {
		return iv, "", err
	}
	return iv, inviteURL(c, token), nil
}

func (s *Server) apiReissueInvite(c echo.Context) error {
	iv, url, err := s.reissueInvite(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": iv.ID, "url": url, "expires_at": iv.ExpiresAt.UTC()})
}
