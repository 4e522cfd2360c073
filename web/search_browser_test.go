package web

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSearchLayout: on a phone the first result comes before the filters, which
// start collapsed; on a wide screen the filters are open in a column beside the results.
func TestBrowserSearchLayout(t *testing.T) {
	env := newTestEnv(t)
	for _, tt := range []struct {
		name          string
		width, height int64
		mobile        bool
		filtersOpen   bool
	}{
		{"phone", 390, 844, true, false},
		{"desktop", 1280, 900, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := browser(t, true)
			vp := chromedp.EmulateViewport(tt.width, tt.height)
			if tt.mobile {
				vp = chromedp.EmulateViewport(tt.width, tt.height, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			do(t, ctx, vp, chromedp.Navigate(env.ts.URL+"/search?q=breaker+pool+retry"), chromedp.WaitVisible(chromedp.CSS(".results li a")))
			if got := eval[bool](t, ctx, `document.getElementById("search-filters").open`); got != tt.filtersOpen {
				t.Errorf("filters open = %v, want %v", got, tt.filtersOpen)
			}
			firstResult := eval[float64](t, ctx, `document.querySelector(".results li").getBoundingClientRect().top`)
			filters := eval[float64](t, ctx, `document.getElementById("search-filters").getBoundingClientRect().top`)
			if tt.mobile && firstResult > filters {
				t.Errorf("on a phone the first result is at %.0f px, below the filters at %.0f px", firstResult, filters)
			}
			if tt.mobile && !eval[bool](t, ctx, `(() => { const r = document.querySelector(".results li").getBoundingClientRect(); return r.bottom <= window.innerHeight; })()`) {
				t.Error("on a phone the first result is below the fold")
			}
			if !tt.mobile && !eval[bool](t, ctx, `(() => { const f = document.getElementById("search-filters").getBoundingClientRect(), r = document.querySelector(".results").getBoundingClientRect(); return f.right <= r.left; })()`) {
				t.Error("on a wide screen the filters are not a column left of the results")
			}
			if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > float64(tt.width) {
				t.Errorf("the search page is %.0f px wide in a %d px window", w, tt.width)
			}
		})
	}
}
