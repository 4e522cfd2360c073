package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"prep/content"
	"prep/store"
)

// browserClient is an HTTP client with cookies that does not follow redirects, so tests
// see the 303s the forms answer with.
func browserClient(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// page GETs url and returns the status, body and the CSRF token of its first form.
func page(t *testing.T, c *http.Client, url string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	token := ""
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		token = m[1]
	}
	return resp.StatusCode, string(b), token
}

// postForm posts a form and returns the status, the Location header and the body.
func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func postJSON(t *testing.T, c *http.Client, u, body string) (int, string) {
	t.Helper()
	resp, err := c.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReviewLoop(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	code, body, token := page(t, c, env.ts.URL+"/review")
	if code != 200 || !strings.Contains(body, `data-card="circuit-breaker"`) || !strings.Contains(body, "5 new") {
		t.Fatalf("first review page: %d\n%.2000s", code, body)
	}
	for _, want := range []string{`value="1"`, "Again", `<span class="iv">1m</span>`, `<span class="iv">10m</span>`, "Fail fast when <strong>open</strong>"} {
		if !strings.Contains(body, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	shown := env.now().UnixMilli()
	env.advance(8 * time.Second)
	code, loc, _ := postForm(t, c, env.ts.URL+"/review", url.Values{"_csrf": {token}, "card": {"circuit-breaker"}, "rating": {"3"}, "shown": {itoa(shown)}})
	if code != http.StatusSeeOther || loc != "/review?" {
		t.Fatalf("rate: %d %q", code, loc)
	}
	st, ok, err := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker")
	if err != nil || !ok || st.Reps != 1 {
		t.Fatalf("state after rating: %+v %v %v", st, ok, err)
	}
	// The next card is the next new one; the rated one is in learning, due in 10 minutes.
	_, body, token = page(t, c, env.ts.URL+"/review")
	if !strings.Contains(body, `data-card="retry-storm"`) || !strings.Contains(body, "4 new") {
		t.Errorf("second card: %.1500s", body)
	}
	// Rating a card that is not due is a conflict and changes nothing.
	code, _, body = postForm(t, c, env.ts.URL+"/review", url.Values{"_csrf": {token}, "card": {"circuit-breaker"}, "rating": {"3"}})
	if code != http.StatusConflict || !strings.Contains(body, "not due") {
		t.Errorf("rating a card that is not due: %d %.300s", code, body)
	}
	// Undo puts circuit-breaker back to new: it is the first card again.
	code, loc, _ = postForm(t, c, env.ts.URL+"/review/undo", url.Values{"_csrf": {token}})
	if code != http.StatusSeeOther || !strings.Contains(loc, "undone=circuit-breaker") {
		t.Errorf("undo: %d %q", code, loc)
	}
	_, body, _ = page(t, c, env.ts.URL+loc)
	if !strings.Contains(body, `data-card="circuit-breaker"`) || !strings.Contains(body, "Undid the last rating") {
		t.Errorf("after undo: %.1500s", body)
	}
	if _, ok, _ := env.store.State(context.Background(), store.LocalUserID, "circuit-breaker"); ok {
		t.Error("undo left a state behind")
	}
	// Ten minutes later the learning card is due again and comes before new cards.
	postForm(t, c, env.ts.URL+"/review", url.Values{"_csrf": {token}, "card": {"circuit-breaker"}, "rating": {"3"}})
	env.advance(11 * time.Minute)
	_, body, _ = page(t, c, env.ts.URL+"/review")
	if !strings.Contains(body, `data-card="circuit-breaker"`) || !strings.Contains(body, "1 due") {
		t.Errorf("due card first: %.1500s", body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReviewBadInput(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	_, _, token := page(t, c, env.ts.URL+"/review")
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"unknown card", url.Values{"card": {"nope"}, "rating": {"3"}}, 404, "no card &#34;nope&#34; to rate"},
		{"rating out of range", url.Values{"card": {"circuit-breaker"}, "rating": {"7"}}, 400, "rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy), not 7"},
		{"rating not a number", url.Values{"card": {"circuit-breaker"}, "rating": {"good"}}, 400, "rating must be a number from 1 to 4"},
		{"over-long card id", url.Values{"card": {strings.Repeat("a", 200)}, "rating": {"3"}}, 400, "card id is longer than 128 characters"},
		{"unknown deck", url.Values{"card": {"circuit-breaker"}, "rating": {"3"}, "case": {"nope"}}, 400, "unknown case"},
		{"no csrf token", url.Values{"card": {"circuit-breaker"}, "rating": {"3"}, "_csrf": {"forged"}}, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.form.Get("_csrf") == "" {
				tt.form.Set("_csrf", token)
			}
			code, _, body := postForm(t, c, env.ts.URL+"/review", tt.form)
			if code != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%d %.400s; want %d with %q", code, body, tt.status, tt.want)
			}
		})
	}
	if states, _ := env.store.States(context.Background(), store.LocalUserID); len(states) != 0 {
		t.Errorf("bad input changed progress: %v", states)
	}
}

func TestReviewAPI(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	scenarios := []scenario{
		{name: "next", url: "/api/review/next", status: 200, contains: []string{`"due":0`, `"new_left":5`, `"id":"circuit-breaker"`, `"again":"1m"`}},
		{name: "next in a deck", url: "/api/review/next?topic=databases&kind=incident", status: 200, contains: []string{`"new_left":1`, `"id":"pool-exhaustion"`}},
		{name: "next in a case", url: "/api/review/next?case=shop", status: 200, contains: []string{`"id":"shop-scale"`}},
		{name: "unknown case", url: "/api/review/next?case=nope", status: 400, contains: []string{`unknown case \"nope\"`}},
		{name: "rate", method: "POST", url: "/api/review/ratings", body: `{"card":"cqrs","rating":3}`, header: map[string]string{"Content-Type": "application/json"}, status: 404, contains: []string{`"kind":"not_found"`}},
		{name: "rate ok", method: "POST", url: "/api/review/ratings", body: `{"card":"retry-storm","rating":4,"elapsed_ms":4000}`, header: map[string]string{"Content-Type": "application/json"}, status: 201, contains: []string{`"card":"retry-storm"`, `"rating":"easy"`, `"state":"review"`}},
		{name: "rate twice", method: "POST", url: "/api/review/ratings", body: `{"card":"retry-storm","rating":4}`, header: map[string]string{"Content-Type": "application/json"}, status: 409, contains: []string{`"kind":"conflict"`}},
		{name: "rate bad json", method: "POST", url: "/api/review/ratings", body: `{"card":`, header: map[string]string{"Content-Type": "application/json"}, status: 400, contains: []string{"body must be JSON"}},
		{name: "rate bad rating", method: "POST", url: "/api/review/ratings", body: `{"card":"bulkhead","rating":0}`, header: map[string]string{"Content-Type": "application/json"}, status: 404},
		{name: "undo", method: "POST", url: "/api/review/undo", header: map[string]string{"Content-Type": "application/json"}, status: 200, contains: []string{`"undone":"retry-storm"`}},
		{name: "undo nothing", method: "POST", url: "/api/review/undo", header: map[string]string{"Content-Type": "application/json"}, status: 404, contains: []string{"there is no rating to undo"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
}

func TestDailyNewLimit(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	st := store.DefaultSettings()
	st.NewPerDay = 1
	if err := env.store.SetSettings(ctx, store.LocalUserID, st); err != nil {
		t.Fatal(err)
	}
	c := env.ts.Client()
	if code, body := postJSON(t, c, env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":4}`); code != 201 {
		t.Fatalf("rate: %d %s", code, body)
	}
	_, body, _ := page(t, browserClient(t), env.ts.URL+"/review")
	if !strings.Contains(body, "Nothing left for today") {
		t.Errorf("the daily limit of 1 new card did not stop the queue: %.1500s", body)
	}
	// The next day (after the 4:00 rollover) one more new card is allowed.
	env.advance(24 * time.Hour)
	_, body, _ = page(t, browserClient(t), env.ts.URL+"/review")
	if !strings.Contains(body, "1 new") {
		t.Errorf("next day: %.1500s", body)
	}
}

func TestSignInMode(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	// Progress made offline moves to the first account.
	if code, body := postJSON(t, env.ts.Client(), env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":3}`); code != 201 {
		t.Fatalf("offline rating: %d %s", code, body)
	}
	if _, err := env.store.AddUser(ctx, "ana", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.AddUser(ctx, "bo", "another long password"); err != nil {
		t.Fatal(err)
	}
	anon := browserClient(t)
	if code, _, _ := postForm(t, anon, env.ts.URL+"/review", nil); code != 403 {
		t.Errorf("post without a token: %d, want 403", code)
	}
	resp, _ := anon.Get(env.ts.URL + "/review?topic=resilience")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Freview%3Ftopic%3Dresilience" {
		t.Errorf("anonymous /review: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, body := postJSON(t, anon, env.ts.URL+"/api/review/ratings", `{"card":"circuit-breaker","rating":3}`); code != 401 || !strings.Contains(body, `"kind":"unauthorized"`) {
		t.Errorf("anonymous API: %d %s", code, body)
	}
	// The card pages stay public.
	if code, _, _ := page(t, anon, env.ts.URL+"/cards/circuit-breaker"); code != 200 {
		t.Errorf("public card page: %d", code)
	}
	login := func(c *http.Client, name, password string) (int, string) {
		_, _, token := page(t, c, env.ts.URL+"/login")
		code, loc, _ := postForm(t, c, env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {name}, "password": {password}, "next": {"/review"}})
		return code, loc
	}
	if code, _ := login(anon, "ana", "wrong password"); code != 401 {
		t.Errorf("wrong password: %d", code)
	}
	if code, _ := login(anon, "nobody", "wrong password"); code != 401 {
		t.Errorf("unknown user: %d", code)
	}
	ana := browserClient(t)
	if code, loc := login(ana, "ana", "correct horse battery"); code != 303 || loc != "/review" {
		t.Fatalf("sign-in: %d %q", code, loc)
	}
	_, body, _ := page(t, ana, env.ts.URL+"/review")
	if !strings.Contains(body, `data-card="retry-storm"`) {
		t.Errorf("ana should have the offline progress (circuit-breaker learned): %.800s", body)
	}
	bo := browserClient(t)
	login(bo, "bo", "another long password")
	_, body, _ = page(t, bo, env.ts.URL+"/review")
	if !strings.Contains(body, `data-card="circuit-breaker"`) {
		t.Errorf("bo must not see ana's progress: %.800s", body)
	}
	// An open redirect through next= is refused.
	_, _, token := page(t, bo, env.ts.URL+"/login")
	if code, loc, _ := postForm(t, browserClient(t), env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {"bo"}, "password": {"another long password"}, "next": {"//evil.example/"}}); code == 303 && loc != "/" {
		t.Errorf("open redirect: %q", loc)
	}
	// Sign out everywhere ends ana's session.
	_, _, token = page(t, ana, env.ts.URL+"/account")
	if code, _, _ := postForm(t, ana, env.ts.URL+"/logout/everywhere", url.Values{"_csrf": {token}}); code != 303 {
		t.Errorf("logout everywhere: %d", code)
	}
	if resp, _ := ana.Get(env.ts.URL + "/review"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out everywhere /review: %d", resp.StatusCode)
	}
}

func TestSignInSuccessesAreNotLimited(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3*signinBurst; i++ {
		if code, body := postJSON(t, browserClient(t), env.ts.URL+"/login", `{"name":"ana","password":"correct horse battery"}`); code != 200 {
			t.Fatalf("sign-in %d: %d %s", i+1, code, body)
		}
	}
}

func TestSignInRateLimit(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	c := browserClient(t)
	_, _, token := page(t, c, env.ts.URL+"/login")
	var last *http.Response
	for i := 0; i < signinBurst+1; i++ {
		resp, err := c.PostForm(env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {"ana"}, "password": {"guess"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("attempt %d: %d, Retry-After %q; want 429 with Retry-After", signinBurst+1, last.StatusCode, last.Header.Get("Retry-After"))
	}
	// Another account from the same address is limited too: the address used its attempts.
	if code, _, _ := postForm(t, c, env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {"bo"}, "password": {"guess"}}); code != http.StatusTooManyRequests {
		t.Errorf("other account from the same address: %d", code)
	}
	// The right password is refused too while limited: guessing cannot continue.
	code, _, _ := postForm(t, c, env.ts.URL+"/login", url.Values{"_csrf": {token}, "name": {"ana"}, "password": {"correct horse battery"}})
	if code != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d", code)
	}
}

// TestDeckSurvivesRating: every kind of deck is carried by the review form's hidden
// fields through the rating's redirect, so the next card comes from the same deck.
func TestDeckSurvivesRating(t *testing.T) {
	for _, tc := range []struct {
		deck url.Values
		card string // the deck's first card
	}{
		{url.Values{"kind": {"incident"}}, "pool-exhaustion"},
		{url.Values{"topic": {"databases"}}, "pool-exhaustion"},
		{url.Values{"level": {"senior"}}, "retry-storm"},
		{url.Values{"tag": {"retries"}}, "retry-storm"},
		{url.Values{"case": {"shop"}}, "shop-scale"},
		{url.Values{"topic": {"databases"}, "kind": {"incident"}}, "pool-exhaustion"},
	} {
		t.Run(tc.deck.Encode(), func(t *testing.T) {
			env := newTestEnv(t)
			c := browserClient(t)
			_, body, token := page(t, c, env.ts.URL+"/review?"+tc.deck.Encode())
			if !strings.Contains(body, `data-card="`+tc.card+`"`) {
				t.Fatalf("first card of the deck is not %s: %.1500s", tc.card, body)
			}
			form := url.Values{"_csrf": {token}, "card": {tc.card}, "rating": {"1"}}
			for k, v := range tc.deck { // what the form's hidden fields send; the URL has no query
				form[k] = v
			}
			code, loc, _ := postForm(t, c, env.ts.URL+"/review", form)
			if code != http.StatusSeeOther || loc != "/review?"+tc.deck.Encode() {
				t.Fatalf("rate: %d, redirect to %q, want /review?%s", code, loc, tc.deck.Encode())
			}
			_, body, _ = page(t, c, env.ts.URL+loc)
			for _, other := range []string{"circuit-breaker", "retry-storm", "pool-exhaustion", "failover-drill", "shop-scale"} {
				if strings.Contains(body, `data-card="`+other+`"`) && !matchesDeck(other, tc.deck) {
					t.Errorf("after one rating the page shows %s, which is not in the deck", other)
				}
			}
			code, loc, _ = postForm(t, c, env.ts.URL+"/review/undo", form)
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/review?") || !strings.Contains(loc, tc.deck.Encode()) {
				t.Errorf("undo: %d, redirect to %q keeps no deck", code, loc)
			}
		})
	}
}

// matchesDeck says whether a card of web/testdata/content is in the deck.
func matchesDeck(card string, deck url.Values) bool {
	in := map[string][]string{
		"kind=incident": {"pool-exhaustion"}, "topic=databases": {"pool-exhaustion", "failover-drill"},
		"level=senior": {"retry-storm", "failover-drill"}, "tag=retries": {"retry-storm"}, "case=shop": {"shop-scale"},
	}
	for k := range deck {
		if !slices.Contains(in[k+"="+deck.Get(k)], card) {
			return false
		}
	}
	return true
}

// TestEndOfDeckSaysWhenNextIsDue: with a learning card due in a minute the end of the
// deck says so, and the page carries the time for the countdown that brings it up.
func TestEndOfDeckSaysWhenNextIsDue(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	_, _, token := page(t, c, env.ts.URL+"/review?case=shop")
	postForm(t, c, env.ts.URL+"/review", url.Values{"_csrf": {token}, "card": {"shop-scale"}, "rating": {"1"}, "case": {"shop"}})
	_, body, _ := page(t, c, env.ts.URL+"/review?case=shop")
	due := env.now().Add(time.Minute).UnixMilli()
	for _, want := range []string{"Nothing left right now", `data-due="` + itoa(due) + `"`, "due in <strong id=\"next-due-in\">1m</strong>", "You have seen every card in this deck"} {
		if !strings.Contains(body, want) {
			t.Errorf("end of deck lacks %q: %.2500s", want, body)
		}
	}
	if strings.Contains(body, "come back tomorrow") || strings.Contains(body, "new cards") {
		t.Errorf("end of deck speaks of tomorrow or new cards while a card is due in a minute")
	}
	env.advance(time.Minute)
	if _, body, _ = page(t, c, env.ts.URL+"/review?case=shop"); !strings.Contains(body, `data-card="shop-scale"`) {
		t.Errorf("a minute later the card is not back: %.1500s", body)
	}
}

// TestCaseDeckOrder: a case deck introduces its new cards in the case's own order,
// rounds first, then position in the round, not in library order.
func TestCaseDeckOrder(t *testing.T) {
	card := func(id string, round int) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitle: Card " + id + "\nkind: case-study\nlevel: mid\ntopic: case-studies\ncase: c\nround: " + itoa(int64(round)) +
			"\n---\n## Question\nWhat about " + id + "?\n## Answer\nThis.\n## Key points\n- one\n## Follow-ups\n### Why?\nBecause.\n")}
	}
	fsys := fstest.MapFS{
		"topics.yaml":           {Data: []byte("- id: case-studies\n  title: Case studies\n  summary: Cases.\n  order: 1\n")},
		"cases.yaml":            {Data: []byte("- id: c\n  title: C\n  summary: A case.\n  rounds:\n    - round: 0\n      title: Base\n      cards: [zeta, alpha]\n    - round: 1\n      title: One\n      cards: [beta]\n")},
		"case-studies/alpha.md": card("alpha", 0), "case-studies/beta.md": card("beta", 1), "case-studies/zeta.md": card("zeta", 0),
	}
	lib, err := content.Load(fsys, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Library: lib, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range srv.deckCards(deck{Case: "c"}) {
		got = append(got, c.ID)
	}
	if want := []string{"zeta", "alpha", "beta"}; !slices.Equal(got, want) {
		t.Errorf("case deck order %v, want %v", got, want)
	}
}

// TestOpenFullAnswer: "Open the full answer" from review opens the card revealed, and a
// card page has one element per id.
func TestOpenFullAnswer(t *testing.T) {
	env := newTestEnv(t)
	_, body, _ := page(t, browserClient(t), env.ts.URL+"/review")
	if !strings.Contains(body, `href="/cards/circuit-breaker?reveal=1#answer"`) {
		t.Errorf("review links the full answer elsewhere: %.1500s", body)
	}
	_, body, _ = page(t, browserClient(t), env.ts.URL+"/cards/circuit-breaker?reveal=1")
	if !strings.Contains(body, `<details class="answer" id="reveal" open>`) {
		t.Errorf("the card is not revealed: %.1500s", body)
	}
	ids := regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(body, -1)
	seen := map[string]bool{}
	for _, m := range ids {
		if seen[m[1]] {
			t.Errorf("id %q appears twice on the card page", m[1])
		}
		seen[m[1]] = true
	}
}
