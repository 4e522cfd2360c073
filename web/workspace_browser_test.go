package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"prep/store"
)

// jsErrors records the page's uncaught exceptions, so a broken bundle fails loudly.
func jsErrors(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			errs = append(errs, e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception.Description))
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// poll waits until the JavaScript expression is true in the page.
func poll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(90*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("grading") || {}).textContent + " | " + (document.getElementById("saved") || {}).textContent`))
		t.Fatalf("waiting for %s (%s): %v; status: %s", what, expr, err, status)
	}
}

func ctrl(key string, shift bool) chromedp.Action[chromedp.Void] {
	mods := []chromedp.Modifier{chromedp.ModifierCtrl}
	if shift {
		mods = append(mods, chromedp.ModifierShift)
	}
	return chromedp.KeyEvent(key, chromedp.KeyModifiers(mods...))
}

// typeKeys types text key by key; Enter is sent as a keyboard sends it to a page that
// handles it (a key press without the text, which the editor inserts itself).
func typeKeys(text string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for _, line := range strings.SplitAfter(text, "\n") {
		body, nl := strings.CutSuffix(line, "\n")
		if body != "" {
			steps = append(steps, chromedp.KeyEvent(body))
		}
		if nl {
			steps = append(steps, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
					if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}); err != nil {
						return err
					}
				}
				return nil
			}))
		}
	}
	return chromedp.Steps(steps...)
}

// focusEditor puts the keyboard focus in one of the editors, as a click in it does.
func focusEditor(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(window.__prepEditor.view(`+jsString(name)+`).focus(), true)`)(ctx, t)
		return err
	})
}

func insertText(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		t.Fatal(err)
	}
}

func darkMode(t *testing.T, ctx context.Context, dark bool) {
	t.Helper()
	v := "light"
	if dark {
		v = "dark"
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}}); err != nil {
		t.Fatal(err)
	}
}

// touchMedia makes the page's media queries see a touch screen: no hover, a coarse
// pointer.
func touchMedia(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "hover", Value: "none"}, {Name: "any-hover", Value: "none"}, {Name: "pointer", Value: "coarse"}, {Name: "any-pointer", Value: "coarse"}}}); err != nil {
		t.Fatal(err)
	}
}

// screenshot writes the viewport to web/testdata/NAME.png when PREP_SCREENSHOTS=1 (for
// the README); otherwise it only checks that one can be taken.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil || len(png) == 0 {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if os.Getenv("PREP_SCREENSHOTS") == "1" {
		if err := os.WriteFile(filepath.Join("testdata", name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// editorText returns the text of one of the workspace's editors.
func editorText(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	return eval[string](t, ctx, `window.__prepEditor.view(`+jsString(name)+`).state.doc.toString()`)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// noHorizontalScroll fails when the page, or a table, is wider than its room.
func noHorizontalScroll(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	got := eval[string](t, ctx, `(() => {
		const out = [];
		const d = document.documentElement;
		if (d.scrollWidth > d.clientWidth) out.push("page " + d.scrollWidth + "px wide in " + d.clientWidth + "px");
		for (const tb of document.querySelectorAll("main table")) {
			const room = tb.parentElement.clientWidth;
			if (tb.offsetWidth > room + 1) out.push("table." + tb.className + " " + tb.offsetWidth + "px in " + room + "px");
		}
		return out.join("; ");
	})()`)
	if got != "" {
		t.Errorf("%s: %s", where, got)
	}
}

// TestBrowserWorkspace solves lru end to end with the keyboard: type with auto-indent,
// run, submit, and find the draft again after a reload and in a new tab.
func TestBrowserWorkspace(t *testing.T) {
	env := newTestEnv(t)
	ctx := browserWithin(t, true, 4*time.Minute)
	errs := jsErrors(t, ctx)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	eval[bool](t, ctx, `window.__samePage = true`)
	if tabs := eval[string](t, ctx, `[...document.querySelectorAll(".tabs [role=tab]")].map(b => b.textContent).join(",")`); tabs != "lru.go,my_test.go" {
		t.Errorf("tabs %q; want lru.go,my_test.go", tabs)
	}

	// Auto-indent and bracket closing: typed key by key at the end of lru.go.
	do(t, ctx, chromedp.Click(chromedp.CSS(`.file[data-file="lru.go"] .cm-content`)), ctrl(kb.End, false),
		typeKeys("\n\nfunc (c *Cache) Cap() int {\nreturn c.capacity"))
	if got := editorText(t, ctx, "lru.go"); !strings.HasSuffix(got, "func (c *Cache) Cap() int {\n\treturn c.capacity\n}") {
		t.Errorf("after typing a function, lru.go ends %q; want the body indented and the brace closed", got[max(0, len(got)-80):])
	}

	// The solution, typed over everything (inserted as text, as a paste or an IME does).
	solution := labFiles(t, "lru", true)["lru.go"]
	do(t, ctx, ctrl("a", false))
	insertText(t, ctx, solution)
	if got := editorText(t, ctx, "lru.go"); got != solution {
		t.Fatalf("the editor holds %d bytes, not the %d of the solution:\n%s", len(got), len(solution), got)
	}

	// Run with the keyboard: the panel fills in without a page load, the address becomes
	// the attempt's.
	do(t, ctx, ctrl(kb.Enter, false))
	poll(t, ctx, "the run's result", `!!document.querySelector("#result .verdict") && location.pathname.includes("/attempts/")`)
	if v := eval[string](t, ctx, `document.querySelector("#result h2").textContent`); v != "This run: Passed" {
		t.Errorf("run result %q", v)
	}
	if !eval[bool](t, ctx, `[...document.querySelectorAll("#result .tests code")].some(c => c.textContent === "TestMine")`) {
		t.Error("the scratch test did not run with Run")
	}

	// Submit with the keyboard.
	do(t, ctx, ctrl(kb.Enter, true))
	poll(t, ctx, "the submission's result", `document.querySelector("#result h2") && document.querySelector("#result h2").textContent.startsWith("This submission")`)
	if v := eval[string](t, ctx, `document.querySelector("#result h2").textContent`); v != "This submission: Passed" {
		t.Errorf("submission result %q\n%s", v, eval[string](t, ctx, `document.getElementById("result").innerText`))
	}
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Error("Run or Submit reloaded the page")
	}
	if eval[bool](t, ctx, `[...document.querySelectorAll("#result .tests code")].some(c => c.textContent === "TestMine")`) {
		t.Error("Submit ran the scratch test")
	}
	if head := eval[string](t, ctx, `document.querySelector("main > p.meta").textContent`); !strings.Contains(head, "solved") {
		t.Errorf("header after a passing submission: %q", head)
	}
	if perf := eval[string](t, ctx, `[...document.querySelectorAll("#result .tests li")].filter(li => li.querySelector(".perf")).map(li => li.textContent).join("|")`); !strings.Contains(perf, "Speed:") || strings.Contains(perf, "hidden") {
		t.Errorf("perf test row: %q; want a measured bar, not badged hidden", perf)
	}

	// An edit autosaves to the server; a reload finds it.
	do(t, ctx, focusEditor("lru.go"), ctrl(kb.End, false), typeKeys("\n// saved edit"))
	poll(t, ctx, "the autosave", `window.__prepEditor.saved()`)
	d, ok, err := env.store.Draft(context.Background(), store.LocalUserID, "lru")
	if err != nil || !ok || !strings.Contains(d.Files["lru.go"], "// saved edit") {
		t.Fatalf("server draft after autosave: %v %v %.200q", ok, err, d.Files["lru.go"])
	}
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	if !strings.Contains(editorText(t, ctx, "lru.go"), "// saved edit") {
		t.Error("the draft is gone after a reload")
	}

	// Close the tab right after typing, before the server save: a new tab finds the edit
	// (kept in this browser at once) and sends it to the server.
	tab, closeTab := chromedp.NewContext(ctx)
	do(t, tab, chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")),
		focusEditor("lru.go"), ctrl(kb.End, false), typeKeys("\n// typed then closed"))
	closeTab()
	tab2, closeTab2 := chromedp.NewContext(ctx)
	defer closeTab2()
	do(t, tab2, chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	if !strings.Contains(editorText(t, tab2, "lru.go"), "// typed then closed") {
		t.Error("an edit made just before closing the tab is lost")
	}
	poll(t, tab2, "the restored edit to reach the server", `window.__prepEditor.saved()`)
	if d, _, _ := env.store.Draft(context.Background(), store.LocalUserID, "lru"); !strings.Contains(d.Files["lru.go"], "// typed then closed") {
		t.Error("the restored edit was not sent to the server")
	}

	// Diff two attempts side by side: Run the edited draft, compare it with the submission.
	do(t, tab2, chromedp.Click(chromedp.CSS("#run")))
	poll(t, tab2, "the third attempt", `document.querySelectorAll("#history tbody tr").length === 3`)
	do(t, tab2, chromedp.Click(chromedp.CSS("#diff-show")))
	poll(t, tab2, "the diff", `!!document.querySelector("#diff .cm-mergeView")`)
	if changed := eval[string](t, tab2, `[...document.querySelectorAll("#diff .cm-changedLine")].map(l => l.textContent).join("\n")`); !strings.Contains(changed, "// typed then closed") {
		t.Errorf("the diff does not show the changed lines: %q", changed)
	}

	// Restore the submission into the editor, then undo that.
	do(t, tab2, chromedp.Click(chromedp.CSS(`#history tbody tr:nth-child(2) form.restore button`)))
	poll(t, tab2, "the restore", `!window.__prepEditor.files()["lru.go"].includes("// typed then closed")`)
	if got := editorText(t, tab2, "lru.go"); got != solution {
		t.Errorf("restoring the submission gave %.80q", got)
	}
	do(t, tab2, chromedp.Click(chromedp.CSS("#saved button")))
	if !strings.Contains(editorText(t, tab2, "lru.go"), "// typed then closed") {
		t.Error("Undo after a restore did not bring the draft back")
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("JavaScript errors: %v", e)
	}
}

// TestBrowserWorkspaceErrors: a compile error marks its line in the editor, and clicking
// it puts the cursor there; reset asks first and can be undone.
func TestBrowserWorkspaceErrors(t *testing.T) {
	env := newTestEnv(t)
	ctx := browserWithin(t, true, 2*time.Minute)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")),
		chromedp.Click(chromedp.CSS(`.file[data-file="lru.go"] .cm-content`)), ctrl("a", false))
	insertText(t, ctx, "package lru\n\nfunc New(capacity int) *Cache {\n\treturn &Cache{capacity: capacity +}\n}\n")
	do(t, ctx, ctrl(kb.Enter, false))
	poll(t, ctx, "the compile error", `!!document.querySelector("#result a.loc")`)
	if v := eval[string](t, ctx, `document.querySelector("#result .verdict").textContent`); v != "Does not compile" {
		t.Errorf("verdict %q; want it in words", v)
	}
	poll(t, ctx, "the mark in the editor", `!!document.querySelector('.file[data-file="lru.go"] .cm-lintRange-error, .file[data-file="lru.go"] .cm-lint-marker-error')`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#result a.loc")))
	line := eval[int](t, ctx, `(() => { const v = window.__prepEditor.view("lru.go"); return v.state.doc.lineAt(v.state.selection.main.head).number; })()`)
	want := eval[int](t, ctx, `+document.querySelector("#result a.loc").dataset.line`)
	if line != want || want == 0 {
		t.Errorf("clicking the error put the cursor on line %d; want %d", line, want)
	}

	// Tab indents in the editor; Esc then Tab moves the focus on, out of it.
	do(t, ctx, focusEditor("lru.go"), chromedp.KeyEvent(kb.Tab))
	if !eval[bool](t, ctx, `document.activeElement.closest(".cm-editor") !== null`) {
		t.Error("Tab left the editor instead of indenting")
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Tab))
	if eval[bool](t, ctx, `document.activeElement.closest(".cm-editor") !== null`) {
		t.Error("Esc then Tab did not move the focus out of the editor")
	}
	poll(t, ctx, "the autosave of the indent", `window.__prepEditor.saved()`) // else the reload below asks first

	// The Vim keymap is a setting, kept in this browser.
	do(t, ctx, chromedp.Click(chromedp.CSS("#vim")))
	poll(t, ctx, "the Vim mode", `!!document.querySelector('.file[data-file="lru.go"] .cm-vimMode')`)
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	if !eval[bool](t, ctx, `!!document.querySelector(".cm-vimMode") && document.getElementById("vim").checked`) {
		t.Error("the Vim setting did not survive a reload")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#vim")))
	poll(t, ctx, "Vim off", `!document.querySelector(".cm-vimMode")`)

	// Reset: refused at the prompt changes nothing; accepted, the starter is back; Undo
	// brings the code back.
	before := editorText(t, ctx, "lru.go")
	eval[bool](t, ctx, `(window.confirm = () => false, true)`)
	do(t, ctx, chromedp.Click(chromedp.CSS(".reset summary")), chromedp.Click(chromedp.CSS("#reset")))
	if editorText(t, ctx, "lru.go") != before {
		t.Error("reset went ahead although the prompt was refused")
	}
	eval[bool](t, ctx, `(window.confirm = () => true, true)`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#reset"))) // the details are still open
	if got := editorText(t, ctx, "lru.go"); got != labFiles(t, "lru", false)["lru.go"] {
		t.Errorf("after reset lru.go is %.80q", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#saved button")))
	if editorText(t, ctx, "lru.go") != before {
		t.Error("Undo did not bring the code back after a reset")
	}

	// Leaving with changes the server does not have yet asks first.
	dialogs := make(chan cdppage.DialogType, 4)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs <- e.Type
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, focusEditor("lru.go"), chromedp.KeyEvent("x"))
	eval[bool](t, ctx, `(location.href = "/labs", true)`)
	select {
	case typ := <-dialogs:
		if typ != cdppage.DialogTypeBeforeunload {
			t.Errorf("leaving opened a %s dialog; want beforeunload", typ)
		}
	case <-time.After(20 * time.Second):
		t.Error("leaving with unsaved changes did not ask")
	}
}

// TestBrowserWorkspaceLayout: no horizontal scroll on a phone or a laptop, even with a
// failing submission's results; dark mode code and buttons meet WCAG AA contrast; and
// the screenshots for the README.
func TestBrowserWorkspaceLayout(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	b, _ := json.Marshal(map[string]any{"files": labFiles(t, "lru", false)})
	code, resp := postJSON(t, c, env.ts.URL+"/api/labs/lru/submissions", string(b))
	if code != 200 {
		t.Fatalf("starter submission: %d %s", code, resp)
	}
	var out struct {
		Attempt int64 `json:"attempt"`
	}
	json.Unmarshal([]byte(resp), &out)
	attemptURL := fmt.Sprintf("%s/labs/lru/attempts/%d", env.ts.URL, out.Attempt)

	ctx := browser(t, true)
	for _, w := range []int64{360, 390, 1280} {
		do(t, ctx, chromedp.EmulateViewport(w, 844), chromedp.Navigate(attemptURL), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
		noHorizontalScroll(t, ctx, fmt.Sprintf("attempt page at %d px", w))
		if w < 900 && !eval[bool](t, ctx, `(() => { const s = document.querySelector(".statement").getBoundingClientRect(), e = document.querySelector(".workspace").getBoundingClientRect(); return e.top >= s.bottom; })()`) {
			t.Errorf("at %d px the statement and the editor are not stacked", w)
		}
	}
	if got := eval[string](t, ctx, `document.querySelector("#result .tests .t-skip, #result .tests .t-not_run") ? document.querySelector("#result .tests .t-skip, #result .tests .t-not_run").textContent : ""`); !strings.Contains(got, "Not run") || strings.Contains(got, "0.00") {
		t.Errorf("the skipped perf test reads %q; want \"Not run\", no figures", got)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	eval[bool](t, ctx, `(document.getElementById("result").scrollIntoView({block: "center"}), true)`)
	screenshot(t, ctx, "workspace-light")

	// Touch screens get no keyboard hints.
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	touchMedia(t, ctx)
	if !eval[bool](t, ctx, `matchMedia("(hover: none)").matches`) {
		t.Fatal("could not emulate a touch screen's (hover: none)")
	}
	if eval[bool](t, ctx, `[...document.querySelectorAll("kbd")].some(k => k.offsetParent !== null)`) {
		t.Error("keyboard hints show on a touch screen")
	}
	noHorizontalScroll(t, ctx, "lab page on a phone")
	eval[bool](t, ctx, `(document.getElementById("code-h").scrollIntoView(), true)`)
	screenshot(t, ctx, "workspace-phone")

	// Dark mode: every coloured run of code, in the editor and in the statement, and the
	// buttons, measured from computed styles.
	darkMode(t, ctx, true)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(attemptURL), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	poll(t, ctx, "the dark theme", `getComputedStyle(document.querySelector(".cm-editor")).backgroundColor !== "rgb(255, 255, 255)"`)
	report := eval[string](t, ctx, contrastJS)
	var low []string
	if err := json.Unmarshal([]byte(report), &low); err != nil {
		t.Fatalf("contrast report %q: %v", report, err)
	}
	for _, l := range low {
		t.Error(l)
	}
	screenshot(t, ctx, "workspace-dark")
}

// contrastJS lists the elements whose text (or, for buttons, whose edge) falls short of
// WCAG AA in the page as it is: code tokens in the editors, the statement and the
// results, and the Run and Submit buttons.
const contrastJS = `(() => {
	const rgb = (s) => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
	const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return rgb("rgb(255,255,255)"); };
	const out = [];
	const seen = new Set();
	let n = 0;
	for (const el of document.querySelectorAll(".cm-content span, .cm-content .cm-line, .statement pre span, .statement code, .result pre, .cm-gutterElement")) {
		if (!el.textContent.trim()) continue;
		n++;
		const fg = rgb(getComputedStyle(el).color), r = ratio(fg, bg(el));
		const k = el.className + getComputedStyle(el).color;
		if (r < 4.5 && !seen.has(k)) { seen.add(k); out.push("text " + JSON.stringify(el.textContent.slice(0, 30)) + " (" + el.className + ") " + r.toFixed(2) + ":1"); }
	}
	if (n < 20) out.push("only " + n + " code elements measured");
	for (const b of document.querySelectorAll("#run, #submit")) {
		const s = getComputedStyle(b), face = rgb(s.backgroundColor), page = bg(b.parentElement);
		const text = ratio(rgb(s.color), face), edge = Math.max(ratio(face, page), ratio(rgb(s.borderTopColor), page));
		if (text < 4.5) out.push("button #" + b.id + " text " + text.toFixed(2) + ":1");
		if (edge < 3) out.push("button #" + b.id + " edge " + edge.toFixed(2) + ":1");
	}
	return JSON.stringify(out);
})()`

// TestBrowserWorkspaceWithoutJavaScript: the statement shows, the text areas post Run
// and Submit as forms, a reload of the result grades nothing, and the draft is kept.
func TestBrowserWorkspaceWithoutJavaScript(t *testing.T) {
	env := newTestEnv(t)
	ctx := browserWithin(t, false, 3*time.Minute)
	do(t, ctx, chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(`textarea[name="file:lru.go"]`)),
		chromedp.WaitVisible(chromedp.CSS(".statement h2")),
		chromedp.SetValue(chromedp.CSS(`textarea[name="file:lru.go"]`), labFiles(t, "lru", true)["lru.go"]),
		chromedp.Click(chromedp.CSS("#run")), chromedp.WaitVisible(chromedp.CSS("#result .verdict")))
	// Run, not Submit: its verdict does not hang on timing budgets on a busy machine.
	if v := eval[string](t, ctx, `document.querySelector("#result h2").textContent`); v != "This run: Passed" {
		t.Errorf("run without JavaScript: %q\n%s", v, eval[string](t, ctx, `document.getElementById("result").textContent.replace(/\s+/g, " ")`))
	}
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#result .verdict")))
	if list, _ := env.store.Attempts(context.Background(), store.LocalUserID, "lru", 0); len(list) != 1 {
		t.Errorf("%d attempts after a run and a reload; want 1", len(list))
	}
	do(t, ctx, chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(`textarea[name="file:lru.go"]`)))
	if got := eval[string](t, ctx, `document.querySelector('textarea[name="file:lru.go"]').value`); got != labFiles(t, "lru", true)["lru.go"] {
		t.Errorf("the draft was not kept on the server: %.80q", got)
	}
}

// TestBrowserWorkspaceTwoTabs: a tab left open on an older draft cannot overwrite what
// another tab saved since; it says so, and saves over it only when asked.
func TestBrowserWorkspaceTwoTabs(t *testing.T) {
	env := newTestEnv(t)
	ctx := browserWithin(t, true, 2*time.Minute)
	open := func(tab context.Context) {
		do(t, tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(env.ts.URL+"/labs/lru"), chromedp.WaitVisible(chromedp.CSS(".file .cm-content")))
	}
	open(ctx)
	other, closeOther := chromedp.NewContext(ctx)
	defer closeOther()
	open(other)
	do(t, other, focusEditor("lru.go"), ctrl(kb.End, false), typeKeys("\n// from the other tab"))
	poll(t, other, "the other tab's save", `window.__prepEditor.saved()`)

	do(t, ctx, focusEditor("lru.go"), ctrl(kb.End, false), typeKeys("\n// from the stale tab"))
	poll(t, ctx, "the conflict", `document.getElementById("saved").textContent.includes("changed in another tab or browser")`)
	if d, _, _ := env.store.Draft(context.Background(), store.LocalUserID, "lru"); !strings.Contains(d.Files["lru.go"], "// from the other tab") || strings.Contains(d.Files["lru.go"], "stale") {
		t.Fatalf("the stale tab overwrote the newer draft: %.120q", d.Files["lru.go"])
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#saved button:nth-of-type(2)`)))
	poll(t, ctx, "keeping this version", `window.__prepEditor.saved()`)
	if d, _, _ := env.store.Draft(context.Background(), store.LocalUserID, "lru"); !strings.Contains(d.Files["lru.go"], "// from the stale tab") {
		t.Errorf("\"Keep this version\" did not save it: %.120q", d.Files["lru.go"])
	}
}
