package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"prep"
	"prep/store/fsrs"
)

// progress gives the local user of db some of everything Export writes.
func progress(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	s := Settings{DesiredRetention: 0.87, NewPerDay: 7, RolloverHour: 3, MaxIntervalDays: 400, TimeZone: "Europe/Berlin", ReviewsPerDay: 120, NewOrder: "random"}
	if err := db.SetSettings(ctx, LocalUserID, s); err != nil {
		t.Fatal(err)
	}
	now := t0
	for i, r := range []fsrs.Rating{fsrs.Good, fsrs.Good, fsrs.Again, fsrs.Good, fsrs.Easy} {
		res := rate(t, db, LocalUserID, "cap-theorem", r, now)
		rate(t, db, LocalUserID, "card-"+string(rune('a'+i)), fsrs.Hard, now)
		now = res.After.Due
	}
	if _, err := db.Undo(ctx, LocalUserID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Attempt{
		{Lab: "lru-cache", Mode: ModeRun, Verdict: "failed", ResultJSON: []byte(`{"failed":["TestEvict"]}`),
			Source: map[string]string{"lru.go": "package lru\n\n// \"quoted\", commas\n"}, Duration: 2 * time.Second, CreatedAt: t0},
		{Lab: "lru-cache", Mode: ModeSubmit, Verdict: VerdictPassed, CreatedAt: t0.Add(time.Hour)},
	} {
		if _, err := db.SaveAttempt(ctx, LocalUserID, a); err != nil {
			t.Fatal(err)
		}
	}
}

// exportOf returns the user's export with the export time replaced by a fixed one.
func exportOf(t *testing.T, db *DB, userID int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := db.Export(context.Background(), userID, &buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, buf.Bytes())
	}
	return bytes.Replace(buf.Bytes(), doc["exported_at"], []byte(`"2000-01-01T00:00:00Z"`), 1)
}

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := openTest(t)
	progress(t, src)
	data := exportOf(t, src, LocalUserID)

	dst := openTest(t)
	if err := dst.Import(ctx, LocalUserID, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	wantStates, _ := src.States(ctx, LocalUserID)
	gotStates, _ := dst.States(ctx, LocalUserID)
	if len(wantStates) != 5 || !reflect.DeepEqual(gotStates, wantStates) {
		t.Errorf("states after import:\n%v\nwant\n%v", gotStates, wantStates)
	}
	if got, want := logOf(t, dst, LocalUserID), logOf(t, src, LocalUserID); len(want) != 9 || !reflect.DeepEqual(got, want) {
		t.Errorf("log after import:\n%+v\nwant\n%+v", got, want)
	}
	wantAttempts, _ := src.Attempts(ctx, LocalUserID, "lru-cache", 0)
	gotAttempts, _ := dst.Attempts(ctx, LocalUserID, "lru-cache", 0)
	for i := range wantAttempts {
		wantAttempts[i].Imported = true // this server did not grade them
	}
	if len(wantAttempts) == 0 || !reflect.DeepEqual(gotAttempts, wantAttempts) {
		t.Errorf("attempts after import:\n%+v\nwant\n%+v", gotAttempts, wantAttempts)
	}
	if got, want := must(dst.Settings(ctx, LocalUserID)), must(src.Settings(ctx, LocalUserID)); got != want || got.NewOrder != "random" {
		t.Errorf("settings after import: %+v, want %+v", got, want)
	}
	if got, want := exportOf(t, dst, LocalUserID), data; !bytes.Equal(got, want) {
		t.Errorf("re-export differs:\n%s\nwant\n%s", got, want)
	}
	// Undo works on imported history as on the original.
	c1, err1 := src.Undo(ctx, LocalUserID)
	c2, err2 := dst.Undo(ctx, LocalUserID)
	s1, _, _ := src.State(ctx, LocalUserID, c1)
	s2, _, _ := dst.State(ctx, LocalUserID, c2)
	if err1 != nil || err2 != nil || c1 != c2 || s1 != s2 {
		t.Errorf("undo after import: %s %v %+v vs %s %v %+v", c1, err1, s1, c2, err2, s2)
	}

	// An account with progress refuses an import.
	err := dst.Import(ctx, LocalUserID, bytes.NewReader(data))
	wantKind(t, err, prep.Conflict)
	err = dst.Import(ctx, 99, bytes.NewReader(data))
	wantKind(t, err, prep.NotFound)
}

func TestExportEmpty(t *testing.T) {
	db := openTest(t)
	data := exportOf(t, db, LocalUserID)
	var doc exportDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != ExportFormat || doc.Version != ExportVersion || len(doc.States)+len(doc.Reviews)+len(doc.Attempts) != 0 {
		t.Errorf("empty export = %s", data)
	}
	if !strings.Contains(string(data), `"states":[]`) {
		t.Errorf("empty arrays should be [], not null: %s", data)
	}
	err := db.Export(context.Background(), 99, &bytes.Buffer{})
	wantKind(t, err, prep.NotFound)
}

func TestImportValidation(t *testing.T) {
	src := openTest(t)
	progress(t, src)
	var buf bytes.Buffer
	if err := src.Export(context.Background(), LocalUserID, &buf); err != nil {
		t.Fatal(err)
	}
	valid := buf.String()
	// edit decodes the valid export, changes it and encodes it again.
	edit := func(f func(doc map[string]any)) string {
		var doc map[string]any
		if err := json.Unmarshal([]byte(valid), &doc); err != nil {
			t.Fatal(err)
		}
		f(doc)
		b, _ := json.Marshal(doc)
		return string(b)
	}
	elem := func(doc map[string]any, array string, i int) map[string]any {
		return doc[array].([]any)[i].(map[string]any)
	}
	tests := []struct {
		name, input, want string // want: in the error message
	}{
		{"empty", "", "empty or cut short"},
		{"cut short", valid[:len(valid)/2], "cut short"},
		{"not JSON", "{states: 1}", "not valid JSON at byte 2"},
		{"trailing data", valid + "{}", "after the JSON object"},
		{"wrong format", edit(func(d map[string]any) { d["format"] = "anki" }), `format: "anki"`},
		{"newer version", edit(func(d map[string]any) { d["version"] = ExportVersion + 1 }), fmt.Sprintf("version: %d", ExportVersion+1)},
		{"bad new-card order", edit(func(d map[string]any) { d["settings"].(map[string]any)["new_order"] = "alphabetical" }), `settings.new_order: new-card order "alphabetical"`},
		{"unknown field", edit(func(d map[string]any) { d["extra"] = 1 }), `unknown field "extra"`},
		{"unknown field in an element", edit(func(d map[string]any) { elem(d, "attempts", 1)["score"] = 1 }), `attempts[1]: unknown field "score"`},
		{"bad time", edit(func(d map[string]any) { elem(d, "reviews", 5)["reviewed_at"] = "yesterday" }), `reviews[5].reviewed_at: "yesterday" is not an RFC 3339 time`},
		{"bad due", edit(func(d map[string]any) { elem(d, "reviews", 2)["before"].(map[string]any)["due"] = 5 }), "reviews[2].before.due: 5 is not an RFC 3339 time"},
		{"wrong type", edit(func(d map[string]any) { elem(d, "states", 1)["stability"] = "high" }), "states[1].stability: expected float64, found a JSON string"},
		{"bad retention", edit(func(d map[string]any) { d["settings"].(map[string]any)["desired_retention"] = 2 }), "settings.desired_retention:"},
		{"bad zone", edit(func(d map[string]any) { d["settings"].(map[string]any)["time_zone"] = "Mars/Base" }), "settings.time_zone:"},
		{"bad card id", edit(func(d map[string]any) { elem(d, "states", 2)["card_id"] = "Bad Id" }), "states[2].card_id:"},
		{"duplicate card", edit(func(d map[string]any) { elem(d, "states", 2)["card_id"] = elem(d, "states", 1)["card_id"] }), "states[2].card_id: card"},
		{"negative stability", edit(func(d map[string]any) { elem(d, "states", 1)["stability"] = -1 }), "states[1].stability:"},
		{"difficulty over 10", edit(func(d map[string]any) { elem(d, "states", 0)["difficulty"] = 11 }), "states[0].difficulty:"},
		{"unknown state", edit(func(d map[string]any) { elem(d, "states", 0)["state"] = "forgotten" }), "states[0].state:"},
		{"missing due", edit(func(d map[string]any) { delete(elem(d, "states", 3), "due") }), "states[3].due: missing"},
		{"negative reps", edit(func(d map[string]any) { elem(d, "states", 0)["reps"] = -2 }), "states[0].reps:"},
		{"bad rating", edit(func(d map[string]any) { elem(d, "reviews", 4)["rating"] = "meh" }), "reviews[4].rating:"},
		{"elapsed too long", edit(func(d map[string]any) { elem(d, "reviews", 1)["elapsed_ms"] = 3600001 }), "reviews[1].elapsed_ms:"},
		{"missing review time", edit(func(d map[string]any) { delete(elem(d, "reviews", 0), "reviewed_at") }), "reviews[0].reviewed_at: missing"},
		{"bad state before", edit(func(d map[string]any) {
			elem(d, "reviews", 2)["before"].(map[string]any)["scheduled_days"] = 99999
		}), "reviews[2].before.scheduled_days:"},
		{"bad state after", edit(func(d map[string]any) {
			elem(d, "reviews", 3)["after"].(map[string]any)["state"] = 7
		}), "reviews[3].after.state: expected string"},
		{"bad attempt mode", edit(func(d map[string]any) { elem(d, "attempts", 1)["mode"] = "walk" }), "attempts[1].mode:"},
		{"attempt source too big", edit(func(d map[string]any) {
			elem(d, "attempts", 0)["source"] = map[string]any{"a.go": strings.Repeat("x", 70000)}
		}), "attempts[0].source:"},
		{"attempt without time", edit(func(d map[string]any) { delete(elem(d, "attempts", 0), "created_at") }), "attempts[0].created_at: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			err := db.Import(context.Background(), LocalUserID, strings.NewReader(tt.input))
			wantKind(t, err, prep.Invalid)
			if msg := prep.Message(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q lacks %q", msg, tt.want)
			}
			if s, _ := db.States(context.Background(), LocalUserID); len(s) != 0 {
				t.Error("a refused import wrote states")
			}
		})
	}
}

func TestExportCSV(t *testing.T) {
	db := openTest(t)
	progress(t, db)
	var buf bytes.Buffer
	if err := db.ExportCSV(context.Background(), LocalUserID, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("lines do not end in CRLF (RFC 4180)")
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	log := logOf(t, db, LocalUserID)
	if len(records) != len(log)+1 || !reflect.DeepEqual(records[0], csvHeader) {
		t.Fatalf("%d records with header %v; want %d with %v", len(records), records[0], len(log)+1, csvHeader)
	}
	first := records[1]
	want := []string{"2026-05-01T12:00:00.000Z", "cap-theorem", "3", "5000", "new", "2026-05-01T12:00:00.000Z"}
	if !reflect.DeepEqual(first[:len(want)], want) {
		t.Errorf("first row %v, want it to start %v", first, want)
	}
}

// TestImportVersion1: a file from before the daily review limit and the new-card order
// imports with their defaults.
func TestImportVersion1(t *testing.T) {
	old := `{"format":"prep-progress","version":1,"settings":{"desired_retention":0.8,"new_per_day":3,"rollover_hour":2,"max_interval_days":90,"time_zone":"UTC"},"states":[],"reviews":[],"attempts":[]}`
	db := openTest(t)
	if err := db.Import(context.Background(), LocalUserID, strings.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	got, err := db.Settings(context.Background(), LocalUserID)
	want := Settings{DesiredRetention: 0.8, NewPerDay: 3, RolloverHour: 2, MaxIntervalDays: 90, TimeZone: "UTC", ReviewsPerDay: DefaultReviewsPerDay, NewOrder: DefaultNewOrder}
	if err != nil || got != want {
		t.Errorf("settings after importing a version 1 file: %+v, %v; want %+v", got, err, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestImportReplaceAndMerge: an account with progress takes a file as a replacement or
// merges it in, and the plan says beforehand what either would do.
func TestImportReplaceAndMerge(t *testing.T) {
	ctx := context.Background()
	src := openTest(t)
	progress(t, src)
	file := exportOf(t, src, LocalUserID)
	read := func() *Progress {
		p, err := ReadProgress(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	setup := func() *DB {
		db := openTest(t)
		rate(t, db, LocalUserID, "own-card", fsrs.Good, t0)
		rate(t, db, LocalUserID, "card-a", fsrs.Good, t0.AddDate(1, 0, 0)) // reviewed later than in the file
		return db
	}

	db := setup()
	if _, err := db.ImportProgress(ctx, LocalUserID, read(), ImportEmpty); prep.KindOf(err) != prep.Conflict {
		t.Fatalf("import into an account with progress: %v, want a conflict", err)
	}
	plan, err := db.PlanImport(ctx, LocalUserID, read(), ImportMerge)
	want := ImportPlan{Mode: ImportMerge, HadStates: 2, HadReviews: 2, NewStates: 4, KeptStates: 1, AddedReviews: 9, AddedAttempts: 2}
	if err != nil || plan != want {
		t.Fatalf("merge plan = %+v, %v; want %+v", plan, err, want)
	}
	if got, _ := db.States(ctx, LocalUserID); len(got) != 2 {
		t.Fatalf("planning changed the account: %d states", len(got))
	}
	if done, err := db.ImportProgress(ctx, LocalUserID, read(), ImportMerge); err != nil || done != want {
		t.Fatalf("merge = %+v, %v; want the plan %+v", done, err, want)
	}
	states, _ := db.States(ctx, LocalUserID)
	fileStates, _ := src.States(ctx, LocalUserID)
	if len(states) != 6 || states["card-a"].LastReview.Before(t0.AddDate(1, 0, 0)) || states["cap-theorem"] != fileStates["cap-theorem"] {
		t.Errorf("after merging: %d states, card-a %+v", len(states), states["card-a"])
	}
	if st := must(db.Settings(ctx, LocalUserID)); st != DefaultSettings() {
		t.Errorf("a merge replaced the account's settings: %+v", st)
	}
	again, err := db.ImportProgress(ctx, LocalUserID, read(), ImportMerge)
	if err != nil || again.AddedReviews+again.AddedAttempts+again.NewStates+again.UpdatedStates != 0 || again.SkippedReviews != 9 || again.SkippedAttempts != 2 {
		t.Errorf("merging the same file twice added something: %+v %v", again, err)
	}

	db = setup()
	plan, err = db.ImportProgress(ctx, LocalUserID, read(), ImportReplace)
	if err != nil || plan.NewStates != 5 || !plan.SettingsReplaced || plan.HadStates != 2 {
		t.Fatalf("replace = %+v, %v", plan, err)
	}
	if got, want := exportOf(t, db, LocalUserID), file; !bytes.Equal(got, want) {
		t.Errorf("after a replacement the account is not the file:\n%s\nwant\n%s", got, want)
	}
	if _, err := db.PlanImport(ctx, LocalUserID, read(), "sideways"); prep.KindOf(err) != prep.Invalid {
		t.Errorf("unknown mode: %v", err)
	}
}
