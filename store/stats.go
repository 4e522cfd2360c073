package store

import (
	"context"
	"database/sql"
	"time"

	"prep"
	"prep/store/fsrs"
)

// Windows of the statistics.
const (
	StatsDays       = 365                 // days of review history in Stats.Days
	RetentionWindow = 30 * 24 * time.Hour // how far back Stats.Retention looks
	ForecastDays    = 30                  // days of due forecast in Stats.Forecast
	MatureDays      = 21                  // a review card scheduled this many days out or more is mature
)

// Stats summarizes a user's progress. Days are study days (see DayStart).
type Stats struct {
	// Days counts reviews on each of the last StatsDays study days, oldest first; the
	// last element is today.
	Days []DayCount
	// Retention is the share of ratings of cards in the Review state over the last 30
	// days that were not Again ("true retention"); RetentionReviews is how many ratings
	// it is over, and Retention is 0 when there were none.
	Retention        float64
	RetentionReviews int
	// NextGraduatedDue is when the user's first card in the Review state falls due: the
	// earliest review that true retention can count. Zero when no card has graduated.
	NextGraduatedDue time.Time
	// Forecast counts rated cards falling due on each of the next ForecastDays study
	// days: [0] is today, overdue cards included.
	Forecast []int
	// Topics gives the mastery of each topic named in the caller's card list.
	Topics map[string]Mastery
	// Streak is the number of consecutive study days with at least one review, ending
	// today, or yesterday if there is none today yet.
	Streak int
	Totals Totals
}

// DayCount is the number of reviews on one study day.
type DayCount struct {
	Date    string // the day's date in the user's zone, "2006-01-02"
	Reviews int
}

// Mastery counts a topic's cards by how well they are known.
type Mastery struct {
	New      int // never rated
	Learning int // in (re)learning steps
	Young    int // in review, scheduled less than MatureDays ahead
	Mature   int // in review, scheduled MatureDays or more ahead
}

// Total returns the number of cards counted.
func (m Mastery) Total() int { return m.New + m.Learning + m.Young + m.Mature }

// Totals are all-time figures.
type Totals struct {
	Reviews      int           // ratings ever given
	ReviewsToday int           // ratings given today
	Cards        int           // cards rated at least once
	Lapses       int           // times a review card was forgotten, over all cards
	DueNow       int           // rated cards due at now
	Time         time.Duration // answering time over all ratings
}

// Stats computes the user's statistics at now. cardTopics maps every card id the caller
// knows to its topic; cards without a state count as new, and states of cards not in
// the map are left out of Topics (but not of the other figures).
func (db *DB) Stats(ctx context.Context, userID int64, now time.Time, cardTopics map[string]string) (Stats, error) {
	const op = "store.Stats"
	// One read transaction: every figure comes from the same snapshot.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Stats{}, prep.Wrap(op, err)
	}
	defer tx.Rollback()
	st, err := stats(ctx, tx, userID, now, cardTopics)
	return st, prep.Wrap(op, err)
}

func stats(ctx context.Context, tx *sql.Tx, userID int64, now time.Time, cardTopics map[string]string) (Stats, error) {
	s, err := loadSettings(ctx, tx, userID)
	if err != nil {
		return Stats{}, err
	}
	clock := newDayClock(s)
	today := clock.day(now)
	first := today - StatsDays + 1

	st := Stats{Days: make([]DayCount, StatsDays), Forecast: make([]int, ForecastDays), Topics: map[string]Mastery{}}
	for i := range st.Days {
		st.Days[i].Date = dayDate(first + int64(i))
	}
	// A day's start is at most a day (plus a DST hour) off 24-hour steps from today's,
	// so two spare days are enough of a margin; day() places each row exactly.
	since := DayStart(s, now).Add(-(StatsDays + 1) * 24 * time.Hour)
	if err := eachReviewTime(ctx, tx, "SELECT reviewed_at FROM review_log WHERE user_id = ? AND reviewed_at >= ?",
		[]any{userID, toMS(since)}, func(t time.Time) bool {
			if i := clock.day(t) - first; i >= 0 && i < StatsDays {
				st.Days[i].Reviews++
			}
			return true
		}); err != nil {
		return Stats{}, err
	}
	st.Totals.ReviewsToday = st.Days[StatsDays-1].Reviews

	if err := streak(ctx, tx, userID, clock, today, &st); err != nil {
		return Stats{}, err
	}

	var passed int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(rating <> ?), 0) FROM review_log
		WHERE user_id = ? AND reviewed_at > ? AND reviewed_at <= ? AND before_state = ?`,
		int64(fsrs.Again), userID, toMS(now.Add(-RetentionWindow)), toMS(now), int64(fsrs.Review)).
		Scan(&st.RetentionReviews, &passed); err != nil {
		return Stats{}, err
	}
	if st.RetentionReviews > 0 {
		st.Retention = float64(passed) / float64(st.RetentionReviews)
	}
	var nextDue sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT min(due) FROM card_states WHERE user_id = ? AND state = ?", userID, int64(fsrs.Review)).
		Scan(&nextDue); err != nil {
		return Stats{}, err
	}
	if nextDue.Valid {
		st.NextGraduatedDue = fromMS(nextDue.Int64)
	}

	var elapsedMS int64
	if err := tx.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(elapsed_ms), 0) FROM review_log WHERE user_id = ?", userID).
		Scan(&st.Totals.Reviews, &elapsedMS); err != nil {
		return Stats{}, err
	}
	st.Totals.Time = time.Duration(elapsedMS) * time.Millisecond

	states := map[string]fsrs.Card{}
	rows, err := tx.QueryContext(ctx, "SELECT card_id, "+stateColumns+" FROM card_states WHERE user_id = ?", userID)
	if err != nil {
		return Stats{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c fsrs.Card
		if err := rows.Scan(append([]any{&id}, cardDest(&c)...)...); err != nil {
			return Stats{}, err
		}
		states[id] = c
		st.Totals.Cards++
		st.Totals.Lapses += c.Lapses
		if !c.Due.After(now) {
			st.Totals.DueNow++
		}
		if d := max(clock.day(c.Due)-today, 0); d < ForecastDays {
			st.Forecast[d]++
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}

	for id, topic := range cardTopics {
		m := st.Topics[topic]
		c, ok := states[id]
		switch {
		case !ok || c.State == fsrs.StateNew:
			m.New++
		case c.State == fsrs.Learning || c.State == fsrs.Relearning:
			m.Learning++
		case c.ScheduledDays >= MatureDays:
			m.Mature++
		default:
			m.Young++
		}
		st.Topics[topic] = m
	}
	return st, nil
}

// streak sets st.Streak from st.Days, reading older history only when the streak spans
// the whole window.
func streak(ctx context.Context, tx *sql.Tx, userID int64, clock dayClock, today int64, st *Stats) error {
	i := StatsDays - 1
	if st.Days[i].Reviews == 0 {
		i-- // no review yet today: the streak may still end yesterday
	}
	for ; i >= 0 && st.Days[i].Reviews > 0; i-- {
		st.Streak++
	}
	if i >= 0 {
		return nil
	}
	// Every day of the window had reviews: walk back through older ones, newest first,
	// until a day is missed.
	next := today - StatsDays // the day that must have a review to extend the streak
	firstDay := today - StatsDays + 1
	start := time.Unix(firstDay*86400, 0).UTC() // a lower bound: never later than that day's start
	return eachReviewTime(ctx, tx, "SELECT reviewed_at FROM review_log WHERE user_id = ? AND reviewed_at < ? ORDER BY reviewed_at DESC",
		[]any{userID, toMS(start.Add(36 * time.Hour))}, func(t time.Time) bool {
			switch d := clock.day(t); {
			case d >= firstDay:
				return true // still inside the window, already counted
			case d == next:
				st.Streak++
				next--
				return true
			case d > next:
				return true // another review on a day already counted
			}
			return false // a missed day ends the streak
		})
}

// eachReviewTime calls fn with the time of each row of query, a SELECT of reviewed_at,
// until fn returns false.
func eachReviewTime(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(time.Time) bool) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(msScan{&t}); err != nil {
			return err
		}
		if !fn(t) {
			break
		}
	}
	return rows.Err()
}
