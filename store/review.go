package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"prep"
	"prep/store/fsrs"
)

// MaxElapsed caps the answering time recorded with a rating: a card left open over
// lunch says nothing about how hard it was.
const MaxElapsed = time.Hour

// ReviewResult is one rating as Rate recorded it.
type ReviewResult struct {
	ID         int64 // of the review log entry
	CardID     string
	Rating     fsrs.Rating
	ReviewedAt time.Time     // now, to the millisecond
	Elapsed    time.Duration // answering time as stored: clamped, whole milliseconds
	First      bool          // the card had never been rated before
	Before     fsrs.Card     // a new card due at ReviewedAt if First
	After      fsrs.Card
}

const userSettingsSQL = `SELECT s.desired_retention, s.new_per_day, s.rollover_hour, s.max_interval_days, s.time_zone,
	s.reviews_per_day, s.new_order FROM users u LEFT JOIN settings s ON s.user_id = u.id WHERE u.id = ?`

// userSettings returns the settings of an existing user, or a NotFound error.
func userSettings(ctx context.Context, q queryer, op string, userID int64) (Settings, error) {
	var (
		retention            sql.NullFloat64
		perDay, hour, maxIvl sql.NullInt64
		reviews              sql.NullInt64
		zone, order          sql.NullString
	)
	err := q.QueryRowContext(ctx, userSettingsSQL, userID).
		Scan(&retention, &perDay, &hour, &maxIvl, &zone, &reviews, &order)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, prep.Errorf(prep.NotFound, op, "no user with id %d", userID)
	}
	if err != nil || !retention.Valid {
		return DefaultSettings(), err
	}
	return Settings{DesiredRetention: retention.Float64, NewPerDay: int(perDay.Int64), RolloverHour: int(hour.Int64),
		MaxIntervalDays: int(maxIvl.Int64), TimeZone: zone.String, ReviewsPerDay: int(reviews.Int64), NewOrder: order.String}, nil
}

// Rate records the user's rating of a card at now, in one transaction: it reads the
// card's state (a new card if it has none), schedules the next review with FSRS under
// the user's settings, stores the new state and appends both states to the review log.
// A card that is not due yet gives a Conflict error; an invalid card id or rating an
// Invalid one. elapsed, the time spent answering, is clamped to [0, MaxElapsed].
func (db *DB) Rate(ctx context.Context, userID int64, cardID string, rating fsrs.Rating, now time.Time, elapsed time.Duration) (ReviewResult, error) {
	const op = "store.Rate"
	if err := checkCardID(op, cardID); err != nil {
		return ReviewResult{}, err
	}
	if !rating.Valid() {
		return ReviewResult{}, prep.Errorf(prep.Invalid, op, "rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy), not %d", rating)
	}
	r := ReviewResult{
		CardID:     cardID,
		Rating:     rating,
		ReviewedAt: truncMS(now),
		Elapsed:    min(max(elapsed, 0), MaxElapsed).Truncate(time.Millisecond),
	}
	err := db.inTx(ctx, op, func(tx *wtx) error {
		s, err := userSettings(ctx, tx, op, userID)
		if err != nil {
			return err
		}
		sched, err := s.scheduler()
		if err != nil {
			return err
		}
		before, had, err := getState(ctx, tx, userID, cardID)
		if err != nil {
			return err
		}
		if !had {
			before = fsrs.NewCard(r.ReviewedAt)
		}
		if before.Due.After(r.ReviewedAt) {
			return prep.Errorf(prep.Conflict, op, "card %s is not due until %s", cardID,
				before.Due.In(s.Location()).Format("2006-01-02 15:04 MST"))
		}
		r.First, r.Before = !had, before
		r.After = normCard(sched.Next(before, r.ReviewedAt, rating, cardSeed(userID, cardID)))
		if err := putState(ctx, tx, userID, cardID, r.After); err != nil {
			return err
		}
		r.ID, err = appendLog(ctx, tx, userID, logEntry{CardID: cardID, ReviewedAt: r.ReviewedAt, Rating: rating,
			Elapsed: r.Elapsed, HadState: had, Before: before, After: r.After})
		return err
	})
	if err != nil {
		return ReviewResult{}, err
	}
	return r, nil
}

// Preview returns the state the card would have after each rating at now (index 0 is
// Again), scheduled exactly as Rate would, so buttons can show the intervals.
func (db *DB) Preview(ctx context.Context, userID int64, cardID string, now time.Time) ([4]fsrs.Card, error) {
	const op = "store.Preview"
	if err := checkCardID(op, cardID); err != nil {
		return [4]fsrs.Card{}, err
	}
	now = truncMS(now)
	s, err := userSettings(ctx, db.read, op, userID)
	if err != nil {
		return [4]fsrs.Card{}, prep.Wrap(op, err)
	}
	sched, err := s.scheduler()
	if err != nil {
		return [4]fsrs.Card{}, prep.Wrap(op, err)
	}
	c, had, err := getState(ctx, db.read, userID, cardID)
	if err != nil {
		return [4]fsrs.Card{}, prep.Wrap(op, err)
	}
	if !had {
		c = fsrs.NewCard(now)
	}
	out := sched.Preview(c, now, cardSeed(userID, cardID))
	for i := range out {
		out[i] = normCard(out[i])
	}
	return out, nil
}

// Undo reverts the user's most recent rating: the card gets back its state from before
// (or none, if that rating was its first) and the log entry is deleted. It returns the
// card's id, or a NotFound error when there is nothing left to undo.
func (db *DB) Undo(ctx context.Context, userID int64) (string, error) {
	const op = "store.Undo"
	var cardID string
	err := db.inTx(ctx, op, func(tx *wtx) error {
		var id int64
		var had bool
		var before fsrs.Card
		err := tx.QueryRowContext(ctx, "SELECT id, card_id, had_state, "+beforeColumns+
			" FROM review_log WHERE user_id = ? ORDER BY id DESC LIMIT 1", userID).
			Scan(append([]any{&id, &cardID, &had}, cardDest(&before)...)...)
		if errors.Is(err, sql.ErrNoRows) {
			return prep.Errorf(prep.NotFound, op, "there is no rating to undo")
		}
		if err != nil {
			return err
		}
		if had {
			err = putState(ctx, tx, userID, cardID, before)
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM card_states WHERE user_id = ? AND card_id = ?", userID, cardID)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM review_log WHERE id = ?", id)
		return err
	})
	if err != nil {
		return "", err
	}
	return cardID, nil
}
