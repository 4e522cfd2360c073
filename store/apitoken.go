package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"prep"
)

// apiTokenPrefix starts every personal API token, so one pasted somewhere it should not
// be is recognisable.
const apiTokenPrefix = "prep_"

// APIToken is a personal API token: it acts as its owner, with the owner's role.
type APIToken struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// CreateAPIToken makes a token named name for the user and returns it with its secret,
// shown once: only its SHA-256 is kept.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name string) (APIToken, string, error) {
	const op = "store.CreateAPIToken"
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxNameLen*2 {
		return APIToken{}, "", prep.Errorf(prep.Invalid, op, "give the token a name of 1 to %d bytes, saying what uses it", MaxNameLen*2)
	}
	secret := apiTokenPrefix + newToken()
	t := APIToken{Name: name, CreatedAt: truncMS(db.now())}
	err := db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)", userID, name, tokenHash(secret), toMS(t.CreatedAt))
		if err != nil {
			return err
		}
		t.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, secret, nil
}

// APITokens lists the user's tokens, by id.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	const op = "store.APITokens"
	rows, err := db.read.QueryContext(ctx, "SELECT id, name, created_at FROM api_tokens WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	out := []APIToken{}
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.Name, msScan{&t.CreatedAt}); err != nil {
			return nil, prep.Wrap(op, err)
		}
		out = append(out, t)
	}
	return out, prep.Wrap(op, rows.Err())
}

// DeleteAPIToken revokes the user's token id; another user's token is NotFound.
func (db *DB) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res, err := db.write.ExecContext(ctx, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return prep.Wrap("store.DeleteAPIToken", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return prep.Errorf(prep.NotFound, "store.DeleteAPIToken", "you have no API token %d", id)
	}
	return nil
}

// APITokenUser returns the enabled account a token belongs to, or an Unauthorized error
// the same for every token that is malformed, unknown, revoked or of a disabled account.
func (db *DB) APITokenUser(ctx context.Context, secret string) (User, error) {
	const op = "store.APITokenUser"
	bad := prep.Errorf(prep.Unauthorized, op, "this API token is not valid (revoked, or never issued); create one with \"prep token create NAME\" or in Settings")
	if !strings.HasPrefix(secret, apiTokenPrefix) {
		return User{}, bad
	}
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND u.disabled = 0 AND u.role <> 'candidate'", tokenHash(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, bad
	}
	return u, prep.Wrap(op, err)
}
