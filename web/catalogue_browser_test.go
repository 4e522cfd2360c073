package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLabCatalogueWithoutJavaScript filters the catalogue by clicking its links
// with scripts off, on a phone-sized window, and checks the page never scrolls sideways.
func TestBrowserLabCatalogueWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	ctx := browser(t, false)
	do(t, ctx, chromedp.EmulateViewport(375, 740), chromedp.Navigate(ts.URL+"/labs"), chromedp.WaitVisible(chromedp.CSS(`#topic-resilience`)))
	fits := func(where string) {
		t.Helper()
		if !eval[bool](t, ctx, `document.documentElement.scrollWidth <= window.innerWidth`) {
			t.Errorf("%s: the page is wider than a 375px window", where)
		}
	}
	fits("/labs")
	labsShown := func() string {
		return eval[string](t, ctx, `Array.from(document.querySelectorAll("ul.labs a")).map(a => a.getAttribute("href")).join(" ")`)
	}
	if got := labsShown(); !strings.Contains(got, "/labs/circuit-breaker") || !strings.Contains(got, "/labs/lru") {
		t.Fatalf("/labs lists %q, want every lab", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/labs?topic=resilience"]`)), chromedp.WaitVisible(chromedp.CSS(`a[aria-label="clear topic filter"]`)))
	if got := labsShown(); got != "/labs/circuit-breaker" {
		t.Errorf("after clicking the Resilience filter: labs %q, want only /labs/circuit-breaker", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/labs?level=junior&topic=resilience"]`)), chromedp.WaitVisible(chromedp.CSS(`a[aria-label="clear level filter"]`)))
	if got := eval[string](t, ctx, `location.search`); got != "?level=junior&topic=resilience" {
		t.Errorf("after clicking the junior filter: the query is %q, want both filters", got)
	}
	if got := labsShown(); got != "" {
		t.Errorf("resilience and junior: labs %q, want none", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[aria-label="clear topic filter"]`)), chromedp.WaitVisible(chromedp.CSS(`a[aria-label="clear level filter"]`)))
	fits("/labs?level=junior")
	do(t, ctx, chromedp.Navigate(ts.URL+"/topics/resilience"), chromedp.WaitVisible(chromedp.CSS(`#labs`)))
	own := eval[string](t, ctx, `Array.from(document.querySelectorAll("#labs + ul.labs a")).map(a => a.getAttribute("href")).join(" ")`)
	if own != "/labs/circuit-breaker" {
		t.Errorf("/topics/resilience lists as its own labs %q, want /labs/circuit-breaker", own)
	}
	// retry-backoff's first card is not in the fixture knowledge base, but it practises
	// the circuit-breaker card, so the topic page shows it apart.
	related := eval[string](t, ctx, `Array.from(document.querySelectorAll("#related-labs + ul.labs a")).map(a => a.getAttribute("href")).join(" ")`)
	if !strings.Contains(related, "/labs/retry-backoff") || strings.Contains(related, "/labs/circuit-breaker") {
		t.Errorf("/topics/resilience lists as labs of other topics %q, want /labs/retry-backoff and not circuit-breaker", related)
	}
	fits("/topics/resilience")
}
