package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zone tests must not depend on the machine's zoneinfo

	"prep"
	"prep/store/fsrs"
)

// openTest opens a new database in a temporary directory, closed when the test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "prep.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// wantKind fails the test unless err has kind k (nil for k == "").
func wantKind(t testing.TB, err error, k prep.Kind) {
	t.Helper()
	if got := prep.KindOf(err); got != k {
		t.Fatalf("error kind = %q, want %q (error: %v)", got, k, err)
	}
}

// rawSQLite creates an SQLite file at path with the given statements, outside prep.
func rawSQLite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestOpenNew(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "prep.db")
	for i := range 2 { // the second Open finds everything applied
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var appID int64
		var versions, maxVersion int
		if err := db.read.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
			t.Fatal(err)
		}
		if err := db.read.QueryRow("SELECT count(*), max(version) FROM schema_migrations").Scan(&versions, &maxVersion); err != nil {
			t.Fatal(err)
		}
		if appID != ApplicationID || versions != SchemaVersion() || maxVersion != SchemaVersion() {
			t.Errorf("open %d: application_id %#x, %d migrations up to %d; want %#x, %d", i, appID, versions, maxVersion, ApplicationID, SchemaVersion())
		}
		var mode string
		if err := db.write.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		// The read pool must not write.
		if _, err := db.read.Exec("INSERT INTO users (name, created_at) VALUES ('x', 0)"); err == nil {
			t.Error("read pool accepted a write")
		}
		users, err := db.Users(ctx)
		if err != nil || len(users) != 1 || users[0].ID != LocalUserID || users[0].HasPassword {
			t.Errorf("users = %+v, %v; want only the local user", users, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenAcceptsEmptyFiles(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"empty file", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o600) }},
		{"empty SQLite database", func(t *testing.T, path string) { rawSQLite(t, path, "PRAGMA user_version = 0", "VACUUM") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "prep.db")
			tt.make(t, path)
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		kind prep.Kind
		want string // in the message
	}{
		{"text file", func(t *testing.T, path string) {
			os.WriteFile(path, bytes.Repeat([]byte("not a database\n"), 100), 0o600)
		}, prep.Invalid, "not an SQLite database file"},
		{"short file", func(t *testing.T, path string) { os.WriteFile(path, []byte("SQLite"), 0o600) }, prep.Invalid, "not an SQLite database file"},
		{"SQLite header, garbage after", func(t *testing.T, path string) {
			os.WriteFile(path, append([]byte(sqliteMagic), bytes.Repeat([]byte{0xff}, 8192)...), 0o600)
		}, prep.Invalid, "not a prep database"},
		{"another application", func(t *testing.T, path string) {
			rawSQLite(t, path, "PRAGMA application_id = 305419896", "CREATE TABLE t (x)")
		}, prep.Invalid, "application id is 0x12345678"},
		{"another application, WAL", func(t *testing.T, path string) {
			rawSQLite(t, path, "PRAGMA journal_mode = WAL", "PRAGMA application_id = 305419896", "CREATE TABLE t (x)")
		}, prep.Invalid, "application id is 0x12345678"},
		{"tables without an id", func(t *testing.T, path string) {
			rawSQLite(t, path, "CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('keep me')")
		}, prep.Invalid, "tables but without prep's application id"},
		{"tables without an id, WAL", func(t *testing.T, path string) {
			rawSQLite(t, path, "PRAGMA journal_mode = WAL", "CREATE TABLE notes (body TEXT)")
		}, prep.Invalid, "tables but without prep's application id"},
		{"prep id without schema_migrations", func(t *testing.T, path string) {
			rawSQLite(t, path, "PRAGMA application_id = 1886545264", "CREATE TABLE users (id)")
		}, prep.Invalid, "damaged"},
		{"newer schema", func(t *testing.T, path string) {
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.Exec("INSERT INTO schema_migrations VALUES (999, 0)"); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, prep.Conflict, "newer version of prep (schema version 999"},
		{"a directory", func(t *testing.T, path string) { os.Mkdir(path, 0o700) }, prep.Invalid, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "prep.db")
			tt.make(t, path)
			before := snapshotDir(t, dir)
			db, err := Open(context.Background(), path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			wantKind(t, err, tt.kind)
			msg := prep.Message(err)
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, path) {
				t.Errorf("message %q lacks %q or the path", msg, tt.want)
			}
			if after := snapshotDir(t, dir); after != before {
				t.Errorf("directory changed by the failed Open:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshotDir describes every file in dir with its full content, so any change shows.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b.WriteString(e.Name())
		if !e.IsDir() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("=" + string(data))
		}
		b.WriteString(";")
	}
	return b.String()
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a?b#c%d.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at the literal path: %v", err)
	}
}

func TestOpenRejectsNonFilePaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db"} {
		_, err := Open(context.Background(), p)
		wantKind(t, err, prep.Invalid)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, err := db.Rate(ctx, LocalUserID, "cap-theorem", fsrs.Good, now, time.Second); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	copyDB, err := Open(ctx, dst)
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	defer copyDB.Close()
	want, _ := db.States(ctx, LocalUserID)
	got, err := copyDB.States(ctx, LocalUserID)
	if err != nil || len(got) != 1 || got["cap-theorem"] != want["cap-theorem"] {
		t.Errorf("backup states = %v, %v; want %v", got, err, want)
	}

	existing := filepath.Join(t.TempDir(), "existing.db")
	os.WriteFile(existing, []byte("precious"), 0o600)
	err = db.Backup(ctx, existing)
	wantKind(t, err, prep.Invalid)
	if b, _ := os.ReadFile(existing); string(b) != "precious" {
		t.Errorf("Backup overwrote an existing file")
	}
	wantKind(t, db.Backup(ctx, filepath.Join(t.TempDir(), "no", "such", "dir.db")), prep.Invalid)
}

func TestMigrationsAreNumbered(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("%s has version %d, want %d", m.name, m.version, i+1)
		}
	}
}

func TestMigrationFailureRollsBack(t *testing.T) {
	// A migration that fails leaves the file at the version before it.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "prep.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	w, err := sql.Open("sqlite", dsn(path, writeParams))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	bad := migration{version: SchemaVersion() + 1, name: "9999_bad.sql", sql: "CREATE TABLE extra (x); SELECT no_such_function();"}
	err = applyMigration(ctx, w, path, bad, bad.version)
	if err == nil {
		t.Fatal("bad migration applied")
	}
	var n int
	w.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").Scan(&n)
	var v int
	w.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&v)
	if n != 0 || v != SchemaVersion() {
		t.Errorf("after a failed migration: extra table %d, version %d", n, v)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func TestOpenTwice(t *testing.T) {
	// Two handles on one file, as two processes would have: both open, even when they
	// create the file at the same moment, and each sees the other's writes.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "prep.db")
	dbs := make([]*DB, 2)
	errs := make(chan error, 2)
	for i := range dbs {
		go func() {
			var err error
			dbs[i], err = Open(ctx, path)
			errs <- err
		}()
	}
	for range dbs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	defer dbs[0].Close()
	defer dbs[1].Close()
	var n int
	dbs[0].read.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n)
	if n != SchemaVersion() {
		t.Errorf("%d migration records, want %d", n, SchemaVersion())
	}
	if _, err := dbs[0].Rate(ctx, LocalUserID, "cap-theorem", fsrs.Good, time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := dbs[1].State(ctx, LocalUserID, "cap-theorem"); !ok || err != nil {
		t.Errorf("the second handle does not see the first's rating: %v, %v", ok, err)
	}
	// And a third Open while both are live (a -wal file exists) works too.
	db3, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db3.Close()
}
