package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"prep"
)

// TestWebhookOutbox: finishing an invite queues one delivery in the same transaction;
// a finish that loses a race (Conflict) queues none; an expired link is queued once;
// an assessment without a webhook queues nothing; outcomes are recorded.
func TestWebhookOutbox(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	bo, _ := db.AddUserWithRole(ctx, "bo", "a long enough password", RoleInterviewer)
	now := time.Now()
	hooked, err := db.CreateAssessment(ctx, Assessment{OwnerID: bo.ID, Title: "Hooked", Labs: []string{"lru-cache"}, TimeLimit: 60, ExpiresAt: now.Add(time.Hour),
		WebhookURL: "https://hooks.example.com/x", WebhookSecret: NewWebhookSecret()}, "bo")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := db.CreateAssessment(ctx, Assessment{OwnerID: bo.ID, Title: "Plain", Labs: []string{"lru-cache"}, TimeLimit: 60, ExpiresAt: now.Add(time.Hour)}, "bo")
	if err != nil {
		t.Fatal(err)
	}
	iv, _, _ := db.CreateInvite(ctx, hooked.ID, "ada", "bo")
	started := iv
	started.StartedAt = now
	if err := db.UpdateInvite(ctx, iv, started, AuditEvent{Actor: "candidate", Event: "started"}); err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Deliveries(ctx, hooked.ID); len(ds) != 0 {
		t.Fatalf("starting queued %d deliveries", len(ds))
	}
	done := started
	done.FinishedAt = now.Add(time.Minute)
	if err := db.UpdateInvite(ctx, iv, done, AuditEvent{Actor: "candidate", Event: "finished"}); prep.KindOf(err) != prep.Conflict {
		t.Fatalf("stale finish: %v", err)
	}
	if ds, _ := db.Deliveries(ctx, hooked.ID); len(ds) != 0 {
		t.Fatalf("a refused finish queued %d deliveries", len(ds))
	}
	if err := db.UpdateInvite(ctx, started, done, AuditEvent{Actor: "candidate", Event: "finished"}); err != nil {
		t.Fatal(err)
	}
	ds, err := db.Deliveries(ctx, hooked.ID)
	if err != nil || len(ds) != 1 || ds[0].Event != EventInviteSubmitted || ds[0].URL != hooked.WebhookURL {
		t.Fatalf("after finishing: %+v %v", ds, err)
	}
	var p WebhookPayload
	if err := json.Unmarshal(ds[0].Body, &p); err != nil || p.Invite.Label != "ada" || p.Assessment.Title != "Hooked" || len(p.Labs) != 1 || p.Labs[0].Lab != "lru-cache" {
		t.Errorf("payload %s (%v)", ds[0].Body, err)
	}

	// Expiry: two unstarted invites, one on each assessment; only the hooked one queues.
	db.CreateInvite(ctx, hooked.ID, "bea", "bo")
	db.CreateInvite(ctx, plain.ID, "cy", "bo")
	later := now.Add(2 * time.Hour)
	for i, want := range []int{2, 0} {
		if n, err := db.ExpireInvites(ctx, later); err != nil || n != want {
			t.Errorf("expire pass %d: %d %v, want %d", i, n, err, want)
		}
	}
	ds, _ = db.Deliveries(ctx, hooked.ID)
	if len(ds) != 2 || ds[0].Event != EventInviteExpired {
		t.Errorf("after expiry: %+v", ds)
	}
	if other, _ := db.Deliveries(ctx, plain.ID); len(other) != 0 {
		t.Errorf("an assessment without a webhook queued %d", len(other))
	}

	due, err := db.DueDeliveries(ctx, later, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due: %d %v", len(due), err)
	}
	d := due[0]
	d.Attempts, d.LastStatus, d.LastError, d.LastAt, d.NextAt = 1, 503, "busy", later, later.Add(time.Minute)
	if err := db.RecordDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	d2 := due[1]
	d2.Attempts, d2.LastStatus, d2.LastAt, d2.DeliveredAt = 1, 204, later, later
	db.RecordDelivery(ctx, d2)
	if due, _ := db.DueDeliveries(ctx, later, 10); len(due) != 0 {
		t.Errorf("due before the backoff: %+v", due)
	}
	if due, _ := db.DueDeliveries(ctx, later.Add(time.Minute), 10); len(due) != 1 || due[0].ID != d.ID || due[0].LastError != "busy" || due[0].Attempts != 1 {
		t.Errorf("due after the backoff: %+v", due)
	}
	if s, err := db.WebhookSecret(ctx, hooked.ID); err != nil || s != hooked.WebhookSecret {
		t.Errorf("secret %q %v", s, err)
	}
}
