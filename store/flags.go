package store

import (
	"context"
	"time"

	"prep"
)

// CardFlags are what a user has set aside of one card, as in Anki: a suspended card
// stays out of review until the user lifts it; a buried one until BuriedUntil.
type CardFlags struct {
	Suspended   bool
	BuriedUntil time.Time // zero when not buried
}

// Hidden reports whether the flags keep the card out of review at now.
func (f CardFlags) Hidden(now time.Time) bool { return f.Suspended || now.Before(f.BuriedUntil) }

// SetSuspended suspends the user's card (on) or lifts the suspension. A card need not
// have been rated: a new card can be suspended before it is ever shown.
func (db *DB) SetSuspended(ctx context.Context, userID int64, cardID string, on bool) error {
	const op = "store.SetSuspended"
	if err := checkCardID(op, cardID); err != nil {
		return err
	}
	return db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO card_flags (user_id, card_id, suspended) VALUES (?, ?, ?)
			ON CONFLICT (user_id, card_id) DO UPDATE SET suspended = excluded.suspended`, userID, cardID, on)
		return err
	})
}

// Bury keeps the user's card out of review until until (the next study day, as a
// rule). A zero until unburies it.
func (db *DB) Bury(ctx context.Context, userID int64, cardID string, until time.Time) error {
	const op = "store.Bury"
	if err := checkCardID(op, cardID); err != nil {
		return err
	}
	return db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO card_flags (user_id, card_id, buried_until) VALUES (?, ?, ?)
			ON CONFLICT (user_id, card_id) DO UPDATE SET buried_until = excluded.buried_until`, userID, cardID, toMS(until))
		return err
	})
}

// Flags returns the flags of every card the user has suspended or buried at some point,
// by card id. A card without an entry has no flags.
func (db *DB) Flags(ctx context.Context, userID int64) (map[string]CardFlags, error) {
	const op = "store.Flags"
	rows, err := db.read.QueryContext(ctx, "SELECT card_id, suspended, buried_until FROM card_flags WHERE user_id = ? AND (suspended OR buried_until > 0)", userID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	m := map[string]CardFlags{}
	for rows.Next() {
		var id string
		var f CardFlags
		var buried int64
		if err := rows.Scan(&id, &f.Suspended, &buried); err != nil {
			return nil, prep.Wrap(op, err)
		}
		if buried > 0 {
			f.BuriedUntil = fromMS(buried)
		}
		m[id] = f
	}
	return m, prep.Wrap(op, rows.Err())
}
