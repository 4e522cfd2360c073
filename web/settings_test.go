package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"prep/store"
)

// formClient returns a client that keeps cookies and does not follow redirects, with
// the CSRF token the server handed it on the settings page.
func formClient(t *testing.T, env *testEnv) (*http.Client, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(env.ts.URL + "/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF token on /settings (status %d)", resp.StatusCode)
	}
	return client, string(m[1])
}

// settingsPost is a form body of the settings, with token as the CSRF token when set.
func settingsPost(token string, retention, perDay, hour, maxIvl, zone string) string {
	v := url.Values{"desired_retention": {retention}, "new_per_day": {perDay}, "rollover_hour": {hour},
		"max_interval_days": {maxIvl}, "time_zone": {zone}, "reviews_per_day": {"150"}, "new_order": {"level"}}
	if token != "" {
		v.Set("_csrf", token)
	}
	return v.Encode()
}

var (
	formHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	jsonHeader = map[string]string{"Content-Type": "application/json"}
)

func TestSettingsForm(t *testing.T) {
	env := newTestEnv(t)
	client, token := formClient(t, env)
	before, err := env.store.Settings(context.Background(), store.LocalUserID)
	if err != nil {
		t.Fatal(err)
	}
	post := func(name, body string, status int, contains ...string) scenario {
		return scenario{name: name, method: http.MethodPost, url: "/settings", body: body, header: formHeader, status: status, contains: contains}
	}
	invalid := []scenario{
		post("retention too low", settingsPost(token, "0.5", "15", "3", "365", "UTC"), 400,
			"desired retention must be between 0.70 and 0.99", `value="0.5"`, `value="15"`, `value="365"`,
			`id="desired_retention" name="desired_retention"`, `aria-describedby="hint-retention err-desired_retention" aria-invalid="true"`),
		post("retention not a number", settingsPost(token, "ninety", "15", "3", "365", "UTC"), 400,
			"desired retention must be a number", `value="ninety"`),
		post("new per day negative", settingsPost(token, "0.85", "-1", "3", "365", "UTC"), 400,
			"new cards per day must be between 0 and 9999", `value="-1"`, `value="0.85"`, `aria-describedby="hint-new err-new_per_day" aria-invalid="true"`),
		post("hour 24", settingsPost(token, "0.85", "15", "24", "365", "UTC"), 400,
			"day rollover hour must be between 0 and 23", `value="24"`, `aria-describedby="hint-hour err-rollover_hour" aria-invalid="true"`),
		post("hour not whole", settingsPost(token, "0.85", "15", "3.5", "365", "UTC"), 400,
			"day rollover hour must be a whole number", `value="3.5"`),
		post("interval zero", settingsPost(token, "0.85", "15", "3", "0", "UTC"), 400,
			"maximum interval must be between 1 and 36500 days", `aria-describedby="hint-max err-max_interval_days" aria-invalid="true"`),
		post("unknown zone", settingsPost(token, "0.85", "15", "3", "365", "Mars/Base"), 400,
			"unknown time zone &#34;Mars/Base&#34;", `value="Mars/Base"`, `aria-describedby="hint-zone err-time_zone" aria-invalid="true"`),
		post("empty zone", settingsPost(token, "0.85", "15", "3", "365", " "), 400, "time zone is empty"),
		post("every field wrong at once", settingsPost(token, "2", "x", "24", "0", "Mars/Base"), 400,
			"fix the 5 fields marked below", `id="err-desired_retention">desired retention must be between`,
			`id="err-new_per_day">new cards per day must be a whole number`, `id="err-rollover_hour">day rollover hour must be between 0 and 23`,
			`id="err-max_interval_days">maximum interval must be between`, `id="err-time_zone">unknown time zone`,
			`value="2"`, `value="x"`, `value="24"`, `value="0"`, `value="Mars/Base"`),
	}
	for _, sc := range invalid {
		t.Run(sc.name, func(t *testing.T) {
			sc.run(t, env.ts, client)
			if after, _ := env.store.Settings(context.Background(), store.LocalUserID); after != before {
				t.Errorf("settings changed to %+v", after)
			}
		})
	}

	valid := []scenario{
		post("valid save", settingsPost(token, "0.85", "15", "3", "365", "Europe/Berlin"), http.StatusSeeOther),
		{name: "saved notice", url: "/settings?saved=1", status: 200, contains: []string{
			`role="status">Saved.`, `value="0.85"`, `value="15"`, `value="3"`, `value="365"`, `value="Europe/Berlin"`,
			`<option value="Asia/Tokyo">`, "It is 13:00 (Mon 2 Nov) in Europe/Berlin now.",
			`href="/export.json"`, `href="/export.csv"`, `enctype="multipart/form-data"`, `name="file"`, "no progress yet",
		}},
		{name: "no notice without saving", url: "/settings", status: 200, excludes: []string{"Saved."}},
	}
	for _, sc := range valid {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, client) })
	}
	want := store.Settings{DesiredRetention: 0.85, NewPerDay: 15, RolloverHour: 3, MaxIntervalDays: 365, TimeZone: "Europe/Berlin", ReviewsPerDay: 150, NewOrder: "level"}
	if got, _ := env.store.Settings(context.Background(), store.LocalUserID); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
}

// Forms are guarded against cross-site requests: by Sec-Fetch-Site where the browser
// sends it, by the token otherwise.
func TestSettingsCSRF(t *testing.T) {
	env := newTestEnv(t)
	client, token := formClient(t, env)
	body := settingsPost("", "0.8", "10", "4", "100", "UTC")
	header := func(kv ...string) map[string]string {
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}
	scenarios := []scenario{
		{name: "cross-site without token", method: "POST", url: "/settings", body: body, header: header("Sec-Fetch-Site", "cross-site"), status: 403},
		{name: "cross-site even with token", method: "POST", url: "/settings", body: settingsPost(token, "0.8", "10", "4", "100", "UTC"),
			header: header("Sec-Fetch-Site", "cross-site"), status: 403},
		{name: "no token, old browser", method: "POST", url: "/settings", body: body, header: header(), status: 403},
		{name: "wrong token", method: "POST", url: "/settings", body: settingsPost("forged", "0.8", "10", "4", "100", "UTC"), header: header(), status: 403},
		{name: "import cross-site", method: "POST", url: "/import", body: "x", header: header("Sec-Fetch-Site", "cross-site", "Content-Type", "text/plain"), status: 403},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, client) })
	}
	if got, _ := env.store.Settings(context.Background(), store.LocalUserID); got != store.DefaultSettings() {
		t.Errorf("a refused request changed the settings to %+v", got)
	}
	// A same-origin form needs no token: the browser vouches for it.
	sc := scenario{name: "same-origin", method: "POST", url: "/settings", body: body, header: header("Sec-Fetch-Site", "same-origin"), status: http.StatusSeeOther}
	sc.run(t, env.ts, client)
}

func TestSettingsAPI(t *testing.T) {
	env := newTestEnv(t)
	c := env.ts.Client()
	put := func(name, body string, status int, contains ...string) scenario {
		return scenario{name: name, method: http.MethodPut, url: "/api/settings", body: body, header: jsonHeader, status: status, contains: contains}
	}
	defaults := `{"desired_retention":0.9,"new_per_day":20,"rollover_hour":4,"max_interval_days":36500,"time_zone":"Local","reviews_per_day":200,"new_order":"file"}`
	invalid := []scenario{
		put("retention too low", `{"desired_retention":0.5}`, 400, `{"error":{"kind":"invalid","message":"desired retention must be between 0.70 and 0.99"}}`),
		put("new per day negative", `{"new_per_day":-1}`, 400, "new cards per day must be between 0 and 9999"),
		put("hour 24", `{"rollover_hour":24}`, 400, "day rollover hour must be between 0 and 23"),
		put("unknown zone", `{"time_zone":"Mars/Base"}`, 400, `unknown time zone \"Mars/Base\"`),
		put("wrong type", `{"new_per_day":"ten"}`, 400, `new_per_day: expected a JSON number, found string`),
		put("unknown field", `{"desired_retension":0.8}`, 400, `unknown field \"desired_retension\"`),
		put("not JSON", `{"new_per_day":`, 400, `"kind":"invalid"`),
		put("empty body", ``, 400, "the body is empty"),
		put("two objects", `{} {}`, 400, "unexpected data after the JSON object"),
	}
	for _, sc := range invalid {
		t.Run(sc.name, func(t *testing.T) {
			sc.run(t, env.ts, c)
			if got, _ := env.store.Settings(context.Background(), store.LocalUserID); got != store.DefaultSettings() {
				t.Errorf("settings changed to %+v", got)
			}
		})
	}
	valid := []scenario{
		{name: "get defaults", url: "/api/settings", status: 200, contains: []string{defaults}},
		put("partial update keeps the rest", `{"desired_retention":0.85,"time_zone":"Asia/Tokyo"}`, 200,
			`{"desired_retention":0.85,"new_per_day":20,"rollover_hour":4,"max_interval_days":36500,"time_zone":"Asia/Tokyo","reviews_per_day":200,"new_order":"file"}`),
		put("full update", `{"desired_retention":0.8,"new_per_day":0,"rollover_hour":0,"max_interval_days":30,"time_zone":"UTC","reviews_per_day":10,"new_order":"random"}`, 200,
			`{"desired_retention":0.8,"new_per_day":0,"rollover_hour":0,"max_interval_days":30,"time_zone":"UTC","reviews_per_day":10,"new_order":"random"}`),
		put("bad order", `{"new_order":"alphabetical"}`, 400, `new-card order \"alphabetical\" is not one of file, random, level`),
		{name: "get after", url: "/api/settings", status: 200, contains: []string{`"max_interval_days":30,"time_zone":"UTC"`}},
		{name: "put without JSON type needs a token", method: http.MethodPut, url: "/api/settings", body: `{}`, header: map[string]string{"Content-Type": "text/plain"}, status: 403,
			contains: []string{`"kind":"forbidden"`}},
	}
	for _, sc := range valid {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, env.ts, c) })
	}
}

func TestSettingsProblems(t *testing.T) {
	ok := store.DefaultSettings()
	tests := []struct {
		name string
		edit func(*store.Settings)
		want []string
	}{
		{"all fine", func(*store.Settings) {}, nil},
		{"retention", func(s *store.Settings) { s.DesiredRetention = 1 }, []string{"desired_retention"}},
		{"per day", func(s *store.Settings) { s.NewPerDay = 10000 }, []string{"new_per_day"}},
		{"hour", func(s *store.Settings) { s.RolloverHour = -1 }, []string{"rollover_hour"}},
		{"interval", func(s *store.Settings) { s.MaxIntervalDays = 36501 }, []string{"max_interval_days"}},
		{"zone", func(s *store.Settings) { s.TimeZone = "Nowhere/Land" }, []string{"time_zone"}},
		{"two at once", func(s *store.Settings) { s.RolloverHour, s.TimeZone = 30, "" }, []string{"rollover_hour", "time_zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			var got []string
			for _, f := range store.SettingFields {
				if _, bad := s.Problems()[f]; bad {
					got = append(got, f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Problems names %v, want %v", got, tt.want)
			}
		})
	}
}
