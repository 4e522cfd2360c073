package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// csrfRoute is a state-changing request: its method, path, and a body in each encoding
// a client might use.
type csrfRoute struct {
	method, path string
	form         string // url-encoded body, without the token
	json         string // JSON body; "" for routes that only take forms
}

// csrfRoutes is every state-changing route (TestCSRF checks none is missing). Labs are
// named "nope" so that an accepted request ends at a 404 without grading anything. A
// row for a route this server does not have is harmless: the check runs before routing
// decides on 404 or 405.
var csrfRoutes = []csrfRoute{
	{"POST", "/login", "name=eve&password=attacker+password", `{"name":"eve","password":"attacker password"}`},
	{"POST", "/logout", "", ""},
	{"POST", "/logout/everywhere", "", ""},
	{"POST", "/account", "name=eve&password=attacker+password", ""},
	{"POST", "/review", "card=circuit-breaker&rating=3", ""},
	{"POST", "/review/undo", "", ""},
	{"POST", "/settings", "desired_retention=0.7&new_per_day=99&rollover_hour=4&max_interval_days=365&time_zone=UTC", ""},
	{"POST", "/import", "", ""},
	{"POST", "/import/confirm", "", ""},
	{"POST", "/labs/nope/run", "file:lru.go=package+lru", ""},
	{"POST", "/labs/nope/submit", "file:lru.go=package+lru", ""},
	{"POST", "/api/review/ratings", "card=circuit-breaker&rating=3", `{"card":"circuit-breaker","rating":3}`},
	{"POST", "/api/review/undo", "", `{}`},
	{"PUT", "/api/settings", "new_per_day=99", `{"new_per_day":99}`},
	{"POST", "/api/labs/nope/runs", "", `{"files":{"lru.go":"package lru"}}`},
	{"POST", "/api/labs/nope/submissions", "", `{"files":{"lru.go":"package lru"}}`},
	{"POST", "/cards/circuit-breaker/suspend", "", ""},
	{"POST", "/cards/circuit-breaker/bury", "", ""},
	{"POST", "/api/cards/circuit-breaker/suspend", "", `{}`},
	{"POST", "/api/cards/circuit-breaker/bury", "", `{}`},
	// Routes of the lab workspace (branch workspace).
	{"POST", "/labs/nope/attempts/1/restore", "", ""},
	{"POST", "/labs/nope/reset", "", ""},
	{"PUT", "/api/labs/nope/draft", "", `{"files":{"lru.go":"package lru"}}`},
	{"DELETE", "/api/labs/nope/draft", "", `{}`},
	// Assessments (branch assess): interviewers' forms and API, the candidate's
	// routes (token "nope"), accounts and API tokens.
	{"POST", "/assessments", "title=x&labs=lru-cache&time_limit_minutes=5&expires_at=2030-01-01", ""},
	{"POST", "/assessments/1/invites", "label=eve", ""},
	{"POST", "/invites/1/revoke", "", ""},
	{"POST", "/invites/1/extend", "minutes=5", ""},
	{"POST", "/invites/1/reissue", "", ""},
	{"POST", "/api/assessments", "", `{"title":"x","labs":["lru-cache"],"time_limit_minutes":5,"expires_at":"2030-01-01"}`},
	{"POST", "/api/assessments/1/invites", "", `{"label":"eve"}`},
	{"DELETE", "/api/invites/1", "", `{}`},
	{"POST", "/api/invites/1/extend", "", `{"minutes":5}`},
	{"POST", "/api/invites/1/reissue", "", `{}`},
	{"POST", "/a/nope/start", "", ""},
	{"POST", "/a/nope/finish", "", ""},
	{"POST", "/a/nope/labs/nope/run", "file:lru.go=package+lru", ""},
	{"POST", "/a/nope/labs/nope/submit", "file:lru.go=package+lru", ""},
	{"POST", "/api/a/nope/start", "", `{}`},
	{"POST", "/api/a/nope/finish", "", `{}`},
	{"PUT", "/api/a/nope/labs/nope/draft", "", `{"files":{"lru.go":"package lru"}}`},
	{"POST", "/api/a/nope/labs/nope/runs", "", `{"files":{"lru.go":"package lru"}}`},
	{"POST", "/api/a/nope/labs/nope/submissions", "", `{"files":{"lru.go":"package lru"}}`},
	{"POST", "/admin/users/2/role", "role=admin", ""},
	{"POST", "/admin/users/2/disable", "disabled=1", ""},
	{"POST", "/settings/tokens", "name=evil", ""},
	{"POST", "/settings/tokens/1/delete", "", ""},
	{"POST", "/api/tokens", "", `{"name":"evil"}`},
	{"DELETE", "/api/tokens/1", "", `{}`},
	// Webhooks of assessments (branch hooks).
	{"POST", "/assessments/1/webhook", "webhook_url=https%3A%2F%2Fevil.example%2F", ""},
	{"PUT", "/api/assessments/1/webhook", "", `{"webhook_url":"https://evil.example/"}`},
}

// TestCSRF sends every state-changing request in each way a browser, another site or a
// script might: only same-origin browsers, matching Origins, JSON from non-browsers and
// forms with their page's token get past the check.
func TestCSRF(t *testing.T) {
	env := newTestEnv(t)
	covered := map[string]bool{}
	for _, r := range csrfRoutes {
		c := env.srv.e.NewContext(httptest.NewRequest(r.method, r.path, nil), httptest.NewRecorder())
		env.srv.e.Router().Find(r.method, r.path, c)
		covered[r.method+" "+c.Path()] = true
	}
	for _, r := range env.srv.e.Routes() {
		if r.Method == "GET" || r.Method == "HEAD" || strings.HasSuffix(r.Path, "/*") {
			continue
		}
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("%s %s changes state but is not in csrfRoutes", r.Method, r.Path)
		}
	}

	// A client's pre-session cookie and the token its pages carry; and another client's.
	pair := func() (*http.Cookie, string) {
		t.Helper()
		resp, err := http.Get(env.ts.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfField.FindStringSubmatch(string(b))
		for _, ck := range resp.Cookies() {
			if ck.Name == csrfCookie && m != nil {
				return ck, m[1]
			}
		}
		t.Fatal("no CSRF cookie and token on the login page")
		return nil, ""
	}
	cookie, token := pair()
	_, otherToken := pair()
	sibling := "http://localhost:1"
	self := env.ts.URL

	type variant struct {
		name    string
		headers map[string]string
		cookie  string // Cookie header
		token   string // _csrf field
		json    bool   // send the JSON body
		text    bool   // send the JSON body as text/plain, as a cross-site form can
		allowed bool
	}
	valid := cookie.Name + "=" + cookie.Value
	variants := []variant{
		{name: "cross-site", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, cookie: valid, token: token},
		{name: "same-site", headers: map[string]string{"Sec-Fetch-Site": "same-site", "Origin": sibling}, cookie: valid, token: token},
		{name: "same-site json", headers: map[string]string{"Sec-Fetch-Site": "same-site", "Origin": sibling}, json: true},
		{name: "user-typed", headers: map[string]string{"Sec-Fetch-Site": "none"}, cookie: valid, token: token},
		{name: "same-origin", headers: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": self}, allowed: true},
		{name: "same-origin json", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, json: true, allowed: true},
		{name: "origin matches", headers: map[string]string{"Origin": self}, allowed: true},
		{name: "origin of a sibling", headers: map[string]string{"Origin": sibling}, cookie: valid, token: token},
		{name: "origin null", headers: map[string]string{"Origin": "null"}, cookie: valid, token: token},
		{name: "no header, form with token", cookie: valid, token: token, allowed: true},
		{name: "no header, form without token", cookie: valid},
		{name: "no header, token without cookie", token: token},
		{name: "no header, json", json: true, allowed: true},
		{name: "no header, json as text/plain", text: true, cookie: valid, token: token + "x"},
		{name: "forged cookie, double submit", cookie: csrfCookie + "=forged", token: "forged"},
		{name: "forged cookie, token of another client", cookie: valid, token: otherToken},
		{name: "forged session cookie", cookie: valid + "; " + sessionCookie + "=forged", token: token},
	}
	for _, r := range csrfRoutes {
		for _, v := range variants {
			if (v.json || v.text) && r.json == "" {
				continue
			}
			t.Run(r.method+" "+r.path+"/"+v.name, func(t *testing.T) {
				body, ctype := r.form, "application/x-www-form-urlencoded"
				tokenHeader := ""
				switch {
				case v.token != "" && r.method == http.MethodDelete:
					tokenHeader = v.token // net/http reads no form body of a DELETE; scripts send the header
				case v.token != "":
					body = strings.TrimPrefix(body+"&_csrf="+url.QueryEscape(v.token), "&")
				}
				switch {
				case v.json:
					body, ctype = r.json, "application/json"
				case v.text:
					body, ctype = r.json, "text/plain"
				}
				req, _ := http.NewRequest(r.method, env.ts.URL+r.path, strings.NewReader(body))
				req.Header.Set("Content-Type", ctype)
				for k, h := range v.headers {
					req.Header.Set(k, h)
				}
				if v.cookie != "" {
					req.Header.Set("Cookie", v.cookie)
				}
				if tokenHeader != "" {
					req.Header.Set(csrfHeader, tokenHeader)
				}
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				refused := resp.StatusCode == http.StatusForbidden && strings.Contains(string(b), "came from another site")
				if refused == v.allowed {
					t.Errorf("status %d (allowed %v, want %v)\n%.300s", resp.StatusCode, !refused, v.allowed, b)
				}
			})
		}
	}
}

// TestCSRFTokenIsBoundToTheSession: once signed in, a form needs the token of its own
// session; the pre-session token and another account's token are refused.
func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	env := newTestEnv(t)
	for _, name := range []string{"ana", "eve"} {
		if _, err := env.store.AddUser(context.Background(), name, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(name string) (*http.Client, string, string) {
		c := browserClient(t)
		_, _, pre := page(t, c, env.ts.URL+"/login")
		if code, _, body := postForm(t, c, env.ts.URL+"/login", url.Values{"_csrf": {pre}, "name": {name}, "password": {"a long enough password"}}); code != http.StatusSeeOther {
			t.Fatalf("sign-in %s: %d %s", name, code, body)
		}
		_, _, token := page(t, c, env.ts.URL+"/settings")
		if token == "" || token == pre {
			t.Fatalf("the settings page of %s has token %q (before signing in: %q)", name, token, pre)
		}
		return c, pre, token
	}
	ana, anaPre, anaToken := signIn("ana")
	_, _, eveToken := signIn("eve")
	form := url.Values{"desired_retention": {"0.8"}, "new_per_day": {"7"}, "rollover_hour": {"4"}, "max_interval_days": {"365"}, "time_zone": {"UTC"}}
	for _, tc := range []struct {
		name, token string
		allowed     bool
	}{
		{"own session's token", anaToken, true},
		{"token from before signing in", anaPre, false},
		{"another account's token", eveToken, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form.Set("_csrf", tc.token)
			code, _, body := postForm(t, ana, env.ts.URL+"/settings", form)
			if (code != http.StatusForbidden) != tc.allowed {
				t.Errorf("status %d, allowed %v\n%.300s", code, tc.allowed, body)
			}
		})
	}
}

// TestCSRFCookieOnlyWithPages: the pre-session cookie is set by pages that carry a form
// token, never by cacheable assets or the read-only API.
func TestCSRFCookieOnlyWithPages(t *testing.T) {
	env := newTestEnv(t)
	_, body, _ := page(t, env.ts.Client(), env.ts.URL+"/")
	asset := regexp.MustCompile(`href="(/static/[^"]+)"`).FindStringSubmatch(body)
	if asset == nil {
		t.Fatal("no asset on the home page")
	}
	for _, tc := range []struct {
		path   string
		cookie bool
	}{{"/login", true}, {"/cards/circuit-breaker", true}, {asset[1], false}, {"/api/cards", false}, {"/healthz", false}} {
		resp, err := http.Get(env.ts.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := strings.Contains(resp.Header.Get("Set-Cookie"), csrfCookie+"="); got != tc.cookie {
			t.Errorf("%s: sets the CSRF cookie %v, want %v", tc.path, got, tc.cookie)
		}
	}
}
