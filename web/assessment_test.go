package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"prep/labs"
	"prep/store"
)

// assessEnv is a server in sign-in mode with an admin (ana), two interviewers (bo, cy)
// and a member (dee), each with an API token, and a fake grader that passes code
// holding "// PASS".
type assessEnv struct {
	*testEnv
	tokens map[string]string // account name -> API token
}

func passIfMarked(ctx context.Context, l *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error) {
	for _, src := range files {
		if strings.Contains(src, "// PASS") {
			return passed(l, mode), nil
		}
	}
	return &labs.Result{Lab: l.Slug, Mode: mode, Verdict: labs.Failed, Message: "1 test failed (fake grader)",
		Tests: []labs.TestResult{{Name: "TestX", Status: labs.StatusFail}}}, nil
}

func newAssessEnv(t *testing.T) *assessEnv {
	t.Helper()
	env := &assessEnv{testEnv: newFakeGradingEnv(t, 2, passIfMarked), tokens: map[string]string{}}
	ctx := context.Background()
	for _, u := range []struct{ name, role string }{{"ana", store.RoleMember}, {"bo", store.RoleInterviewer}, {"cy", store.RoleInterviewer}, {"dee", store.RoleMember}} {
		acc, err := env.store.AddUserWithRole(ctx, u.name, "a long enough password", u.role)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := env.store.CreateAPIToken(ctx, acc.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		env.tokens[u.name] = secret
	}
	return env
}

// call sends a request as who (an account name, "" for nobody) and returns status and body.
func (e *assessEnv) call(t *testing.T, who, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v in %.300s", err, body)
	}
}

var tokenInURL = regexp.MustCompile(`/a/([A-Za-z0-9_-]+)$`)

// setup creates bo's assessment of two labs and invites ada and bea; it returns the
// assessment id, the invites' ids and their tokens.
func (e *assessEnv) setup(t *testing.T) (int64, [2]int64, [2]string) {
	t.Helper()
	code, body := e.call(t, "bo", "POST", "/api/assessments", `{"title":"Backend","labs":["shortener","vector-clock"],"time_limit_minutes":60,"expires_at":"2026-11-30T00:00:00Z","note":"Good luck"}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var a struct{ ID int64 }
	decode(t, body, &a)
	var ids [2]int64
	var tokens [2]string
	for i, label := range []string{"ada", "bea"} {
		code, body := e.call(t, "bo", "POST", "/api/assessments/"+itoa(a.ID)+"/invites", `{"label":"`+label+`"}`)
		if code != http.StatusCreated {
			t.Fatalf("invite: %d %s", code, body)
		}
		var iv struct {
			ID  int64
			URL string
		}
		decode(t, body, &iv)
		m := tokenInURL.FindStringSubmatch(iv.URL)
		if m == nil || len(m[1]) < 43 || strings.Contains(body, `"token"`) {
			t.Fatalf("invite url %q (body %s)", iv.URL, body)
		}
		ids[i], tokens[i] = iv.ID, m[1]
	}
	return a.ID, ids, tokens
}

// draftFiles returns the starter of a lab as the candidate sees it, with marker added
// to its first file.
func (e *assessEnv) draftFiles(t *testing.T, token, slug, marker string) string {
	t.Helper()
	code, body := e.call(t, "", "GET", "/api/a/"+token+"/labs/"+slug+"/draft", "")
	if code != 200 {
		t.Fatalf("draft of %s: %d %s", slug, code, body)
	}
	var d draftJSON
	decode(t, body, &d)
	l, _ := e.srv.labs.Lab(slug)
	first := l.StarterNames()[0]
	d.Files[first] += "\n" + marker + "\n"
	b, _ := json.Marshal(map[string]any{"files": d.Files})
	return string(b)
}

func TestAssessmentRolesAndIsolation(t *testing.T) {
	e := newAssessEnv(t)
	aid, ids, tokens := e.setup(t)
	ada, bea := tokens[0], tokens[1]
	A := "/api/assessments/" + itoa(aid)
	for _, sc := range []struct {
		name, who, method, path, body string
		status                        int
		contains, excludes            string
	}{
		{"member cannot create", "dee", "POST", "/api/assessments", `{"title":"x","labs":["shortener"],"time_limit_minutes":5,"expires_at":"2026-11-30T00:00:00Z"}`, 403, "interviewers", ""},
		{"nobody cannot create", "", "POST", "/api/assessments", `{"title":"x"}`, 401, "sign in", ""},
		{"member cannot list", "dee", "GET", "/api/assessments", "", 403, "", ""},
		{"bad spec", "bo", "POST", "/api/assessments", `{"title":"x","labs":[],"time_limit_minutes":5,"expires_at":"2026-11-30T00:00:00Z"}`, 400, "labs: choose 1 to 5", ""},
		{"owner reads", "bo", "GET", A, "", 200, `"label":"ada"`, ""},
		{"other interviewer cannot read", "cy", "GET", A, "", 404, "no assessment", "ada"},
		{"other interviewer's list", "cy", "GET", "/api/assessments", "", 200, `"assessments":[]`, ""},
		{"other interviewer cannot report", "cy", "GET", A + "/report", "", 404, "", "ada"},
		{"other interviewer cannot csv", "cy", "GET", A + "/report.csv", "", 404, "", "ada"},
		{"other interviewer cannot invite", "cy", "POST", A + "/invites", `{"label":"x"}`, 404, "", ""},
		{"other interviewer cannot revoke", "cy", "DELETE", "/api/invites/" + itoa(ids[0]), "", 404, "", ""},
		{"other interviewer cannot extend", "cy", "POST", "/api/invites/" + itoa(ids[0]) + "/extend", `{"minutes":5}`, 404, "", ""},
		{"admin reads all", "ana", "GET", A, "", 200, `"label":"bea"`, ""},
		{"admin lists all", "ana", "GET", "/api/assessments", "", 200, `"title":"Backend"`, ""},
		{"a candidate token is no API token", "", "GET", A, "", 401, "", "ada"},
		{"unknown token", "", "GET", "/api/a/" + strings.Repeat("A", 43), "", 404, "no such invite", ""},
		{"malformed token", "", "GET", "/api/a/x", "", 404, "no such invite", ""},
		{"the candidate sees its invite, opened now", "", "GET", "/api/a/" + ada, "", 200, `"state":"opened"`, "bea"},
		{"not before Start", "", "GET", "/api/a/" + ada + "/labs/shortener/draft", "", 409, "press Start", ""},
		{"grading before Start", "", "POST", "/api/a/" + ada + "/labs/shortener/runs", `{"files":{"a.go":"package a"}}`, 409, "press Start", ""},
		{"start", "", "POST", "/api/a/" + ada + "/start", `{}`, 200, `"state":"in_progress"`, ""},
		{"start again", "", "POST", "/api/a/" + ada + "/start", `{}`, 200, `"state":"in_progress"`, ""},
		{"an unassigned lab", "", "GET", "/api/a/" + ada + "/labs/event-sourcing/draft", "", 404, "no lab", ""},
		{"grading an unassigned lab", "", "POST", "/api/a/" + ada + "/labs/event-sourcing/submissions", `{"files":{"a.go":"package a"}}`, 404, "no lab", ""},
		{"no interviewer page with a token cookie-less", "", "GET", "/api/assessments", "", 401, "", ""},
		{"the study API is not the invite's", "", "GET", "/api/labs/shortener/draft", "", 401, "", ""},
		{"member has no admin page", "dee", "GET", "/admin/users", "", 403, "", ""},
		{"interviewer has no admin page", "bo", "GET", "/admin/users", "", 403, "", ""},
		{"admin page", "ana", "GET", "/admin/users", "", 200, "dee", "invite:"},
		{"bea's token opens bea's", "", "GET", "/api/a/" + bea, "", 200, `"state":"opened"`, ""},
	} {
		code, body := e.call(t, sc.who, sc.method, sc.path, sc.body)
		if code != sc.status || !strings.Contains(body, sc.contains) || (sc.excludes != "" && strings.Contains(body, sc.excludes)) {
			t.Errorf("%s: %s %s: %d, want %d containing %q without %q\n%.400s", sc.name, sc.method, sc.path, code, sc.status, sc.contains, sc.excludes, body)
		}
	}

	// One candidate's code never reaches another.
	if code, body := e.call(t, "", "PUT", "/api/a/"+ada+"/labs/shortener/draft", e.draftFiles(t, ada, "shortener", "// ada-secret")); code != 200 {
		t.Fatalf("ada's draft: %d %s", code, body)
	}
	e.call(t, "", "POST", "/api/a/"+bea+"/start", `{}`)
	if _, body := e.call(t, "", "GET", "/api/a/"+bea+"/labs/shortener/draft", ""); strings.Contains(body, "ada-secret") {
		t.Error("bea's workspace shows ada's draft")
	}
	if _, body := e.call(t, "", "GET", "/api/a/"+ada+"/labs/shortener/draft", ""); !strings.Contains(body, "ada-secret") {
		t.Error("ada's draft was not kept")
	}
	// Nor does it reach the interviewer's own study workspace.
	if _, body := e.call(t, "bo", "GET", "/api/labs/shortener/draft", ""); strings.Contains(body, "ada-secret") {
		t.Error("bo's own draft shows ada's")
	}

	// Revoked, expired and unknown tokens get the very same answer.
	unknownCode, unknown := e.call(t, "", "GET", "/api/a/"+strings.Repeat("B", 43), "")
	if code, body := e.call(t, "bo", "DELETE", "/api/invites/"+itoa(ids[1]), ""); code != 200 || !strings.Contains(body, `"state":"revoked"`) {
		t.Fatalf("revoke: %d %s", code, body)
	}
	for _, path := range []string{"/api/a/" + bea, "/api/a/" + bea + "/labs/shortener/draft"} {
		if code, body := e.call(t, "", "GET", path, ""); code != unknownCode || body != unknown {
			t.Errorf("revoked %s: %d %s, want as unknown: %d %s", path, code, body, unknownCode, unknown)
		}
	}
	if code, body := e.call(t, "", "GET", "/a/"+bea, ""); code != 404 || strings.Contains(body, "revoked") {
		t.Errorf("revoked invite's page: %d %.200s", code, body)
	}
}

func TestAssessmentDeadlineAndSweep(t *testing.T) {
	e := newAssessEnv(t)
	aid, ids, tokens := e.setup(t)
	ada := tokens[0]
	e.call(t, "", "GET", "/api/a/"+ada, "")
	e.call(t, "", "POST", "/api/a/"+ada+"/start", `{}`)
	passing := e.draftFiles(t, ada, "shortener", "// PASS")
	failing := e.draftFiles(t, ada, "shortener", "// nope")
	var sub struct {
		Result  labs.Result
		Attempt int64
	}
	code, body := e.call(t, "", "POST", "/api/a/"+ada+"/labs/shortener/runs", passing)
	if code != 200 {
		t.Fatalf("run: %d %s", code, body)
	}
	code, body = e.call(t, "", "POST", "/api/a/"+ada+"/labs/shortener/submissions", failing)
	decode(t, body, &sub)
	if code != 200 || sub.Result.Verdict != labs.Failed || sub.Attempt == 0 {
		t.Fatalf("submit: %d %s", code, body)
	}
	// The last draft, never submitted, passes: the sweeper must submit it.
	e.advance(10 * time.Minute)
	if code, body := e.call(t, "", "PUT", "/api/a/"+ada+"/labs/shortener/draft", passing); code != 200 {
		t.Fatalf("draft: %d %s", code, body)
	}
	if code, body := e.call(t, "", "PUT", "/api/a/"+ada+"/labs/vector-clock/draft", e.draftFiles(t, ada, "vector-clock", "// PASS")); code != 200 {
		t.Fatalf("draft: %d %s", code, body)
	}
	// An extension of 5 minutes moves the deadline to 65 minutes after Start.
	if code, body := e.call(t, "bo", "POST", "/api/invites/"+itoa(ids[0])+"/extend", `{"minutes":5}`); code != 200 || !strings.Contains(body, `"state":"in_progress"`) {
		t.Fatalf("extend: %d %s", code, body)
	}
	e.advance(52 * time.Minute) // 62 minutes in: still running
	if err := e.srv.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, body := e.call(t, "", "GET", "/api/a/"+ada, ""); !strings.Contains(body, `"state":"in_progress"`) {
		t.Fatalf("swept before the deadline: %s", body)
	}
	e.advance(4 * time.Minute) // 66 minutes: past the deadline
	for _, path := range []string{"/labs/shortener/submissions", "/labs/shortener/runs"} {
		code, body := e.call(t, "", "POST", "/api/a/"+ada+path, passing)
		if code != http.StatusConflict || !strings.Contains(body, "time is up") {
			t.Errorf("grading after the deadline (%s): %d %s", path, code, body)
		}
	}
	if code, body := e.call(t, "", "PUT", "/api/a/"+ada+"/labs/shortener/draft", failing); code != http.StatusConflict {
		t.Errorf("saving after the deadline: %d %s", code, body)
	}

	// A restart: a new server over the same database file sweeps what the old one left.
	db2, err := store.Open(context.Background(), filepath.Clean(e.store.Path()))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	srv2, err := New(Deps{Library: e.srv.lib, Labs: e.srv.labs, Store: db2, Grader: fakeGrader(passIfMarked), Now: e.now, Logger: e.srv.log})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv2.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, body = e.call(t, "bo", "GET", "/api/assessments/"+itoa(aid)+"/report", "")
	if code != 200 {
		t.Fatalf("report: %d %s", code, body)
	}
	var rep struct {
		Invites []struct {
			Label         string
			State         string
			AutoSubmitted bool `json:"auto_submitted"`
			Passed        int  `json:"labs_passed"`
			TimeUsed      int  `json:"time_used_seconds"`
			Labs          []struct {
				Slug      string
				Verdict   string
				Runs      int
				Submits   int
				FirstPass *int64 `json:"first_pass_seconds"`
				Timeline  []struct {
					Mode, Verdict, Diff string
					Auto                bool `json:"auto_submitted"`
				}
				Snapshots []struct{ Files map[string]string }
			}
		}
		Audit []struct{ Event, Actor string }
	}
	decode(t, body, &rep)
	ada0 := rep.Invites[0]
	if ada0.Label != "ada" {
		ada0 = rep.Invites[1]
	}
	if ada0.State != "submitted" || !ada0.AutoSubmitted || ada0.Passed != 2 || ada0.TimeUsed != 65*60 {
		t.Fatalf("ada after the sweep: %+v", ada0)
	}
	sh := ada0.Labs[0]
	if sh.Slug != "shortener" || sh.Verdict != "passed" || sh.Runs != 1 || sh.Submits != 2 || sh.FirstPass == nil || len(sh.Timeline) != 3 {
		t.Errorf("shortener: %+v", sh)
	}
	if last := sh.Timeline[len(sh.Timeline)-1]; !last.Auto || !strings.Contains(last.Diff, "+// PASS") || !strings.Contains(last.Diff, "-// nope") {
		t.Errorf("the automatic submit: %+v", last)
	}
	if len(sh.Snapshots) == 0 {
		t.Error("no draft snapshots for playback")
	}
	var events []string
	for _, ev := range rep.Audit {
		events = append(events, ev.Event)
	}
	for _, want := range []string{"created", "invite_issued", "opened", "started", "submitted", "extended", "auto_submitted", "finished"} {
		if !strings.Contains(strings.Join(events, ","), want) {
			t.Errorf("audit log lacks %q: %v", want, events)
		}
	}
	// The invite is read-only now, and a sweep again changes nothing.
	if code, body := e.call(t, "", "POST", "/api/a/"+ada+"/labs/shortener/submissions", passing); code != http.StatusConflict || !strings.Contains(body, "read-only") {
		t.Errorf("grading a submitted invite: %d %s", code, body)
	}
	if err := e.srv.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, csv := e.call(t, "bo", "GET", "/api/assessments/"+itoa(aid)+"/report.csv?sort=verdict", "")
	if code != 200 || !strings.HasPrefix(csv, "invite,label,state,minutes_used,labs_passed,verdict:shortener,verdict:vector-clock\n") || !strings.Contains(csv, ",ada,submitted,65.0,2,passed,passed") {
		t.Errorf("csv: %d\n%s", code, csv)
	}
	// Pages render: the assessment, the invite's report with playback, the candidate's.
	for _, p := range []struct{ who, path, want string }{
		{"bo", "/assessments/" + itoa(aid), "Audit log"},
		{"bo", "/invites/" + itoa(ids[0]), `class="pb-slider"`},
		{"", "/a/" + ada, "read-only"},
		{"", "/a/" + ada + "/labs/shortener", "read-only"},
	} {
		req, _ := http.NewRequest("GET", e.ts.URL+p.path, nil)
		if p.who != "" {
			req.Header.Set("Authorization", "Bearer "+e.tokens[p.who])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), p.want) {
			t.Errorf("page %s: %d lacks %q\n%.600s", p.path, resp.StatusCode, p.want, b)
		}
	}
}

// TestAssessmentBearerAndCookies: a bearer request needs no CSRF proof even when it
// looks cross-site, a bad token is refused rather than falling back to the cookies,
// and the cookie path keeps its CSRF check: an interviewer signed in with a form
// creates an assessment only from a page of this origin.
func TestAssessmentBearerAndCookies(t *testing.T) {
	e := newAssessEnv(t)
	body := `{"title":"Bearer","labs":["shortener"],"time_limit_minutes":30,"expires_at":"2026-11-30T00:00:00Z"}`
	send := func(headers map[string]string, cookie string) (int, string) {
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/assessments", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	c := browserClient(t)
	_, _, pre := page(t, c, e.ts.URL+"/login")
	if code, _, b := postForm(t, c, e.ts.URL+"/login", map[string][]string{"_csrf": {pre}, "name": {"bo"}, "password": {"a long enough password"}}); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %s", code, b)
	}
	u, _ := http.NewRequest("GET", e.ts.URL, nil)
	session := ""
	for _, ck := range c.Jar.Cookies(u.URL) {
		if ck.Name == sessionCookie {
			session = ck.Name + "=" + ck.Value
		}
	}
	crossSite := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	for _, tc := range []struct {
		name    string
		headers map[string]string
		cookie  string
		status  int
	}{
		{"bearer, cross-site headers", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example", "Authorization": "Bearer " + e.tokens["bo"]}, "", 201},
		{"bad bearer with a valid session", map[string]string{"Authorization": "Bearer prep_forged", "Sec-Fetch-Site": "same-origin"}, session, 401},
		{"revoked-style bearer", map[string]string{"Authorization": "Bearer nothing"}, "", 401},
		{"session, cross-site", crossSite, session, 403},
		{"session, same-origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, session, 201},
		{"member's bearer", map[string]string{"Authorization": "Bearer " + e.tokens["dee"]}, "", 403},
	} {
		if code, b := send(tc.headers, tc.cookie); code != tc.status {
			t.Errorf("%s: %d, want %d: %.300s", tc.name, code, tc.status, b)
		}
	}
	// The form path, as a browser without JavaScript uses it.
	_, pageBody, token := page(t, c, e.ts.URL+"/assessments")
	if !strings.Contains(pageBody, "New assessment") {
		t.Fatalf("assessments page: %.500s", pageBody)
	}
	code, loc, b := postForm(t, c, e.ts.URL+"/assessments", map[string][]string{"_csrf": {token}, "title": {"Form"}, "labs": {"shortener", "vector-clock"},
		"time_limit_minutes": {"45"}, "expires_at": {"2026-11-20"}, "note": {"hello"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/assessments/") {
		t.Fatalf("form create: %d %s %.300s", code, loc, b)
	}
	_, pageBody, token = page(t, c, e.ts.URL+loc)
	code, _, b = postForm(t, c, e.ts.URL+loc+"/invites", map[string][]string{"_csrf": {token}, "label": {"zoe"}})
	if code != http.StatusCreated || !tokenInPage.MatchString(b) {
		t.Fatalf("form invite: %d %.500s", code, b)
	}
	// Offline mode has no interviewer pages: a fresh server without accounts.
	off := newTestEnv(t)
	for _, p := range []string{"/assessments", "/api/assessments", "/admin/users"} {
		resp, err := http.Get(off.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("offline %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

var tokenInPage = regexp.MustCompile(`value="http://[^"]+/a/[A-Za-z0-9_-]{43}"`)

// form posts a form as who (bearer requests need no CSRF token).
func (e *assessEnv) form(t *testing.T, who, path string, v url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminAccountsTokensAndReissue(t *testing.T) {
	e := newAssessEnv(t)
	dee, err := e.store.UserByName(context.Background(), "dee")
	if err != nil {
		t.Fatal(err)
	}
	spec := `{"title":"x","labs":["shortener"],"time_limit_minutes":5,"expires_at":"2026-11-30T00:00:00Z"}`
	ana, _ := e.store.UserByName(context.Background(), "ana")
	for _, tc := range []struct {
		name, who, path string
		form            url.Values
		status          int
	}{
		{"an interviewer cannot change roles", "bo", "/admin/users/" + itoa(dee.ID) + "/role", url.Values{"role": {"admin"}}, 403},
		{"bad role", "ana", "/admin/users/" + itoa(dee.ID) + "/role", url.Values{"role": {"root"}}, 400},
		{"promote dee", "ana", "/admin/users/" + itoa(dee.ID) + "/role", url.Values{"role": {"interviewer"}}, 303},
		{"not oneself", "ana", "/admin/users/" + itoa(ana.ID) + "/disable", url.Values{"disabled": {"1"}}, 409},
	} {
		if code, body := e.form(t, tc.who, tc.path, tc.form); code != tc.status {
			t.Errorf("%s: %d, want %d: %.300s", tc.name, code, tc.status, body)
		}
	}
	if code, body := e.call(t, "dee", "POST", "/api/assessments", spec); code != 201 {
		t.Errorf("dee promoted cannot create: %d %s", code, body)
	}
	if code, _ := e.form(t, "ana", "/admin/users/"+itoa(dee.ID)+"/disable", url.Values{"disabled": {"1"}}); code != 303 {
		t.Errorf("disable: %d", code)
	}
	if code, _ := e.call(t, "dee", "GET", "/api/assessments", ""); code != 401 {
		t.Errorf("a disabled account's token: %d, want 401", code)
	}

	// Tokens from the settings page and the API; revoked ones stop working.
	code, body := e.form(t, "bo", "/settings/tokens", url.Values{"name": {"ats"}})
	m := regexp.MustCompile(`value="(prep_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	if code != 201 || m == nil {
		t.Fatalf("token form: %d %.400s", code, body)
	}
	e.tokens["bo2"] = m[1]
	if code, _ := e.call(t, "bo2", "GET", "/api/assessments", ""); code != 200 {
		t.Errorf("the new token: %d", code)
	}
	_, body = e.call(t, "bo", "GET", "/api/tokens", "")
	var list struct{ Tokens []struct{ ID int64 } }
	decode(t, body, &list)
	if len(list.Tokens) != 2 {
		t.Fatalf("bo's tokens: %s", body)
	}
	if code, _ := e.call(t, "cy", "DELETE", "/api/tokens/"+itoa(list.Tokens[1].ID), ""); code != 404 {
		t.Errorf("cy revoked bo's token: %d", code)
	}
	if code, _ := e.call(t, "bo", "DELETE", "/api/tokens/"+itoa(list.Tokens[1].ID), ""); code != 204 {
		t.Errorf("revoke: %d", code)
	}
	if code, _ := e.call(t, "bo2", "GET", "/api/assessments", ""); code != 401 {
		t.Errorf("a revoked token: %d, want 401", code)
	}

	// A new link replaces the old one; the candidate's work stays with the invite.
	_, ids, tokens := e.setup(t)
	e.call(t, "", "POST", "/api/a/"+tokens[0]+"/start", `{}`)
	code, body = e.call(t, "bo", "POST", "/api/invites/"+itoa(ids[0])+"/reissue", `{}`)
	nm := tokenInURL.FindStringSubmatch(strings.TrimSuffix(strings.Split(body, `"url":"`)[1][:strings.Index(strings.Split(body, `"url":"`)[1], `"`)], "/"))
	if code != 200 || nm == nil {
		t.Fatalf("reissue: %d %s", code, body)
	}
	if code, _ := e.call(t, "", "GET", "/api/a/"+tokens[0], ""); code != 404 {
		t.Errorf("the old link after a reissue: %d", code)
	}
	if _, body := e.call(t, "", "GET", "/api/a/"+nm[1], ""); !strings.Contains(body, `"state":"in_progress"`) {
		t.Errorf("the new link: %s", body)
	}
}

// TestFinishEarlySubmitsDrafts: Finish submits the drafts not submitted yet, then the
// invite is read-only; finishing twice is a conflict.
func TestFinishEarlySubmitsDrafts(t *testing.T) {
	e := newAssessEnv(t)
	aid, ids, tokens := e.setup(t)
	bea := tokens[1]
	e.call(t, "", "POST", "/api/a/"+bea+"/start", `{}`)
	if code, body := e.call(t, "", "PUT", "/api/a/"+bea+"/labs/vector-clock/draft", e.draftFiles(t, bea, "vector-clock", "// PASS")); code != 200 {
		t.Fatalf("draft: %d %s", code, body)
	}
	e.advance(7 * time.Minute)
	if code, body := e.call(t, "", "POST", "/api/a/"+bea+"/finish", `{}`); code != 200 || !strings.Contains(body, `"state":"submitted"`) {
		t.Fatalf("finish: %d %s", code, body)
	}
	if code, body := e.call(t, "", "POST", "/api/a/"+bea+"/finish", `{}`); code != http.StatusConflict {
		t.Errorf("finish twice: %d %s", code, body)
	}
	_, body := e.call(t, "bo", "GET", "/api/invites/"+itoa(ids[1])+"/report", "")
	var r struct {
		State    string
		Auto     bool `json:"auto_submitted"`
		TimeUsed int  `json:"time_used_seconds"`
		Labs     []struct{ Slug, Verdict string }
	}
	decode(t, body, &r)
	if r.State != "submitted" || r.Auto || r.TimeUsed != 7*60 || r.Labs[0].Verdict != "" || r.Labs[1].Verdict != "passed" {
		t.Errorf("after finishing early: %+v", r)
	}
	_, body = e.call(t, "bo", "GET", "/api/assessments/"+itoa(aid)+"/report", "")
	if !strings.Contains(body, `"event":"finished","invite_id":`+itoa(ids[1])) {
		t.Errorf("no finish in the audit log: %.2000s", body)
	}
}
