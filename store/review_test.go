package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"prep"
	"prep/store/fsrs"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// rate rates a card and fails the test on error.
func rate(t testing.TB, db *DB, userID int64, card string, r fsrs.Rating, now time.Time) ReviewResult {
	t.Helper()
	res, err := db.Rate(context.Background(), userID, card, r, now, 5*time.Second)
	if err != nil {
		t.Fatalf("Rate(%s, %v, %v): %v", card, r, now, err)
	}
	return res
}

// logOf returns the user's review log, oldest first.
func logOf(t testing.TB, db *DB, userID int64) []logEntry {
	t.Helper()
	var es []logEntry
	if err := readLog(context.Background(), db.read, userID, func(e logEntry) error { es = append(es, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return es
}

func TestRate(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := t0.Add(123456789 * time.Nanosecond) // sub-millisecond digits are dropped

	first := rate(t, db, LocalUserID, "cap-theorem", fsrs.Good, now)
	if !first.First || first.Before.State != fsrs.StateNew || first.After.State == fsrs.StateNew {
		t.Errorf("first rating: %+v", first)
	}
	if !first.ReviewedAt.Equal(now.Truncate(time.Millisecond)) || first.After.Reps != 1 || !first.After.Due.After(now) {
		t.Errorf("first rating: reviewed at %v, after %+v", first.ReviewedAt, first.After)
	}
	st, ok, err := db.State(ctx, LocalUserID, "cap-theorem")
	if err != nil || !ok || st != first.After {
		t.Errorf("State = %+v, %v, %v; want %+v", st, ok, err, first.After)
	}

	// Not due yet: refused, and nothing changes.
	_, err = db.Rate(ctx, LocalUserID, "cap-theorem", fsrs.Good, first.After.Due.Add(-time.Millisecond), 0)
	wantKind(t, err, prep.Conflict)
	if !strings.Contains(prep.Message(err), "card cap-theorem is not due until") {
		t.Errorf("message %q", prep.Message(err))
	}

	second := rate(t, db, LocalUserID, "cap-theorem", fsrs.Again, first.After.Due)
	if second.First || second.Before != first.After {
		t.Errorf("second rating: before %+v, want %+v", second.Before, first.After)
	}

	log := logOf(t, db, LocalUserID)
	if len(log) != 2 {
		t.Fatalf("log has %d entries, want 2", len(log))
	}
	e := log[1]
	if e.CardID != "cap-theorem" || e.Rating != fsrs.Again || e.Before != first.After || e.After != second.After ||
		!e.HadState || e.Elapsed != 5*time.Second || !e.ReviewedAt.Equal(second.ReviewedAt) {
		t.Errorf("log entry %+v does not match rating %+v", e, second)
	}
	if log[0].HadState || log[0].Before != fsrs.NewCard(first.ReviewedAt) {
		t.Errorf("first log entry %+v: want a new card before", log[0])
	}

	// Other users do not see this user's states.
	alice, _ := db.AddUser(ctx, "alice", "correct horse") // takes over the local user
	other, _ := db.AddUser(ctx, "bob", "battery staple")
	if alice.ID != LocalUserID {
		t.Fatal("takeover failed")
	}
	if s, _ := db.States(ctx, other.ID); len(s) != 0 {
		t.Errorf("another user sees states: %v", s)
	}
	res := rate(t, db, other.ID, "cap-theorem", fsrs.Easy, t0)
	if !res.First {
		t.Error("another user's first rating of the card is not First")
	}
}

func TestRateRefuses(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		name   string
		user   int64
		card   string
		rating fsrs.Rating
		kind   prep.Kind
	}{
		{"rating 0", LocalUserID, "cap-theorem", 0, prep.Invalid},
		{"rating 5", LocalUserID, "cap-theorem", 5, prep.Invalid},
		{"empty card id", LocalUserID, "", fsrs.Good, prep.Invalid},
		{"upper case card id", LocalUserID, "Cap-Theorem", fsrs.Good, prep.Invalid},
		{"double hyphen", LocalUserID, "cap--theorem", fsrs.Good, prep.Invalid},
		{"leading hyphen", LocalUserID, "-cap", fsrs.Good, prep.Invalid},
		{"slash", LocalUserID, "db/cap", fsrs.Good, prep.Invalid},
		{"id too long", LocalUserID, strings.Repeat("a", 129), fsrs.Good, prep.Invalid},
		{"longest id", LocalUserID, strings.Repeat("a", 128), fsrs.Good, ""},
		{"unknown user", 42, "cap-theorem", fsrs.Good, prep.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Rate(context.Background(), tt.user, tt.card, tt.rating, t0, time.Second)
			wantKind(t, err, tt.kind)
		})
	}
}

func TestRateClampsElapsed(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		name    string
		elapsed time.Duration
		want    time.Duration
	}{
		{"negative", -time.Second, 0},
		{"ordinary", 8*time.Second + 500*time.Microsecond, 8 * time.Second},
		{"an hour", time.Hour, time.Hour},
		{"over an hour", 3 * time.Hour, time.Hour},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := "card-" + string(rune('a'+i))
			res, err := db.Rate(context.Background(), LocalUserID, card, fsrs.Good, t0, tt.elapsed)
			if err != nil {
				t.Fatal(err)
			}
			log := logOf(t, db, LocalUserID)
			if res.Elapsed != tt.want || log[len(log)-1].Elapsed != tt.want {
				t.Errorf("elapsed stored %v (result %v), want %v", log[len(log)-1].Elapsed, res.Elapsed, tt.want)
			}
		})
	}
}

func TestPreviewMatchesRate(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := t0
	for i, r := range []fsrs.Rating{fsrs.Good, fsrs.Good, fsrs.Hard, fsrs.Again, fsrs.Good, fsrs.Easy} {
		pre, err := db.Preview(ctx, LocalUserID, "cap-theorem", now)
		if err != nil {
			t.Fatal(err)
		}
		res := rate(t, db, LocalUserID, "cap-theorem", r, now)
		if pre[r-1] != res.After {
			t.Errorf("review %d: preview %+v, rated %+v", i, pre[r-1], res.After)
		}
		now = res.After.Due
	}
}

func TestUndo(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a1 := rate(t, db, LocalUserID, "card-a", fsrs.Good, t0)
	rate(t, db, LocalUserID, "card-b", fsrs.Good, t0)
	rate(t, db, LocalUserID, "card-a", fsrs.Again, a1.After.Due)

	steps := []struct {
		card  string
		check func() bool
	}{
		{"card-a", func() bool { c, ok, _ := db.State(ctx, LocalUserID, "card-a"); return ok && c == a1.After }},
		{"card-b", func() bool { _, ok, _ := db.State(ctx, LocalUserID, "card-b"); return !ok }},
		{"card-a", func() bool { s, _ := db.States(ctx, LocalUserID); return len(s) == 0 }},
	}
	for i, s := range steps {
		card, err := db.Undo(ctx, LocalUserID)
		if err != nil || card != s.card {
			t.Fatalf("undo %d = %q, %v; want %q", i, card, err, s.card)
		}
		if !s.check() {
			t.Errorf("undo %d: state not restored", i)
		}
		if n := len(logOf(t, db, LocalUserID)); n != 2-i {
			t.Errorf("undo %d: %d log entries left", i, n)
		}
	}
	_, err := db.Undo(ctx, LocalUserID)
	wantKind(t, err, prep.NotFound)
}

func TestDueAndNewToday(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	s := DefaultSettings()
	s.TimeZone = "UTC"
	if err := db.SetSettings(ctx, LocalUserID, s); err != nil {
		t.Fatal(err)
	}
	yesterday := t0.Add(-24 * time.Hour)
	old := rate(t, db, LocalUserID, "old-card", fsrs.Good, yesterday)
	for _, id := range []string{"new-b", "new-a", "new-c"} {
		rate(t, db, LocalUserID, id, fsrs.Again, t0)
	}
	rate(t, db, LocalUserID, "old-card", fsrs.Good, old.After.Due) // not a new card today

	dayStart := DayStart(s, t0)
	n, err := db.Today(ctx, LocalUserID, dayStart)
	if err != nil || n != (DayCounts{New: 3}) {
		t.Errorf("Today = %+v, %v; want 3 new, 0 reviews", n, err)
	}
	if n, _ := db.Today(ctx, LocalUserID, yesterday.Add(-time.Hour)); n.New != 4 {
		t.Errorf("new cards since yesterday = %d, want 4", n.New)
	}

	// Due lists cards due at the given time, most overdue first.
	dues := map[string]time.Time{}
	states, _ := db.States(ctx, LocalUserID)
	for id, c := range states {
		dues[id] = c.Due
	}
	var latest time.Time
	for _, d := range dues {
		if d.After(latest) {
			latest = d
		}
	}
	ids, err := db.Due(ctx, LocalUserID, latest)
	if err != nil || len(ids) != 4 {
		t.Fatalf("Due = %v, %v", ids, err)
	}
	if !slices.IsSortedFunc(ids, func(a, b string) int { return dues[a].Compare(dues[b]) }) {
		t.Errorf("Due %v not ordered by due time %v", ids, dues)
	}
	ids, _ = db.Due(ctx, LocalUserID, t0)
	if len(ids) != 0 {
		t.Errorf("Due right after rating = %v, want none", ids)
	}
	if ids, _ := db.Due(ctx, 77, latest); len(ids) != 0 {
		t.Errorf("Due of an unknown user = %v", ids)
	}
}

// TestTodayCountsReviews: a graduated card rated today counts once as a review, however
// often it is rated; learning steps do not count.
func TestTodayCountsReviews(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	first := rate(t, db, LocalUserID, "grad", fsrs.Good, t0)
	second := rate(t, db, LocalUserID, "grad", fsrs.Good, first.After.Due)
	if second.After.State != fsrs.Review {
		t.Fatalf("two Goods left the card %s", second.After.State)
	}
	at := second.After.Due
	lapse := rate(t, db, LocalUserID, "grad", fsrs.Again, at)    // a review of a graduated card
	rate(t, db, LocalUserID, "grad", fsrs.Good, lapse.After.Due) // a relearning step
	n, err := db.Today(ctx, LocalUserID, DayStart(DefaultSettings(), at))
	if err != nil || n != (DayCounts{Reviews: 1}) {
		t.Errorf("Today = %+v, %v; want 1 review, 0 new", n, err)
	}
}
