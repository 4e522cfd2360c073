package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCostlySearchesAreRefused: advanced queries whose cost has no bound are answered
// 400 with the reason, before they run.
func TestCostlySearchesAreRefused(t *testing.T) {
	ts := newTestServer(t)
	for _, sc := range []scenario{
		{name: "64 leading wildcards", url: "/api/search?advanced=1&q=" + url.QueryEscape(strings.TrimSpace(strings.Repeat("*e* ", 64))), status: 400, contains: []string{`wildcard \"*e*\"`}},
		{name: "five wildcards", url: "/api/search?advanced=1&q=" + url.QueryEscape("ab* cd* ef* gh* ij*"), status: 400, contains: []string{"too many wildcard, regular expression or fuzzy terms: at most 4"}},
		{name: "one leading wildcard", url: "/api/search?advanced=1&q=" + url.QueryEscape("*e*"), status: 400, contains: []string{"start it with at least 2 plain characters"}},
		{name: "huge repetition", url: "/api/search?advanced=1&q=" + url.QueryEscape("/.{0,1000}/"), status: 400, contains: []string{"regular expression"}},
		{name: "repetition after a prefix", url: "/api/search?advanced=1&q=" + url.QueryEscape("/ci.{0,1000}/"), status: 400, contains: []string{"too complex"}},
		{name: "edit distance 9", url: "/api/search?advanced=1&q=" + url.QueryEscape("abcdefghij~9"), status: 400, contains: []string{"edit distance after ~ must be 1 or 2"}},
		{name: "long pattern", url: "/api/search?advanced=1&q=" + url.QueryEscape("ab"+strings.Repeat("c", 40)+"*"), status: 400, contains: []string{"the limit is 32"}},
		{name: "page says why", url: "/search?advanced=1&q=" + url.QueryEscape("*e*"), status: 400, contains: []string{"plain characters"}},
		{name: "a bounded wildcard runs", url: "/api/search?advanced=1&q=" + url.QueryEscape("circ*"), status: 200, contains: []string{`"circuit-breaker"`}},
		{name: "a bounded regexp runs", url: "/api/search?advanced=1&q=" + url.QueryEscape("/circ.*/"), status: 200, contains: []string{`"circuit-breaker"`}},
		{name: "a bounded fuzzy term runs", url: "/api/search?advanced=1&q=" + url.QueryEscape("braker~1"), status: 200, contains: []string{`"circuit-breaker"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, ts, ts.Client()) })
	}
}

// TestNoSearchInputIsAServerError runs hostile queries, alone and combined, plain and
// advanced, through the page and the API: none may answer 5xx.
func TestNoSearchInputIsAServerError(t *testing.T) {
	ts := newTestServer(t)
	parts := []string{
		"*", "?", "*e*", "e*", "ab*", "a?c", "/.*/", "/.{0,1000}/", "/(a+)+$/", "/[/", "/a{2,}/", "/ab\\/",
		"abcdefghij~9", "ab~2", "x~-1", "x~1e30", "x~", "~", "circuit~0", "\"abc", "\"a b\"~5", "title:", ":x",
		"title:*", "tags:/.*/", "+", "-", "+-x", "-*", "^", "x^1000000", "x^-1", "title:x^abc", ">", ">=5", "<\"2026\"",
		"created:>\"not a date\"", "kind:>5", "(", ")", "[a TO b]", "{", "\\", "\x00", "\u202e", "%", "&&", "||", "!",
		strings.Repeat("a", 300), strings.Repeat("é", 129), strings.Repeat("+x ", 85), strings.Repeat("ab* ", 5),
	}
	var queries []string
	for _, a := range parts {
		queries = append(queries, a)
		for _, b := range []string{"ab*", "/.{0,1000}/", "x~9", "\"", "title:"} {
			queries = append(queries, a+" "+b, a+b)
		}
	}
	c := ts.Client()
	for _, q := range queries {
		for _, path := range []string{"/api/search", "/search"} {
			for _, adv := range []string{"1", "0", "maybe"} {
				u := ts.URL + path + "?advanced=" + adv + "&q=" + url.QueryEscape(q)
				resp, err := c.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					t.Errorf("%s advanced=%s q=%q: %d %.300s", path, adv, q, resp.StatusCode, b)
				}
				if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
					t.Errorf("%s advanced=%s q=%q: status %d, want 200 or 400", path, adv, q, resp.StatusCode)
				}
			}
		}
	}
}
