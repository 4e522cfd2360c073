package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"prep"
)

func TestDrafts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	db.AddUser(ctx, "alice", "correct horse") // takes over the local user
	bob, err := db.AddUser(ctx, "bob", "battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Draft(ctx, LocalUserID, "lru"); ok || err != nil {
		t.Fatalf("a draft before any save: %v %v", ok, err)
	}
	v1 := map[string]string{"lru.go": "package lru\n"}
	if _, err := db.SaveDraft(ctx, LocalUserID, "lru", v1, t0); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Draft(ctx, LocalUserID, "lru")
	if err != nil || !ok || !reflect.DeepEqual(got.Files, v1) || !got.UpdatedAt.Equal(t0) {
		t.Fatalf("Draft = %+v %v %v", got, ok, err)
	}
	if _, ok, _ := db.Draft(ctx, bob.ID, "lru"); ok {
		t.Error("bob sees the local user's draft")
	}

	// Saves within SnapshotEvery fold into one snapshot; a later one starts another.
	v2 := map[string]string{"lru.go": "package lru\n\ntype Cache struct{}\n"}
	v3 := map[string]string{"lru.go": "package lru\n\ntype Cache struct{ n int }\n"}
	db.SaveDraft(ctx, LocalUserID, "lru", v2, t0.Add(10*time.Second))
	db.SaveDraft(ctx, LocalUserID, "lru", v2, t0.Add(12*time.Second)) // unchanged
	db.SaveDraft(ctx, LocalUserID, "lru", v3, t0.Add(45*time.Second))
	snaps, err := db.DraftSnapshots(ctx, LocalUserID, "lru")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 || !reflect.DeepEqual(snaps[0].Files, v2) || !snaps[0].SavedAt.Equal(t0.Add(10*time.Second)) ||
		!reflect.DeepEqual(snaps[1].Files, v3) || !snaps[1].StartedAt.Equal(t0.Add(45*time.Second)) {
		t.Errorf("snapshots = %+v", snaps)
	}

	// A reset removes the draft and is kept in the history; the next save starts anew.
	if err := db.ResetDraft(ctx, LocalUserID, "lru", t0.Add(50*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Draft(ctx, LocalUserID, "lru"); ok {
		t.Error("the draft survived a reset")
	}
	db.SaveDraft(ctx, LocalUserID, "lru", v1, t0.Add(55*time.Second))
	snaps, _ = db.DraftSnapshots(ctx, LocalUserID, "lru")
	if len(snaps) != 4 || !snaps[2].Reset || snaps[3].Reset || !reflect.DeepEqual(snaps[3].Files, v1) {
		t.Errorf("after reset: %+v", snaps)
	}
	if err := db.ResetDraft(ctx, bob.ID, "lru", time.Time{}); err != nil {
		t.Errorf("reset without a draft: %v", err)
	}
}

func TestSaveDraftIf(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	v := map[string]string{"lru.go": "package lru\n"}
	tests := []struct {
		name string
		base time.Time
		at   time.Time
		want prep.Kind // "" saved
	}{
		{"first save, based on no draft", time.Time{}, t0, ""},
		{"based on the stored version", t0, t0.Add(time.Second), ""},
		{"stale: based on an older version", t0, t0.Add(2 * time.Second), prep.Conflict},
		{"stale: based on no draft", time.Time{}, t0.Add(3 * time.Second), prep.Conflict},
		{"based on the latest", t0.Add(time.Second), t0.Add(4 * time.Second), ""},
	}
	for _, tt := range tests {
		_, err := db.SaveDraftIf(ctx, LocalUserID, "lru", v, tt.at, tt.base)
		if tt.want == "" && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.want != "" {
			wantKind(t, err, tt.want)
		}
	}
	d, _, _ := db.Draft(ctx, LocalUserID, "lru")
	if !d.UpdatedAt.Equal(t0.Add(4 * time.Second)) {
		t.Errorf("draft updated at %v; a refused save must not change it", d.UpdatedAt)
	}
	db.ResetDraft(ctx, LocalUserID, "lru", t0.Add(5*time.Second))
	if _, err := db.SaveDraftIf(ctx, LocalUserID, "lru", v, t0.Add(6*time.Second), time.Time{}); err != nil {
		t.Errorf("after a reset, a save based on no draft: %v", err)
	}
}

func TestDraftSnapshotsBounded(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for i := 0; i < MaxSnapshots+5; i++ {
		at := t0.Add(time.Duration(i) * SnapshotEvery)
		if _, err := db.SaveDraft(ctx, LocalUserID, "lru", map[string]string{"lru.go": strings.Repeat("x", i+1)}, at); err != nil {
			t.Fatal(err)
		}
	}
	snaps, err := db.DraftSnapshots(ctx, LocalUserID, "lru")
	if err != nil || len(snaps) != MaxSnapshots || len(snaps[0].Files["lru.go"]) != 6 {
		t.Errorf("%d snapshots (err %v), oldest %d bytes; want %d, the oldest 5 dropped", len(snaps), err, len(snaps[0].Files["lru.go"]), MaxSnapshots)
	}
}

func TestDraftInvalid(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tests := []struct {
		name  string
		lab   string
		files map[string]string
		want  string
	}{
		{"bad slug", "Not A Slug", map[string]string{"a.go": ""}, "kebab-case"},
		{"no files", "lru", nil, "at least one file"},
		{"empty name", "lru", map[string]string{"": "x"}, "non-empty"},
		{"too big", "lru", map[string]string{"a.go": strings.Repeat("x", MaxDraftSource)}, "the limit is"},
		{"bad utf-8", "lru", map[string]string{"a.go": "\xff"}, "valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.SaveDraft(ctx, LocalUserID, tt.lab, tt.files, t0)
			wantKind(t, err, prep.Invalid)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want it to say %q", err, tt.want)
			}
		})
	}
	_, err := db.SaveDraft(ctx, 999, "lru", map[string]string{"a.go": ""}, t0)
	wantKind(t, err, prep.NotFound)
}
