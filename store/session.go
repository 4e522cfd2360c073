package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"prep"
)

// SessionTTL is how long a session lasts from sign-in.
const SessionTTL = 30 * 24 * time.Hour

// sessionTokenBytes is the entropy of a session token.
const sessionTokenBytes = 32

var tokenEncoding = base64.RawURLEncoding

// tokenHash is what the sessions table keeps of a token: a stolen database file then
// holds nothing that signs anyone in.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session for the user and returns its token (32 random bytes,
// base64url), valid for SessionTTL. Only a SHA-256 hash of the token is stored.
// Expired sessions of every user are removed on the way.
func (db *DB) CreateSession(ctx context.Context, userID int64) (string, error) {
	const op = "store.CreateSession"
	raw := make([]byte, sessionTokenBytes)
	rand.Read(raw)
	token := tokenEncoding.EncodeToString(raw)
	now := db.now()
	err := db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", toMS(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			tokenHash(token), userID, toMS(now), toMS(now.Add(SessionTTL)))
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// SessionUser returns the user a live session token belongs to, or an Unauthorized
// error for a token that is malformed, unknown, expired or signed out.
func (db *DB) SessionUser(ctx context.Context, token string) (User, error) {
	const op = "store.SessionUser"
	expired := prep.Errorf(prep.Unauthorized, op, "your session has expired or was signed out; sign in again")
	if raw, err := tokenEncoding.DecodeString(token); err != nil || len(raw) != sessionTokenBytes {
		return User{}, expired
	}
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`, tokenHash(token), toMS(db.now())))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, expired
	}
	if err != nil {
		return User{}, prep.Wrap(op, err)
	}
	return u, nil
}

// DeleteSession ends the session with token (sign out). Ending an unknown session is
// not an error.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash(token))
	return prep.Wrap("store.DeleteSession", err)
}

// DeleteUserSessions ends every session of the user (sign out everywhere).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := db.write.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return prep.Wrap("store.DeleteUserSessions", err)
}
