package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/review", "/review"},
		{"/review?topic=resilience", "/review?topic=resilience"},
		{"/labs/lru/attempts/3", "/labs/lru/attempts/3"},
		{"", "/"},
		{"review", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0a/evil.example", "/"},
		{"/%20/evil.example", "/"},
		{"/cards/circuit-breaker%3Fx", "/cards/circuit-breaker%3Fx"},
		{"https:evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/./..//evil.example", "/evil.example"},
		{"/a/../../evil", "/evil"},
		{"/\u00a0/evil.example", "/"},
		{"/\u2028/evil.example", "/"},
		{"/\x00/evil.example", "/"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLoginRedirectStaysLocal signs in through the form with hostile next values: the
// Location is always a path on this server.
func TestLoginRedirectStaysLocal(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	for _, next := range []string{"/\t/evil.example", "/\\evil.example", "%2F%2Fevil.example", "https:evil.example", "//evil.example"} {
		c := browserClient(t)
		_, _, token := page(t, c, env.ts.URL+"/login")
		code, loc, _ := postForm(t, c, env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {"ana"}, "password": {"correct horse battery"}, "next": {next}})
		if code != http.StatusSeeOther {
			t.Fatalf("next %q: status %d", next, code)
		}
		u, err := url.Parse(loc)
		if err != nil || loc != "/" || u.Host != "" {
			t.Errorf("next %q: redirected to %q, want /", next, loc)
		}
	}
}

// TestBrowserLoginRedirectStaysLocal: in chromium, which drops tabs from URLs and reads
// backslashes as slashes, signing in with a hostile next= stays on this server.
func TestBrowserLoginRedirectStaysLocal(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(env.ts.URL)
	for _, next := range []string{"/\t/evil.example/", "/\\evil.example/", "https:evil.example"} {
		b := browser(t, false)
		do(t, b, chromedp.Navigate(env.ts.URL+"/login?next="+url.QueryEscape(next)), chromedp.WaitVisible(chromedp.CSS("#password")),
			chromedp.SendKeys(chromedp.CSS("#name"), "ana"), chromedp.SendKeys(chromedp.CSS("#password"), "correct horse battery"),
			chromedp.Submit(chromedp.CSS("#password")))
		var loc string
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			loc = eval[string](t, b, `location.href`)
			if !strings.HasSuffix(loc, "/login?next="+url.QueryEscape(next)) && eval[string](t, b, `document.readyState`) == "complete" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("next %q: no page of this server came after signing in (last location %q): the browser was sent elsewhere", next, loc)
			}
		}
		if u, err := url.Parse(loc); err != nil || u.Host != base.Host || u.Path != "/" {
			t.Errorf("next %q: signed in and went to %q, want %s/", next, loc, env.ts.URL)
		}
	}
}
