package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"prep/labs"
	"prep/labs/assessment"
	"prep/store"
)

// attemptReportJSON is an attempt in a report's timeline.
type attemptReportJSON struct {
	ID         int64             `json:"id"`
	Mode       string            `json:"mode"`
	Verdict    string            `json:"verdict"`
	Auto       bool              `json:"auto_submitted"`
	At         time.Time         `json:"at"`
	OffsetSecs int64             `json:"offset_seconds"` // since Start
	Code       map[string]string `json:"code"`
	Diff       string            `json:"diff"` // to the previous attempt of the lab
}

// snapshotJSON is a point of the draft's history, for playback.
type snapshotJSON struct {
	At    time.Time         `json:"at"`
	Reset bool              `json:"reset,omitempty"`
	Files map[string]string `json:"files"`
}

// labReportJSON is one lab of an invite's report.
type labReportJSON struct {
	Slug          string              `json:"slug"`
	Title         string              `json:"title"`
	Verdict       string              `json:"verdict"`
	Final         *labs.Result        `json:"final,omitempty"` // per-test results and timing figures
	Runs          int                 `json:"runs"`
	Submits       int                 `json:"submits"`
	FirstPassSecs *int64              `json:"first_pass_seconds"`
	Timeline      []attemptReportJSON `json:"timeline"`
	Snapshots     []snapshotJSON      `json:"snapshots"`
}

// inviteReportJSON is the report of one invite.
type inviteReportJSON struct {
	inviteJSON
	Passed int             `json:"labs_passed"`
	Labs   []labReportJSON `json:"labs"`
	// finals is the code of each lab's final submission, for the similarity check.
	finals map[string]map[string]string
}

// inviteReport assembles the report of iv; with history false the timelines and
// snapshots are left out (the assessment's table needs only the verdicts).
func (s *Server) inviteReport(ctx context.Context, iv store.Invite, a store.Assessment, auto map[int64]bool, history bool) (inviteReportJSON, assessment.Report, error) {
	var attempts []assessment.Attempt
	for _, slug := range a.Labs {
		list, err := s.store.Attempts(ctx, iv.UserID, slug, 0)
		if err != nil {
			return inviteReportJSON{}, assessment.Report{}, err
		}
		for _, at := range list {
			var res *labs.Result
			if len(at.ResultJSON) > 0 {
				res = new(labs.Result)
				if json.Unmarshal(at.ResultJSON, res) != nil {
					res = nil
				}
			}
			attempts = append(attempts, assessment.Attempt{ID: at.ID, Lab: at.Lab, Mode: at.Mode, Verdict: at.Verdict, Auto: auto[at.ID],
				Source: at.Source, Result: res, CreatedAt: at.CreatedAt})
		}
	}
	rep := assessment.Assemble(rulesOf(iv, a), a.Labs, attempts, s.now())
	out := inviteReportJSON{inviteJSON: s.toInviteJSON(iv, a), Passed: rep.Passed, finals: map[string]map[string]string{}}
	for _, lr := range rep.Labs {
		j := labReportJSON{Slug: lr.Slug, Title: lr.Slug, Verdict: lr.Verdict, Runs: lr.Runs, Submits: lr.Submits, Timeline: []attemptReportJSON{}, Snapshots: []snapshotJSON{}}
		if s.labs != nil {
			if l, err := s.labs.Lab(lr.Slug); err == nil {
				j.Title = l.Title
			}
		}
		if lr.Final != nil {
			j.Final = lr.Final.Result
			out.finals[lr.Slug] = lr.Final.Source
		}
		if lr.FirstPass != nil {
			secs := int64(*lr.FirstPass / time.Second)
			j.FirstPassSecs = &secs
		}
		if history {
			for _, e := range lr.Timeline {
				j.Timeline = append(j.Timeline, attemptReportJSON{ID: e.ID, Mode: e.Mode, Verdict: e.Verdict, Auto: e.Auto, At: e.CreatedAt.UTC(),
					OffsetSecs: int64(e.Offset / time.Second), Code: e.Source, Diff: e.Diff})
			}
			snaps, err := s.store.DraftSnapshots(ctx, iv.UserID, lr.Slug)
			if err != nil {
				return out, rep, err
			}
			for _, sn := range snaps {
				j.Snapshots = append(j.Snapshots, snapshotJSON{At: sn.SavedAt.UTC(), Reset: sn.Reset, Files: sn.Files})
			}
		}
		out.Labs = append(out.Labs, j)
	}
	return out, rep, nil
}

// assessmentReport is the report of every invite of a, sorted as asked.
func (s *Server) assessmentReport(c echo.Context, a store.Assessment, history bool) ([]inviteReportJSON, []assessment.Row, []store.AuditEvent, error) {
	ctx := c.Request().Context()
	invites, err := s.store.Invites(ctx, a.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	log, err := s.store.Audit(ctx, a.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	auto := autoAttempts(log)
	reports := []inviteReportJSON{}
	var rows []assessment.Row
	byID := map[int64]inviteReportJSON{}
	for _, iv := range invites {
		r, rep, err := s.inviteReport(ctx, iv, a, auto, history)
		if err != nil {
			return nil, nil, nil, err
		}
		byID[iv.ID] = r
		row := assessment.Row{InviteID: iv.ID, Label: iv.Label, State: rep.State, Passed: rep.Passed, TimeUsed: rep.TimeUsed}
		for _, lr := range rep.Labs {
			row.Verdicts = append(row.Verdicts, lr.Verdict)
		}
		rows = append(rows, row)
	}
	assessment.SortRows(rows, c.QueryParam("sort"), c.QueryParam("desc") == "1")
	for _, row := range rows {
		reports = append(reports, byID[row.InviteID])
	}
	return reports, rows, log, nil
}

// auditJSON is an audit event in the API.
type auditJSON struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Event    string    `json:"event"`
	InviteID int64     `json:"invite_id,omitempty"`
	Attempt  int64     `json:"attempt_id,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

func toAuditJSON(log []store.AuditEvent) []auditJSON {
	out := make([]auditJSON, 0, len(log))
	for _, ev := range log {
		out = append(out, auditJSON{At: ev.At.UTC(), Actor: ev.Actor, Event: ev.Event, InviteID: ev.InviteID, Attempt: ev.AttemptID, Detail: ev.Detail})
	}
	return out
}

// logExport records an export in the audit log.
func (s *Server) logExport(c echo.Context, a store.Assessment, what string) error {
	return s.store.AddAudit(c.Request().Context(), store.AuditEvent{AssessmentID: a.ID, Actor: actorName(c), Event: "exported", Detail: what, At: s.now()})
}

// apiReport handles GET /api/assessments/{id}/report: every invite with its full
// report (timelines, code, diffs, snapshots) and the audit log.
func (s *Server) apiReport(c echo.Context) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	reports, _, log, err := s.assessmentReport(c, a, true)
	if err != nil {
		return err
	}
	if err := s.logExport(c, a, "json"); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"assessment": toAssessmentJSON(a), "invites": reports, "audit": toAuditJSON(log),
		"similarity": s.similarPairs(a.Labs, reports)})
}

// reportCSV handles GET /api/assessments/{id}/report.csv (and the page's link).
func (s *Server) reportCSV(c echo.Context) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	_, rows, _, err := s.assessmentReport(c, a, false)
	if err != nil {
		return err
	}
	if err := s.logExport(c, a, "csv"); err != nil {
		return err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(assessment.CSV(a.Labs, rows)); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="assessment-%d.csv"`, a.ID))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

// fullInviteReport reads the invite the :id parameter names, its assessment's audit
// log and its report with the whole history, for the invite page and its API.
func (s *Server) fullInviteReport(c echo.Context) (store.Invite, store.Assessment, []store.AuditEvent, inviteReportJSON, error) {
	iv, a, err := s.inviteParam(c)
	if err != nil {
		return iv, a, nil, inviteReportJSON{}, err
	}
	log, err := s.store.Audit(c.Request().Context(), a.ID)
	if err != nil {
		return iv, a, nil, inviteReportJSON{}, err
	}
	r, _, err := s.inviteReport(c.Request().Context(), iv, a, autoAttempts(log), true)
	return iv, a, log, r, err
}

// apiInviteReport handles GET /api/invites/{id}/report.
func (s *Server) apiInviteReport(c echo.Context) error {
	_, _, _, r, err := s.fullInviteReport(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}
