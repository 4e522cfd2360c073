package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"prep/content"
	"prep/content/search"
	"prep/labs"
	"prep/labs/grader"
	"prep/store"

	"github.com/labstack/echo/v4"
)

// testEnv is a server over the fixture knowledge base in testdata/content, with a real
// SQLite store in a temp dir and a clock the test moves.
type testEnv struct {
	ts    *httptest.Server
	srv   *Server
	store *store.DB
	mu    sync.Mutex
	clock time.Time
}

// now is the test clock.
func (e *testEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

// advance moves the test clock forward.
func (e *testEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.clock = e.clock.Add(d)
	e.mu.Unlock()
}

func newTestEnv(t *testing.T) *testEnv { return newTestEnvWith(t, grader.Config{Workers: 2}) }

// newTestEnvWith builds the test server with a grader configured by gc (its command and
// environment are filled in: this test binary in worker mode).
func newTestEnvWith(t *testing.T, gc grader.Config) *testEnv {
	t.Helper()
	return newTestEnvDeps(t, gc, nil)
}

// newTestEnvDeps is newTestEnvWith with the server's dependencies changed by edit, if
// not nil, before the server is built.
func newTestEnvDeps(t *testing.T, gc grader.Config, edit func(*Deps)) *testEnv {
	t.Helper()
	lib, err := content.Load(os.DirFS("testdata/content"), content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.New(lib, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "prep.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := labs.Load("") // the embedded labs
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	gc.Command, gc.Env = []string{exe}, []string{workerEnv}
	g, err := grader.New(gc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	e := &testEnv{store: db, clock: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)}
	d := Deps{Library: lib, Search: idx, Store: db, Labs: set, Grader: g, GradingWorkers: gc.Workers, GradingQueue: gc.QueueSize,
		Now: e.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if edit != nil {
		edit(&d)
	}
	e.srv, err = New(d)
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// newTestServer serves the fixture knowledge base.
func newTestServer(t *testing.T) *httptest.Server { return newTestEnv(t).ts }

// scenario is one HTTP request and what its response must hold.
type scenario struct {
	name     string
	method   string
	url      string
	body     string
	header   map[string]string
	status   int
	contains []string
	excludes []string
}

func (sc scenario) run(t *testing.T, ts *httptest.Server, client *http.Client) {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, ts.URL+sc.url, strings.NewReader(sc.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != sc.status {
		t.Errorf("%s %s: status %d, want %d\n%.600s", method, sc.url, resp.StatusCode, sc.status, b)
	}
	for _, s := range sc.contains {
		if !strings.Contains(string(b), s) {
			t.Errorf("%s %s: body lacks %q\n%.1500s", method, sc.url, s, b)
		}
	}
	for _, s := range sc.excludes {
		if strings.Contains(string(b), s) {
			t.Errorf("%s %s: body has %q", method, sc.url, s)
		}
	}
}

func TestRoutes(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("a", search.MaxQueryLen+1)
	scenarios := []scenario{
		{name: "health", url: "/healthz", status: 200, contains: []string{`"status":"ok"`, `"cards":5`}},
		{name: "home", url: "/", status: 200, contains: []string{"Resilience", "2 cards", "Shop platform", `name="q"`, "<strong>0</strong> due and <strong>5</strong> new cards", `href="/review"`}},
		{name: "case deck link", url: "/cases/shop", status: 200, contains: []string{`href="/review?case=shop"`}},
		{name: "topic", url: "/topics/resilience", status: 200, contains: []string{"Circuit breaker pattern", "Retry storm design", "2 of 2 cards"}},
		{name: "topic filtered", url: "/topics/resilience?kind=design", status: 200, contains: []string{"Retry storm design", "1 of 2 cards"}, excludes: []string{">Circuit breaker pattern<"}},
		{name: "topic unknown", url: "/topics/nope", status: 404, contains: []string{`no topic &#34;nope&#34;`}},
		{name: "topic bad filter", url: "/topics/resilience?level=guru", status: 400, contains: []string{"unknown level"}},
		{name: "card", url: "/cards/circuit-breaker", status: 200, contains: []string{
			"Why put a circuit breaker", `<details class="answer" id="reveal">`, "Fail fast when <strong>open</strong>",
			"How long should it stay open?", `href="/cards/pool-exhaustion"`, `<pre class="chroma">`, "&lt;script&gt;"},
			excludes: []string{`<script>alert`}},
		{name: "incident card", url: "/cards/pool-exhaustion", status: 200, contains: []string{"Scenario", "Mitigate now", "Fix for good"}},
		{name: "case card links case", url: "/cards/shop-scale", status: 200, contains: []string{`href="/cases/shop"`, "round 0"}},
		{name: "card unknown", url: "/cards/nope", status: 404, contains: []string{"no card &#34;nope&#34;"}},
		{name: "case page", url: "/cases/shop", status: 200, contains: []string{"Base round", "Scaling the shop"}},
		{name: "case unknown", url: "/cases/nope", status: 404},
		{name: "search page", url: "/search?q=breaker", status: 200, contains: []string{"Circuit breaker pattern", "<mark>"}},
		{name: "search typo", url: "/search?q=circut+braker", status: 200, contains: []string{"Circuit breaker pattern", `showing results for <strong class="corrected">circuit breaker</strong>`}},
		{name: "search empty is a prompt", url: "/search?q=", status: 200, contains: []string{"Type what you are looking for", "How to search", "kafka AND lag"}, excludes: []string{`class="results"`, "Circuit breaker pattern"}},
		{name: "search no match", url: "/search?q=zzqqxxvv", status: 200, contains: []string{`<p class="empty">No cards match`}, excludes: []string{"<li>No cards", `<ol class="results"`}},
		{name: "search pages", url: "/search?q=breaker+pool+retry&size=1", status: 200, contains: []string{"page 1 of", `rel="next"`, `<ol class="results" start="1">`}, excludes: []string{`rel="prev"`}},
		{name: "search page 2", url: "/search?q=breaker+pool+retry&size=1&page=2", status: 200, contains: []string{"page 2 of", `rel="prev"`, `<ol class="results" start="2">`}},
		{name: "search bad page", url: "/search?q=breaker&page=x", status: 400, contains: []string{`page must be a whole number from 1, not &#34;x&#34;`, `value="breaker"`}},
		{name: "search bad syntax keeps the query", url: "/search?advanced=1&q=title:", status: 400, contains: []string{"query syntax", `value="title:"`, `id="q-problem"`, `aria-invalid="true"`, "checked"}},
		{name: "search facet filter", url: "/search?q=&kind=incident", status: 200, contains: []string{"Connection pool exhausted"}, excludes: []string{">Circuit breaker pattern<"}},
		{name: "search too long", url: "/search?q=" + long, status: 400, contains: []string{"the limit is 256", `value="` + long + `"`, `id="q-problem"`, `<form action="/search"`}},
		{name: "search bad syntax", url: "/search?advanced=1&q=title:", status: 400, contains: []string{"query syntax"}},
		{name: "not found page", url: "/nowhere", status: 404, contains: []string{"nothing at /nowhere"}},
		{name: "favicon", url: "/favicon.ico", status: 200, contains: []string{"<svg"}},
		{name: "favicon linked", url: "/", status: 200, contains: []string{`<link rel="icon" href="/static/favicon.`}},
		{name: "import opened as a page", url: "/import", status: 200, contains: []string{"Import progress"}},
		{name: "undo opened as a page", url: "/review/undo", status: 200, contains: []string{"<h1>Review"}},
		{name: "sign-out opened as a page", url: "/logout", status: 200, contains: []string{"Offline mode"}},
		{name: "api cards", url: "/api/cards", status: 200, contains: []string{`"total":5`, `"id":"circuit-breaker"`}},
		{name: "api cards filtered", url: "/api/cards?topic=databases&kind=incident", status: 200, contains: []string{`"total":1`, `"pool-exhaustion"`}},
		{name: "api cards unknown filter", url: "/api/cards?kind=essay", status: 400, contains: []string{`{"error":{"kind":"invalid","message":"unknown kind \"essay\" (use one of: concept, design, incident, scenario, case-study)"}}`}},
		{name: "api card", url: "/api/cards/circuit-breaker", status: 200, contains: []string{`"prompt":{"name":"Question"`, `"key_points":["Fail fast when \u003cstrong\u003eopen\u003c/strong\u003e"`, `"follow_ups":[{"question":"How long should it stay open?"`}},
		{name: "api card unknown", url: "/api/cards/nope", status: 404, contains: []string{`"kind":"not_found"`}},
		{name: "api topics", url: "/api/topics", status: 200, contains: []string{`"id":"resilience"`, `"cards":2`}},
		{name: "api search", url: "/api/search?q=connections", status: 200, contains: []string{`"id":"pool-exhaustion"`, `"facets"`, `"total":`, `"page":1,"size":20,"pages":1`, `"hits":[{"id":`}},
		{name: "api search empty", url: "/api/search?q=", status: 400, contains: []string{`"kind":"invalid"`, "the query is empty"}},
		{name: "api search filters only", url: "/api/search?kind=incident", status: 200, contains: []string{`"id":"pool-exhaustion"`}, excludes: []string{`"id":"circuit-breaker"`}},
		{name: "api search bad size", url: "/api/search?q=x&size=-1", status: 400, contains: []string{"size must be a whole number from 1"}},
		{name: "api search unknown tag", url: "/api/search?q=x&tag=nope", status: 400, contains: []string{`unknown tag \"nope\"`}},
		{name: "api search broken syntax", url: "/api/search?advanced=true&q=%22abc", status: 400, contains: []string{`"kind":"invalid"`, "query syntax"}},
		{name: "api unknown", url: "/api/nothing", status: 404, contains: []string{`"kind":"not_found"`}},
		{name: "json error on accept", url: "/cards/nope", header: map[string]string{"Accept": "application/json"}, status: 404, contains: []string{`"kind":"not_found"`}},
		{name: "method not allowed", method: "DELETE", url: "/cards/circuit-breaker", header: map[string]string{"Content-Type": "application/json"}, status: 405},
		{name: "form post without csrf token", method: "POST", url: "/review", body: "card=x&rating=3", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 403, contains: []string{"reload the page"}},
		{name: "cross-site form post", method: "POST", url: "/review", body: "card=x&rating=3", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}, status: 403},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, ts, ts.Client()) })
	}
}

func TestSecurityHeadersAndAssets(t *testing.T) {
	ts := newTestServer(t)
	resp, err := http.Get(ts.URL + "/cards/circuit-breaker")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"X-Request-Id":            "",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) || got == "" {
			t.Errorf("header %s = %q, want it to contain %q", h, got, want)
		}
	}
	// No page may load anything from another host.
	if m := regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).Find(body); m != nil {
		t.Errorf("page references another host: %s", m)
	}
	// Every asset the page names is served with a long cache lifetime.
	for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(string(body), -1) {
		r, err := http.Get(ts.URL + m[1])
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: status %d, cache %q", m[1], r.StatusCode, r.Header.Get("Cache-Control"))
		}
	}
}

func TestClientIPIsNotSpoofable(t *testing.T) {
	srv, err := New(Deps{Library: mustLib(t), Search: nil, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "10.1.2.3:5555"
	req.Header.Set("X-Forwarded-For", "1.1.1.1")
	c := srv.e.NewContext(req, httptest.NewRecorder())
	if ip := c.RealIP(); ip != "10.1.2.3" {
		t.Errorf("RealIP = %s, want the peer address 10.1.2.3", ip)
	}
}

func mustLib(t *testing.T) *content.Library {
	t.Helper()
	lib, err := content.Load(os.DirFS("testdata/content"), content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestInternalErrorsAreHidden(t *testing.T) {
	srv, err := New(Deps{Library: mustLib(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.e.GET("/boom", func(c echo.Context) error { return os.ErrPermission })
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/boom", nil)
	req.Header.Set("Accept", "application/json")
	srv.Handler().ServeHTTP(rec, req)
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 500 || body.Error.Kind != "internal" || !strings.HasPrefix(body.Error.Message, "internal error (id ") || strings.Contains(rec.Body.String(), "permission") {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
}
