package store

import (
	"context"
	"testing"
	"time"

	"prep"
)

func TestCardFlags(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	t0 := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	if err := db.SetSuspended(ctx, LocalUserID, "cqrs", true); err != nil {
		t.Fatal(err)
	}
	if err := db.Bury(ctx, LocalUserID, "bulkhead", t0.Add(16*time.Hour)); err != nil {
		t.Fatal(err)
	}
	flags, err := db.Flags(ctx, LocalUserID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		card   string
		at     time.Time
		hidden bool
	}{
		{"cqrs", t0, true},
		{"cqrs", t0.AddDate(1, 0, 0), true}, // suspended until lifted
		{"bulkhead", t0, true},
		{"bulkhead", t0.Add(16 * time.Hour), false}, // buried until the next day
		{"saga", t0, false},
	} {
		if got := flags[tc.card].Hidden(tc.at); got != tc.hidden {
			t.Errorf("%s hidden at %s = %v, want %v", tc.card, tc.at, got, tc.hidden)
		}
	}
	// Lifting both leaves no flags.
	if err := db.SetSuspended(ctx, LocalUserID, "cqrs", false); err != nil {
		t.Fatal(err)
	}
	if err := db.Bury(ctx, LocalUserID, "bulkhead", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if flags, _ = db.Flags(ctx, LocalUserID); len(flags) != 0 {
		t.Errorf("flags after lifting: %+v", flags)
	}
	wantKind(t, db.SetSuspended(ctx, LocalUserID, "Not An Id", true), prep.Invalid)
	wantKind(t, db.Bury(ctx, 42, "cqrs", t0), prep.NotFound)
	if other, _ := db.Flags(ctx, 42); len(other) != 0 {
		t.Errorf("another user's flags: %+v", other)
	}
}
