package web

import (
	"regexp"
	"strings"
	"testing"
)

// TestImportedPassDoesNotCount: a progress file with a forged passed submission is
// imported, but the lab is not marked passed anywhere; the attempt is listed and shown
// as imported.
func TestImportedPassDoesNotCount(t *testing.T) {
	env := newTestEnv(t)
	c := browserClient(t)
	forged := `{"format":"prep-progress","version":1,"states":[],"reviews":[],"attempts":[
		{"lab":"lru","mode":"submit","verdict":"passed","result":{"lab":"lru","mode":"submit","verdict":"passed","message":"all 19 tests passed","tests":[]},"source":{"lru.go":"package lru // forged"},"duration_ms":10,"created_at":"2026-11-01T10:00:00Z"}]}`
	if code, body := postJSON(t, c, env.ts.URL+"/import", forged); code >= 300 {
		t.Fatalf("import: %d %s", code, body)
	}
	for _, sc := range []scenario{
		{name: "api labs", url: "/api/labs", status: 200, contains: []string{`"slug":"lru"`}, excludes: []string{`"status":"passed"`}},
		{name: "api lab", url: "/api/labs/lru", status: 200, excludes: []string{`"status":"passed"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
	_, body, _ := page(t, c, env.ts.URL+"/labs")
	if m := regexp.MustCompile(`(?s)href="/labs/lru".{0,400}`).FindString(body); strings.Contains(m, "passed") {
		t.Errorf("labs page marks lru passed: %s", m)
	}
	_, body, _ = page(t, c, env.ts.URL+"/labs/lru")
	if !strings.Contains(body, "(imported)") {
		t.Errorf("lab page does not show the attempt as imported:\n%.3000s", body)
	}
	m := regexp.MustCompile(`href="(/labs/lru/attempts/\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link to the imported attempt")
	}
	_, body, _ = page(t, c, env.ts.URL+m[1])
	if !strings.Contains(body, "Imported from a progress file: this server did not grade this attempt") {
		t.Errorf("attempt page does not say it was imported:\n%.3000s", body)
	}
}
