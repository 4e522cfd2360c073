package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"prep"
)

func TestAssessmentsAndInvites(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ana, _ := db.AddUser(ctx, "ana", "a long enough password")
	bo, _ := db.AddUserWithRole(ctx, "bo", "a long enough password", RoleInterviewer)
	a, err := db.CreateAssessment(ctx, Assessment{OwnerID: bo.ID, Title: "Backend", Labs: []string{"lru-cache"}, TimeLimit: 60, ExpiresAt: time.Now().Add(time.Hour), Note: "hi"}, "bo")
	if err != nil || a.Owner != "bo" || len(a.Labs) != 1 || a.Cards == nil {
		t.Fatalf("create: %+v %v", a, err)
	}
	if mine, _ := db.Assessments(ctx, bo.ID); len(mine) != 1 {
		t.Errorf("bo's assessments: %d", len(mine))
	}
	if theirs, _ := db.Assessments(ctx, ana.ID); len(theirs) != 0 {
		t.Errorf("ana owns %d assessments of bo's", len(theirs))
	}
	iv, token, err := db.CreateInvite(ctx, a.ID, "cand@example.com", "bo")
	if err != nil || len(token) < 43 {
		t.Fatalf("invite: %v token %q", err, token)
	}
	var stored int
	db.read.QueryRow("SELECT count(*) FROM invites WHERE token_hash = ?", token).Scan(&stored)
	if stored != 0 {
		t.Error("the token is stored in clear")
	}
	got, err := db.InviteByToken(ctx, token)
	if err != nil || got.ID != iv.ID || got.UserID == 0 || got.UserID == ana.ID {
		t.Fatalf("by token: %+v %v", got, err)
	}
	last := "A" // a token with its last character changed: never the token itself
	if strings.HasSuffix(token, last) {
		last = "B"
	}
	for _, bad := range []string{"", "x", token[:len(token)-1] + last, strings.Repeat("A", 43)} {
		if _, err := db.InviteByToken(ctx, bad); prep.KindOf(err) != prep.NotFound || prep.Message(err) != "no such invite" {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	// The candidate user is no account: not listed, cannot sign in.
	users, _ := db.Users(ctx)
	for _, u := range users {
		if u.ID == got.UserID {
			t.Error("the invite's user is listed as an account")
		}
	}
	started := got
	started.StartedAt, started.OpenedAt = time.Now(), time.Now()
	if err := db.UpdateInvite(ctx, got, started, AuditEvent{Actor: "candidate", Event: "started"}); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateInvite(ctx, got, started, AuditEvent{Actor: "candidate", Event: "started"}); prep.KindOf(err) != prep.Conflict {
		t.Errorf("a stale update: %v", err)
	}
	if run, _ := db.RunningInvites(ctx); len(run) != 1 || run[0].ID != iv.ID {
		t.Errorf("running: %+v", run)
	}
	token2, err := db.ReissueInvite(ctx, iv.ID, "bo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.InviteByToken(ctx, token); prep.KindOf(err) != prep.NotFound {
		t.Errorf("the old token still works after a reissue: %v", err)
	}
	if g, err := db.InviteByToken(ctx, token2); err != nil || g.StartedAt.IsZero() {
		t.Errorf("the new token: %+v %v", g, err)
	}
	log, _ := db.Audit(ctx, a.ID)
	var events []string
	for _, ev := range log {
		events = append(events, ev.Event)
	}
	if strings.Join(events, ",") != "created,invite_issued,started,reissued" {
		t.Errorf("audit: %v", events)
	}
}

func TestAPITokens(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ana, _ := db.AddUser(ctx, "ana", "a long enough password")
	bo, _ := db.AddUserWithRole(ctx, "bo", "a long enough password", RoleInterviewer)
	tok, secret, err := db.CreateAPIToken(ctx, bo.ID, "ats")
	if err != nil || !strings.HasPrefix(secret, "prep_") {
		t.Fatal(tok, secret, err)
	}
	if u, err := db.APITokenUser(ctx, secret); err != nil || u.ID != bo.ID || u.Role != RoleInterviewer {
		t.Errorf("token user: %+v %v", u, err)
	}
	if err := db.DeleteAPIToken(ctx, ana.ID, tok.ID); prep.KindOf(err) != prep.NotFound {
		t.Errorf("ana revoked bo's token: %v", err)
	}
	if err := db.SetDisabled(ctx, bo.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.APITokenUser(ctx, secret); prep.KindOf(err) != prep.Unauthorized {
		t.Errorf("a disabled account's token: %v", err)
	}
	db.SetDisabled(ctx, bo.ID, false)
	if err := db.DeleteAPIToken(ctx, bo.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, "", "prep_x", "Bearer " + secret} {
		if _, err := db.APITokenUser(ctx, s); prep.KindOf(err) != prep.Unauthorized {
			t.Errorf("token %q: %v", s, err)
		}
	}
}
