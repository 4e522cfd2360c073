package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"prep"
)

// migrationFiles holds the schema, one numbered file per step: 0001_init.sql, 0002_….sql.
// A file is never edited once it has shipped; a change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// sqliteMagic starts the 100-byte header of every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// loadMigrations returns the embedded migrations in order, checking that they are
// numbered 1, 2, 3… without gaps or repeats.
func loadMigrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", name)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", name, len(ms)+1)
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	return ms, nil
}

// SchemaVersion is the newest schema version this build knows.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// fileFacts is what Open needs to know about an existing file before touching it.
type fileFacts struct {
	appID      int64
	objects    int  // tables, indexes, views and triggers, SQLite's own excluded
	hasVersion bool // a schema_migrations table exists
	version    int  // the highest applied migration
}

// inspect reads fileFacts through q, which may be a read-only connection.
func inspect(ctx context.Context, q queryer) (fileFacts, error) {
	var f fileFacts
	if err := q.QueryRowContext(ctx, "PRAGMA application_id").Scan(&f.appID); err != nil {
		return f, err
	}
	var has int
	err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(type = 'table' AND name = 'schema_migrations'), 0)
		FROM sqlite_schema WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\'`).Scan(&f.objects, &has)
	if err != nil {
		return f, err
	}
	f.hasVersion = has > 0
	if f.hasVersion {
		if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&f.version); err != nil {
			return f, err
		}
	}
	return f, nil
}

// check returns the error that stops Open on a file with facts f, or nil if prep may
// use (and migrate) it.
func (f fileFacts) check(path string, latest int) error {
	switch {
	case f.appID != ApplicationID && f.appID != 0:
		return notPrep(path, fmt.Sprintf("its application id is %#x, prep's is %#x", uint32(f.appID), ApplicationID))
	case f.appID == 0 && f.objects > 0:
		return notPrep(path, "it is an SQLite database with tables but without prep's application id")
	case f.appID == ApplicationID && !f.hasVersion:
		return notPrep(path, "it carries prep's application id but has no schema_migrations table, so it is damaged")
	case f.version > latest:
		return prep.Errorf(prep.Conflict, "store.Open",
			"%s was written by a newer version of prep (schema version %d; this version knows up to %d). The file was left untouched: run the newer prep, or open a backup made by this version",
			path, f.version, latest)
	}
	return nil
}

func notPrep(path, why string) error {
	return prep.Errorf(prep.Invalid, "store.Open",
		"%s is not a prep database: %s. The file was left untouched: choose another database path, or move this file away to start afresh",
		path, why)
}

// probe decides whether Open may touch the file at path, without changing it: the
// write pool's first connection switches a file to WAL mode, which rewrites its
// header, so a foreign or newer file must be turned away before that connection exists.
func probe(ctx context.Context, path string) error {
	const op = "store.Open"
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // a new database
	case err != nil:
		return prep.Errorf(prep.Invalid, op, "cannot read database file %s: %w", path, err)
	case fi.IsDir():
		return prep.Errorf(prep.Invalid, op, "%s is a directory; give the path of a database file", path)
	case fi.Size() == 0:
		return nil // SQLite treats an empty file as an empty database
	}

	hdr := make([]byte, 100)
	f, err := os.Open(path)
	if err != nil {
		return prep.Errorf(prep.Invalid, op, "cannot read database file %s: %w", path, err)
	}
	_, err = io.ReadFull(f, hdr)
	f.Close()
	if err != nil || !bytes.HasPrefix(hdr, []byte(sqliteMagic)) {
		return notPrep(path, "it is not an SQLite database file")
	}
	if id := binary.BigEndian.Uint32(hdr[68:72]); id != 0 && id != ApplicationID {
		return notPrep(path, fmt.Sprintf("its application id is %#x, prep's is %#x", id, ApplicationID))
	}

	// Read-only; and for a WAL-mode file with no -wal file beside it, immutable too, since
	// a read-only connection would otherwise create -wal and -shm files next to a file
	// that may not be ours. With a -wal present its content must be read, so SQLite reads
	// it normally.
	params := "mode=ro&_pragma=busy_timeout(5000)"
	if wal := hdr[18] == 2 && hdr[19] == 2; wal {
		ok, err := fileExists(path + "-wal")
		if err != nil {
			return prep.Errorf(prep.Invalid, op, "cannot read database file %s: %w", path, err)
		}
		if !ok {
			params += "&immutable=1"
		}
	}
	db, err := sql.Open("sqlite", dsn(path, params))
	if err != nil {
		return prep.Wrap(op, err)
	}
	defer db.Close()
	facts, err := inspect(ctx, db)
	if err != nil {
		return notPrep(path, fmt.Sprintf("SQLite cannot read it (%v)", err))
	}
	latest := SchemaVersion()
	if latest == 0 {
		return prep.Wrap(op, errors.New("embedded migrations are broken"))
	}
	return facts.check(path, latest)
}

// migrate applies the migrations the file at path lacks, each in its own transaction
// that first re-checks the file, so two processes opening one new file cannot both
// apply a step.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	ms, err := loadMigrations()
	if err != nil {
		return prep.Wrap("store.migrate", err)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, db, path, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, path string, m migration, latest int) error {
	op := "store.migrate " + m.name
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return prep.Wrap(op, fmt.Errorf("%s: %w", path, err))
	}
	defer tx.Rollback()
	facts, err := inspect(ctx, tx)
	if err != nil {
		return prep.Wrap(op, err)
	}
	if err := facts.check(path, latest); err != nil {
		return err
	}
	if facts.version >= m.version {
		return nil
	}
	if facts.version != m.version-1 {
		return prep.Wrap(op, fmt.Errorf("schema is at version %d, cannot apply %d", facts.version, m.version))
	}
	if facts.version == 0 {
		// PRAGMA takes no parameters; the value is a constant of ours.
		stmts := []string{
			fmt.Sprintf("PRAGMA application_id = %d", ApplicationID),
			`CREATE TABLE schema_migrations (
				version    INTEGER PRIMARY KEY,
				applied_at INTEGER NOT NULL
			) STRICT`,
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return prep.Wrap(op, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return prep.Wrap(op, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
		m.version, time.Now().UnixMilli()); err != nil {
		return prep.Wrap(op, err)
	}
	return prep.Wrap(op, tx.Commit())
}
