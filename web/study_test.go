package web

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"prep/store"
)

// TestSuspendBurySkip: a suspended card leaves review until lifted, a buried one until
// the next study day, a skipped one comes after the others in this session.
func TestSuspendBurySkip(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	_, body, token := page(t, c, env.ts.URL+"/review")
	if !strings.Contains(body, `data-card="circuit-breaker"`) || !strings.Contains(body, `action="/cards/circuit-breaker/suspend"`) {
		t.Fatalf("review page lacks the card or its suspend form: %.2000s", body)
	}

	// Suspend the first card from review: the next card comes, a notice names it.
	code, loc, _ := postForm(t, c, env.ts.URL+"/cards/circuit-breaker/suspend", url.Values{"_csrf": {token}, "back": {"/review?topic=resilience"}})
	if code != http.StatusSeeOther || loc != "/review?aside=circuit-breaker&how=suspended&topic=resilience" {
		t.Fatalf("suspend: %d %q", code, loc)
	}
	_, body, token = page(t, c, env.ts.URL+loc)
	for _, want := range []string{`data-card="retry-storm"`, "Suspended <a href=\"/cards/circuit-breaker\">Circuit breaker pattern</a>", `>Unsuspend</button>`} {
		if !strings.Contains(body, want) {
			t.Errorf("after suspending, the review page lacks %q", want)
		}
	}
	env.advance(30 * 24 * time.Hour)
	if _, body, _ = page(t, c, env.ts.URL+"/review?topic=resilience"); strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Error("a suspended card came back a month later")
	}
	if _, body, _ = page(t, c, env.ts.URL+"/suspended"); !strings.Contains(body, `href="/cards/circuit-breaker">Circuit breaker pattern</a>`) {
		t.Errorf("the suspended list lacks the card: %.1500s", body)
	}
	postForm(t, c, env.ts.URL+"/cards/circuit-breaker/suspend", url.Values{"_csrf": {token}, "on": {"0"}, "back": {"/suspended"}})
	if _, body, _ = page(t, c, env.ts.URL+"/review?topic=resilience"); !strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Error("an unsuspended card did not come back")
	}

	// Bury it: gone for today, back after the rollover.
	code, _, _ = postForm(t, c, env.ts.URL+"/cards/circuit-breaker/bury", url.Values{"_csrf": {token}, "back": {"/review?topic=resilience"}})
	if code != http.StatusSeeOther {
		t.Fatalf("bury: %d", code)
	}
	if _, body, _ = page(t, c, env.ts.URL+"/review?topic=resilience"); strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Error("a buried card is still in today's review")
	}
	env.advance(24 * time.Hour)
	if _, body, _ = page(t, c, env.ts.URL+"/review?topic=resilience"); !strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Error("a buried card did not come back the next day")
	}

	// Skip: the next card comes; with every card skipped, the first again.
	_, body, _ = page(t, c, env.ts.URL+"/review?topic=resilience")
	if !strings.Contains(body, `href="/review?skip=circuit-breaker&amp;topic=resilience" id="skip"`) {
		t.Fatalf("no skip link: %.2000s", body)
	}
	if _, body, _ = page(t, c, env.ts.URL+"/review?skip=circuit-breaker&topic=resilience"); !strings.Contains(body, `data-card="retry-storm"`) {
		t.Error("skipping did not bring the next card")
	}
	if _, body, _ = page(t, c, env.ts.URL+"/review?skip=circuit-breaker,retry-storm&topic=resilience"); !strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Error("with every card skipped, the first one does not come back")
	}

	// The API does the same with JSON.
	for _, sc := range []scenario{
		{name: "api suspend", method: "POST", url: "/api/cards/retry-storm/suspend", body: `{"on":true}`, header: jsonHeader, status: 200, contains: []string{`"suspended":true`}},
		{name: "api bury needs on", method: "POST", url: "/api/cards/retry-storm/bury", body: `{}`, header: jsonHeader, status: 400, contains: []string{`send {\"on\": true}`}},
		{name: "api unknown card", method: "POST", url: "/api/cards/nope/suspend", body: `{"on":true}`, header: jsonHeader, status: 404},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, env.ts.Client()) })
	}
	if flags, _ := env.store.Flags(context.Background(), store.LocalUserID); !flags["retry-storm"].Suspended {
		t.Error("the API did not suspend the card")
	}
}

// TestReviewLimitAndNewOrder: the daily review limit holds graduated cards back (never
// learning steps), and the new-card order setting decides which new card comes first.
func TestReviewLimitAndNewOrder(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	st := store.DefaultSettings()
	st.ReviewsPerDay, st.NewOrder = 0, "level"
	if err := env.store.SetSettings(ctx, store.LocalUserID, st); err != nil {
		t.Fatal(err)
	}
	c := browserClient(t)
	// By level, the mid cards come before senior and staff: circuit-breaker (library
	// order among mids) first, then pool-exhaustion.
	if _, body, _ := page(t, c, env.ts.URL+"/review"); !strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Fatalf("first new card by level: %.1500s", body)
	}
	// Graduate circuit-breaker (Easy), then wait until it is due: with a limit of 0 it
	// is held back, and the page says so.
	postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":4}`)
	cs, _, _ := env.store.State(ctx, store.LocalUserID, "circuit-breaker")
	env.advance(cs.Due.Sub(env.now()) + time.Minute)
	_, body, _ := page(t, c, env.ts.URL+"/review?topic=resilience&level=mid")
	if strings.Contains(body, `data-card="circuit-breaker"`) || !strings.Contains(body, "1 more graduated card is due, held back by today's limit of 0 reviews") {
		t.Errorf("a review limit of 0 did not hold the card back: %.2500s", body)
	}
	// Pool exhaustion: Again puts it in learning; a learning step is never held back.
	postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"pool-exhaustion","rating":1}`)
	env.advance(2 * time.Minute)
	if _, body, _ = page(t, c, env.ts.URL+"/review?kind=incident"); !strings.Contains(body, `data-card="pool-exhaustion"`) {
		t.Errorf("the review limit held back a learning step: %.1500s", body)
	}
}

// TestDeckPicker: every topic, case, kind, level and tag is a deck with its counts and
// a link that reviews it; the topic page and search results link their decks too.
func TestDeckPicker(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"pool-exhaustion","rating":1}`)
	env.advance(2 * time.Minute) // pool-exhaustion is due again: 1 due in databases
	for _, sc := range []scenario{
		{name: "page", url: "/decks", status: 200, contains: []string{
			`<th scope="row">Databases</th><td align="right" class="due">1</td><td align="right" class="new">1</td><td align="right">2</td>`,
			`href="/review?topic=databases">Review</a>`, `<th scope="row">Shop platform</th>`, `href="/review?case=shop"`,
			`<th scope="row">incident</th>`, `<th scope="row">#retries</th>`, `href="/review?tag=retries"`,
		}},
		{name: "api", url: "/api/decks", status: 200, contains: []string{`"name":"Topics"`, `{"label":"Databases","review_url":"/review?topic=databases","due":1,"new":1,"cards":2,"anki_url":"/export.apkg?topic=databases"}`}},
		{name: "anki link", url: "/decks", status: 200, contains: []string{`<a href="/export.apkg?topic=databases" download>Anki</a>`}},
		{name: "topic page", url: "/topics/databases", status: 200, contains: []string{`href="/review?topic=databases">Review this topic</a>`}},
		{name: "search page", url: "/search?q=breaker", status: 200, contains: []string{`href="/review?q=breaker">Review these</a>`}},
		{name: "search deck", url: "/review?q=breaker", status: 200, contains: []string{`data-card="circuit-breaker"`, "1 new"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, env.ts.Client()) })
	}
}

// TestCardHistory: the card page lists every rating with the memory it left, the due
// date and the lapses, as Anki's card info does.
func TestCardHistory(t *testing.T) {
	env := newTestEnv(t)
	useUTC(t, env)
	c := env.ts.Client()
	postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":3}`)
	env.advance(10 * time.Minute)
	postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":3}`)
	cs, _, _ := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker")
	scenario{name: "card page", url: "/cards/circuit-breaker", status: 200, contains: []string{
		"Review history (2 ratings)", "<td>2 Nov 2026 12:00</td><td>good</td>", "<td>2 Nov 2026 12:10</td><td>good</td>",
		"review · due " + cs.Due.Format("Mon 2 Jan 2006 15:04"), "2 ratings · 0 lapses", ">Suspend</button>", ">Bury until tomorrow</button>",
	}}.run(t, env.ts, c)
	scenario{name: "unstudied card", url: "/cards/retry-storm", status: 200, contains: []string{"Not studied yet"}, excludes: []string{"Review history"}}.run(t, env.ts, c)
}

// TestBrowserSetAsideKeys: "-" buries, "@" suspends, "s" skips, and space on a revealed
// card rates it Good, all without a page load.
func TestBrowserSetAsideKeys(t *testing.T) {
	env := newTestEnv(t)
	ctx := browser(t, true)
	do(t, ctx, chromedp.Navigate(env.ts.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="circuit-breaker"]`)))
	eval[bool](t, ctx, `window.__samePage = true`)
	do(t, ctx, chromedp.KeyEvent("s"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="retry-storm"]`)))
	do(t, ctx, chromedp.KeyEvent("-"), chromedp.WaitNotPresent(chromedp.CSS(`article[data-card="retry-storm"]`)), chromedp.WaitVisible(chromedp.CSS(`#aside-notice`)))
	if got := eval[string](t, ctx, `document.getElementById("aside-notice").textContent`); !strings.Contains(got, "Buried") || !strings.Contains(got, "Retry storm") {
		t.Errorf("after -, the notice says %q", got)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`article[data-card]`)))
	first := eval[string](t, ctx, `document.querySelector("article[data-card]").dataset.card`)
	do(t, ctx, chromedp.KeyEvent("@"), chromedp.WaitNotPresent(chromedp.CSS(`article[data-card="`+first+`"]`)))
	flags, _ := env.store.Flags(context.Background(), store.LocalUserID)
	if !flags[first].Suspended || !flags["retry-storm"].Hidden(env.now()) {
		t.Errorf("after - and @: flags %+v (suspended %s expected)", flags, first)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`article[data-card]`)))
	card := eval[string](t, ctx, `document.querySelector("article[data-card]").dataset.card`)
	do(t, ctx, chromedp.KeyEvent(" "), chromedp.KeyEvent(" "), chromedp.WaitNotPresent(chromedp.CSS(`article[data-card="`+card+`"]`)))
	st, ok, _ := env.store.State(context.Background(), store.LocalUserID, card)
	if !ok || st.Reps != 1 {
		t.Errorf("space on the revealed card did not rate it: %+v %v", st, ok)
	}
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Error("a key reloaded the whole page")
	}
}

// TestAnkiDownload: the export page's Anki package holds every card, a deck's only its
// own, in one deck named after it.
func TestAnkiDownload(t *testing.T) {
	env := newTestEnv(t)
	for _, tc := range []struct {
		url, file string
		notes     int
	}{
		{"/export.apkg", "prep.apkg", 5},
		{"/export.apkg?topic=databases", "prep-databases.apkg", 2},
	} {
		resp, err := env.ts.Client().Get(env.ts.URL + tc.url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="`+tc.file+`"` {
			t.Fatalf("%s: %d %q", tc.url, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: not a zip: %v", tc.url, err)
		}
		path := filepath.Join(t.TempDir(), "c.anki2")
		for _, f := range zr.File {
			if f.Name == "collection.anki2" {
				rc, _ := f.Open()
				data, _ := io.ReadAll(rc)
				rc.Close()
				os.WriteFile(path, data, 0o600)
			}
		}
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM notes").Scan(&n); err != nil || n != tc.notes {
			t.Errorf("%s: %d notes (%v), want %d", tc.url, n, err, tc.notes)
		}
		db.Close()
	}
}
