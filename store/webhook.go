package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"prep"
)

// The events an assessment's webhook receives.
const (
	EventInviteSubmitted = "invite.submitted" // the candidate finished, or the time ran out
	EventInviteExpired   = "invite.expired"   // the link expired unstarted
)

// Delivery is one event in the webhook outbox, with the outcome of its last attempt.
type Delivery struct {
	ID           int64
	AssessmentID int64
	InviteID     int64
	Event        string
	URL          string
	Body         []byte // the JSON sent, signed as is
	CreatedAt    time.Time
	Attempts     int
	NextAt       time.Time
	DeliveredAt  time.Time // zero: not delivered
	FailedAt     time.Time // zero: not given up
	LastStatus   int       // the HTTP status of the last answer, 0 if none
	LastError    string
	LastAt       time.Time
}

// WebhookPayload is the JSON body of a delivery.
type WebhookPayload struct {
	Event      string           `json:"event"`
	OccurredAt time.Time        `json:"occurred_at"`
	Assessment webhookAssess    `json:"assessment"`
	Invite     webhookInvite    `json:"invite"`
	Labs       []webhookVerdict `json:"labs"`
}

type webhookAssess struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type webhookInvite struct {
	ID            int64      `json:"id"`
	Label         string     `json:"label"`
	StartedAt     *time.Time `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	AutoSubmitted bool       `json:"auto_submitted"`
}

type webhookVerdict struct {
	Lab     string `json:"lab"`
	Verdict string `json:"verdict"` // of the last submission; "" if none
}

// NewWebhookSecret returns a fresh secret for signing an assessment's deliveries.
func NewWebhookSecret() string {
	raw := make([]byte, 32)
	rand.Read(raw) // never fails
	return "whsec_" + hex.EncodeToString(raw)
}

func optPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// enqueueWebhook writes the delivery of event about iv into the outbox, in tx (the
// transaction of the event itself), if the invite's assessment has a webhook.
func enqueueWebhook(ctx context.Context, tx *wtx, iv Invite, event string, at time.Time) error {
	var title, url string
	var labsJSON string
	err := tx.QueryRowContext(ctx, "SELECT title, labs, webhook_url FROM assessments WHERE id = ?", iv.AssessmentID).Scan(&title, &labsJSON, &url)
	if err != nil || url == "" {
		return err
	}
	var slugs []string
	if err := json.Unmarshal([]byte(labsJSON), &slugs); err != nil {
		return err
	}
	p := WebhookPayload{Event: event, OccurredAt: at.UTC(), Assessment: webhookAssess{ID: iv.AssessmentID, Title: title},
		Invite: webhookInvite{ID: iv.ID, Label: iv.Label, StartedAt: optPtr(iv.StartedAt), FinishedAt: optPtr(iv.FinishedAt), AutoSubmitted: iv.AutoSubmitted},
		Labs:   []webhookVerdict{}}
	for _, slug := range slugs {
		var verdict string
		err := tx.QueryRowContext(ctx, "SELECT verdict FROM attempts WHERE user_id = ? AND lab = ? AND mode = 'submit' ORDER BY id DESC LIMIT 1", iv.UserID, slug).Scan(&verdict)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		p.Labs = append(p.Labs, webhookVerdict{Lab: slug, Verdict: verdict})
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO webhook_deliveries (assessment_id, invite_id, event, url, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		iv.AssessmentID, iv.ID, event, url, string(body), toMS(at), toMS(at))
	return err
}

// SetWebhook sets the webhook URL of an assessment (” removes it) with a new secret,
// returned once, and logs the change.
func (db *DB) SetWebhook(ctx context.Context, assessmentID int64, url, actor string) (string, error) {
	const op = "store.SetWebhook"
	secret := ""
	if url != "" {
		secret = NewWebhookSecret()
	}
	err := db.inTx(ctx, op, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, "UPDATE assessments SET webhook_url = ?, webhook_secret = ? WHERE id = ?", url, secret, assessmentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return prep.Errorf(prep.NotFound, op, "no assessment %d", assessmentID)
		}
		return addAudit(ctx, tx, AuditEvent{AssessmentID: assessmentID, Actor: actor, Event: "webhook_set", Detail: url, At: db.now()})
	})
	return secret, err
}

// ExpireInvites marks every invite whose link expired unstarted (and not revoked) as
// expired at now, logging it and queueing its webhook in the same transaction, and
// returns how many it marked. Each invite is marked once.
func (db *DB) ExpireInvites(ctx context.Context, now time.Time) (int, error) {
	const op = "store.ExpireInvites"
	n := 0
	err := db.inTx(ctx, op, func(tx *wtx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+inviteColumns+" FROM invites WHERE started_at = 0 AND revoked_at = 0 AND expired_at = 0 AND expires_at <= ? ORDER BY id", toMS(now))
		if err != nil {
			return err
		}
		var due []Invite
		for rows.Next() {
			iv, err := scanInvite(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, iv)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, iv := range due {
			if _, err := tx.ExecContext(ctx, "UPDATE invites SET expired_at = ? WHERE id = ?", toMS(now), iv.ID); err != nil {
				return err
			}
			if err := addAudit(ctx, tx, AuditEvent{AssessmentID: iv.AssessmentID, InviteID: iv.ID, Actor: "system", Event: "expired", At: now}); err != nil {
				return err
			}
			if err := enqueueWebhook(ctx, tx, iv, EventInviteExpired, now); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

const deliveryColumns = `id, assessment_id, invite_id, event, url, body, created_at, attempts, next_at, delivered_at, failed_at, last_status, last_error, last_at`

func scanDelivery(sc interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var body string
	var delivered, failed, last int64
	err := sc.Scan(&d.ID, &d.AssessmentID, &d.InviteID, &d.Event, &d.URL, &body, msScan{&d.CreatedAt}, &d.Attempts, msScan{&d.NextAt},
		&delivered, &failed, &d.LastStatus, &d.LastError, &last)
	d.Body = []byte(body)
	d.DeliveredAt, d.FailedAt, d.LastAt = optMS(delivered), optMS(failed), optMS(last)
	return d, err
}

func (db *DB) deliveries(ctx context.Context, op, query string, args ...any) ([]Delivery, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, d)
	}
	return out, prep.Wrap(op, rows.Err())
}

// Deliveries lists the webhook deliveries of an assessment, newest first.
func (db *DB) Deliveries(ctx context.Context, assessmentID int64) ([]Delivery, error) {
	return db.deliveries(ctx, "store.Deliveries", "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE assessment_id = ? ORDER BY id DESC", assessmentID)
}

// DueDeliveries lists up to limit deliveries neither delivered nor given up whose next
// attempt is due at now, oldest first.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error) {
	return db.deliveries(ctx, "store.DueDeliveries", "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE delivered_at = 0 AND failed_at = 0 AND next_at <= ? ORDER BY next_at, id LIMIT ?", toMS(now), limit)
}

// WebhookSecret returns the secret that signs the deliveries of an assessment.
func (db *DB) WebhookSecret(ctx context.Context, assessmentID int64) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, "SELECT webhook_secret FROM assessments WHERE id = ?", assessmentID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", prep.Errorf(prep.NotFound, "store.WebhookSecret", "no assessment %d", assessmentID)
	}
	return s, prep.Wrap("store.WebhookSecret", err)
}

// RecordDelivery stores the outcome of an attempt at d: d.Attempts, LastStatus,
// LastError, LastAt, and either DeliveredAt, FailedAt or the NextAt of the next try.
func (db *DB) RecordDelivery(ctx context.Context, d Delivery) error {
	return db.inTx(ctx, "store.RecordDelivery", func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, "UPDATE webhook_deliveries SET attempts = ?, next_at = ?, delivered_at = ?, failed_at = ?, last_status = ?, last_error = ?, last_at = ? WHERE id = ?",
			d.Attempts, toMS(d.NextAt), optToMS(d.DeliveredAt), optToMS(d.FailedAt), d.LastStatus, d.LastError, optToMS(d.LastAt), d.ID)
		return err
	})
}
