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
	do(t, ctx, chromedp.Navigate(ts.URL+"/cards/circuit-breaker"), chromedp.WaitVisible(chromedp.CSS("#answer > summary")))
	if eval[bool](t, ctx, `document.getElementById("answer").open`) {
		t.Fatal("the answer is open before it is revealed")
	}
	do(t, ctx, chromedp.KeyEvent(" "))
	if !eval[bool](t, ctx, `document.getElementById("answer").open`) {
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
	do(t, ctx, chromedp.Navigate(ts.URL+"/cards/circuit-breaker"), chromedp.WaitVisible(chromedp.CSS("#answer > summary")))
	if eval[bool](t, ctx, `typeof window.__prepKeys !== "undefined"`) {
		t.Fatal("page scripts ran although JavaScript was disabled")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#answer > summary")))
	if !eval[bool](t, ctx, `document.getElementById("answer").open`) {
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
		chromedp.Click(chromedp.CSS("#answer > summary")),
		chromedp.Click(chromedp.CSS(`#rate button[value="3"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article[data-card="retry-storm"]`)))
	if _, ok, _ := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker"); !ok {
		t.Error("the form post did not store the rating")
	}
}
