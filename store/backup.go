package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"prep"
)

// Backup writes a consistent copy of the database to the new file dst with VACUUM INTO,
// while reads and writes go on. It refuses to overwrite an existing file.
func (db *DB) Backup(ctx context.Context, dst string) error {
	const op = "store.Backup"
	if dst == "" {
		return prep.Errorf(prep.Invalid, op, "backup path is empty")
	}
	// Creating the file exclusively claims the name; VACUUM INTO accepts an empty file.
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return prep.Errorf(prep.Invalid, op, "backup file %s already exists; choose a new name", dst)
	}
	if err != nil {
		return prep.Errorf(prep.Invalid, op, "cannot create backup file %s: %w", dst, err)
	}
	f.Close()
	if err := vacuumInto(ctx, db.path, dst); err != nil {
		os.Remove(dst)
		return prep.Wrap(op, fmt.Errorf("vacuum into %s: %w", dst, err))
	}
	return nil
}

// vacuumInto copies the database at src to dst on a connection of its own: the read
// pool's query_only forbids VACUUM INTO, and the write pool would hold up every writer
// for the length of the copy. A read-only connection may still write the copy.
func vacuumInto(ctx context.Context, src, dst string) error {
	conn, err := sql.Open("sqlite", dsn(src, "mode=ro&_pragma=busy_timeout(5000)"))
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "VACUUM INTO ?", dst)
	return err
}
