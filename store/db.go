// Package store keeps a user's progress in SQLite: accounts and sessions, review
// settings, the spaced-repetition state of every card with a log of every rating, and
// lab attempts. It is the only package of prep that knows SQL.
//
// Store knows card ids and lab slugs only as strings; which ones exist is the concern
// of the caller. Every progress method takes a user id and reads or writes that user's
// rows only. Times are stored as Unix milliseconds in UTC and come back in UTC.
//
// A DB holds two connection pools on one file: a single-connection write pool whose
// transactions begin IMMEDIATE, so writers queue for the lock instead of failing with
// "database is locked", and a read-only pool for queries, which WAL lets run alongside
// the writer.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"prep"
)

// ApplicationID is written to the header of every prep database (PRAGMA
// application_id), so Open can tell a prep file from any other SQLite file. It spells
// "prep" in ASCII.
const ApplicationID = 0x70726570

// Connection settings. busy_timeout comes first so no other pragma can fail on a busy
// file; the write pool starts every transaction IMMEDIATE so a transaction that reads
// and then writes never has to upgrade its lock (which fails instead of waiting).
const (
	writeParams = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	readParams  = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"
	// minReadConns is the smallest read pool; it grows with the number of CPUs.
	minReadConns = 4
)

// DB is a prep database. Its methods are safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: all writes, serialized
	read  *sql.DB // query_only connections for reads
	// stmts holds the hot write-path statements, prepared once on the write connection
	// (see wtx).
	stmts map[string]*sql.Stmt
	// now is the clock for session expiry; tests replace it.
	now func() time.Time
}

// Open opens the prep database at path, creating it if it does not exist, and brings
// its schema up to date. It refuses, without changing a byte of the file, a file that
// is not a prep database (not SQLite, another application's, or tables without prep's
// application id) and one written by a newer version of prep.
func Open(ctx context.Context, path string) (*DB, error) {
	const op = "store.Open"
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, prep.Errorf(prep.Invalid, op, "database path %q must name a file (a plain path, not a URI or :memory:)", path)
	}
	if err := probe(ctx, path); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", dsn(path, writeParams))
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, write, path); err != nil {
		write.Close()
		return nil, err
	}
	stmts, err := prepareHot(ctx, write)
	if err != nil {
		write.Close()
		return nil, prep.Wrap(op, err)
	}
	read, err := sql.Open("sqlite", dsn(path, readParams))
	if err != nil {
		write.Close()
		return nil, prep.Wrap(op, err)
	}
	n := max(minReadConns, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, prep.Wrap(op, fmt.Errorf("open read pool on %s: %w", path, err))
	}
	return &DB{path: path, write: write, read: read, stmts: stmts, now: time.Now}, nil
}

// Close closes both pools. The last connection to close checkpoints the WAL.
func (db *DB) Close() error {
	errs := []error{db.read.Close()}
	for _, s := range db.stmts {
		errs = append(errs, s.Close())
	}
	errs = append(errs, db.write.Close())
	return prep.Wrap("store.Close", errors.Join(errs...))
}

// Path returns the file the database was opened from.
func (db *DB) Path() string { return db.path }

// dsn builds a file: URI for path. SQLite decodes %XX escapes in the path part of a URI,
// so the characters that would end the path (? and #) and % itself are escaped.
func dsn(path, params string) string {
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + p + "?" + params
}

// queryer is what both *sql.DB and *sql.Tx offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// toMS returns t as Unix milliseconds, with the zero time as 0.
func toMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of toMS, in UTC.
func fromMS(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// truncMS drops what toMS would drop, so a value handed back to the caller equals the
// one read back later.
func truncMS(t time.Time) time.Time { return fromMS(toMS(t)) }

// fileExists reports whether something exists at path.
func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return false, err
}
