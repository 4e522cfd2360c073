package store

import (
	"context"
	"strings"
	"time"

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
		var e logEntry
		var elapsedMS int64
		dest := []any{&e.CardID, msScan{&e.ReviewedAt}, &e.Rating, &elapsedMS, &e.HadState}
		dest = append(dest, cardDest(&e.Before)...)
		dest = append(dest, cardDest(&e.After)...)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		e.Elapsed = time.Duration(elapsedMS) * time.Millisecond
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
