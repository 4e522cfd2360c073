package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs"
	"prep/labs/assessment"
	"prep/store"
)

// stateWords are the states of an invite as pages say them.
var stateWords = map[string]string{
	string(assessment.NotOpened): "not opened", string(assessment.Opened): "opened", string(assessment.InProgress): "in progress",
	string(assessment.TimeUp): "time up", string(assessment.Submitted): "submitted", string(assessment.Expired): "expired",
	string(assessment.Revoked): "revoked",
}

// inviteKey is the context key of the candidate's invite (candidateCtx).
const inviteKey = "invite"

// candidateCtx is the invite a candidate route serves.
type candidateCtx struct {
	invite     store.Invite
	assessment store.Assessment
	token      string
}

// errNoInvite is the answer to every token that does not open an invite: unknown,
// revoked or expired alike, so the answer tells nothing about which.
var errNoInvite = assessment.ErrUnknown

// candidate resolves the token in the path to its invite and acts as the invite's own
// candidate user for the rest of the request: the drafts and attempts the workspace's
// handlers then read and write are the invite's, and nobody else's. A lab outside the
// assessment is NotFound. Who else the client may be signed in as does not matter.
func (s *Server) candidate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.store == nil {
			return errNoInvite
		}
		ctx := c.Request().Context()
		token := c.Param("token")
		iv, err := s.store.InviteByToken(ctx, token)
		if err != nil {
			if prep.KindOf(err) == prep.NotFound {
				return errNoInvite
			}
			return err
		}
		a, err := s.store.Assessment(ctx, iv.AssessmentID)
		if err != nil {
			return err
		}
		if assessment.Hidden(rulesOf(iv, a).State(s.now())) {
			return errNoInvite
		}
		if slug := c.Param("slug"); slug != "" && !assessment.HasLab(a.Labs, slug) {
			return prep.Errorf(prep.NotFound, "assessment", "this assessment has no lab %q", slug)
		}
		c.Set(userKey, store.User{ID: iv.UserID, Name: "candidate", Role: store.RoleCandidate})
		c.Set(inviteKey, candidateCtx{invite: iv, assessment: a, token: token})
		return next(c)
	}
}

func currentInvite(c echo.Context) candidateCtx {
	cc, _ := c.Get(inviteKey).(candidateCtx)
	return cc
}

// allow checks that the invite may do act now, then runs h.
func (s *Server) allow(act assessment.Action, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		cc := currentInvite(c)
		if err := rulesOf(cc.invite, cc.assessment).Allow(act, s.now()); err != nil {
			return err
		}
		return h(c)
	}
}

// candidateLabJSON is a lab on the candidate's side.
type candidateLabJSON struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Level   string `json:"level"`
	Summary string `json:"summary"`
	Status  string `json:"status,omitempty"` // the last submission's verdict
}

// candidateView is what the candidate's page and GET /api/a/{token} show.
type candidateView struct {
	Title     string             `json:"title"`
	Note      string             `json:"note"`
	State     string             `json:"state"`
	TimeLimit int                `json:"time_limit_minutes"`
	Deadline  *time.Time         `json:"deadline"`
	Now       time.Time          `json:"now"`
	SecsLeft  int64              `json:"seconds_left"`
	Labs      []candidateLabJSON `json:"labs"`
	Token     string             `json:"-"`
}

// openInvite records the first opening of the link, and returns the view.
func (s *Server) candidateState(c echo.Context) (candidateView, error) {
	cc := currentInvite(c)
	iv, a := cc.invite, cc.assessment
	if iv.OpenedAt.IsZero() {
		next, err := s.changeInvite(c, iv, a, "opened", "", func(r assessment.Invite) (assessment.Invite, error) { return r.Open(s.now()), nil })
		if err == nil {
			iv = next
		} else if prep.KindOf(err) != prep.Conflict { // another tab opened it: fine
			return candidateView{}, err
		}
	}
	now := s.now()
	r := rulesOf(iv, a)
	v := candidateView{Title: a.Title, Note: a.Note, State: string(r.State(now)), TimeLimit: a.TimeLimit, Deadline: optTime(r.Deadline()), Now: now.UTC(), Token: cc.token}
	if st := r.State(now); st == assessment.InProgress {
		v.SecsLeft = int64(r.Deadline().Sub(now) / time.Second)
	}
	status, err := s.store.LabStatus(c.Request().Context(), iv.UserID)
	if err != nil {
		return v, err
	}
	for _, slug := range a.Labs {
		l, err := s.labs.Lab(slug)
		if err != nil {
			continue // a lab removed from the server since
		}
		v.Labs = append(v.Labs, candidateLabJSON{Slug: l.Slug, Title: l.Title, Level: l.Level, Summary: l.Summary, Status: status[l.Slug]})
	}
	return v, nil
}

func (s *Server) apiCandidate(c echo.Context) error {
	v, err := s.candidateState(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) candidatePage(c echo.Context) error {
	v, err := s.candidateState(c)
	if err != nil {
		return err
	}
	return s.ok(c, "candidate", map[string]any{"Title": v.Title, "View": v, "Base": "/a/" + v.Token})
}

// startInvite starts the timer (a second Start changes nothing).
func (s *Server) startInvite(c echo.Context) error {
	cc := currentInvite(c)
	if !cc.invite.StartedAt.IsZero() {
		return nil
	}
	_, err := s.changeInvite(c, cc.invite, cc.assessment, "started", "", func(r assessment.Invite) (assessment.Invite, error) { return r.Begin(s.now()) })
	if prep.KindOf(err) == prep.Conflict {
		if iv, err2 := s.store.Invite(c.Request().Context(), cc.invite.ID); err2 == nil && !iv.StartedAt.IsZero() {
			return nil // two tabs pressed Start at once
		}
	}
	return err
}

func (s *Server) apiCandidateStart(c echo.Context) error {
	if err := s.startInvite(c); err != nil {
		return err
	}
	return s.reloadInvite(c, s.apiCandidate)
}

func (s *Server) candidateStartForm(c echo.Context) error {
	if err := s.startInvite(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/a/"+currentInvite(c).token)
}

// reloadInvite reads the invite again before h, after a change.
func (s *Server) reloadInvite(c echo.Context, h echo.HandlerFunc) error {
	cc := currentInvite(c)
	iv, err := s.store.Invite(c.Request().Context(), cc.invite.ID)
	if err != nil {
		return err
	}
	cc.invite = iv
	c.Set(inviteKey, cc)
	return h(c)
}

// finishInvite ends the invite at the candidate's request, after submitting the last
// draft of each lab not submitted yet, as the sweeper does when the time runs out.
func (s *Server) finishInvite(c echo.Context) error {
	cc := currentInvite(c)
	// Each lab left may take a grading: the connection gets the time for all of them.
	s.extendDeadlines(c, time.Duration(len(cc.assessment.Labs))*s.timeouts.grade)
	if err := s.submitDrafts(c.Request().Context(), cc.invite, cc.assessment, "candidate"); err != nil {
		return err
	}
	_, err := s.changeInvite(c, cc.invite, cc.assessment, "finished", "by the candidate", func(r assessment.Invite) (assessment.Invite, error) { return r.End(s.now(), false) })
	return err
}

func (s *Server) apiCandidateFinish(c echo.Context) error {
	if err := s.finishInvite(c); err != nil {
		return err
	}
	return s.reloadInvite(c, s.apiCandidate)
}

func (s *Server) candidateFinishForm(c echo.Context) error {
	if err := s.finishInvite(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/a/"+currentInvite(c).token)
}

// candidateGrade grades as the lab API does and logs each submit in the audit log.
func (s *Server) candidateGrade(mode labs.Mode, form bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, res, id, err := s.grade(c, mode)
		if err != nil {
			if form && prep.KindOf(err) == prep.Invalid {
				return s.renderLab(c, http.StatusBadRequest, &labs.Result{Mode: mode, Verdict: "invalid", Message: prep.Message(err)}, nil)
			}
			return err
		}
		if mode == labs.ModeSubmit && id > 0 {
			cc := currentInvite(c)
			if err := s.store.AddAudit(c.Request().Context(), store.AuditEvent{AssessmentID: cc.assessment.ID, InviteID: cc.invite.ID, AttemptID: id,
				Actor: "candidate", Event: "submitted", Detail: c.Param("slug") + ": " + string(res.Verdict), At: s.now()}); err != nil {
				return err
			}
		}
		if form {
			return s.renderLab(c, http.StatusOK, res, nil)
		}
		return c.JSON(http.StatusOK, map[string]any{"result": res, "attempt": id})
	}
}

// candidateLabPage is the workspace of one lab of the invite: the lab page's editor,
// drafts, Run and Submit, aimed at the invite's routes. Before Start it sends the
// candidate back to the invite's page.
func (s *Server) candidateLabPage(c echo.Context) error {
	cc := currentInvite(c)
	if err := rulesOf(cc.invite, cc.assessment).Allow(assessment.ReadDraft, s.now()); err != nil {
		return c.Redirect(http.StatusSeeOther, "/a/"+cc.token)
	}
	return s.renderLab(c, http.StatusOK, nil, nil)
}
