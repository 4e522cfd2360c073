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

// inviteTokenBytes is the entropy of an invite's token: 256 bits from crypto/rand.
const inviteTokenBytes = 32

// Assessment is a take-home assessment: labs a candidate solves within a time limit.
type Assessment struct {
	ID        int64
	OwnerID   int64
	Owner     string // the owner's account name
	Title     string
	Labs      []string // slugs, in order
	Cards     []string // card ids to discuss afterwards
	TimeLimit int      // minutes
	ExpiresAt time.Time
	Note      string
	CreatedAt time.Time
	// WebhookURL receives the invites' events ('' for none), signed with WebhookSecret.
	WebhookURL    string
	WebhookSecret string
}

// Invite is one candidate's link to an assessment. UserID is the candidate user that
// owns the invite's drafts and attempts. Zero times mean "not yet".
type Invite struct {
	ID            int64
	AssessmentID  int64
	UserID        int64
	Label         string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	Extra         time.Duration
	OpenedAt      time.Time
	StartedAt     time.Time
	FinishedAt    time.Time
	AutoSubmitted bool
	RevokedAt     time.Time
}

// AuditEvent is one line of an assessment's audit log.
type AuditEvent struct {
	ID           int64
	AssessmentID int64
	InviteID     int64 // 0: the assessment itself
	AttemptID    int64 // the attempt a submit made, if any
	Actor        string
	Event        string
	Detail       string
	At           time.Time
}

// CreateAssessment stores a (checked) assessment of a.OwnerID and logs its creation.
func (db *DB) CreateAssessment(ctx context.Context, a Assessment, actor string) (Assessment, error) {
	const op = "store.CreateAssessment"
	if a.Labs == nil {
		a.Labs = []string{}
	}
	if a.Cards == nil {
		a.Cards = []string{}
	}
	labs, _ := json.Marshal(a.Labs)
	cards, _ := json.Marshal(a.Cards)
	a.CreatedAt = truncMS(db.now())
	a.ExpiresAt = truncMS(a.ExpiresAt)
	err := db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, a.OwnerID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO assessments (owner_id, title, labs, cards, time_limit_minutes, expires_at, note, created_at, webhook_url, webhook_secret)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.OwnerID, a.Title, string(labs), string(cards), a.TimeLimit, toMS(a.ExpiresAt), a.Note, toMS(a.CreatedAt), a.WebhookURL, a.WebhookSecret)
		if err != nil {
			return err
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return addAudit(ctx, tx, AuditEvent{AssessmentID: a.ID, Actor: actor, Event: "created", Detail: a.Title, At: a.CreatedAt})
	})
	if err != nil {
		return Assessment{}, err
	}
	return db.Assessment(ctx, a.ID)
}

const assessmentColumns = `a.id, a.owner_id, u.name, a.title, a.labs, a.cards, a.time_limit_minutes, a.expires_at, a.note, a.created_at, a.webhook_url, a.webhook_secret`

func scanAssessment(sc interface{ Scan(...any) error }) (Assessment, error) {
	var a Assessment
	var labs, cards string
	if err := sc.Scan(&a.ID, &a.OwnerID, &a.Owner, &a.Title, &labs, &cards, &a.TimeLimit, msScan{&a.ExpiresAt}, &a.Note, msScan{&a.CreatedAt}, &a.WebhookURL, &a.WebhookSecret); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(labs), &a.Labs); err != nil {
		return a, err
	}
	return a, json.Unmarshal([]byte(cards), &a.Cards)
}

// Assessment returns the assessment id, or a NotFound error.
func (db *DB) Assessment(ctx context.Context, id int64) (Assessment, error) {
	a, err := scanAssessment(db.read.QueryRowContext(ctx, "SELECT "+assessmentColumns+" FROM assessments a JOIN users u ON u.id = a.owner_id WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Assessment{}, prep.Errorf(prep.NotFound, "store.Assessment", "no assessment %d", id)
	}
	return a, prep.Wrap("store.Assessment", err)
}

// Assessments lists the assessments of ownerID, or of everyone when ownerID is 0,
// newest first.
func (db *DB) Assessments(ctx context.Context, ownerID int64) ([]Assessment, error) {
	const op = "store.Assessments"
	rows, err := db.read.QueryContext(ctx, "SELECT "+assessmentColumns+" FROM assessments a JOIN users u ON u.id = a.owner_id WHERE ? = 0 OR a.owner_id = ? ORDER BY a.id DESC", ownerID, ownerID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	out := []Assessment{}
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, a)
	}
	return out, prep.Wrap(op, rows.Err())
}

// newToken returns a fresh random token (256 bits, base64url).
func newToken() string {
	raw := make([]byte, inviteTokenBytes)
	rand.Read(raw) // never fails
	return tokenEncoding.EncodeToString(raw)
}

// CreateInvite issues an invite to assessment for label, with its own candidate user,
// and returns it with its token: the token is not kept, only its SHA-256.
func (db *DB) CreateInvite(ctx context.Context, assessmentID int64, label, actor string) (Invite, string, error) {
	const op = "store.CreateInvite"
	a, err := db.Assessment(ctx, assessmentID)
	if err != nil {
		return Invite{}, "", err
	}
	token := newToken()
	now := truncMS(db.now())
	iv := Invite{AssessmentID: a.ID, Label: label, CreatedAt: now, ExpiresAt: a.ExpiresAt}
	err = db.inTx(ctx, op, func(tx *wtx) error {
		// The candidate user's name cannot be an account's: ':' is not allowed in those.
		tag := make([]byte, 8)
		rand.Read(tag)
		res, err := tx.ExecContext(ctx, "INSERT INTO users (name, password_hash, created_at, role) VALUES (?, '', ?, ?)",
			"invite:"+hex.EncodeToString(tag), toMS(now), RoleCandidate)
		if err != nil {
			return err
		}
		if iv.UserID, err = res.LastInsertId(); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, "INSERT INTO invites (assessment_id, user_id, token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			a.ID, iv.UserID, tokenHash(token), label, toMS(now), toMS(iv.ExpiresAt))
		if err != nil {
			return err
		}
		if iv.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return addAudit(ctx, tx, AuditEvent{AssessmentID: a.ID, InviteID: iv.ID, Actor: actor, Event: "invite_issued", Detail: label, At: now})
	})
	if err != nil {
		return Invite{}, "", err
	}
	return iv, token, nil
}

// ReissueInvite gives invite id a new token, returned once; the old link stops working.
// The candidate's drafts and attempts stay with the invite.
func (db *DB) ReissueInvite(ctx context.Context, id int64, actor string) (string, error) {
	const op = "store.ReissueInvite"
	iv, err := db.Invite(ctx, id)
	if err != nil {
		return "", err
	}
	token := newToken()
	err = db.inTx(ctx, op, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE invites SET token_hash = ? WHERE id = ?", tokenHash(token), id); err != nil {
			return err
		}
		return addAudit(ctx, tx, AuditEvent{AssessmentID: iv.AssessmentID, InviteID: id, Actor: actor, Event: "reissued", At: db.now()})
	})
	return token, err
}

const inviteColumns = `id, assessment_id, user_id, label, created_at, expires_at, extra_ms, opened_at, started_at, finished_at, auto_submitted, revoked_at`

func scanInvite(sc interface{ Scan(...any) error }) (Invite, error) {
	var iv Invite
	var extra int64
	var opened, started, finished, revoked int64
	err := sc.Scan(&iv.ID, &iv.AssessmentID, &iv.UserID, &iv.Label, msScan{&iv.CreatedAt}, msScan{&iv.ExpiresAt}, &extra,
		&opened, &started, &finished, &iv.AutoSubmitted, &revoked)
	iv.Extra = time.Duration(extra) * time.Millisecond
	iv.OpenedAt, iv.StartedAt, iv.FinishedAt, iv.RevokedAt = optMS(opened), optMS(started), optMS(finished), optMS(revoked)
	return iv, err
}

// optMS is fromMS with 0 as the zero time ("not yet").
func optMS(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return fromMS(ms)
}

// optToMS is toMS with the zero time as 0.
func optToMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return toMS(t)
}

// Invite returns invite id, or a NotFound error.
func (db *DB) Invite(ctx context.Context, id int64) (Invite, error) {
	iv, err := scanInvite(db.read.QueryRowContext(ctx, "SELECT "+inviteColumns+" FROM invites WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Invite{}, prep.Errorf(prep.NotFound, "store.Invite", "no invite %d", id)
	}
	return iv, prep.Wrap("store.Invite", err)
}

// InviteByToken returns the invite whose token this is, or a NotFound error that is
// the same for every token that matches none.
func (db *DB) InviteByToken(ctx context.Context, token string) (Invite, error) {
	if raw, err := tokenEncoding.DecodeString(token); err != nil || len(raw) != inviteTokenBytes {
		return Invite{}, prep.Errorf(prep.NotFound, "store.Invite", "no such invite")
	}
	iv, err := scanInvite(db.read.QueryRowContext(ctx, "SELECT "+inviteColumns+" FROM invites WHERE token_hash = ?", tokenHash(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return Invite{}, prep.Errorf(prep.NotFound, "store.Invite", "no such invite")
	}
	return iv, prep.Wrap("store.Invite", err)
}

// Invites lists the invites of an assessment, by id.
func (db *DB) Invites(ctx context.Context, assessmentID int64) ([]Invite, error) {
	return db.invites(ctx, "store.Invites", "SELECT "+inviteColumns+" FROM invites WHERE assessment_id = ? ORDER BY id", assessmentID)
}

// RunningInvites lists the invites started and neither finished nor revoked: the
// sweeper's work list.
func (db *DB) RunningInvites(ctx context.Context) ([]Invite, error) {
	return db.invites(ctx, "store.RunningInvites", "SELECT "+inviteColumns+" FROM invites WHERE finished_at = 0 AND revoked_at = 0 AND started_at <> 0 ORDER BY id")
}

func (db *DB) invites(ctx context.Context, op, query string, args ...any) ([]Invite, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	out := []Invite{}
	for rows.Next() {
		iv, err := scanInvite(rows)
		if err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, iv)
	}
	return out, prep.Wrap(op, rows.Err())
}

// UpdateInvite stores the state of iv, which was read as old, and logs ev with it, in
// one transaction. If the invite changed since old was read (a candidate finishing as
// the sweeper does, two tabs starting), nothing is written and the error is Conflict.
func (db *DB) UpdateInvite(ctx context.Context, old, iv Invite, ev AuditEvent) error {
	const op = "store.UpdateInvite"
	return db.inTx(ctx, op, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE invites SET expires_at = ?, extra_ms = ?, opened_at = ?, started_at = ?, finished_at = ?, auto_submitted = ?, revoked_at = ?
			WHERE id = ? AND expires_at = ? AND extra_ms = ? AND opened_at = ? AND started_at = ? AND finished_at = ? AND revoked_at = ?`,
			toMS(iv.ExpiresAt), iv.Extra.Milliseconds(), optToMS(iv.OpenedAt), optToMS(iv.StartedAt), optToMS(iv.FinishedAt), iv.AutoSubmitted, optToMS(iv.RevokedAt),
			old.ID, toMS(old.ExpiresAt), old.Extra.Milliseconds(), optToMS(old.OpenedAt), optToMS(old.StartedAt), optToMS(old.FinishedAt), optToMS(old.RevokedAt))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return prep.Errorf(prep.Conflict, op, "the invite changed meanwhile; reload and try again")
		}
		if old.FinishedAt.IsZero() && !iv.FinishedAt.IsZero() {
			if err := enqueueWebhook(ctx, tx, iv, EventInviteSubmitted, iv.FinishedAt); err != nil {
				return err
			}
		}
		if ev.Event == "" {
			return nil
		}
		ev.AssessmentID, ev.InviteID = iv.AssessmentID, iv.ID
		return addAudit(ctx, tx, ev)
	})
}

// AddAudit logs an event of an assessment.
func (db *DB) AddAudit(ctx context.Context, ev AuditEvent) error {
	return db.inTx(ctx, "store.AddAudit", func(tx *wtx) error { return addAudit(ctx, tx, ev) })
}

func addAudit(ctx context.Context, tx *wtx, ev AuditEvent) error {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (assessment_id, invite_id, attempt_id, actor, event, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		ev.AssessmentID, ev.InviteID, ev.AttemptID, ev.Actor, ev.Event, ev.Detail, toMS(ev.At))
	return err
}

// Audit returns the audit log of an assessment, oldest first.
func (db *DB) Audit(ctx context.Context, assessmentID int64) ([]AuditEvent, error) {
	const op = "store.Audit"
	rows, err := db.read.QueryContext(ctx, "SELECT id, assessment_id, invite_id, attempt_id, actor, event, detail, at FROM audit_log WHERE assessment_id = ? ORDER BY id", assessmentID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	out := []AuditEvent{}
	for rows.Next() {
		var ev AuditEvent
		if err := rows.Scan(&ev.ID, &ev.AssessmentID, &ev.InviteID, &ev.AttemptID, &ev.Actor, &ev.Event, &ev.Detail, msScan{&ev.At}); err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, ev)
	}
	return out, prep.Wrap(op, rows.Err())
}

// SaveInviteAttempt stores an attempt of an invite's candidate user and logs it as
// event (a submit, an auto-submit) in the same transaction.
func (db *DB) SaveInviteAttempt(ctx context.Context, iv Invite, a Attempt, ev AuditEvent) (int64, error) {
	const op = "store.SaveInviteAttempt"
	if _, msg := a.problem(); msg != "" {
		return 0, prep.Errorf(prep.Invalid, op, "%s", msg)
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now()
	}
	var id int64
	err := db.inTx(ctx, op, func(tx *wtx) error {
		var err error
		if id, err = insertAttempt(ctx, tx, iv.UserID, a); err != nil {
			return err
		}
		ev.AssessmentID, ev.InviteID, ev.AttemptID = iv.AssessmentID, iv.ID, id
		return addAudit(ctx, tx, ev)
	})
	return id, err
}
