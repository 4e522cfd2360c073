package web

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"prep/store"
)

// browser starts headless Debian chromium for one test. Without chromium the test is
// skipped, unless PREP_REQUIRE_BROWSER=1 (set by .ci/run), where that is a failure.
// javascript false runs the page with scripts disabled.
func browser(t *testing.T, javascript bool) context.Context {
	t.Helper()
	return browserWithin(t, javascript, 60*time.Second)
}

// browserWithin is browser with a time limit for the whole test other than a minute.
func browserWithin(t *testing.T, javascript bool, limit time.Duration) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PREP_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is required (PREP_REQUIRE_BROWSER=1) but not installed: apt-get install -y chromium")
		}
		t.Skip("chromium not installed (apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("blink-settings", "scriptEnabled="+map[bool]string{true: "true", false: "false"}[javascript]),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, limit)
	t.Cleanup(cancel3)
	return ctx
}

// watchRequests records every URL the page requests.
func watchRequests(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var urls []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserCardPage(t *testing.T) {
	ts := newTestServer(t)
	ctx := browser(t, true)
	requests := watchRequests(t, ctx)
	do(t, ctx, chromedp.Navigate(ts.URL+"/cards/circuit-breaker"), chromedp.WaitVisible(chromedp.CSS("#reveal > summary")))
	if eval[bool](t, ctx, `document.getElementById("reveal").open`) {
		t.Fatal("the answer is open before it is revealed")
	}
	do(t, ctx, chromedp.KeyEvent(" "))
	if !eval[bool](t, ctx, `document.getElementById("reveal").open`) {
		t.Error("space did not reveal the answer")
	}
	do(t, ctx, chromedp.KeyEvent("/"))
	if !eval[bool](t, ctx, `document.activeElement && document.activeElement.id === "q"`) {
		t.Error(`"/" did not focus the search box`)
	}
	base, _ := url.Parse(ts.URL)
	seen := requests()
	if len(seen) < 3 {
		t.Errorf("only %d requests recorded: %v", len(seen), seen)
	}
	for _, u := range seen {
		p, err := url.Parse(u)
		if err != nil || p.Host != base.Host && p.Scheme != "data" {
			t.Errorf("page requested another host: %s", u)
		}
	}
}

// TestBrowserWithoutJavaScript: the answer opens by clicking its summary, with scripts off.
func TestBrowserWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	ctx := browser(t, false)
	do(t, ctx, chromedp.Navigate(ts.URL+"/cards/circuit-breaker"), chromedp.WaitVisible(chromedp.CSS("#reveal > summary")))
	if eval[bool](t, ctx, `typeof window.__prepKeys !== "undefined"`) {
		t.Fatal("page scripts ran although JavaScript was disabled")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#reveal > summary")))
	if !eval[bool](t, ctx, `document.getElementById("reveal").open`) {
		t.Error("clicking the summary did not reveal the answer without JavaScript")
	}
}

func TestBrowserReviewKeys(t *testing.T) {
	env := newTestEnv(t)
	ctx := browser(t, true)
	do(t, ctx, chromedp.Navigate(env.ts.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="circuit-breaker"]`)))
	eval[bool](t, ctx, `window.__samePage = true`)
	do(t, ctx, chromedp.KeyEvent("3")) // before the reveal: ignored
	if !eval[bool](t, ctx, `!!document.querySelector('article[data-card="circuit-breaker"]')`) {
		t.Fatal("a rating key before the reveal rated the card")
	}
	do(t, ctx, chromedp.KeyEvent(" "), chromedp.KeyEvent("3"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="retry-storm"]`)))
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Error("rating reloaded the whole page")
	}
	do(t, ctx, chromedp.KeyEvent("u"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="circuit-breaker"]`)))
	if st, ok, _ := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker"); ok {
		t.Errorf("after u, circuit-breaker still has a state: %+v", st)
	}
}

func TestBrowserReviewWithoutJavaScript(t *testing.T) {
	env := newTestEnv(t)
	ctx := browser(t, false)
	do(t, ctx, chromedp.Navigate(env.ts.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="circuit-breaker"]`)),
		chromedp.Click(chromedp.CSS("#reveal > summary")),
		chromedp.Click(chromedp.CSS(`#rate button[value="3"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article[data-card="retry-storm"]`)))
	if _, ok, _ := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker"); !ok {
		t.Error("the form post did not store the rating")
	}
}

// TestBrowserDeckWithKeys: rating with the keyboard (the fetch path) keeps the deck, the
// end of the deck counts down to the learning card, and the card comes back without a
// reload when it is due.
func TestBrowserDeckWithKeys(t *testing.T) {
	env := newTestEnv(t)
	ctx := browser(t, true)
	do(t, ctx, chromedp.Navigate(env.ts.URL+"/review?kind=incident"), chromedp.WaitVisible(chromedp.CSS(`article[data-card="pool-exhaustion"]`)))
	eval[bool](t, ctx, `window.__samePage = true`)
	do(t, ctx, chromedp.KeyEvent(" "), chromedp.KeyEvent("1"), chromedp.WaitVisible(chromedp.CSS(`#next-due`)))
	if eval[bool](t, ctx, `!!document.querySelector('article[data-card]')`) {
		t.Fatal("after rating the deck's only incident, another card is shown")
	}
	if got := eval[string](t, ctx, `location.search`); got != "?kind=incident" {
		t.Errorf("the address lost the deck: %q", got)
	}
	// The page's clock is not the server's test clock: move the server past the due time
	// and the countdown's fetch brings the card up.
	env.advance(2 * time.Minute)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`article[data-card="pool-exhaustion"]`)))
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Error("the card came back through a full reload")
	}
}

// TestBrowserStatsOnPhone: at 390 px the heatmap shows today (its newest end), the last
// month's label is whole, and the page does not scroll sideways.
func TestBrowserStatsOnPhone(t *testing.T) {
	env := newTestEnv(t)
	ctx := browser(t, true)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(env.ts.URL+"/stats"), chromedp.WaitVisible(chromedp.CSS("svg.heat")))
	if !eval[bool](t, ctx, `(() => { const r = document.querySelector("svg.heat rect.today").getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; })()`) {
		t.Errorf("today's square is off screen on a phone: %s", eval[string](t, ctx, `JSON.stringify([document.querySelector("svg.heat rect.today").getBoundingClientRect(), document.querySelector(".scroll.from-end").getBoundingClientRect(), getComputedStyle(document.querySelector(".scroll.from-end")).flexDirection, window.innerWidth])`))
	}
	if !eval[bool](t, ctx, `(() => { const s = document.querySelector("svg.heat"), w = s.viewBox.baseVal.width;
		return [...s.querySelectorAll("text")].every(t => t.getBBox().x + t.getBBox().width <= w); })()`) {
		t.Error("a month label is cut at the heatmap's right edge")
	}
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the stats page is %.0f px wide in a 390 px window", w)
	}
}

// TestBrowserReviewOnPhone: on a 390 px touch screen the header stays short, the rating
// buttons are on screen after the reveal, and keyboard hints are hidden.
func TestBrowserReviewOnPhone(t *testing.T) {
	env := newTestEnv(t)
	ctx := browser(t, true)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), chromedp.Navigate(env.ts.URL+"/review"),
		chromedp.WaitVisible(chromedp.CSS(`article[data-card="circuit-breaker"]`)))
	if h := eval[float64](t, ctx, `document.querySelector("header.top").getBoundingClientRect().height`); h > 120 {
		t.Errorf("the header is %.0f px tall on a phone", h)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#reveal > summary")), chromedp.WaitVisible(chromedp.CSS(`#rate button[value="3"]`)))
	if !eval[bool](t, ctx, `(() => { const r = document.querySelector('#rate button[value="4"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth; })()`) {
		t.Error("after the reveal the rating buttons are off screen")
	}
	if eval[bool](t, ctx, `[...document.querySelectorAll("kbd")].some(k => k.getClientRects().length > 0)`) {
		t.Error("keyboard hints show on a touch screen")
	}
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the review page is %.0f px wide in a 390 px window", w)
	}
}
