package store

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"time"

	"prep"
	"prep/store/fsrs"
)

// MaxSlugLen is the longest card id or lab slug.
const MaxSlugLen = 128

// validSlug reports whether s is a kebab-case id of 1–128 characters: lower-case
// letters and digits in words joined by single hyphens.
func validSlug(s string) bool {
	if len(s) == 0 || len(s) > MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

func checkCardID(op, id string) error {
	if !validSlug(id) {
		return prep.Errorf(prep.Invalid, op, "card id %q must be 1–%d characters of kebab-case (a-z, 0-9, single hyphens)", id, MaxSlugLen)
	}
	return nil
}

// stateColumns are the columns of card_states that hold an fsrs.Card, in the order
// cardDest and cardArgs use.
const stateColumns = "due, stability, difficulty, scheduled_days, learning_step, reps, lapses, state, last_review"

// cardDest returns the scan destinations that read the stateColumns of a row into c.
func cardDest(c *fsrs.Card) []any {
	return []any{msScan{&c.Due}, &c.Stability, &c.Difficulty, &c.ScheduledDays, &c.LearningStep,
		&c.Reps, &c.Lapses, &c.State, msScan{&c.LastReview}}
}

// cardArgs returns the values of c for the stateColumns.
func cardArgs(c fsrs.Card) []any {
	return []any{toMS(c.Due), c.Stability, c.Difficulty, c.ScheduledDays, c.LearningStep,
		c.Reps, c.Lapses, int64(c.State), toMS(c.LastReview)}
}

// normCard truncates the times of c to what the database keeps.
func normCard(c fsrs.Card) fsrs.Card {
	c.Due = truncMS(c.Due)
	c.LastReview = truncMS(c.LastReview)
	return c
}

const (
	getStateSQL = "SELECT " + stateColumns + " FROM card_states WHERE user_id = ? AND card_id = ?"
	putStateSQL = "INSERT OR REPLACE INTO card_states (user_id, card_id, " + stateColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

func getState(ctx context.Context, q queryer, userID int64, cardID string) (fsrs.Card, bool, error) {
	var c fsrs.Card
	err := q.QueryRowContext(ctx, getStateSQL, userID, cardID).
		Scan(cardDest(&c)...)
	if errors.Is(err, sql.ErrNoRows) {
		return fsrs.Card{}, false, nil
	}
	return c, err == nil, err
}

func putState(ctx context.Context, tx *wtx, userID int64, cardID string, c fsrs.Card) error {
	args := append([]any{userID, cardID}, cardArgs(c)...)
	_, err := tx.ExecContext(ctx, putStateSQL, args...)
	return err
}

// State returns the user's scheduling state of a card, and false if the card was never
// rated (a new card).
func (db *DB) State(ctx context.Context, userID int64, cardID string) (fsrs.Card, bool, error) {
	c, ok, err := getState(ctx, db.read, userID, cardID)
	return c, ok, prep.Wrap("store.State", err)
}

// States returns the scheduling state of every card the user has rated, by card id.
func (db *DB) States(ctx context.Context, userID int64) (map[string]fsrs.Card, error) {
	const op = "store.States"
	rows, err := db.read.QueryContext(ctx, "SELECT card_id, "+stateColumns+" FROM card_states WHERE user_id = ?", userID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	m := make(map[string]fsrs.Card)
	for rows.Next() {
		var id string
		var c fsrs.Card
		if err := rows.Scan(append([]any{&id}, cardDest(&c)...)...); err != nil {
			return nil, prep.Wrap(op, err)
		}
		m[id] = c
	}
	return m, prep.Wrap(op, rows.Err())
}

// Due returns the ids of the user's rated cards that are due at now, the most overdue
// first. New cards are not included: the caller adds them, up to the day's limit (see
// NewToday).
func (db *DB) Due(ctx context.Context, userID int64, now time.Time) ([]string, error) {
	const op = "store.Due"
	rows, err := db.read.QueryContext(ctx, "SELECT card_id FROM card_states WHERE user_id = ? AND due <= ? ORDER BY due, card_id",
		userID, toMS(now))
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, prep.Wrap(op, err)
		}
		ids = append(ids, id)
	}
	return ids, prep.Wrap(op, rows.Err())
}

// DayCounts are what a user has done since the start of a study day: the limits of
// the day's queue are counted against them.
type DayCounts struct {
	New     int // cards rated for the first time: the new cards introduced
	Reviews int // cards rated while in the Review state: graduated cards reviewed
}

// Today returns the user's DayCounts since dayStart (see DayStart). A card counts once
// however often it was rated.
func (db *DB) Today(ctx context.Context, userID int64, dayStart time.Time) (DayCounts, error) {
	var n DayCounts
	err := db.read.QueryRowContext(ctx, `SELECT count(DISTINCT CASE WHEN before_state = ? THEN card_id END),
		count(DISTINCT CASE WHEN before_state = ? THEN card_id END)
		FROM review_log WHERE user_id = ? AND reviewed_at >= ?`, int64(fsrs.StateNew), int64(fsrs.Review), userID, toMS(dayStart)).
		Scan(&n.New, &n.Reviews)
	return n, prep.Wrap("store.Today", err)
}

// cardSeed is the fuzz seed of a user's card: stable, so a retried or previewed rating
// schedules the same interval, and different across users and cards, so cards learnt
// together drift apart.
func cardSeed(userID int64, cardID string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(userID >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(cardID))
	return h.Sum64()
}
