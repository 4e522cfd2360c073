package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs"
	"prep/labs/similarity"
	"prep/store"
)

// assessmentsPage lists the interviewer's assessments (all, for an admin) with the
// form that creates one.
func (s *Server) assessmentsPage(c echo.Context) error {
	return s.renderAssessments(c, http.StatusOK, "", assessmentSpec{TimeLimit: 90, ExpiresAt: s.now().Add(14 * 24 * time.Hour).UTC().Format("2006-01-02")})
}

func (s *Server) renderAssessments(c echo.Context, status int, msg string, form assessmentSpec) error {
	list, err := s.visibleAssessments(c)
	if err != nil {
		return err
	}
	var all []*labs.Lab
	if s.labs != nil {
		all = s.labs.All()
	}
	chosen := map[string]bool{}
	for _, l := range form.Labs {
		chosen[l] = true
	}
	return s.render(c, status, "assessments", map[string]any{"Title": "Assessments", "Assessments": list, "Labs": all,
		"Chosen": chosen, "Form": form, "Cards": strings.Join(form.Cards, " "), "Error": msg})
}

func (s *Server) createAssessmentForm(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return prep.Errorf(prep.Invalid, "assessment", "cannot read the form: %v", err)
	}
	minutes, _ := strconv.Atoi(form.Get("time_limit_minutes"))
	in := assessmentSpec{Title: form.Get("title"), Labs: form["labs"], Cards: strings.Fields(strings.ReplaceAll(form.Get("cards"), ",", " ")),
		TimeLimit: minutes, ExpiresAt: form.Get("expires_at"), Note: form.Get("note"), WebhookURL: form.Get("webhook_url")}
	a, err := s.createAssessment(c, in)
	if prep.KindOf(err) == prep.Invalid {
		return s.renderAssessments(c, http.StatusBadRequest, prep.Message(err), in)
	}
	if err != nil {
		return err
	}
	return s.showAssessmentWithSecret(c, a)
}

// assessmentPage shows an assessment: its candidates as a sortable table, the form
// that invites one, the exports and the audit log.
func (s *Server) assessmentPage(c echo.Context) error {
	return s.renderAssessment(c, http.StatusOK, "", "")
}

func (s *Server) renderAssessment(c echo.Context, status int, newURL, msg string) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	reports, _, log, err := s.assessmentReport(c, a, false)
	if err != nil {
		return err
	}
	deliveries, err := s.deliveriesOf(c, a)
	if err != nil {
		return err
	}
	secret, _ := c.Get(newSecretKey).(string)
	sortKey, desc := c.QueryParam("sort"), c.QueryParam("desc") == "1"
	return s.render(c, status, "assessment", map[string]any{"Title": a.Title, "A": a, "Reports": reports, "Audit": toAuditJSON(log),
		"NewURL": newURL, "Error": msg, "Sort": sortKey, "Desc": desc, "Similar": s.similarPairs(a.Labs, reports),
		"SimilarThreshold": similarity.Threshold,
		"Deliveries":       deliveries, "NewSecret": secret, "WebhooksOn": s.webhookAllow.Enabled()})
}

func (s *Server) createInviteForm(c echo.Context) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	_, url, err := s.issueInvite(c, a, c.FormValue("label"))
	if prep.KindOf(err) == prep.Invalid {
		return s.renderAssessment(c, http.StatusBadRequest, "", prep.Message(err))
	}
	if err != nil {
		return err
	}
	return s.renderAssessment(c, http.StatusCreated, url, "")
}

// inviteAction wraps a form that changes an invite: back to its assessment after.
func (s *Server) inviteAction(do func(c echo.Context) (store.Invite, store.Assessment, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, a, err := do(c)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/assessments/%d", a.ID))
	}
}

func (s *Server) extendForm(c echo.Context) (store.Invite, store.Assessment, error) {
	minutes, err := strconv.Atoi(c.FormValue("minutes"))
	if err != nil {
		return store.Invite{}, store.Assessment{}, prep.Errorf(prep.Invalid, "invite", "minutes: give a whole number of minutes, not %q", c.FormValue("minutes"))
	}
	return s.extendInvite(c, minutes)
}

func (s *Server) reissueForm(c echo.Context) error {
	iv, url, err := s.reissueInvite(c)
	if err != nil {
		return err
	}
	c.SetParamNames("id")
	c.SetParamValues(strconv.FormatInt(iv.AssessmentID, 10))
	return s.renderAssessment(c, http.StatusOK, url, "")
}

// invitePage is an invite's report: per lab the final verdict with its tests, the
// timeline of attempts with code and diffs, and the playback of the draft's history.
func (s *Server) invitePage(c echo.Context) error {
	iv, a, log, r, err := s.fullInviteReport(c)
	if err != nil {
		return err
	}
	var mine []auditJSON
	for _, ev := range toAuditJSON(log) {
		if ev.InviteID == iv.ID {
			mine = append(mine, ev)
		}
	}
	return s.ok(c, "invite", map[string]any{"Title": "Report: " + iv.Label, "A": a, "R": r, "Audit": mine})
}
