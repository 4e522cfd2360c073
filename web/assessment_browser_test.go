package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	kb "github.com/chromedp/chromedp/kb"

	"prep/store"
)

// TestBrowserAssessment: an interviewer signs in, creates an assessment and an invite
// in the browser; the candidate, in another browser context without an account, opens
// the link, starts, solves the lab in the editor, submits and finishes early (asked
// first); the interviewer reads the report with its playback and downloads the CSV.
func TestBrowserAssessment(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	for _, u := range []struct{ name, role string }{{"ana", store.RoleAdmin}, {"bo", store.RoleInterviewer}} {
		if _, err := env.store.AddUserWithRole(ctx, u.name, "a long enough password", u.role); err != nil {
			t.Fatal(err)
		}
	}
	bctx := browserWithin(t, true, 4*time.Minute)
	errs := jsErrors(t, bctx)
	do(t, bctx, chromedp.EmulateViewport(1280, 900))
	// The first navigation of a fresh browser is sometimes aborted (net::ERR_ABORTED)
	// while it settles; the page itself is not at fault, so it is tried again.
	for i := 0; ; i++ {
		err := chromedp.Do(bctx, chromedp.Navigate(env.ts.URL+"/login"))
		if err == nil {
			break
		}
		if i == 2 || !strings.Contains(err.Error(), "ERR_ABORTED") {
			t.Fatal(err)
		}
	}
	do(t, bctx, chromedp.WaitVisible(chromedp.CSS("#name")), chromedp.SendKeys(chromedp.CSS("#name"), "bo"), chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(`header .who form[action="/logout"]`))) // only once signed in: the login page has .who too
	do(t, bctx, chromedp.Navigate(env.ts.URL+"/assessments"), chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.SendKeys(chromedp.CSS("#title"), "Browser take-home"),
		chromedp.Click(chromedp.CSS(`input[name=labs][value="lru"]`)),
		chromedp.SetValue(chromedp.CSS("#limit"), "45"),
		chromedp.SendKeys(chromedp.CSS("#note"), "Two hours at most, please."),
		chromedp.Click(chromedp.CSS("#create")), chromedp.WaitVisible(chromedp.CSS("#label")))
	do(t, bctx, chromedp.SendKeys(chromedp.CSS("#label"), "ada@example.com"), chromedp.Click(chromedp.CSS("#invite")), chromedp.WaitVisible(chromedp.CSS("#invite-url")))
	link := eval[string](t, bctx, `document.getElementById("invite-url").value`)
	reportPage := eval[string](t, bctx, `location.pathname`)
	if !strings.Contains(link, "/a/") {
		t.Fatalf("invite link %q", link)
	}

	// The candidate: another browser context, no cookies of the interviewer's.
	cand, closeCand := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer closeCand()
	cerrs := jsErrors(t, cand)
	do(t, cand, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#start")))
	if body := eval[string](t, cand, `document.querySelector("main").innerText`); !strings.Contains(body, "Two hours at most") || !strings.Contains(body, "45 minutes") {
		t.Errorf("candidate page: %s", body)
	}
	do(t, cand, chromedp.Click(chromedp.CSS("#start")), chromedp.WaitVisible(chromedp.CSS("#time-left")))
	do(t, cand, chromedp.Click(chromedp.CSS(`.labs a`)), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	solution := labFiles(t, "lru", true)["lru.go"]
	do(t, cand, focusEditor("lru.go"), ctrl("a", false))
	insertText(t, cand, solution)
	do(t, cand, ctrl(kb.Enter, true))
	poll(t, cand, "the submission's result", `document.querySelector("#result h2") && document.querySelector("#result h2").textContent.startsWith("This submission")`)
	if v := eval[string](t, cand, `document.querySelector("#result h2").textContent`); v != "This submission: Passed" {
		t.Fatalf("submission %q", v)
	}
	if eval[bool](t, cand, `!!document.getElementById("history")`) {
		t.Error("the candidate's workspace shows the study history")
	}
	do(t, cand, chromedp.Click(chromedp.CSS(`nav.crumbs a`)), chromedp.WaitVisible(chromedp.CSS("#finish-open")))
	if eval[bool](t, cand, `document.getElementById("finish").checkVisibility()`) {
		t.Error("Finish is one click away: it must ask first")
	}
	do(t, cand, chromedp.Click(chromedp.CSS("#finish-open")), chromedp.WaitVisible(chromedp.CSS("#finish")), chromedp.Click(chromedp.CSS("#finish")))
	// The form posts and the page reloads: ask again until the new page answers.
	finished := false
	for i := 0; i < 300 && !finished; i++ {
		finished, _ = chromedp.Run(cand, chromedp.Evaluate[bool](`!!document.querySelector('#assess-state[data-state="submitted"]')`))
		time.Sleep(100 * time.Millisecond)
	}
	if !finished {
		t.Fatalf("after Finish: %s", eval[string](t, cand, `location.href + " " + (document.body ? document.body.innerText : "")`))
	}

	// The interviewer's report, in a new tab of the interviewer's browser context.
	closeCand()
	bctx, closeTab := chromedp.NewContext(bctx)
	defer closeTab()
	ctxNav, cancelNav := context.WithTimeout(bctx, 30*time.Second)
	defer cancelNav()
	if err := chromedp.Do(ctxNav, chromedp.Navigate(env.ts.URL+reportPage), chromedp.WaitVisible(chromedp.CSS("#candidates"))); err != nil {
		t.Fatalf("report page %s: %v", reportPage, err)
	}
	row := eval[string](t, bctx, `document.querySelector("#candidates tbody tr").innerText`)
	if !strings.Contains(row, "ada@example.com") || !strings.Contains(row, "submitted") || !strings.Contains(row, "1/1") || !strings.Contains(row, "Passed") {
		t.Errorf("candidates row: %q", row)
	}
	csv, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(async () => { const r = await fetch(document.getElementById("csv").href); return r.headers.get("content-disposition") + "\n" + await r.text(); })()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv, "attachment") || !strings.Contains(csv, "ada@example.com,submitted") || !strings.Contains(csv, ",1,passed") {
		t.Errorf("csv: %s", csv)
	}
	do(t, bctx, chromedp.Click(chromedp.CSS(`#candidates tbody a`)), chromedp.WaitVisible(chromedp.CSS(".lab-report")))
	if v := eval[string](t, bctx, `document.querySelector(".lab-report h2").textContent`); !strings.Contains(v, "Passed") {
		t.Errorf("lab report heading %q", v)
	}
	if n := eval[int](t, bctx, `document.querySelectorAll(".timeline > li").length`); n != 1 {
		t.Errorf("timeline has %d attempts, want 1", n)
	}
	if eval[bool](t, bctx, `!!document.querySelector(".pb-slider")`) {
		// Playback: the slider shows one snapshot at a time.
		shown := eval[int](t, bctx, `[...document.querySelectorAll(".playback .snapshots > li")].filter(li => !li.hidden).length`)
		if shown != 1 {
			t.Errorf("playback shows %d snapshots at once", shown)
		}
		do(t, bctx, chromedp.Focus(chromedp.CSS(".pb-slider")), chromedp.KeyEvent(kb.ArrowLeft))
	} else {
		t.Error("no playback slider")
	}
	for _, e := range append(errs(), cerrs()...) {
		t.Errorf("javascript error: %s", e)
	}
}
