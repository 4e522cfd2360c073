package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"prep/labs/grader"
	"prep/store"
)

// receiver is a loopback webhook endpoint that checks each delivery's signature and
// answers 500 to the first fail requests.
type receiver struct {
	ts     *httptest.Server
	mu     sync.Mutex
	secret string
	fail   int
	tries  int
	bad    []string // why a request was wrong
	got    []map[string]any
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail}
	r.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tries++
		if msg := verify(r.secret, req.Header.Get("Prep-Signature"), body); msg != "" {
			r.bad = append(r.bad, msg)
			http.Error(w, msg, http.StatusUnauthorized)
			return
		}
		if r.tries <= r.fail {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			r.bad = append(r.bad, err.Error())
		}
		r.got = append(r.got, m)
	}))
	t.Cleanup(r.ts.Close)
	return r
}

// verify checks a Prep-Signature header as a receiver would, independently of the
// server's code: "t=<unix>,v1=<hex HMAC-SHA256 of t.body>".
func verify(secret, header string, body []byte) string {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil || sig == "" {
		return "malformed signature header " + header
	}
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%s.%s", ts, body)
	want := m.Sum(nil)
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, want) {
		return "bad signature"
	}
	return ""
}

// newHookEnv is an assessEnv whose webhooks may reach 127.0.0.1, on the database file
// path ("" for a new one), its clock at start (zero: the default).
func newHookEnv(t *testing.T, path string, start time.Time) *assessEnv {
	t.Helper()
	allow, err := ParseWebhookAllow("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	var reopened *store.DB
	if path != "" {
		if reopened, err = store.Open(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { reopened.Close() })
	}
	env := newTestEnvDeps(t, grader.Config{Workers: 2}, func(d *Deps) {
		d.Grader, d.GradingWorkers, d.WebhookAllow = fakeGrader(passIfMarked), 2, allow
		if reopened != nil {
			d.Store = reopened
		}
	})
	if reopened != nil {
		env.store = reopened
	}
	if !start.IsZero() {
		env.clock = start
	}
	e := &assessEnv{testEnv: env, tokens: map[string]string{}}
	if path != "" {
		return e
	}
	acc, err := env.store.AddUserWithRole(context.Background(), "bo", "a long enough password", store.RoleInterviewer)
	if err != nil {
		t.Fatal(err)
	}
	if _, e.tokens["bo"], err = env.store.CreateAPIToken(context.Background(), acc.ID, "test"); err != nil {
		t.Fatal(err)
	}
	return e
}

// hookAssessment creates bo's assessment posting to url, invites ada and returns the
// assessment id, the secret and ada's token.
func (e *assessEnv) hookAssessment(t *testing.T, url string) (int64, string, string) {
	t.Helper()
	code, body := e.call(t, "bo", "POST", "/api/assessments", `{"title":"Backend","labs":["shortener"],"time_limit_minutes":60,"expires_at":"2026-11-30T00:00:00Z","webhook_url":"`+url+`"}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var a struct {
		ID            int64
		WebhookURL    string `json:"webhook_url"`
		WebhookSecret string `json:"webhook_secret"`
	}
	decode(t, body, &a)
	if a.WebhookURL != url || !strings.HasPrefix(a.WebhookSecret, "whsec_") {
		t.Fatalf("created: %s", body)
	}
	if _, again := e.call(t, "bo", "GET", "/api/assessments/"+itoa(a.ID), ""); strings.Contains(again, a.WebhookSecret) {
		t.Errorf("the secret is shown again: %s", again)
	}
	code, body = e.call(t, "bo", "POST", "/api/assessments/"+itoa(a.ID)+"/invites", `{"label":"ada"}`)
	if code != http.StatusCreated {
		t.Fatalf("invite: %d %s", code, body)
	}
	var iv struct{ URL string }
	decode(t, body, &iv)
	return a.ID, a.WebhookSecret, tokenInURL.FindStringSubmatch(iv.URL)[1]
}

func (e *assessEnv) deliveries(t *testing.T, aid int64) []deliveryJSON {
	t.Helper()
	code, body := e.call(t, "bo", "GET", "/api/assessments/"+itoa(aid)+"/deliveries", "")
	if code != 200 {
		t.Fatalf("deliveries: %d %s", code, body)
	}
	var out struct{ Deliveries []deliveryJSON }
	decode(t, body, &out)
	return out.Deliveries
}

func deliver(t *testing.T, s *Server) int {
	t.Helper()
	n, err := s.DeliverWebhooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWebhookSignedDelivery: a finished invite reaches a loopback receiver once,
// signed with the secret shown at creation, with the verdicts in its summary.
func TestWebhookSignedDelivery(t *testing.T) {
	rcv := newReceiver(t, 0)
	e := newHookEnv(t, "", time.Time{})
	aid, secret, ada := e.hookAssessment(t, rcv.ts.URL+"/hook")
	rcv.secret = secret
	e.call(t, "", "POST", "/api/a/"+ada+"/start", `{}`)
	if code, body := e.call(t, "", "PUT", "/api/a/"+ada+"/labs/shortener/draft", e.draftFiles(t, ada, "shortener", "// PASS")); code != 200 {
		t.Fatalf("draft: %d %s", code, body)
	}
	if code, body := e.call(t, "", "POST", "/api/a/"+ada+"/finish", `{}`); code != 200 {
		t.Fatalf("finish: %d %s", code, body)
	}
	if n := deliver(t, e.srv); n != 1 {
		t.Fatalf("%d deliveries attempted, want 1", n)
	}
	if n := deliver(t, e.srv); n != 0 {
		t.Errorf("a delivered event was attempted again (%d)", n)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.bad) > 0 || len(rcv.got) != 1 {
		t.Fatalf("receiver: bad %v, got %v", rcv.bad, rcv.got)
	}
	got := rcv.got[0]
	inv, _ := got["invite"].(map[string]any)
	labs, _ := got["labs"].([]any)
	if got["event"] != "invite.submitted" || inv["label"] != "ada" || len(labs) != 1 || labs[0].(map[string]any)["verdict"] != "passed" {
		t.Errorf("payload %v", got)
	}
	ds := e.deliveries(t, aid)
	if len(ds) != 1 || ds[0].State != "delivered" || ds[0].Attempts != 1 || ds[0].LastStatus != 200 {
		t.Errorf("deliveries %+v", ds)
	}
	// A signature made with another secret is refused by the receiver's check.
	if msg := verify("whsec_other", SignWebhook(secret, e.now(), []byte(`{}`)), []byte(`{}`)); msg == "" {
		t.Error("a signature verified with the wrong secret")
	}
}

// TestWebhookRetryAcrossRestart: a receiver that fails twice gets the event on the
// third try, with a restart (a new store and server on the same file) after the
// second failure; an expired invite is delivered too.
func TestWebhookRetryAcrossRestart(t *testing.T) {
	rcv := newReceiver(t, 2)
	e := newHookEnv(t, "", time.Time{})
	aid, secret, ada := e.hookAssessment(t, rcv.ts.URL)
	rcv.secret = secret
	e.call(t, "", "POST", "/api/a/"+ada+"/start", `{}`)
	if code, body := e.call(t, "", "POST", "/api/a/"+ada+"/finish", `{}`); code != 200 {
		t.Fatalf("finish: %d %s", code, body)
	}
	if n := deliver(t, e.srv); n != 1 {
		t.Fatalf("first try: %d attempted", n)
	}
	ds := e.deliveries(t, aid)
	if len(ds) != 1 || ds[0].State != "pending" || ds[0].Attempts != 1 || ds[0].LastStatus != 500 || !strings.Contains(ds[0].LastError, "maintenance") || ds[0].NextAt == nil {
		t.Fatalf("after a failure: %+v", ds)
	}
	if n := deliver(t, e.srv); n != 0 {
		t.Errorf("retried before its backoff (%d)", n)
	}
	e.advance(webhookMaxBackoff)
	if n := deliver(t, e.srv); n != 1 {
		t.Fatalf("second try: %d attempted", n)
	}
	// Restart: the first server and its store go; the outbox stays in the file.
	path := e.store.Path()
	clock := e.now()
	e.ts.Close()
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newHookEnv(t, path, clock.Add(webhookMaxBackoff))
	e2.tokens = e.tokens
	if n := deliver(t, e2.srv); n != 1 {
		t.Fatalf("third try after the restart: %d attempted", n)
	}
	ds = e2.deliveries(t, aid)
	if len(ds) != 1 || ds[0].State != "delivered" || ds[0].Attempts != 3 || ds[0].LastStatus != 200 || ds[0].LastError != "" {
		t.Errorf("after the third try: %+v", ds)
	}
	rcv.mu.Lock()
	if rcv.tries != 3 || len(rcv.got) != 1 || len(rcv.bad) > 0 {
		t.Errorf("receiver: %d tries, got %v, bad %v", rcv.tries, rcv.got, rcv.bad)
	}
	rcv.mu.Unlock()

	// An invite whose link expires unstarted sends invite.expired, once.
	code, body := e2.call(t, "bo", "POST", "/api/assessments/"+itoa(aid)+"/invites", `{"label":"bea"}`)
	if code != http.StatusCreated {
		t.Fatalf("invite: %d %s", code, body)
	}
	e2.advance(60 * 24 * time.Hour)
	for range 2 {
		if err := e2.srv.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := deliver(t, e2.srv); n != 1 {
		t.Fatalf("expiry: %d attempted", n)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.got) != 2 || rcv.got[1]["event"] != "invite.expired" {
		t.Errorf("receiver got %v", rcv.got)
	}
}

// TestWebhookURLCheck is the table of what the allow-list admits.
func TestWebhookURLCheck(t *testing.T) {
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		hosts := map[string][]string{
			"hooks.example.com":    {"93.184.215.14"},
			"a.corp.example":       {"93.184.215.15"},
			"internal.example.com": {"10.1.2.3"},
			"mixed.example.com":    {"93.184.215.16", "192.168.1.5"},
			"v6.example.com":       {"::1"},
			"meta.example.com":     {"169.254.169.254"},
			"localhost":            {"127.0.0.1"},
		}
		var out []netip.Addr
		for _, a := range hosts[host] {
			out = append(out, netip.MustParseAddr(a))
		}
		if out == nil {
			return nil, fmt.Errorf("no such host")
		}
		return out, nil
	}
	for _, tc := range []struct {
		allow, url string
		ok         bool
		why        string // in the error
	}{
		{"", "https://hooks.example.com/x", false, "webhooks are off"},
		{"*", "https://hooks.example.com/x", true, ""},
		{"*", "http://hooks.example.com:8080/x", true, ""},
		{"*", "ftp://hooks.example.com/x", false, "only http and https"},
		{"*", "javascript:alert(1)", false, "only http and https"},
		{"*", "https://user:pw@hooks.example.com/", false, "credentials"},
		{"*", "https:///nohost", false, "no host"},
		{"hooks.example.com", "https://hooks.example.com/x", true, ""},
		{"hooks.example.com", "https://HOOKS.example.com/x", true, ""},
		{"hooks.example.com", "https://a.corp.example/x", false, "allow-list"},
		{"*.corp.example", "https://a.corp.example/x", true, ""},
		{"*.corp.example", "https://corp.example/x", false, "allow-list"},
		{"*", "http://127.0.0.1:9/x", false, "non-public"},
		{"*", "http://localhost/x", false, "non-public"},
		{"localhost", "http://localhost/x", false, "non-public"},
		{"*", "http://[::1]/x", false, "non-public"},
		{"*", "http://v6.example.com/x", false, "non-public"},
		{"*", "http://10.0.0.1/x", false, "non-public"},
		{"*", "http://172.16.5.5/x", false, "non-public"},
		{"*", "http://192.168.0.1/x", false, "non-public"},
		{"*", "http://100.64.0.1/x", false, "non-public"},
		{"*", "http://0.0.0.0/x", false, "non-public"},
		{"*", "http://[::ffff:127.0.0.1]/x", false, "non-public"},
		{"*", "http://meta.example.com/latest", false, "non-public"},
		{"*", "https://internal.example.com/x", false, "non-public"},
		{"*", "https://mixed.example.com/x", false, "192.168.1.5"},
		{"*", "https://nowhere.example.com/x", false, "does not resolve"},
		{"127.0.0.1", "http://127.0.0.1:9/x", true, ""},
		{"127.0.0.1", "http://127.0.0.2:9/x", false, "allow-list"},
		{"127.0.0.1,localhost", "http://localhost/x", true, ""},
		{"10.0.0.0/8", "http://10.9.9.9/x", true, ""},
		{"10.0.0.0/8,internal.example.com", "https://internal.example.com/x", true, ""},
		{"internal.example.com", "https://internal.example.com/x", false, "non-public"},
	} {
		w, err := ParseWebhookAllow(tc.allow)
		if err != nil {
			t.Fatalf("%q: %v", tc.allow, err)
		}
		w.lookup = lookup
		_, err = w.Check(context.Background(), tc.url)
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.why)) {
			t.Errorf("allow %q, %s: %v; want ok=%v (%q)", tc.allow, tc.url, err, tc.ok, tc.why)
		}
	}
	for _, bad := range []string{"http://x", "*.", "a_b.example", "300.1.1.1/8"} {
		if _, err := ParseWebhookAllow(bad); err == nil {
			t.Errorf("allow-list %q accepted", bad)
		}
	}
}

// TestWebhookBackoff: each wait doubles up to the cap, with at most half taken off.
func TestWebhookBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 4: 80 * time.Second, 20: time.Hour} {
		lo := webhookBackoffAfter(n, func(int64) int64 { return 0 })
		hi := webhookBackoffAfter(n, func(m int64) int64 { return m - 1 })
		if lo != want/2 || hi < want-time.Nanosecond || hi > want {
			t.Errorf("after %d failures: %v to %v, want %v to %v", n, lo, hi, want/2, want)
		}
	}
}

// TestWebhookDialCheck: the delivery client refuses to connect to an address the
// allow-list does not admit, whatever the URL's check said before (DNS rebinding).
func TestWebhookDialCheck(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer ts.Close()
	for _, tc := range []struct {
		allow string
		ok    bool
	}{{"*", false}, {"hooks.example.com", false}, {"127.0.0.1", true}, {"127.0.0.0/8", true}} {
		w, _ := ParseWebhookAllow(tc.allow)
		resp, err := newWebhookClient(w).Post(ts.URL, "application/json", strings.NewReader(`{}`))
		if err == nil {
			resp.Body.Close()
		}
		if tc.ok != (err == nil) {
			t.Errorf("allow %q: %v, want ok=%v", tc.allow, err, tc.ok)
		}
	}
}

// TestWebhookForm: the assessment page sets a webhook, shows its secret once, refuses
// a URL the allow-list does not admit with the reason, and lists deliveries.
func TestWebhookForm(t *testing.T) {
	e := newHookEnv(t, "", time.Time{})
	aid, _, _ := e.hookAssessment(t, "http://127.0.0.1:9/first")
	c := browserClient(t)
	_, _, pre := page(t, c, e.ts.URL+"/login")
	if code, _, b := postForm(t, c, e.ts.URL+"/login", map[string][]string{"_csrf": {pre}, "name": {"bo"}, "password": {"a long enough password"}}); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %s", code, b)
	}
	A := e.ts.URL + "/assessments/" + itoa(aid)
	post := func(v string) (int, string) {
		t.Helper()
		_, _, tok := page(t, c, A)
		code, _, b := postForm(t, c, A+"/webhook", map[string][]string{"_csrf": {tok}, "webhook_url": {v}})
		return code, b
	}
	code, body := post("http://127.0.0.1:9/second")
	m := regexp.MustCompile(`id="webhook-secret" value="(whsec_[0-9a-f]+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil || !strings.Contains(body, "http://127.0.0.1:9/second") {
		t.Fatalf("set: %d %.3000s", code, body)
	}
	if _, again, _ := page(t, c, A); strings.Contains(again, m[1]) || !strings.Contains(again, "No deliveries yet") {
		t.Error("the secret is shown again")
	}
	if s, _ := e.store.WebhookSecret(context.Background(), aid); s != m[1] {
		t.Errorf("stored secret %q, shown %q", s, m[1])
	}
	code, body = post("http://10.0.0.1/x")
	if code != http.StatusBadRequest || !strings.Contains(body, "allow-list") {
		t.Errorf("private URL: %d %.3000s", code, body)
	}
	// The create form takes a webhook too and shows its secret once.
	_, _, tok := page(t, c, e.ts.URL+"/assessments")
	code, _, body = postForm(t, c, e.ts.URL+"/assessments", map[string][]string{"_csrf": {tok}, "title": {"Form"}, "labs": {"shortener"},
		"time_limit_minutes": {"30"}, "expires_at": {"2026-11-30"}, "webhook_url": {"http://127.0.0.1:9/form"}})
	if code != http.StatusCreated || !strings.Contains(body, `id="webhook-secret" value="whsec_`) || !strings.Contains(body, "http://127.0.0.1:9/form") {
		t.Errorf("create form with a webhook: %d %.3000s", code, body)
	}
	code, _, body = postForm(t, c, e.ts.URL+"/assessments", map[string][]string{"_csrf": {tok}, "title": {"Form"}, "labs": {"shortener"},
		"time_limit_minutes": {"30"}, "expires_at": {"2026-11-30"}, "webhook_url": {"ftp://127.0.0.1/x"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "only http and https") {
		t.Errorf("create form with an ftp webhook: %d %.3000s", code, body)
	}
}

// TestWebhookRemoved: removing the webhook (PUT with "") ends the deliveries still
// queued, as failed, without another request.
func TestWebhookRemoved(t *testing.T) {
	rcv := newReceiver(t, 1)
	e := newHookEnv(t, "", time.Time{})
	aid, secret, ada := e.hookAssessment(t, rcv.ts.URL)
	rcv.secret = secret
	e.call(t, "", "POST", "/api/a/"+ada+"/start", `{}`)
	e.call(t, "", "POST", "/api/a/"+ada+"/finish", `{}`)
	deliver(t, e.srv)
	if code, body := e.call(t, "bo", "PUT", "/api/assessments/"+itoa(aid)+"/webhook", `{"webhook_url":""}`); code != 200 || !strings.Contains(body, `"webhook_url":""`) {
		t.Fatalf("remove: %d %s", code, body)
	}
	e.advance(webhookMaxBackoff)
	deliver(t, e.srv)
	e.advance(webhookMaxBackoff)
	if n := deliver(t, e.srv); n != 0 {
		t.Errorf("%d attempted after failing for good", n)
	}
	ds := e.deliveries(t, aid)
	if len(ds) != 1 || ds[0].State != "failed" || ds[0].Attempts != 2 || !strings.Contains(ds[0].LastError, "removed") {
		t.Errorf("deliveries %+v", ds)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.tries != 1 {
		t.Errorf("receiver tried %d times, want 1", rcv.tries)
	}
}
