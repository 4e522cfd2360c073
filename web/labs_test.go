package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"prep/labs"
	"prep/labs/grader"
	"prep/store"
)

// labFiles returns a lab's starter or solution files, keyed by name.
func labFiles(t *testing.T, slug string, solution bool) map[string]string {
	t.Helper()
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	l, err := set.Lab(slug)
	if err != nil {
		t.Fatal(err)
	}
	if solution {
		return labs.Files(l.Solution)
	}
	return labs.Files(l.Starter)
}

// secretLines returns a line of each hidden test and of the solution that the starter
// does not have: none may ever reach a page or the API.
func secretLines(t *testing.T, slug string) []string {
	t.Helper()
	set, _ := labs.Load("")
	l, _ := set.Lab(slug)
	starter := strings.Join(func() []string {
		var s []string
		for _, f := range l.Starter {
			s = append(s, f.Src)
		}
		return s
	}(), "\n")
	var out []string
	for _, f := range append(append([]labs.File{}, l.Hidden...), l.Solution...) {
		for _, line := range strings.Split(f.Src, "\n") {
			line = strings.TrimSpace(line)
			if len(line) > 25 && !strings.HasPrefix(line, "//") && !strings.Contains(starter, line) && !strings.Contains(l.Statement, line) {
				out = append(out, line)
				break
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: found no secret lines to look for", slug)
	}
	return out
}

func TestLabPagesAndAPI(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	scenarios := []scenario{
		{name: "list", url: "/labs", status: 200, contains: []string{"LRU cache", `href="/labs/circuit-breaker"`, `href="/labs/saga"`, `href="/labs/token-bucket"`}},
		{name: "lab page", url: "/labs/token-bucket", status: 200, contains: []string{`name="file:bucket.go"`, `name="file:my_test.go"`, `id="run"`, "Submit", "Public tests"}},
		{name: "unknown lab", url: "/labs/nope", status: 404},
		{name: "api list", url: "/api/labs", status: 200, contains: []string{`"slug":"lru"`, `"url":"/labs/lru"`}},
		{name: "api lab", url: "/api/labs/lru", status: 200, contains: []string{`"starter":{"lru.go"`, `"public_tests":`, `"perf_tests":`}},
		{name: "api unknown lab", url: "/api/labs/nope", status: 404, contains: []string{`"kind":"not_found"`}},
		{name: "api run without files", method: "POST", url: "/api/labs/lru/runs", body: `{"files":{}}`, header: map[string]string{"Content-Type": "application/json"}, status: 400, contains: []string{"no files in the submission"}},
		{name: "api run bad json", method: "POST", url: "/api/labs/lru/runs", body: `{"files":`, header: map[string]string{"Content-Type": "application/json"}, status: 400, contains: []string{"body must be JSON"}},
		{name: "card links its lab", url: "/cards/circuit-breaker", status: 200, contains: []string{`href="/labs/circuit-breaker"`, "Lab: Circuit breaker"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
	for _, slug := range []string{"lru", "circuit-breaker", "token-bucket", "saga"} {
		_, html, _ := page(t, c, env.ts.URL+"/labs/"+slug)
		_, api, _ := page(t, c, env.ts.URL+"/api/labs/"+slug)
		for _, secret := range secretLines(t, slug) {
			if strings.Contains(html, secret) || strings.Contains(api, secret) {
				t.Errorf("%s: a line of the hidden tests or solution is served: %q", slug, secret)
			}
		}
	}
}

func TestLabGrading(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	body := func(files map[string]string) string {
		b, _ := json.Marshal(map[string]any{"files": files})
		return string(b)
	}
	// The starter runs and fails; the reference passes everything on submit.
	code, resp := postJSON(t, c, env.ts.URL+"/api/labs/token-bucket/submissions", body(labFiles(t, "token-bucket", false)))
	if code != 200 || !strings.Contains(resp, `"verdict":"failed"`) || !strings.Contains(resp, `"hidden":true`) {
		t.Errorf("starter submission: %d %.600s", code, resp)
	}
	code, resp = postJSON(t, c, env.ts.URL+"/api/labs/token-bucket/submissions", body(labFiles(t, "token-bucket", true)))
	if code != 200 || !strings.Contains(resp, `"verdict":"passed"`) || !strings.Contains(resp, `"attempt":`) {
		t.Errorf("reference submission: %d %.600s", code, resp)
	}
	// A compile error names the file, line and column.
	broken := map[string]string{"bucket.go": "package tokenbucket\n\nfunc broken() int { return undefinedName }\n"}
	code, resp = postJSON(t, c, env.ts.URL+"/api/labs/token-bucket/runs", body(broken))
	if code != 200 || !strings.Contains(resp, `"verdict":"compile_error"`) || !strings.Contains(resp, `"file":"bucket.go","line":3`) {
		t.Errorf("compile error: %d %.600s", code, resp)
	}
	// The attempts are kept: the best is a pass, shown on the lab list.
	st, err := env.store.LabStatus(context.Background(), store.LocalUserID)
	if err != nil || st["token-bucket"] != "passed" {
		t.Errorf("lab status: %v %v", st, err)
	}
	_, list, _ := page(t, c, env.ts.URL+"/labs")
	if !strings.Contains(list, `<span class="badge ok">passed</span>`) {
		t.Error("the lab list does not show the pass")
	}
	// The lab page shows past attempts and continues from the last code.
	_, lab, _ := page(t, c, env.ts.URL+"/labs/token-bucket")
	if !strings.Contains(lab, "Your attempts") || !strings.Contains(lab, "undefinedName") {
		t.Errorf("lab page after attempts: %.300s", lab)
	}
}

// TestLabFormPost grades through the page's form, as a browser without JavaScript does:
// post, redirect to the attempt, get; a reload shows the attempt and grades nothing.
func TestLabFormPost(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	_, _, token := page(t, c, env.ts.URL+"/labs/token-bucket")
	form := url.Values{"_csrf": {token}}
	for name, src := range labFiles(t, "token-bucket", false) {
		form.Set("file:"+name, strings.ReplaceAll(src, "\n", "\r\n")) // as a browser sends a textarea
	}
	form.Set("file:my_test.go", "package tokenbucket\r\n\r\nimport \"testing\"\r\n\r\nfunc TestMine(t *testing.T) { t.Log(\"mine ran\") }\r\n")
	code, loc, _ := postForm(t, c, env.ts.URL+"/labs/token-bucket/run", form)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/labs/token-bucket/attempts/") {
		t.Fatalf("form run: %d %q; want 303 to the attempt", code, loc)
	}
	for range 2 { // the second GET is a reload
		code, resp, _ := page(t, c, env.ts.URL+loc)
		if code != 200 || !strings.Contains(resp, `id="result"`) || !strings.Contains(resp, "This run: ") || !strings.Contains(resp, "<code>TestMine</code>") {
			t.Fatalf("attempt page: %d %.800s", code, resp)
		}
		if !strings.Contains(resp, `class="t-fail"`) && !strings.Contains(resp, `class="t-pass"`) {
			t.Errorf("no per-test rows in %.1500s", resp)
		}
	}
	list, _ := env.store.Attempts(context.Background(), store.LocalUserID, "token-bucket", 0)
	if len(list) != 1 {
		t.Errorf("%d attempts after one post and a reload; want 1", len(list))
	}
	// The draft is kept on the server, own tests too; the page shows it.
	d, ok, err := env.store.Draft(context.Background(), store.LocalUserID, "token-bucket")
	if err != nil || !ok || !strings.Contains(d.Files["my_test.go"], "mine ran") || strings.Contains(d.Files["bucket.go"], "\r") {
		t.Errorf("draft after the form post: %v %v %+v", ok, err, d)
	}
	// Submit never sends the candidate's own tests.
	code, loc, _ = postForm(t, c, env.ts.URL+"/labs/token-bucket/submit", form)
	if code != http.StatusSeeOther {
		t.Fatalf("form submit: %d", code)
	}
	_, resp, _ := page(t, c, env.ts.URL+loc)
	if !strings.Contains(resp, "This submission: ") || strings.Contains(resp, "<code>TestMine</code>") {
		t.Errorf("the submission ran the candidate's own test or shows no verdict: %.1500s", resp)
	}
}

// TestGradingQueueFull: with one worker and room for one waiting grading, four gradings
// sent at once cannot all be taken: the others get 429 with Retry-After at once.
func TestGradingQueueFull(t *testing.T) {
	env := newTestEnvWith(t, grader.Config{Workers: 1, QueueSize: 1})
	spin, _ := json.Marshal(map[string]any{"files": map[string]string{
		"bucket.go": strings.Replace(labFiles(t, "token-bucket", false)["bucket.go"], "package tokenbucket", "package tokenbucket\n\nfunc init() { for {} }", 1)}})
	type answer struct {
		code       int
		retryAfter string
	}
	answers := make(chan answer, 4)
	for i := 0; i < 4; i++ {
		go func() {
			resp, err := env.ts.Client().Post(env.ts.URL+"/api/labs/token-bucket/runs", "application/json", strings.NewReader(string(spin)))
			if err != nil {
				answers <- answer{}
				return
			}
			resp.Body.Close()
			answers <- answer{resp.StatusCode, resp.Header.Get("Retry-After")}
		}()
	}
	busy := 0
	for i := 0; i < 4; i++ {
		a := <-answers
		switch a.code {
		case http.StatusTooManyRequests:
			busy++
			if a.retryAfter == "" {
				t.Error("429 without Retry-After")
			}
		case http.StatusOK:
		default:
			t.Errorf("status %d", a.code)
		}
	}
	if busy < 2 {
		t.Errorf("%d of 4 gradings refused; with 1 worker and a queue of 1, at least 2 must be", busy)
	}
}
