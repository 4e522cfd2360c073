package store

import (
	"context"
	"database/sql"

	"prep"
)

// hotQueries are the statements of Rate's transaction. Parsing SQL was a third of a
// rating's time, so they are prepared once per write connection and reused.
var hotQueries = []string{userSettingsSQL, getStateSQL, putStateSQL, appendLogSQL}

// prepareHot prepares hotQueries on the write pool's connection.
func prepareHot(ctx context.Context, write *sql.DB) (map[string]*sql.Stmt, error) {
	m := make(map[string]*sql.Stmt, len(hotQueries))
	for _, q := range hotQueries {
		s, err := write.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range m {
				s.Close()
			}
			return nil, err
		}
		m[q] = s
	}
	return m, nil
}

// wtx is a write transaction. Queries it knows as prepared run on their prepared
// statement (database/sql reuses one already prepared on the transaction's
// connection); others are prepared as usual.
type wtx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

func (t *wtx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s, ok := t.stmts[query]; ok {
		return t.Tx.StmtContext(ctx, s)
	}
	return nil
}

// ExecContext implements execution as *sql.Tx does.
func (t *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryContext implements queries as *sql.Tx does.
func (t *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext implements single-row queries as *sql.Tx does.
func (t *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// inTx runs fn in a transaction of the write pool (BEGIN IMMEDIATE, so it never has to
// upgrade a read lock) and commits it if fn returns nil. Errors are wrapped as internal
// failures of op unless they already have a kind. fn must not use db.write itself: the
// pool has one connection, held by the transaction.
func (db *DB) inTx(ctx context.Context, op string, fn func(tx *wtx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return prep.Wrap(op, err)
	}
	if err := fn(&wtx{Tx: tx, stmts: db.stmts}); err != nil {
		tx.Rollback()
		return prep.Wrap(op, err)
	}
	return prep.Wrap(op, tx.Commit())
}
