package web

import (
	"context"
	"testing"

	"prep/store"
)

// TestLabCatalogue checks the /labs catalogue and the topic pages' labs over the
// fixture knowledge base, where only the circuit-breaker lab's first card exists (so
// it is the one resilience lab and every other lab is under "Other labs").
func TestLabCatalogue(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	for _, a := range []store.Attempt{
		{Lab: "token-bucket", Mode: store.ModeSubmit, Verdict: "failed"},
		{Lab: "token-bucket", Mode: store.ModeSubmit, Verdict: store.VerdictPassed},
		{Lab: "lru", Mode: store.ModeRun, Verdict: "failed"},
	} {
		if _, err := env.store.SaveAttempt(ctx, store.LocalUserID, a); err != nil {
			t.Fatal(err)
		}
	}
	lab := func(slug string) string { return `href="/labs/` + slug + `"` }
	scenarios := []scenario{
		{name: "grouped by topic", url: "/labs", status: 200, contains: []string{
			`<h2 id="topic-resilience"><a href="/topics/resilience">Resilience</a></h2>`, `<h2 id="topic-other">Other labs</h2>`,
			lab("circuit-breaker"), lab("lru"), lab("lfu"), `<span class="badge level">senior</span>`}},
		{name: "progress of each lab", url: "/labs", status: 200, contains: []string{
			`<strong>Token bucket rate limiter</strong></a> <span class="badge level">mid</span> <span class="badge ok">passed</span>`,
			`<strong>LRU cache</strong></a> <span class="badge level">mid</span> <span class="badge">attempted</span>`,
			`<strong>Circuit breaker</strong></a> <span class="badge level">senior</span> <span class="badge">not started</span>`}},
		{name: "filter links work without JavaScript", url: "/labs", status: 200, contains: []string{
			`href="/labs?topic=resilience"`, `href="/labs?level=staff"`, `href="/labs?status=passed"`}},
		{name: "topic filter", url: "/labs?topic=resilience", status: 200,
			contains: []string{lab("circuit-breaker"), `aria-label="clear topic filter"`, `show all`},
			excludes: []string{lab("lru"), `id="topic-other"`}},
		{name: "other topic filter", url: "/labs?topic=other", status: 200, contains: []string{lab("lru")}, excludes: []string{lab("circuit-breaker")}},
		{name: "level filter", url: "/labs?level=senior", status: 200, contains: []string{lab("circuit-breaker"), lab("saga")}, excludes: []string{lab("lru"), lab("token-bucket")}},
		{name: "level filter keeps the topic", url: "/labs?topic=resilience&level=senior", status: 200,
			contains: []string{lab("circuit-breaker"), `href="/labs?level=senior"`}, excludes: []string{lab("saga")}},
		{name: "status passed", url: "/labs?status=passed", status: 200, contains: []string{lab("token-bucket")}, excludes: []string{lab("lru"), lab("saga")}},
		{name: "status attempted", url: "/labs?status=attempted", status: 200, contains: []string{lab("lru")}, excludes: []string{lab("token-bucket"), lab("saga")}},
		{name: "status not started", url: "/labs?status=not-started", status: 200, contains: []string{lab("saga")}, excludes: []string{lab("lru"), lab("token-bucket")}},
		{name: "nothing matches", url: "/labs?topic=resilience&level=junior", status: 200, contains: []string{"No lab matches these filters"}},
		{name: "unknown topic", url: "/labs?topic=nope", status: 400, contains: []string{`unknown topic &#34;nope&#34;`, "resilience"}},
		{name: "unknown level", url: "/labs?level=expert", status: 400, contains: []string{"unknown level", "junior, mid, senior, staff"}},
		{name: "unknown status", url: "/labs?status=done", status: 400, contains: []string{"unknown status", "not-started, attempted, passed"}},
		{name: "topic page lists its labs", url: "/topics/resilience", status: 200,
			contains: []string{`<h2 id="labs">Labs</h2>`, lab("circuit-breaker"), `href="/labs?topic=resilience"`}, excludes: []string{lab("lru")}},
		{name: "topic page without labs", url: "/topics/databases", status: 200, excludes: []string{`id="labs"`, `id="related-labs"`}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, env.ts.Client()) })
	}
}
