package store

import (
	"context"
	"maps"
	"testing"
	"time"

	"prep/store/fsrs"
)

// seedProgress writes states and log entries directly, to build exact scenarios.
func seedProgress(t *testing.T, db *DB, userID int64, states map[string]fsrs.Card, log []logEntry) {
	t.Helper()
	err := db.inTx(context.Background(), "test", func(tx *wtx) error {
		for id, c := range states {
			if err := putState(context.Background(), tx, userID, id, c); err != nil {
				return err
			}
		}
		for _, e := range log {
			if _, err := appendLog(context.Background(), tx, userID, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	s := DefaultSettings()
	s.TimeZone = "UTC" // rollover stays at 4:00
	if err := db.SetSettings(ctx, LocalUserID, s); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	at := func(day, hour int) time.Time { return time.Date(2026, 6, 15+day, hour, 0, 0, 0, time.UTC) }
	review := func(state fsrs.State, sched int, due time.Time) fsrs.Card {
		return fsrs.Card{State: state, ScheduledDays: sched, Due: due, Stability: 3, Difficulty: 5, Reps: 3, Lapses: 1, LastReview: at(-1, 10)}
	}
	states := map[string]fsrs.Card{
		"learning":   review(fsrs.Learning, 0, at(-1, 8)),   // overdue: today
		"mature":     review(fsrs.Review, 30, at(0, 20)),    // later today
		"young":      review(fsrs.Review, 5, at(1, 3)),      // tomorrow before 4:00: still today
		"tomorrow":   review(fsrs.Review, 2, at(1, 5)),      // tomorrow
		"far":        review(fsrs.Relearning, 0, at(40, 5)), // beyond the forecast
		"not-listed": review(fsrs.Review, 50, at(29, 12)),   // the forecast's last day
	}
	entry := func(when time.Time, before fsrs.State, r fsrs.Rating) logEntry {
		return logEntry{CardID: "mature", ReviewedAt: when, Rating: r, Elapsed: 10 * time.Second, HadState: true,
			Before: fsrs.Card{State: before}, After: fsrs.Card{State: fsrs.Review}}
	}
	log := []logEntry{
		entry(at(-40, 12), fsrs.Review, fsrs.Again), // too old for retention
		entry(at(-2, 12), fsrs.Review, fsrs.Good),   // day -2
		entry(at(-1, 12), fsrs.Review, fsrs.Again),  // day -1
		entry(at(0, 3), fsrs.Review, fsrs.Good),     // 3:00 belongs to day -1
		entry(at(0, 9), fsrs.Learning, fsrs.Again),  // not a review-state rating
		entry(at(0, 10), fsrs.Review, fsrs.Hard),    // today
		entry(at(0, 11), fsrs.StateNew, fsrs.Good),  // today
		entry(at(0, 13), fsrs.Review, fsrs.Good),    // in the future: counted in days, not in retention
	}
	seedProgress(t, db, LocalUserID, states, log)

	topics := map[string]string{"learning": "t1", "mature": "t1", "young": "t2", "tomorrow": "t2", "new-one": "t2", "far": "t3"}
	st, err := db.Stats(ctx, LocalUserID, now, topics)
	if err != nil {
		t.Fatal(err)
	}

	days := map[string]int{}
	for _, d := range st.Days {
		if d.Reviews > 0 {
			days[d.Date] = d.Reviews
		}
	}
	wantDays := map[string]int{"2026-05-06": 1, "2026-06-13": 1, "2026-06-14": 2, "2026-06-15": 4}
	if len(st.Days) != StatsDays || st.Days[StatsDays-1].Date != "2026-06-15" || !maps.Equal(days, wantDays) {
		t.Errorf("days: %d, last %q, with reviews %v; want %d, 2026-06-15, %v", len(st.Days), st.Days[StatsDays-1].Date, days, StatsDays, wantDays)
	}
	if st.RetentionReviews != 4 || st.Retention != 0.75 {
		t.Errorf("retention %v over %d, want 0.75 over 4", st.Retention, st.RetentionReviews)
	}
	wantForecast := map[int]int{0: 3, 1: 1, 29: 1}
	for i, n := range st.Forecast {
		if n != wantForecast[i] {
			t.Errorf("forecast[%d] = %d, want %d (all: %v)", i, n, wantForecast[i], st.Forecast)
		}
	}
	wantTopics := map[string]Mastery{
		"t1": {Learning: 1, Mature: 1},
		"t2": {New: 1, Young: 2},
		"t3": {Learning: 1},
	}
	if !maps.Equal(st.Topics, wantTopics) {
		t.Errorf("topics = %+v, want %+v", st.Topics, wantTopics)
	}
	if st.Streak != 3 {
		t.Errorf("streak = %d, want 3", st.Streak)
	}
	wantTotals := Totals{Reviews: 8, ReviewsToday: 4, Cards: 6, Lapses: 6, DueNow: 1, Time: 80 * time.Second}
	if st.Totals != wantTotals {
		t.Errorf("totals = %+v, want %+v", st.Totals, wantTotals)
	}

	// A day later nothing is reviewed yet, but the streak still counts until the day is over.
	st, _ = db.Stats(ctx, LocalUserID, now.Add(24*time.Hour), nil)
	if st.Streak != 3 {
		t.Errorf("streak the next day = %d, want 3", st.Streak)
	}
	st, _ = db.Stats(ctx, LocalUserID, now.Add(48*time.Hour), nil)
	if st.Streak != 0 {
		t.Errorf("streak after a missed day = %d, want 0", st.Streak)
	}
	// Another user has nothing.
	db.AddUser(ctx, "alice", "correct horse") // takes over the local user and its progress
	other, _ := db.AddUser(ctx, "bob", "battery staple")
	st, err = db.Stats(ctx, other.ID, now, topics)
	if err != nil || st.Totals != (Totals{}) || st.Topics["t2"].New != 3 {
		t.Errorf("another user's stats: %+v, %v", st, err)
	}
}

func TestStatsLongStreak(t *testing.T) {
	tests := []struct {
		name string
		gap  int // days ago with no review; 0 for none
		want int
	}{
		{"400 days", 0, 400},
		{"gap in the window", 100, 100},
		{"gap before the window", 380, 380},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			s := DefaultSettings()
			s.TimeZone = "America/New_York" // daylight saving on the way
			if err := db.SetSettings(context.Background(), LocalUserID, s); err != nil {
				t.Fatal(err)
			}
			loc := s.Location()
			now := time.Date(2026, 6, 15, 12, 0, 0, 0, loc)
			var log []logEntry
			for d := range 400 {
				if d == tt.gap && tt.gap > 0 {
					continue
				}
				for _, h := range []int{5, 23} { // two reviews a day, the second late in the day
					log = append(log, logEntry{CardID: "c", ReviewedAt: time.Date(2026, 6, 15-d, h, 30, 0, 0, loc), Rating: fsrs.Good})
				}
			}
			seedProgress(t, db, LocalUserID, nil, log)
			st, err := db.Stats(context.Background(), LocalUserID, now, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.Streak != tt.want {
				t.Errorf("streak = %d, want %d", st.Streak, tt.want)
			}
		})
	}
}
