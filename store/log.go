package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"prep"
	"prep/store/fsrs"
)

// logEntry is one row of the review log.
type logEntry struct {
	CardID     string
	ReviewedAt time.Time
	Rating     fsrs.Rating
	Elapsed    time.Duration
	HadState   bool // false: the card had no state; Before is then a new card
	Before     fsrs.Card
	After      fsrs.Card
}

// beforeColumns and afterColumns are the review_log columns of the two states, in
// stateColumns order.
var (
	beforeColumns = prefixColumns("before_")
	afterColumns  = prefixColumns("after_")
)

func prefixColumns(prefix string) string {
	cols := strings.Split(stateColumns, ", ")
	for i := range cols {
		cols[i] = prefix + cols[i]
	}
	return strings.Join(cols, ", ")
}

const logColumns = "card_id, reviewed_at, rating, elapsed_ms, had_state"

// appendLogSQL inserts a row: user_id, the logColumns, then both states.
var appendLogSQL = "INSERT INTO review_log (user_id, " + logColumns + ", " + beforeColumns + ", " + afterColumns +
	") VALUES (?" + strings.Repeat(", ?", 1+5+2*9-1) + ")"

// appendLog inserts e and returns its id.
func appendLog(ctx context.Context, tx *wtx, userID int64, e logEntry) (int64, error) {
	args := []any{userID, e.CardID, toMS(e.ReviewedAt), int64(e.Rating), e.Elapsed.Milliseconds(), e.HadState}
	args = append(args, cardArgs(e.Before)...)
	args = append(args, cardArgs(e.After)...)
	res, err := tx.ExecContext(ctx, appendLogSQL, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// readLog calls fn for each of the user's log entries, oldest first.
func readLog(ctx context.Context, q queryer, userID int64, fn func(logEntry) error) error {
	rows, err := q.QueryContext(ctx, "SELECT "+logColumns+", "+beforeColumns+", "+afterColumns+
		" FROM review_log WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanLog(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanLog reads a row of logColumns, beforeColumns and afterColumns.
func scanLog(rows *sql.Rows) (logEntry, error) {
	var e logEntry
	var elapsedMS int64
	dest := []any{&e.CardID, msScan{&e.ReviewedAt}, &e.Rating, &elapsedMS, &e.HadState}
	dest = append(dest, cardDest(&e.Before)...)
	dest = append(dest, cardDest(&e.After)...)
	err := rows.Scan(dest...)
	e.Elapsed = time.Duration(elapsedMS) * time.Millisecond
	return e, err
}

// CardReview is one rating of a card: when, how, and the card's memory before and after.
type CardReview struct {
	ReviewedAt time.Time
	Rating     fsrs.Rating
	Elapsed    time.Duration // the time spent answering
	Before     fsrs.Card     // a new card, due at ReviewedAt, for the first rating
	After      fsrs.Card
	// Retrievability is the recall probability FSRS predicted at ReviewedAt, under the
	// user's present settings: 0 for the first rating.
	Retrievability float64
}

// CardReviews returns every rating of the user's card, oldest first (Anki's card info).
func (db *DB) CardReviews(ctx context.Context, userID int64, cardID string) ([]CardReview, error) {
	const op = "store.CardReviews"
	st, err := userSettings(ctx, db.read, op, userID)
	if err != nil {
		return nil, err
	}
	sched, err := st.scheduler()
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+logColumns+", "+beforeColumns+", "+afterColumns+
		" FROM review_log WHERE user_id = ? AND card_id = ? ORDER BY id", userID, cardID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	var out []CardReview
	for rows.Next() {
		e, err := scanLog(rows)
		if err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, CardReview{ReviewedAt: e.ReviewedAt, Rating: e.Rating, Elapsed: e.Elapsed, Before: e.Before, After: e.After,
			Retrievability: sched.Retrievability(e.Before, e.ReviewedAt)})
	}
	return out, prep.Wrap(op, rows.Err())
}
