package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCachedSessionsAndData: what signed-in pages keep for a few seconds never outlives
// a sign-out, a sign-out everywhere, or a change the user made.
func TestCachedSessionsAndData(t *testing.T) {
	signIn := func(t *testing.T, env *testEnv) *http.Client {
		t.Helper()
		c := browserClient(t)
		_, _, token := page(t, c, env.ts.URL+"/login")
		if code, _, body := postForm(t, c, env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {"ana"}, "password": {"correct horse battery"}}); code != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %.300s", code, body)
		}
		return c
	}
	// cardPage GETs the card page twice (the second from the cache) and returns the
	// second's status and body.
	cardPage := func(t *testing.T, env *testEnv, c *http.Client) (int, string) {
		t.Helper()
		page(t, c, env.ts.URL+"/cards/circuit-breaker")
		code, body, _ := page(t, c, env.ts.URL+"/cards/circuit-breaker")
		return code, body
	}
	signedIn := func(body string) bool { return strings.Contains(body, `action="/logout"`) }
	tests := []struct {
		name string
		run  func(t *testing.T, env *testEnv)
	}{
		{"sign-out ends the cached session", func(t *testing.T, env *testEnv) {
			c := signIn(t, env)
			if code, body := cardPage(t, env, c); code != 200 || !signedIn(body) {
				t.Fatalf("signed-in card page: %d, signed in %v", code, signedIn(body))
			}
			u, _ := url.Parse(env.ts.URL)
			old := c.Jar.Cookies(u)
			_, _, token := page(t, c, env.ts.URL+"/account")
			if code, _, _ := postForm(t, c, env.ts.URL+"/logout", url.Values{"_csrf": {token}}); code != http.StatusSeeOther {
				t.Fatalf("sign-out: %d", code)
			}
			replay := browserClient(t)
			replay.Jar.SetCookies(u, old)
			if resp, _ := replay.Get(env.ts.URL + "/account"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the signed-out session still opens /account: %d", resp.StatusCode)
			}
			if _, body := cardPage(t, env, replay); signedIn(body) {
				t.Error("the signed-out session is still signed in on the card page")
			}
		}},
		{"sign-out everywhere ends every cached session of the user", func(t *testing.T, env *testEnv) {
			a, b := signIn(t, env), signIn(t, env)
			cardPage(t, env, a)
			cardPage(t, env, b)
			_, _, token := page(t, c0(a, b), env.ts.URL+"/account")
			if code, _, _ := postForm(t, a, env.ts.URL+"/logout/everywhere", url.Values{"_csrf": {token}}); code != http.StatusSeeOther {
				t.Fatalf("sign-out everywhere: %d", code)
			}
			if resp, _ := b.Get(env.ts.URL + "/account"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the other session still opens /account: %d", resp.StatusCode)
			}
			if _, body := cardPage(t, env, b); signedIn(body) {
				t.Error("the other session is still signed in on the card page")
			}
		}},
		{"a change shows on the next page", func(t *testing.T, env *testEnv) {
			c := signIn(t, env)
			_, body := cardPage(t, env, c)
			if strings.Contains(body, "<strong>Suspended</strong>") {
				t.Fatal("suspended before suspending")
			}
			token := csrfField.FindStringSubmatch(body)[1]
			if code, _, _ := postForm(t, c, env.ts.URL+"/cards/circuit-breaker/suspend", url.Values{"_csrf": {token}, "back": {"/cards/circuit-breaker"}}); code != http.StatusSeeOther {
				t.Fatalf("suspend: %d", code)
			}
			if _, body = cardPage(t, env, c); !strings.Contains(body, "<strong>Suspended</strong>") {
				t.Error("the card page does not show the suspension just made")
			}
			postForm(t, c, env.ts.URL+"/cards/circuit-breaker/suspend", url.Values{"_csrf": {token}, "on": {"0"}, "back": {"/cards/circuit-breaker"}})
			if _, body = cardPage(t, env, c); strings.Contains(body, "<strong>Suspended</strong>") {
				t.Error("the card page still shows the lifted suspension")
			}
		}},
		{"a lab result shows on the next page", func(t *testing.T, env *testEnv) {
			c := signIn(t, env)
			for i := 0; i < 2; i++ { // the second from the cache
				if code, body, _ := page(t, c, env.ts.URL+"/api/labs/lru"); code != 200 || strings.Contains(body, `"status"`) {
					t.Fatalf("lab before grading: %d %.300s", code, body)
				}
			}
			_, _, token := page(t, c, env.ts.URL+"/labs/lru")
			form := url.Values{"_csrf": {token}}
			for name, src := range labFiles(t, "lru", true) {
				form.Set("file:"+name, src)
			}
			if code, _, body := postForm(t, c, env.ts.URL+"/labs/lru/submit", form); code != 200 && code != http.StatusSeeOther {
				t.Fatalf("submit: %d %.500s", code, body)
			}
			if _, body, _ := page(t, c, env.ts.URL+"/api/labs/lru"); !strings.Contains(body, `"status":"passed"`) {
				t.Errorf("the lab does not show the pass just earned: %.300s", body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			tt.run(t, env)
		})
	}
}

// c0 returns the first client.
func c0(cs ...*http.Client) *http.Client { return cs[0] }
