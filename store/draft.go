package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"prep"
)

// Limits of drafts and their history.
const (
	// MaxDraftSource bounds a draft's file names and contents together, as an attempt's.
	MaxDraftSource = MaxAttemptSource
	// SnapshotEvery is how long one snapshot keeps absorbing saves: edits within it
	// replace its files, the first save after it starts a new snapshot.
	SnapshotEvery = 30 * time.Second
	// MaxSnapshots is how many snapshots are kept per user and lab; older ones go.
	MaxSnapshots = 500
)

// Draft is what a user's editor holds for a lab.
type Draft struct {
	Lab       string
	Files     map[string]string // file name -> source
	UpdatedAt time.Time
}

// DraftSnapshot is one point of a draft's history: its files at SavedAt, after edits
// that began at StartedAt. Reset marks a reset to the starter (Files is then empty).
type DraftSnapshot struct {
	ID        int64
	Files     map[string]string
	Reset     bool
	StartedAt time.Time
	SavedAt   time.Time
}

func draftProblem(lab string, files map[string]string) string {
	if !validSlug(lab) {
		return fmt.Sprintf("lab slug %q must be 1–%d characters of kebab-case", lab, MaxSlugLen)
	}
	if len(files) == 0 {
		return `a draft needs at least one file: {"files":{"name.go":"source"}}`
	}
	if len(files) > maxAttemptFiles {
		return fmt.Sprintf("a draft may hold at most %d files, not %d", maxAttemptFiles, len(files))
	}
	size := 0
	for name, body := range files {
		if name == "" || !utf8.ValidString(name) || !utf8.ValidString(body) {
			return "file names must be non-empty and files valid UTF-8"
		}
		size += len(name) + len(body)
	}
	if size > MaxDraftSource {
		return fmt.Sprintf("the draft is %d bytes; the limit is %d (64 KiB)", size, MaxDraftSource)
	}
	return ""
}

// SaveDraft stores files as the user's draft of lab at time at (now if zero) and folds
// the save into the draft's history: into the latest snapshot if that began less than
// SnapshotEvery before, else into a new one. Saving what is already stored changes
// nothing but the time.
func (db *DB) SaveDraft(ctx context.Context, userID int64, lab string, files map[string]string, at time.Time) (Draft, error) {
	return db.saveDraft(ctx, userID, lab, files, at, nil)
}

// SaveDraftIf is SaveDraft for an editor whose files are based on the draft updated at
// base (zero: on no draft, the starter). If the stored draft is another version — saved
// since from another tab or browser — nothing is saved and the error is a Conflict, so
// a stale editor cannot overwrite newer work.
func (db *DB) SaveDraftIf(ctx context.Context, userID int64, lab string, files map[string]string, at, base time.Time) (Draft, error) {
	return db.saveDraft(ctx, userID, lab, files, at, &base)
}

func (db *DB) saveDraft(ctx context.Context, userID int64, lab string, files map[string]string, at time.Time, base *time.Time) (Draft, error) {
	const op = "store.SaveDraft"
	if msg := draftProblem(lab, files); msg != "" {
		return Draft{}, prep.Errorf(prep.Invalid, op, "%s", msg)
	}
	if at.IsZero() {
		at = time.Now()
	}
	raw, err := json.Marshal(files)
	if err != nil {
		return Draft{}, prep.Wrap(op, err)
	}
	err = db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		if base != nil {
			var stored int64
			err := tx.QueryRowContext(ctx, "SELECT updated_at FROM drafts WHERE user_id = ? AND lab = ?", userID, lab).Scan(&stored)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if stored != toMS(*base) {
				when := "it was reset to the starter"
				if stored != 0 {
					when = "it was saved at " + time.UnixMilli(stored).UTC().Format("15:04:05 UTC")
				}
				return prep.Errorf(prep.Conflict, op, "your draft of %s changed in another tab or browser since this one loaded it (%s): reload to get that version, or save again to keep this one", lab, when)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO drafts (user_id, lab, files, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, lab) DO UPDATE SET files = excluded.files, updated_at = excluded.updated_at`,
			userID, lab, string(raw), toMS(at)); err != nil {
			return err
		}
		var id, started int64
		var last string
		var reset bool
		err := tx.QueryRowContext(ctx, `SELECT id, started_at, files, reset FROM draft_snapshots
			WHERE user_id = ? AND lab = ? ORDER BY id DESC LIMIT 1`, userID, lab).Scan(&id, &started, &last, &reset)
		switch {
		case err == nil && last == string(raw):
			return nil // nothing changed since the last snapshot
		case err == nil && !reset && toMS(at)-started < SnapshotEvery.Milliseconds():
			_, err = tx.ExecContext(ctx, "UPDATE draft_snapshots SET files = ?, saved_at = ? WHERE id = ?", string(raw), toMS(at), id)
			return err
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		return addSnapshot(ctx, tx, userID, lab, string(raw), false, at)
	})
	if err != nil {
		return Draft{}, prep.Wrap(op, err)
	}
	return Draft{Lab: lab, Files: files, UpdatedAt: time.UnixMilli(toMS(at))}, nil
}

// addSnapshot appends a snapshot and drops the oldest beyond MaxSnapshots.
func addSnapshot(ctx context.Context, tx *wtx, userID int64, lab, files string, reset bool, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO draft_snapshots (user_id, lab, files, reset, started_at, saved_at)
		VALUES (?, ?, ?, ?, ?, ?)`, userID, lab, files, reset, toMS(at), toMS(at)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM draft_snapshots WHERE user_id = ? AND lab = ? AND id <= (
			SELECT id FROM draft_snapshots WHERE user_id = ? AND lab = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
		userID, lab, userID, lab, MaxSnapshots)
	return err
}

// Draft returns the user's draft of lab; ok is false when there is none (never saved,
// or reset).
func (db *DB) Draft(ctx context.Context, userID int64, lab string) (d Draft, ok bool, err error) {
	const op = "store.Draft"
	var raw string
	err = db.read.QueryRowContext(ctx, "SELECT files, updated_at FROM drafts WHERE user_id = ? AND lab = ?", userID, lab).
		Scan(&raw, msScan{&d.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, false, nil
	}
	if err != nil {
		return Draft{}, false, prep.Wrap(op, err)
	}
	d.Lab = lab
	if err := json.Unmarshal([]byte(raw), &d.Files); err != nil {
		return Draft{}, false, prep.Wrap(op, err)
	}
	return d, true, nil
}

// ResetDraft deletes the user's draft of lab, so the editor starts from the starter
// again, and records the reset in the draft's history. Resetting without a draft is
// not an error.
func (db *DB) ResetDraft(ctx context.Context, userID int64, lab string, at time.Time) error {
	const op = "store.ResetDraft"
	if !validSlug(lab) {
		return prep.Errorf(prep.Invalid, op, "lab slug %q must be 1–%d characters of kebab-case", lab, MaxSlugLen)
	}
	if at.IsZero() {
		at = time.Now()
	}
	return prep.Wrap(op, db.inTx(ctx, op, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM drafts WHERE user_id = ? AND lab = ?", userID, lab)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return addSnapshot(ctx, tx, userID, lab, "{}", true, at)
	}))
}

// DraftSnapshots returns the history of the user's draft of lab, oldest first.
func (db *DB) DraftSnapshots(ctx context.Context, userID int64, lab string) ([]DraftSnapshot, error) {
	const op = "store.DraftSnapshots"
	rows, err := db.read.QueryContext(ctx, `SELECT id, files, reset, started_at, saved_at FROM draft_snapshots
		WHERE user_id = ? AND lab = ? ORDER BY id`, userID, lab)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	var out []DraftSnapshot
	for rows.Next() {
		var s DraftSnapshot
		var raw string
		if err := rows.Scan(&s.ID, &raw, &s.Reset, msScan{&s.StartedAt}, msScan{&s.SavedAt}); err != nil {
			return nil, prep.Wrap(op, err)
		}
		if err := json.Unmarshal([]byte(raw), &s.Files); err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, s)
	}
	return out, prep.Wrap(op, rows.Err())
}
