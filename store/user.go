package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
	"unicode/utf8"

	"prep"
)

// LocalUserID is the user that owns progress on a server nobody signs in to. The first
// account created takes over this row, and with it the progress made so far.
const LocalUserID int64 = 1

// Limits on account names and passwords.
const (
	MaxNameLen        = 64
	MinPasswordLen    = 8    // characters
	MaxPasswordLen    = 1024 // characters; argon2 hashes any length, but a request body should not
	unauthorizedLogin = "wrong user name or password"
)

// User is an account. The local user (LocalUserID) has no password until an account
// takes it over.
type User struct {
	ID          int64
	Name        string
	HasPassword bool
	CreatedAt   time.Time
	Role        string // RoleAdmin, RoleInterviewer, RoleMember (RoleCandidate: an invite's own user)
	Disabled    bool   // a disabled account cannot sign in or use its API tokens
}

// The roles of an account. The first account is an admin; later ones are members
// unless given another role. A candidate is the user an assessment invite keeps its
// drafts and attempts as: it has no password and is no account.
const (
	RoleAdmin       = "admin"       // everything, including every assessment and the accounts
	RoleInterviewer = "interviewer" // creates assessments and reads their reports
	RoleMember      = "member"      // studies, as every user did before roles
	RoleCandidate   = "candidate"
)

// ValidRole reports whether role is one an account can be given.
func ValidRole(role string) bool {
	return role == RoleAdmin || role == RoleInterviewer || role == RoleMember
}

// userColumns are what scanUser reads, from the users table as u.
const userColumns = "u.id, u.name, u.password_hash <> '', u.created_at, u.role, u.disabled"

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	err := sc.Scan(&u.ID, &u.Name, &u.HasPassword, msScan{&u.CreatedAt}, &u.Role, &u.Disabled)
	return u, err
}

// validName reports whether name is 1–64 characters of [a-zA-Z0-9._-].
func validName(name string) bool {
	if len(name) == 0 || len(name) > MaxNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// AddUser creates an account with a password. The first account takes over the local
// user's row, keeping its progress, and from then on the server requires sign-in (see
// SignInRequired). Names are unique regardless of case.
func (db *DB) AddUser(ctx context.Context, name, password string) (User, error) {
	return db.AddUserWithRole(ctx, name, password, RoleMember)
}

// AddUserWithRole is AddUser giving the account role; the first account is an admin
// whatever role says.
func (db *DB) AddUserWithRole(ctx context.Context, name, password, role string) (User, error) {
	const op = "store.AddUser"
	if !ValidRole(role) {
		return User{}, prep.Errorf(prep.Invalid, op, "role must be %s, %s or %s, not %q", RoleAdmin, RoleInterviewer, RoleMember, role)
	}
	if !validName(name) {
		return User{}, prep.Errorf(prep.Invalid, op, "user name must be 1–%d characters of letters, digits, '.', '_' and '-'", MaxNameLen)
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
		return User{}, prep.Errorf(prep.Invalid, op, "password must be %d to %d characters long", MinPasswordLen, MaxPasswordLen)
	}
	hash := hashPassword(password) // slow on purpose: outside the write transaction
	u := User{Name: name, HasPassword: true, CreatedAt: truncMS(time.Now()), Role: role}
	err := db.inTx(ctx, op, func(tx *wtx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE name = ? AND (password_hash <> '' OR id <> ?)", name, LocalUserID).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return prep.Errorf(prep.Conflict, op, "user name %q is taken", name)
		}
		var signIn bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE password_hash <> '')").Scan(&signIn); err != nil {
			return err
		}
		if !signIn {
			res, err := tx.ExecContext(ctx, "UPDATE users SET name = ?, password_hash = ?, role = ? WHERE id = ?", name, hash, RoleAdmin, LocalUserID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				u.ID, u.Role = LocalUserID, RoleAdmin
				return tx.QueryRowContext(ctx, "SELECT created_at FROM users WHERE id = ?", LocalUserID).Scan(msScan{&u.CreatedAt})
			}
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO users (name, password_hash, created_at, role) VALUES (?, ?, ?, ?)", name, hash, toMS(u.CreatedAt), role)
		if err != nil {
			return err
		}
		u.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// SignInRequired reports whether any account has a password; until one does, the
// server runs as the local user without sign-in.
func (db *DB) SignInRequired(ctx context.Context) (bool, error) {
	var yes bool
	err := db.read.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE password_hash <> '')").Scan(&yes)
	return yes, prep.Wrap("store.SignInRequired", err)
}

// Authenticate returns the user with this name and password. An unknown name, an
// account without a password and a wrong password all give the same Unauthorized error
// after the same amount of work.
func (db *DB) Authenticate(ctx context.Context, name, password string) (User, error) {
	const op = "store.Authenticate"
	var u User
	var hash string
	err := db.read.QueryRowContext(ctx, "SELECT id, name, password_hash, created_at, role, disabled FROM users WHERE name = ?", name).
		Scan(&u.ID, &u.Name, &hash, msScan{&u.CreatedAt}, &u.Role, &u.Disabled)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, prep.Wrap(op, err)
	}
	// A disabled account is refused like a wrong password, after the same work.
	known := err == nil && hash != "" && !u.Disabled && u.Role != RoleCandidate
	tooLong := utf8.RuneCountInString(password) > MaxPasswordLen
	if !known || tooLong {
		hash = dummyHash()
	}
	ok, err := checkPassword(hash, password)
	if err != nil {
		return User{}, prep.Wrap(op, err)
	}
	if !ok || !known || tooLong {
		return User{}, prep.Errorf(prep.Unauthorized, op, unauthorizedLogin)
	}
	u.HasPassword = true
	return u, nil
}

// User returns the user with id, or a NotFound error.
func (db *DB) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, prep.Errorf(prep.NotFound, "store.User", "no user with id %d", id)
	}
	return u, prep.Wrap("store.User", err)
}

// Users lists every account, the local user included, by id; an invite's candidate
// users are no accounts and are left out.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	const op = "store.Users"
	rows, err := db.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.role <> 'candidate' ORDER BY u.id")
	if err != nil {
		return nil, prep.Wrap(op, err)
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, prep.Wrap(op, err)
		}
		us = append(us, u)
	}
	return us, prep.Wrap(op, rows.Err())
}

// requireUser returns a NotFound error unless the user exists, so a write for a user
// that does not exist fails with a message rather than a foreign-key error.
func requireUser(ctx context.Context, q queryer, op string, userID int64) error {
	var ok bool
	if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)", userID).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return prep.Errorf(prep.NotFound, op, "no user with id %d", userID)
	}
	return nil
}

// msScan scans Unix milliseconds into a time.Time (see fromMS).
type msScan struct{ t *time.Time }

// Scan implements sql.Scanner.
func (s msScan) Scan(v any) error {
	ms, ok := v.(int64)
	if !ok {
		return errors.New("store: time column is not an integer")
	}
	*s.t = fromMS(ms)
	return nil
}

// UserByName returns the account called name (any case), or a NotFound error.
func (db *DB) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.name = ? AND u.role <> 'candidate'", name))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, prep.Errorf(prep.NotFound, "store.User", "no account %q (see prep user list)", name)
	}
	return u, prep.Wrap("store.User", err)
}

// SetRole gives the account id role. The last enabled admin keeps the role, or nobody
// could manage the accounts.
func (db *DB) SetRole(ctx context.Context, id int64, role string) error {
	const op = "store.SetRole"
	if !ValidRole(role) {
		return prep.Errorf(prep.Invalid, op, "role must be %s, %s or %s, not %q", RoleAdmin, RoleInterviewer, RoleMember, role)
	}
	return db.inTx(ctx, op, func(tx *wtx) error {
		if err := keepAnAdmin(ctx, tx, op, id, role != RoleAdmin); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET role = ? WHERE id = ?", role, id)
		return err
	})
}

// SetDisabled disables or enables the account id. Disabling ends its sessions; the
// last enabled admin cannot be disabled.
func (db *DB) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	const op = "store.SetDisabled"
	return db.inTx(ctx, op, func(tx *wtx) error {
		if err := keepAnAdmin(ctx, tx, op, id, disabled); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, id); err != nil {
			return err
		}
		if disabled {
			_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
			return err
		}
		return nil
	})
}

// keepAnAdmin checks that account id exists and is no candidate, and, when losing is
// true (id is about to stop being an enabled admin), that another enabled admin remains.
func keepAnAdmin(ctx context.Context, tx *wtx, op string, id int64, losing bool) error {
	var role string
	var disabled bool
	err := tx.QueryRowContext(ctx, "SELECT role, disabled FROM users WHERE id = ?", id).Scan(&role, &disabled)
	if errors.Is(err, sql.ErrNoRows) || role == RoleCandidate {
		return prep.Errorf(prep.NotFound, op, "no account with id %d", id)
	}
	if err != nil {
		return err
	}
	if !losing || role != RoleAdmin || disabled {
		return nil
	}
	var others int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?", id).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return prep.Errorf(prep.Conflict, op, "this is the last admin: make another account admin first")
	}
	return nil
}
