package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"prep/store"
)

// upload is a multipart form body carrying content as the file field "file" (left out
// when content is nil), with token as the CSRF token when set.
func upload(t *testing.T, token string, content []byte) (body, contentType string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token != "" {
		mw.WriteField("_csrf", token)
	}
	if content != nil {
		fw, err := mw.CreateFormFile("file", "progress.json")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

// get fetches url from env and returns the response with its body read.
func get(t *testing.T, env *testEnv, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := env.ts.Client().Get(env.ts.URL + url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestExportImportRoundTrip(t *testing.T) {
	src := newTestEnv(t)
	counts := seedHistory(t, src)
	want := getStats(t, src)

	resp, export := get(t, src, "/export.json")
	for h, v := range map[string]string{
		"Content-Disposition": `attachment; filename="prep-progress-2026-11-02.json"`,
		"Content-Type":        "application/json; charset=UTF-8",
		"Cache-Control":       "no-store",
	} {
		if got := resp.Header.Get(h); got != v {
			t.Errorf("%s: %q, want %q", h, got, v)
		}
	}
	if resp.StatusCode != 200 || !bytes.HasPrefix(export, []byte(`{"format":"prep-progress","version":2,`)) {
		t.Fatalf("export: status %d\n%.300s", resp.StatusCode, export)
	}

	// One destination per way in: the API's JSON body and the settings page's form.
	t.Run("json body", func(t *testing.T) {
		dst := newTestEnv(t)
		sc := scenario{method: "POST", url: "/import", body: string(export), header: jsonHeader, status: 200, contains: []string{`{"imported":true,`}}
		sc.run(t, dst.ts, dst.ts.Client())
		if got := getStats(t, dst); !reflect.DeepEqual(got, want) {
			t.Errorf("stats after import differ:\n got %+v\nwant %+v", got, want)
		}
		if st, _ := dst.store.Settings(t.Context(), store.LocalUserID); st.TimeZone != "UTC" {
			t.Errorf("imported settings %+v, want the exported ones", st)
		}
	})
	t.Run("form upload", func(t *testing.T) {
		dst := newTestEnv(t)
		client, token := formClient(t, dst)
		body, ct := upload(t, token, export)
		req, _ := http.NewRequest("POST", dst.ts.URL+"/import", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/stats" {
			t.Fatalf("status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := getStats(t, dst); !reflect.DeepEqual(got, want) {
			t.Errorf("stats after import differ:\n got %+v\nwant %+v", got, want)
		}
		// The account has progress now: the API says how to choose, and the form shows
		// what each choice does before anything changes.
		sc := scenario{method: "POST", url: "/import", body: string(export), header: jsonHeader, status: 409,
			contains: []string{"this account already has progress (5 rated cards", "send mode=replace or mode=merge"}}
		sc.run(t, dst.ts, dst.ts.Client())
		body, ct = upload(t, token, export)
		req, _ = http.NewRequest("POST", dst.ts.URL+"/import", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range []string{"Merge it in", "Replace my progress", "Your 5 rated cards", "5 cards you reviewed later keep yours", "Your settings stay as they are"} {
			if resp.StatusCode != 200 || !strings.Contains(string(page), w) {
				t.Errorf("preview: status %d, lacks %q\n%.2500s", resp.StatusCode, w, page)
			}
		}
		m := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindSubmatch(page)
		if m == nil {
			t.Fatal("no token in the preview")
		}
		confirm := url.Values{"_csrf": {token}, "token": {string(m[1])}, "mode": {"merge"}}
		if code, loc, _ := postForm(t, client, dst.ts.URL+"/import/confirm", confirm); code != http.StatusSeeOther || loc != "/stats" {
			t.Errorf("confirm merge: %d %q", code, loc)
		}
		if code, _, b := postForm(t, client, dst.ts.URL+"/import/confirm", confirm); code != http.StatusNotFound || !strings.Contains(b, "upload the file again") {
			t.Errorf("a used token: %d %.300s", code, b)
		}
		sc = scenario{method: "POST", url: "/import?mode=replace", body: string(export), header: jsonHeader, status: 200,
			contains: []string{`"mode":"replace"`, `"had_states":5`}}
		sc.run(t, dst.ts, dst.ts.Client())
		if got := getStats(t, dst); !reflect.DeepEqual(got, want) {
			t.Errorf("stats after replacing differ:\n got %+v\nwant %+v", got, want)
		}
	})

	t.Run("csv", func(t *testing.T) {
		resp, b := get(t, src, "/export.csv")
		if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="prep-reviews-2026-11-02.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
		if len(lines) != total+1 || !strings.HasPrefix(lines[0], "reviewed_at,card_id,rating,") ||
			!strings.Contains(lines[1], ",circuit-breaker,3,1000,new,") {
			t.Errorf("%d lines for %d reviews:\n%.400s", len(lines), total, b)
		}
	})
}

func TestExportEmpty(t *testing.T) {
	env := newTestEnv(t)
	scenarios := []scenario{
		{name: "json", url: "/export.json", status: 200, contains: []string{`"states":[],"reviews":[],"attempts":[]}`}},
		{name: "csv", url: "/export.csv", status: 200, contains: []string{"reviewed_at,card_id,rating,elapsed_ms,"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, env.ts.Client()) })
	}
}

func TestImportErrors(t *testing.T) {
	env := newTestEnv(t)
	client, token := formClient(t, env)
	noFile, noFileType := upload(t, token, nil)
	bad, badType := upload(t, token, []byte(`{"format":"anki"}`))
	cut, cutType := upload(t, token, []byte(`{"format":"prep-progress","version":1,"states":[`))
	scenarios := []scenario{
		{name: "form without a file", method: "POST", url: "/import", body: noFile, header: map[string]string{"Content-Type": noFileType}, status: 400,
			contains: []string{"choose a progress file"}},
		{name: "form not multipart", method: "POST", url: "/import", body: "_csrf=" + token, header: formHeader, status: 400,
			contains: []string{"choose a progress file"}},
		{name: "not a progress file", method: "POST", url: "/import", body: bad, header: map[string]string{"Content-Type": badType}, status: 400,
			contains: []string{"progress file:"}},
		{name: "cut short", method: "POST", url: "/import", body: cut, header: map[string]string{"Content-Type": cutType}, status: 400,
			contains: []string{"progress file: the file is empty or cut short"}},
		{name: "json not json", method: "POST", url: "/import", body: "hello", header: jsonHeader, status: 400,
			contains: []string{`"kind":"invalid"`, "progress file: not valid JSON"}},
		{name: "json empty", method: "POST", url: "/import", body: "", header: jsonHeader, status: 400,
			contains: []string{"progress file: the file is empty or cut short"}},
		{name: "nothing was written", url: "/api/stats", status: 200, contains: []string{`"totals":{"reviews":0,`}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, client) })
	}
}

// The size cap needs bodyLimit in the server's middleware in place of echo's general
// one; it is tested here on a bare echo with just that and the handler.
func TestImportSizeCap(t *testing.T) {
	env := newTestEnv(t)
	e := echo.New()
	e.HTTPErrorHandler = env.srv.handleError
	e.Use(env.srv.bodyLimit())
	asLocalUser := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(userKey, store.User{ID: store.LocalUserID})
			return next(c)
		}
	}
	e.POST("/import", env.srv.importProgress, asLocalUser)
	e.POST("/other", func(c echo.Context) error { return c.NoContent(204) })

	// Valid progress files of n bytes, padded inside, so only the size can be wrong.
	padded := func(n int) []byte {
		head, tail := `{"format":"prep-progress","version":1,"states":[`, `],"reviews":[],"attempts":[]}`
		return []byte(head + strings.Repeat(" ", n-len(head)-len(tail)) + tail)
	}
	big := padded(maxImportSize + 1)
	form, formType := upload(t, "", big)
	tests := []struct {
		name, url, contentType string
		body                   []byte
		unknownLength          bool
		status                 int
		contains               string
	}{
		{"json over the cap", "/import", "application/json", big, false, 400, "larger than 32 MiB"},
		{"json over the cap, no length", "/import", "application/json", big, true, 400, "larger than 32 MiB"},
		{"form over the cap", "/import", formType, []byte(form), false, 400, "larger than 32 MiB"},
		{"form over the cap, no length", "/import", formType, []byte(form), true, 400, "larger than 32 MiB"},
		{"json under the cap", "/import", "application/json", padded(maxImportSize), false, 200, `{"imported":true,`},
		{"other routes keep the general limit", "/other", "text/plain", make([]byte, 2<<20), false, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", tt.url, bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set("Accept", "application/json")
			if tt.unknownLength {
				req.ContentLength = -1
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.contains) {
				t.Errorf("status %d, want %d with %q\n%.300s", rec.Code, tt.status, tt.contains, rec.Body)
			}
			var body errorBody
			if tt.status == 400 && (json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.Kind != "invalid") {
				t.Errorf("not an invalid error: %s", rec.Body)
			}
		})
	}
}
