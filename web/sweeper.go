package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"time"

	"prep"
	"prep/labs"
	"prep/store"
)

// SweepEvery is how often RunSweeper looks for invites whose time has run out.
const SweepEvery = 15 * time.Second

// RunSweeper sweeps at once (invites whose time ran out while the server was down) and
// then every interval until ctx ends. Each sweep is Sweep.
func (s *Server) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("assessment sweep", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep finishes every invite whose time is up: the last draft of each lab not
// submitted yet is submitted, and the invite becomes read-only. The state lives in the
// database, so a sweep after a restart finds what the last run left; an invite whose
// drafts could not all be graded (the grader busy) stays for the next sweep.
func (s *Server) Sweep(ctx context.Context) error {
	if s.store == nil {
		return nil
	}
	// Links that expired unstarted are marked once, with their webhook's event.
	if _, err := s.store.ExpireInvites(ctx, s.now()); err != nil {
		return err
	}
	if s.grader == nil || s.labs == nil {
		return nil
	}
	running, err := s.store.RunningInvites(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, iv := range running {
		a, err := s.store.Assessment(ctx, iv.AssessmentID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r := rulesOf(iv, a)
		if !r.NeedsSweep(s.now()) {
			continue
		}
		if err := s.submitDrafts(ctx, iv, a, "system"); err != nil {
			errs = append(errs, err)
			continue
		}
		done, err := r.End(s.now(), true)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		err = s.store.UpdateInvite(ctx, iv, withRules(iv, done), store.AuditEvent{Actor: "system", Event: "finished", Detail: "time ran out", At: s.now()})
		if err != nil && prep.KindOf(err) != prep.Conflict { // Conflict: the candidate finished meanwhile
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// submitDrafts submits, for each lab of the invite, its last draft unless the last
// submission has that very code. actor is "system" for the sweeper (the event is then
// auto_submitted) or "candidate" for Finish.
func (s *Server) submitDrafts(ctx context.Context, iv store.Invite, a store.Assessment, actor string) error {
	if s.grader == nil || s.labs == nil {
		return nil
	}
	for _, slug := range a.Labs {
		l, err := s.labs.Lab(slug)
		if err != nil {
			continue
		}
		d, ok, err := s.store.Draft(ctx, iv.UserID, slug)
		if err != nil {
			return err
		}
		if !ok {
			continue // never edited: nothing of the candidate's to submit
		}
		files := forMode(d.Files, labs.ModeSubmit)
		if len(files) == 0 {
			continue // a reset draft
		}
		attempts, err := s.store.Attempts(ctx, iv.UserID, slug, 0)
		if err != nil {
			return err
		}
		submitted := false
		for _, at := range attempts { // newest first
			if at.Mode == store.ModeSubmit {
				submitted = maps.Equal(at.Source, files)
				break
			}
		}
		if submitted {
			continue
		}
		gctx, cancel := context.WithTimeout(ctx, s.timeouts.grade)
		res, err := s.grader.Grade(gctx, l, files, labs.ModeSubmit)
		cancel()
		if err != nil {
			return err
		}
		raw, err := json.Marshal(res)
		if err != nil {
			return prep.Wrap("web.sweep", err)
		}
		event := "submitted"
		if actor == "system" {
			event = "auto_submitted"
		}
		_, err = s.store.SaveInviteAttempt(ctx, iv, store.Attempt{Lab: slug, Mode: store.ModeSubmit, Verdict: string(res.Verdict), ResultJSON: raw,
			Source: files, Duration: res.Duration, CreatedAt: s.now()}, store.AuditEvent{Actor: actor, Event: event, Detail: slug + ": " + string(res.Verdict), At: s.now()})
		if err != nil {
			return err
		}
	}
	return nil
}

// autoAttempts returns the ids of an assessment's attempts that the server submitted
// by itself, from the audit log.
func autoAttempts(log []store.AuditEvent) map[int64]bool {
	out := map[int64]bool{}
	for _, ev := range log {
		if ev.Event == "auto_submitted" && ev.AttemptID > 0 {
			out[ev.AttemptID] = true
		}
	}
	return out
}
