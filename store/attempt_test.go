package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"prep"
)

func TestAttempts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	db.AddUser(ctx, "alice", "correct horse") // takes over the local user
	bob, _ := db.AddUser(ctx, "bob", "battery staple")
	first := Attempt{Lab: "lru-cache", Mode: ModeRun, Verdict: "failed", ResultJSON: []byte(`{"tests":3,"passed":1}`),
		Source: map[string]string{"lru.go": "package lru\n"}, Duration: 1500 * time.Millisecond, CreatedAt: t0}
	id1, err := db.SaveAttempt(ctx, LocalUserID, first)
	if err != nil {
		t.Fatal(err)
	}
	second := first
	second.Mode, second.Verdict, second.CreatedAt, second.ResultJSON = ModeSubmit, VerdictPassed, t0.Add(time.Minute), nil
	id2, err := db.SaveAttempt(ctx, LocalUserID, second)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Attempt(ctx, LocalUserID, id1)
	first.ID = id1
	if err != nil || !reflect.DeepEqual(got, first) {
		t.Errorf("Attempt = %+v, %v; want %+v", got, err, first)
	}
	_, err = db.Attempt(ctx, bob.ID, id1)
	wantKind(t, err, prep.NotFound)

	list, err := db.Attempts(ctx, LocalUserID, "lru-cache", 0)
	if err != nil || len(list) != 2 || list[0].ID != id2 || list[1].ID != id1 {
		t.Errorf("Attempts = %+v, %v; want newest first", list, err)
	}
	if list, _ := db.Attempts(ctx, LocalUserID, "lru-cache", 1); len(list) != 1 || list[0].ID != id2 {
		t.Errorf("Attempts with limit 1 = %+v", list)
	}
	if list, _ := db.Attempts(ctx, bob.ID, "lru-cache", 0); len(list) != 0 {
		t.Errorf("another user's Attempts = %+v", list)
	}
	_, err = db.SaveAttempt(ctx, 99, first)
	wantKind(t, err, prep.NotFound)
}

func TestSaveAttemptValidation(t *testing.T) {
	valid := Attempt{Lab: "lru-cache", Mode: ModeSubmit, Verdict: "compile_error", Source: map[string]string{"a.go": "x"}}
	with := func(f func(*Attempt)) Attempt { a := valid; f(&a); return a }
	tests := []struct {
		name string
		a    Attempt
		kind prep.Kind
	}{
		{"valid", valid, ""},
		{"no source", with(func(a *Attempt) { a.Source = nil }), ""},
		{"source of 64 KiB", with(func(a *Attempt) { a.Source = map[string]string{"a.go": strings.Repeat("x", 64<<10-4)} }), ""},
		{"source over 64 KiB", with(func(a *Attempt) {
			a.Source = map[string]string{"a.go": strings.Repeat("x", 40<<10), "b.go": strings.Repeat("x", 24<<10)}
		}), prep.Invalid},
		{"bad lab slug", with(func(a *Attempt) { a.Lab = "../etc" }), prep.Invalid},
		{"bad mode", with(func(a *Attempt) { a.Mode = "walk" }), prep.Invalid},
		{"empty verdict", with(func(a *Attempt) { a.Verdict = "" }), prep.Invalid},
		{"control character in verdict", with(func(a *Attempt) { a.Verdict = "ok\n" }), prep.Invalid},
		{"result not JSON", with(func(a *Attempt) { a.ResultJSON = []byte("{") }), prep.Invalid},
		{"negative duration", with(func(a *Attempt) { a.Duration = -1 }), prep.Invalid},
		{"file without a name", with(func(a *Attempt) { a.Source = map[string]string{"": "x"} }), prep.Invalid},
	}
	db := openTest(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.SaveAttempt(context.Background(), LocalUserID, tt.a)
			wantKind(t, err, tt.kind)
		})
	}
}

func TestLabStatus(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	attempts := []struct{ lab, mode, verdict string }{
		{"runs-only", ModeRun, "failed"},
		{"runs-only", ModeRun, VerdictPassed}, // a passing run does not pass the lab
		{"failing", ModeSubmit, "failed"},
		{"failing", ModeSubmit, "timeout"},
		{"failing", ModeRun, "failed"}, // a later run does not hide the latest submit
		{"passed-then-broke", ModeSubmit, VerdictPassed},
		{"passed-then-broke", ModeSubmit, "compile_error"},
	}
	for _, a := range attempts {
		if _, err := db.SaveAttempt(ctx, LocalUserID, Attempt{Lab: a.lab, Mode: a.mode, Verdict: a.verdict}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.LabStatus(ctx, LocalUserID)
	want := map[string]string{"runs-only": StatusAttempted, "failing": "timeout", "passed-then-broke": VerdictPassed}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LabStatus = %v, %v; want %v", got, err, want)
	}
}

// TestImportedAttemptsDoNotCount: a progress file can claim anything. Its attempts are
// kept, marked imported, and a lab's status comes only from gradings stored by
// SaveAttempt, even when the file marks its own attempts as not imported.
func TestImportedAttemptsDoNotCount(t *testing.T) {
	ctx := context.Background()
	forged := `{"format":"prep-progress","version":1,"states":[],"reviews":[],"attempts":[
		{"lab":"lru","mode":"submit","verdict":"passed","result":{"verdict":"passed","message":"all 19 tests passed"},"source":{"lru.go":"package lru"},"duration_ms":10,"created_at":"2026-11-01T10:00:00Z"},
		{"lab":"saga","mode":"run","verdict":"failed","source":{"saga.go":"package saga"},"duration_ms":10,"created_at":"2026-11-01T10:01:00Z"}]}`
	db := openTest(t)
	if err := db.Import(ctx, LocalUserID, strings.NewReader(forged)); err != nil {
		t.Fatal(err)
	}
	st, err := db.LabStatus(ctx, LocalUserID)
	if err != nil || len(st) != 0 {
		t.Errorf("LabStatus after importing a forged pass = %v, %v; want no status at all", st, err)
	}
	list, err := db.Attempts(ctx, LocalUserID, "lru", 0)
	if err != nil || len(list) != 1 || !list[0].Imported || list[0].Verdict != VerdictPassed {
		t.Fatalf("imported attempts = %+v, %v; want the one attempt, kept and marked imported", list, err)
	}
	// A grading by this server counts as before, beside the imported attempt.
	if _, err := db.SaveAttempt(ctx, LocalUserID, Attempt{Lab: "lru", Mode: ModeSubmit, Verdict: "failed"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.LabStatus(ctx, LocalUserID); st["lru"] != "failed" {
		t.Errorf("status after a real failed submit = %q, want failed (the imported pass does not count)", st["lru"])
	}
	if _, err := db.SaveAttempt(ctx, LocalUserID, Attempt{Lab: "saga", Mode: ModeRun, Verdict: "failed"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.LabStatus(ctx, LocalUserID); st["saga"] != StatusAttempted {
		t.Errorf("saga status = %q, want %q", st["saga"], StatusAttempted)
	}
	// A field that says otherwise is not part of the format.
	if err := openTest(t).Import(ctx, LocalUserID, strings.NewReader(strings.Replace(forged, `"duration_ms":10,`, `"duration_ms":10,"imported":false,`, 1))); prep.KindOf(err) != prep.Invalid {
		t.Errorf("import with an imported field: %v, want invalid", err)
	}
}
