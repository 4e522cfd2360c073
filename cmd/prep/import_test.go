package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"prep/store"
)

// TestImportCannotPassALab: "prep import" of a file with a forged passed submission
// keeps the attempt, marked imported, and leaves the lab without a status.
func TestImportCannotPassALab(t *testing.T) {
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "forged.json")
	forged := `{"format":"prep-progress","version":1,"states":[],"reviews":[],"attempts":[
		{"lab":"lru","mode":"submit","verdict":"passed","source":{"lru.go":"package lru"},"duration_ms":10,"created_at":"2026-11-01T10:00:00Z"}]}`
	if err := os.WriteFile(file, []byte(forged), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runMain(t, nil, "import", "--data", data, file); code != 0 {
		t.Fatalf("prep import: exit %d\n%s%s", code, out, errs)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(data, "prep.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, err := db.LabStatus(ctx, store.LocalUserID); err != nil || len(st) != 0 {
		t.Errorf("lab status after importing a forged pass: %v, %v; want none", st, err)
	}
	if as, err := db.Attempts(ctx, store.LocalUserID, "lru", 0); err != nil || len(as) != 1 || !as[0].Imported {
		t.Errorf("attempts: %+v, %v; want one, imported", as, err)
	}
}
