package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"prep/store"
	"prep/store/fsrs"
)

// useUTC sets the local user's zone to UTC, so study days do not depend on the zone of
// the machine running the tests.
func useUTC(t *testing.T, env *testEnv) {
	t.Helper()
	st := store.DefaultSettings()
	st.TimeZone = "UTC"
	if err := env.store.SetSettings(context.Background(), store.LocalUserID, st); err != nil {
		t.Fatal(err)
	}
}

// seedHistory simulates two weeks of study ending at the env's clock (2026-11-02 12:00
// UTC), leaving the clock where it was: new cards on some days, every due card rated
// each day (Good, but Again for the first review card, so there is a lapse), and no
// study at all on 2026-10-30. It returns the number of reviews per date.
func seedHistory(t *testing.T, env *testEnv) map[string]int {
	t.Helper()
	ctx := context.Background()
	useUTC(t, env)
	const days = 14
	newCards := map[string][]string{
		"2026-10-20": {"circuit-breaker", "retry-storm", "pool-exhaustion"},
		"2026-10-31": {"failover-drill"},
		"2026-11-01": {"shop-scale"},
	}
	counts := map[string]int{}
	lapsed := false
	env.advance(-(days - 1) * 24 * time.Hour)
	for d := 0; d < days; d++ {
		if d > 0 {
			env.advance(24 * time.Hour)
		}
		now := env.now()
		date := now.Format(time.DateOnly)
		if date == "2026-10-30" {
			continue
		}
		due, err := env.store.Due(ctx, store.LocalUserID, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range append(due, newCards[date]...) {
			rating := fsrs.Good
			if c, ok, err := env.store.State(ctx, store.LocalUserID, id); err != nil {
				t.Fatal(err)
			} else if ok && c.State == fsrs.Review && !lapsed {
				rating, lapsed = fsrs.Again, true
			}
			if _, err := env.store.Rate(ctx, store.LocalUserID, id, rating, env.now(), time.Second); err != nil {
				t.Fatalf("%s: rating %s: %v", date, id, err)
			}
			counts[date]++
			env.advance(time.Minute)
		}
		env.advance(-time.Duration(counts[date]) * time.Minute)
	}
	if got := env.now(); !got.Equal(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("clock at %v after seeding", got)
	}
	return counts
}

// storeStats is the oracle for the figures that depend on FSRS's schedule.
func storeStats(t *testing.T, env *testEnv) store.Stats {
	t.Helper()
	topics := map[string]string{}
	for _, c := range env.srv.lib.Cards() {
		topics[c.ID] = c.Topic
	}
	st, err := env.store.Stats(context.Background(), store.LocalUserID, env.now(), topics)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStatsPage(t *testing.T) {
	env := newTestEnv(t)
	counts := seedHistory(t, env)
	st := storeStats(t, env)
	total := 0
	for _, n := range counts {
		total += n
	}
	if counts["2026-10-20"] != 3 || st.RetentionReviews == 0 || st.Totals.Lapses != 1 {
		t.Fatalf("the seeding does not exercise the page: counts %v, retention over %d reviews, %d lapses", counts, st.RetentionReviews, st.Totals.Lapses)
	}
	t.Logf("seeded %v; retention %.3f over %d; forecast %v; topics %v", counts, st.Retention, st.RetentionReviews, st.Forecast, st.Topics)
	stat := func(n any, label string) string {
		return fmt.Sprintf(`<span class="stat-n">%v</span> <span class="stat-l">%s</span>`, n, label)
	}
	topicRow := func(id, title string, m store.Mastery) string {
		return fmt.Sprintf(`<th scope="row"><a href="/topics/%s">%s</a></th><td align="right">%d</td><td align="right">%d</td><td align="right">%d</td><td align="right">%d</td><td align="right">%d</td>`,
			id, title, m.New, m.Learning, m.Young, m.Mature, m.Total())
	}
	scenarios := []scenario{
		{name: "heatmap cells", url: "/stats", status: 200, contains: []string{
			`<title>2026-10-20: 3 reviews</title>`,
			`<title>2026-10-30: 0 reviews</title>`,
			fmt.Sprintf(`<title>2026-11-02: %s</title>`, nounCount(counts["2026-11-02"], "review", "reviews")),
			`class="h0"><title>2025-11-03: 0 reviews</title>`, // a year back, empty
			`>Nov</text>`, `>Mon</text>`,
		}, excludes: []string{`style=`, `<script>`}},
		{name: "heatmap summary", url: "/stats", status: 200, contains: []string{
			fmt.Sprintf("%d reviews on %d days in the last year", total, len(counts)),
			`<tr><th scope="row">Oct 2026</th><td align="right">` + fmt.Sprint(total-counts["2026-11-01"]-counts["2026-11-02"]) + `</td>`,
		}},
		{name: "retention", url: "/stats", status: 200, contains: []string{
			`<p class="big"><span class="visually-hidden">True retention over the last 30 days: </span>` + percent(st.Retention) + `</p>`,
			"of " + nounCount(st.RetentionReviews, "review", "reviews") + " of learned cards",
			"Your target is 90%",
		}, excludes: []string{"no reviews yet"}},
		{name: "forecast", url: "/stats", status: 200, contains: []string{
			fmt.Sprintf(`<th scope="row">today</th><td>2026-11-02</td><td align="right">%d</td>`, st.Forecast[0]),
			fmt.Sprintf(`<th scope="row">+1</th><td>2026-11-03</td><td align="right">%d</td>`, st.Forecast[1]),
			fmt.Sprintf(`<title>today: %d due</title>`, st.Forecast[0]),
			`<th scope="row">+29</th><td>2026-12-01</td>`,
			`>Nov 9</text>`,
		}},
		{name: "mastery", url: "/stats", status: 200, contains: []string{
			topicRow("resilience", "Resilience", st.Topics["resilience"]),
			topicRow("databases", "Databases", st.Topics["databases"]),
			topicRow("case-studies", "Case studies", st.Topics["case-studies"]),
			`>2 cards</text>`,
		}},
		{name: "streak and totals", url: "/stats", status: 200, contains: []string{
			stat(3, "day streak"), // 10-31, 11-01, 11-02; 10-30 was missed
			stat(counts["2026-11-02"], "reviews today"),
			stat(total, "reviews in all"),
			stat(`5<span class="of"> / 5</span>`, "cards studied"),
			stat(1, "lapses"),
			stat(st.Totals.DueNow, "due now"),
			stat(fmt.Sprintf("%d s", total), "time spent"),
		}, excludes: []string{"review today to keep it"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, env.ts.Client()) })
	}

	t.Run("api matches the store", func(t *testing.T) {
		got := getStats(t, env)
		if len(got.Days) != store.StatsDays || got.Days[store.StatsDays-1] != (dayBody{"2026-11-02", counts["2026-11-02"]}) {
			t.Errorf("days: %d, last %+v", len(got.Days), got.Days[len(got.Days)-1])
		}
		if got.Days[store.StatsDays-14] != (dayBody{"2026-10-20", 3}) {
			t.Errorf("2026-10-20: %+v", got.Days[store.StatsDays-14])
		}
		if got.Retention != st.Retention || got.RetentionReviews != st.RetentionReviews || got.Streak != 3 ||
			fmt.Sprint(got.Forecast) != fmt.Sprint(st.Forecast) {
			t.Errorf("got %+v, store says %+v", got, st)
		}
		want := totalsBody{Reviews: total, ReviewsToday: counts["2026-11-02"], Cards: 5, Lapses: 1, DueNow: st.Totals.DueNow, TimeMS: int64(total) * 1000}
		if got.Totals != want {
			t.Errorf("totals %+v, want %+v", got.Totals, want)
		}
		if len(got.Topics) != 3 || got.Topics[0].ID != "resilience" || got.Topics[0].Total != 2 ||
			got.Topics[2].ID != "case-studies" || got.Topics[2].Total != 1 || got.Topics[2].New != 0 {
			t.Errorf("topics %+v", got.Topics)
		}
	})
}

// getStats reads /api/stats.
func getStats(t *testing.T, env *testEnv) statsBody {
	t.Helper()
	resp, err := env.ts.Client().Get(env.ts.URL + "/api/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out statsBody
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	return out
}

func TestStatsEmpty(t *testing.T) {
	env := newTestEnv(t)
	useUTC(t, env)
	scenarios := []scenario{
		{name: "page", url: "/stats", status: 200, contains: []string{
			"No figure yet", "None of your cards has graduated yet", "0 reviews on 0 days in the last year", `<title>2026-11-02: 0 reviews</title>`,
			`<title>Resilience: 2 new of 2</title>`, `<th scope="row">today</th><td>2026-11-02</td><td align="right">0</td>`,
		}, excludes: []string{"the busiest day", "review today to keep it"}},
		{name: "api", url: "/api/stats", status: 200, contains: []string{
			`"retention":0,"retention_reviews":0`, `"streak":0`, `"forecast":[0,0,`,
			`{"id":"databases","title":"Databases","new":2,"learning":0,"young":0,"mature":0,"total":2}`,
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, env.ts.Client()) })
	}
}

// A streak that has not been extended today is still shown, with a nudge.
func TestStatsStreakEndingYesterday(t *testing.T) {
	env := newTestEnv(t)
	useUTC(t, env)
	if _, err := env.store.Rate(context.Background(), store.LocalUserID, "circuit-breaker", fsrs.Good, env.now(), time.Second); err != nil {
		t.Fatal(err)
	}
	env.advance(24 * time.Hour)
	sc := scenario{name: "next day", url: "/stats", status: 200, contains: []string{
		`<span class="stat-n">1</span> <span class="stat-l">day streak</span>`, "review today to keep it",
		`<title>2026-11-02: 1 review</title>`, `class="h0 today"><title>2026-11-03: 0 reviews</title>`,
	}}
	sc.run(t, env.ts, env.ts.Client())
}

func TestHeatLevel(t *testing.T) {
	tests := []struct {
		name           string
		n, busiest, to int
	}{
		{"none", 0, 10, 0},
		{"nothing at all", 0, 0, 0},
		{"one of many shows", 1, 100, 1},
		{"a quarter", 25, 100, 1},
		{"just over a quarter", 26, 100, 2},
		{"half", 50, 100, 2},
		{"three quarters", 75, 100, 3},
		{"the busiest", 100, 100, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := heatLevel(tt.n, tt.busiest); got != tt.to {
				t.Errorf("heatLevel(%d, %d) = %d, want %d", tt.n, tt.busiest, got, tt.to)
			}
		})
	}
}

// The charts are plain markup: no script, no style attribute (the CSP forbids both),
// and nothing from another host.
func TestChartsAreSelfContained(t *testing.T) {
	env := newTestEnv(t)
	seedHistory(t, env)
	resp, err := env.ts.Client().Get(env.ts.URL + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, bad := range []string{"<script>", "style=", "onload", "href=\"http", "xlink:href"} {
		if strings.Contains(page, bad) {
			t.Errorf("stats page contains %q", bad)
		}
	}
	if n := strings.Count(page, "<svg "); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
}

// TestStatsRetentionBeforeItsFirstFigure: reviews of learning cards give true retention
// no figure, and the page says so and when the first figure comes.
func TestStatsRetentionBeforeItsFirstFigure(t *testing.T) {
	env := newTestEnv(t)
	useUTC(t, env)
	c := env.ts.Client()
	for _, step := range []time.Duration{0, 10 * time.Minute} { // Good twice: learning, then graduated
		env.advance(step)
		if code, body := postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":3}`); code != 201 {
			t.Fatalf("rate: %d %s", code, body)
		}
	}
	st, _, _ := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker")
	if st.State != fsrs.Review {
		t.Fatalf("the card did not graduate: %+v", st)
	}
	scenario{name: "page", url: "/stats", status: 200, contains: []string{
		"No figure yet", "your 2 reviews so far were of new or learning cards",
		"The first figure comes with the review of your first graduated card, due " + st.Due.UTC().Format("Mon 2 Jan"),
	}}.run(t, env.ts, c)
}
