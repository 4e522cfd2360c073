package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"prep/store"
)

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDraftAPI: the draft contract other parts build on, in offline mode (one user).
func TestDraftAPI(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	starter := labFiles(t, "lru", false)["lru.go"]
	edited := strings.Replace(starter, "// TODO: add", "// my fields:", 1)
	own := "package lru\n\nimport \"testing\"\n\nfunc TestMine(t *testing.T) {}\n"
	scenarios := []scenario{
		{name: "starter before any save", url: "/api/labs/lru/draft", status: 200, contains: []string{`"lru.go":"// Package lru`, `"my_test.go":"package lru`, `"updated_at":null`}},
		{name: "save", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: jsonBody(map[string]any{"files": map[string]string{"lru.go": edited, "my_test.go": own}}),
			status: 200, contains: []string{`// my fields:`, `"updated_at":"2026-11-02T12:00:00Z"`}},
		{name: "saved", url: "/api/labs/lru/draft", status: 200, contains: []string{`// my fields:`, `func TestMine`, `"updated_at":"2026-11-02T12:00:00Z"`}},
		{name: "the page shows the draft", url: "/labs/lru", status: 200, contains: []string{`// my fields:`, `func TestMine`}},
		{name: "bad json", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: `{"files":`, status: 400, contains: []string{"body must be JSON", "lru.go"}},
		{name: "no files", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: `{"files":{}}`, status: 400, contains: []string{`"kind":"invalid"`}},
		{name: "bad name", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: jsonBody(map[string]any{"files": map[string]string{"lru.go": "x", "../x.go": "y"}}), status: 400, contains: []string{"bad file name"}},
		{name: "clash with a lab test", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: jsonBody(map[string]any{"files": map[string]string{"lru.go": "x", "lru_test.go": "y"}}), status: 400, contains: []string{"clashes with a file of the lab"}},
		{name: "unknown lab", url: "/api/labs/nope/draft", status: 404},
		{name: "stale tab: based on the starter", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: jsonBody(map[string]any{"files": map[string]string{"lru.go": starter}, "base": 0}),
			status: 409, contains: []string{"changed in another tab or browser", "12:00:00 UTC"}},
		{name: "up to date tab", method: "PUT", url: "/api/labs/lru/draft", header: jsonHeader, body: jsonBody(map[string]any{"files": map[string]string{"lru.go": edited, "my_test.go": own}, "base": env.now().UnixMilli()}),
			status: 200, contains: []string{`// my fields:`}},
		{name: "reset", method: "DELETE", url: "/api/labs/lru/draft", header: jsonHeader, status: 200, contains: []string{`"lru.go":"// Package lru`, `"updated_at":null`}, excludes: []string{"my fields"}},
		{name: "after reset", url: "/api/labs/lru/draft", status: 200, contains: []string{`"updated_at":null`}, excludes: []string{"my fields"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
	snaps, err := env.store.DraftSnapshots(context.Background(), store.LocalUserID, "lru")
	if err != nil || len(snaps) != 2 || !snaps[1].Reset {
		t.Errorf("snapshots after a save and a reset: %+v %v", snaps, err)
	}
}

// TestAttemptsAPI: the history contract, newest first, and only the owner sees an attempt.
func TestAttemptsAPI(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	run := jsonBody(map[string]any{"files": map[string]string{"bucket.go": "package tokenbucket\n\nfunc broken() int { return undefinedName }\n"}})
	if code, resp := postJSON(t, c, env.ts.URL+"/api/labs/token-bucket/runs", run); code != 200 {
		t.Fatalf("run: %d %s", code, resp)
	}
	code, resp := postJSON(t, c, env.ts.URL+"/api/labs/token-bucket/submissions", jsonBody(map[string]any{"files": labFiles(t, "token-bucket", true)}))
	if code != 200 {
		t.Fatalf("submission: %d %s", code, resp)
	}
	var sub struct {
		Attempt int64 `json:"attempt"`
	}
	json.Unmarshal([]byte(resp), &sub)
	first := sub.Attempt - 1
	scenarios := []scenario{
		{name: "list", url: "/api/labs/token-bucket/attempts", status: 200, contains: []string{
			fmt.Sprintf(`{"id":%d,"lab":"token-bucket","mode":"submit","verdict":"passed","passed":`, sub.Attempt),
			fmt.Sprintf(`{"id":%d,"lab":"token-bucket","mode":"run","verdict":"compile_error","passed":0,"total":0,"at":"2026-11-02T12:00:00Z"`, first)}},
		{name: "empty list", url: "/api/labs/lru/attempts", status: 200, contains: []string{`{"attempts":[]}`}},
		{name: "one attempt", url: fmt.Sprintf("/api/attempts/%d", first), status: 200, contains: []string{`"files":{"bucket.go":"package tokenbucket`, `"result":{"lab":"token-bucket","mode":"run","verdict":"compile_error"`}},
		{name: "no such attempt", url: "/api/attempts/99999", status: 404},
		{name: "not a number", url: "/api/attempts/abc", status: 404},
		{name: "history on the page", url: "/labs/token-bucket", status: 200, contains: []string{"Does not compile", `id="diff-form"`, fmt.Sprintf(`action="/labs/token-bucket/attempts/%d/restore"`, first)}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
	if !strings.Contains(get200(t, c, env.ts.URL+"/api/labs/token-bucket/attempts"), fmt.Sprintf(`"attempts":[{"id":%d`, sub.Attempt)) {
		t.Error("attempts are not newest first")
	}

	// Accounts: the local user's attempts became alice's; bob sees neither them nor
	// their drafts, and without a session the API asks to sign in.
	ctx := context.Background()
	if _, err := env.store.AddUser(ctx, "alice", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	bob, err := env.store.AddUser(ctx, "bob", "battery staple horse")
	if err != nil {
		t.Fatal(err)
	}
	token, err := env.store.CreateSession(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	asBob := map[string]string{"Cookie": "prep_session=" + token}
	for _, sc := range []scenario{
		{name: "bob: alice's attempt", url: fmt.Sprintf("/api/attempts/%d", first), header: asBob, status: 404},
		{name: "bob: alice's attempt page", url: fmt.Sprintf("/labs/token-bucket/attempts/%d", first), header: asBob, status: 404},
		{name: "bob: his list", url: "/api/labs/token-bucket/attempts", header: asBob, status: 200, contains: []string{`{"attempts":[]}`}},
		{name: "bob: his draft", url: "/api/labs/token-bucket/draft", header: asBob, status: 200, contains: []string{`"updated_at":null`}, excludes: []string{"undefinedName"}},
		{name: "anonymous: draft", url: "/api/labs/token-bucket/draft", status: 401},
		{name: "anonymous: attempts", url: "/api/labs/token-bucket/attempts", status: 401},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
}

func get200(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	code, body, _ := page(t, c, url)
	if code != 200 {
		t.Fatalf("GET %s: %d", url, code)
	}
	return body
}
