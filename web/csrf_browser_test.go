package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSameSiteCSRF replays in chromium the attack of issue 10: a page on another
// port of the same host (same-site, able to set cookies for prep's host) plants a CSRF
// cookie and posts forms to prep with the matching value, to change the victim's
// settings and to sign the browser in as the attacker. Both must be refused, while
// prep's own forms keep working in the same browser.
func TestBrowserSameSiteCSRF(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	ana, err := env.store.AddUser(ctx, "ana", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.AddUser(ctx, "eve", "attacker password"); err != nil {
		t.Fatal(err)
	}
	// The attacker's pages, on 127.0.0.1 like prep but on another port.
	attack := func(action, fields string) string {
		return `<!doctype html><html><body><form id="f" method="post" action="` + env.ts.URL + action + `">
<input name="_csrf" value="forged">` + fields + `</form>
<script>document.cookie = "prep_csrf=forged; path=/"; document.getElementById("f").submit();</script></body></html>`
	}
	pages := map[string]string{
		"/settings": attack("/settings", `<input name="desired_retention" value="0.7"><input name="new_per_day" value="77"><input name="rollover_hour" value="4"><input name="max_interval_days" value="365"><input name="time_zone" value="UTC">`),
		"/login":    attack("/login", `<input name="name" value="eve"><input name="password" value="attacker password">`),
	}
	evil := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, pages[r.URL.Path])
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	evil.Listener = l
	evil.Start()
	t.Cleanup(evil.Close)

	b := browser(t, true)
	// waitFor waits until the browser shows a page of prep whose text holds want.
	waitFor := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			text := eval[string](t, b, `location.href.startsWith(`+fmt.Sprintf("%q", env.ts.URL)+`) && document.readyState === "complete" ? document.body.innerText : ""`)
			if strings.Contains(text, want) {
				return text
			}
			if time.Now().After(deadline) {
				t.Fatalf("prep page with %q never showed; last text %.300q", want, text)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	do(t, b, chromedp.Navigate(env.ts.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#name"), "ana"), chromedp.SendKeys(chromedp.CSS("#password"), "correct horse battery"),
		chromedp.Submit(chromedp.CSS("#password")))
	waitFor("Sign out")

	// prep's own settings form, in the same browser: same-origin, accepted.
	do(t, b, chromedp.Navigate(env.ts.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS("#new_per_day")),
		chromedp.SetValue(chromedp.CSS("#new_per_day"), "12"), chromedp.Submit(chromedp.CSS("#new_per_day")))
	waitFor("Saved.")
	if st, err := env.store.Settings(ctx, ana.ID); err != nil || st.NewPerDay != 12 {
		t.Fatalf("own settings form: new per day %d, %v; want 12", st.NewPerDay, err)
	}

	for _, path := range []string{"/settings", "/login"} {
		do(t, b, chromedp.Navigate(evil.URL+path))
		waitFor("came from another site")
	}
	if st, err := env.store.Settings(ctx, ana.ID); err != nil || st.NewPerDay != 12 {
		t.Errorf("after the attack: new per day %d, %v; want 12 (unchanged)", st.NewPerDay, err)
	}
	do(t, b, chromedp.Navigate(env.ts.URL+"/account"))
	if text := waitFor("Signed in as"); !strings.Contains(text, "Signed in as ana.") {
		t.Errorf("after the login attack the browser is not ana's: %.400q", text)
	}
}
