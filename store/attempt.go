package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"prep"
)

// Limits on what an attempt stores.
const (
	MaxAttemptSource = 64 << 10 // bytes of source, file names and contents together
	MaxAttemptResult = 1 << 20  // bytes of the grader's result JSON
	maxVerdictLen    = 64
	maxAttemptFiles  = 64
)

// Attempt modes and the verdict that counts as solving a lab.
const (
	ModeRun       = "run"    // graded against the visible tests only
	ModeSubmit    = "submit" // graded against all tests; only submits can pass a lab
	VerdictPassed = "passed"
	// StatusAttempted is LabStatus's value for a lab that was run but never submitted.
	StatusAttempted = "attempted"
)

// Attempt is one run or submission of a lab's solution and the grader's verdict.
type Attempt struct {
	ID         int64
	Lab        string            // the lab's slug
	Mode       string            // ModeRun or ModeSubmit
	Verdict    string            // the grader's verdict, e.g. "passed", "failed", "compile_error"
	ResultJSON []byte            // the grader's full result, as JSON; may be empty
	Source     map[string]string // file name -> content, at most MaxAttemptSource bytes in all
	Duration   time.Duration     // how long grading took
	CreatedAt  time.Time
	// Imported marks an attempt read from a progress file (Import): this server did not
	// grade it, so its verdict is what the file claims and LabStatus ignores it.
	Imported bool
}

// problem returns the JSON name of the first field of a that cannot be stored and what
// is wrong with it, or "" if a can be stored.
func (a *Attempt) problem() (field, msg string) {
	switch {
	case !validSlug(a.Lab):
		return "lab", fmt.Sprintf("lab slug %q must be 1–%d characters of kebab-case", a.Lab, MaxSlugLen)
	case a.Mode != ModeRun && a.Mode != ModeSubmit:
		return "mode", fmt.Sprintf("attempt mode must be %q or %q, not %q", ModeRun, ModeSubmit, a.Mode)
	case !validVerdict(a.Verdict):
		return "verdict", fmt.Sprintf("verdict must be 1–%d bytes of printable UTF-8", maxVerdictLen)
	case len(a.ResultJSON) > MaxAttemptResult:
		return "result", fmt.Sprintf("grader result is %d bytes; the limit is %d", len(a.ResultJSON), MaxAttemptResult)
	case len(a.ResultJSON) > 0 && !json.Valid(a.ResultJSON):
		return "result", "grader result is not valid JSON"
	case len(a.Source) > maxAttemptFiles:
		return "source", fmt.Sprintf("an attempt may hold at most %d files, not %d", maxAttemptFiles, len(a.Source))
	case a.Duration < 0:
		return "duration_ms", fmt.Sprintf("duration %v is negative", a.Duration)
	}
	size := 0
	for name, body := range a.Source {
		if name == "" || !utf8.ValidString(name) || !utf8.ValidString(body) {
			return "source", "file names must be non-empty and files valid UTF-8"
		}
		size += len(name) + len(body)
	}
	if size > MaxAttemptSource {
		return "source", fmt.Sprintf("the source is %d bytes; an attempt may store at most %d (64 KiB)", size, MaxAttemptSource)
	}
	return "", ""
}

// validVerdict reports whether v is 1–64 bytes of printable UTF-8.
func validVerdict(v string) bool {
	if v == "" || len(v) > maxVerdictLen || !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// SaveAttempt stores an attempt of the user and returns its id. A zero CreatedAt means
// now; ID is ignored.
func (db *DB) SaveAttempt(ctx context.Context, userID int64, a Attempt) (int64, error) {
	const op = "store.SaveAttempt"
	if _, msg := a.problem(); msg != "" {
		return 0, prep.Errorf(prep.Invalid, op, "%s", msg)
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now()
	}
	var id int64
	err := db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		var err error
		id, err = insertAttempt(ctx, tx, userID, a)
		return err
	})
	return id, err
}

func insertAttempt(ctx context.Context, tx *wtx, userID int64, a Attempt) (int64, error) {
	src, err := json.Marshal(a.Source)
	if err != nil {
		return 0, err
	}
	if a.Source == nil {
		src = []byte("{}")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO attempts (user_id, lab, mode, verdict, result_json, source, duration_ms, created_at, imported)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		userID, a.Lab, a.Mode, a.Verdict, string(a.ResultJSON), string(src), a.Duration.Milliseconds(), toMS(a.CreatedAt), a.Imported)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

const attemptColumns = "id, lab, mode, verdict, result_json, source, duration_ms, created_at, imported"

func scanAttempt(sc interface{ Scan(...any) error }) (Attempt, error) {
	var a Attempt
	var result, src string
	var ms int64
	if err := sc.Scan(&a.ID, &a.Lab, &a.Mode, &a.Verdict, &result, &src, &ms, msScan{&a.CreatedAt}, &a.Imported); err != nil {
		return Attempt{}, err
	}
	if result != "" {
		a.ResultJSON = []byte(result)
	}
	a.Duration = time.Duration(ms) * time.Millisecond
	return a, json.Unmarshal([]byte(src), &a.Source)
}

// Attempts returns up to limit of the user's attempts at lab, newest first; all of them
// if limit <= 0.
func (db *DB) Attempts(ctx context.Context, userID int64, lab string, limit int) ([]Attempt, error) {
	const op = "store.Attempts"
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+attemptColumns+
		" FROM attempts WHERE user_id = ? AND lab = ? ORDER BY id DESC LIMIT ?", userID, lab, limit)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	var as []Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, prep.Wrap(op, err)
		}
		as = append(as, a)
	}
	return as, prep.Wrap(op, rows.Err())
}

// Attempt returns the user's attempt with id; NotFound if there is none, or if it is
// another user's.
func (db *DB) Attempt(ctx context.Context, userID, id int64) (Attempt, error) {
	const op = "store.Attempt"
	a, err := scanAttempt(db.read.QueryRowContext(ctx, "SELECT "+attemptColumns+
		" FROM attempts WHERE user_id = ? AND id = ?", userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Attempt{}, prep.Errorf(prep.NotFound, op, "no attempt %d", id)
	}
	return a, prep.Wrap(op, err)
}

// LabStatus returns, for each lab the user attempted, its best verdict: VerdictPassed if
// any submit passed, else the verdict of the latest submit, else StatusAttempted. Only
// gradings done by this server count: imported attempts are left out.
func (db *DB) LabStatus(ctx context.Context, userID int64) (map[string]string, error) {
	const op = "store.LabStatus"
	rows, err := db.read.QueryContext(ctx, `SELECT a.lab,
			max(a.mode = 'submit' AND a.verdict = ?),
			(SELECT b.verdict FROM attempts b WHERE b.user_id = a.user_id AND b.lab = a.lab AND b.mode = 'submit'
				AND NOT b.imported ORDER BY b.id DESC LIMIT 1)
		FROM attempts a WHERE a.user_id = ? AND NOT a.imported GROUP BY a.lab`, VerdictPassed, userID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var lab string
		var passed bool
		var last sql.NullString
		if err := rows.Scan(&lab, &passed, &last); err != nil {
			return nil, prep.Wrap(op, err)
		}
		switch {
		case passed:
			m[lab] = VerdictPassed
		case last.Valid:
			m[lab] = last.String
		default:
			m[lab] = StatusAttempted
		}
	}
	return m, prep.Wrap(op, rows.Err())
}
