package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"prep"
	"prep/store/fsrs"
)

func TestAddUserValidation(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		name, user, password string
		kind                 prep.Kind
	}{
		{"ok", "alice", "correct horse", ""},
		{"dots dashes underscores", "a.b-c_D9", "12345678", ""},
		{"empty name", "", "12345678", prep.Invalid},
		{"space in name", "bob smith", "12345678", prep.Invalid},
		{"non-ASCII name", "zoë", "12345678", prep.Invalid},
		{"name too long", strings.Repeat("n", 65), "12345678", prep.Invalid},
		{"longest name", strings.Repeat("n", 64), "12345678", ""},
		{"password too short", "carol", "1234567", prep.Invalid},
		{"password of 8 runes", "dave", "ääääääää", ""},
		{"password too long", "erin", strings.Repeat("p", 1025), prep.Invalid},
		{"longest password", "frank", strings.Repeat("p", 1024), ""},
		{"name taken", "alice", "12345678", prep.Conflict},
		{"name taken, other case", "ALICE", "12345678", prep.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.AddUser(context.Background(), tt.user, tt.password)
			wantKind(t, err, tt.kind)
		})
	}
}

func TestFirstUserTakesOverLocalProgress(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if req, err := db.SignInRequired(ctx); err != nil || req {
		t.Fatalf("SignInRequired on a new database = %v, %v", req, err)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, err := db.Rate(ctx, LocalUserID, "cap-theorem", fsrs.Good, now, time.Second); err != nil {
		t.Fatal(err)
	}
	alice, err := db.AddUser(ctx, "alice", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if alice.ID != LocalUserID || !alice.HasPassword {
		t.Errorf("first account = %+v, want the local user's row", alice)
	}
	if _, ok, _ := db.State(ctx, alice.ID, "cap-theorem"); !ok {
		t.Error("the first account lost the local progress")
	}
	if req, err := db.SignInRequired(ctx); err != nil || !req {
		t.Errorf("SignInRequired after the first account = %v, %v", req, err)
	}
	bob, err := db.AddUser(ctx, "bob", "battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if bob.ID == alice.ID {
		t.Fatal("second account reused the first's row")
	}
	if states, _ := db.States(ctx, bob.ID); len(states) != 0 {
		t.Errorf("a new account starts with progress: %v", states)
	}
	users, err := db.Users(ctx)
	if err != nil || len(users) != 2 || users[0].Name != "alice" || users[1].Name != "bob" {
		t.Errorf("Users = %+v, %v", users, err)
	}
	if u, err := db.User(ctx, bob.ID); err != nil || u.Name != "bob" {
		t.Errorf("User(bob) = %+v, %v", u, err)
	}
	_, err = db.User(ctx, 99)
	wantKind(t, err, prep.NotFound)
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	// Before any account exists nobody can sign in, not even as "local".
	_, err := db.Authenticate(ctx, "local", "")
	wantKind(t, err, prep.Unauthorized)

	if _, err := db.AddUser(ctx, "alice", "correct horse"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, password string
		ok                   bool
	}{
		{"right password", "alice", "correct horse", true},
		{"name in other case", "Alice", "correct horse", true},
		{"wrong password", "alice", "correct horse!", false},
		{"empty password", "alice", "", false},
		{"unknown user", "mallory", "correct horse", false},
		{"huge password", "alice", strings.Repeat("x", 100000), false},
	}
	var refusals []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := db.Authenticate(ctx, tt.user, tt.password)
			if tt.ok {
				if err != nil || u.Name != "alice" || u.ID != LocalUserID {
					t.Errorf("Authenticate = %+v, %v", u, err)
				}
				return
			}
			wantKind(t, err, prep.Unauthorized)
			refusals = append(refusals, prep.Message(err))
		})
	}
	for _, m := range refusals {
		if m != refusals[0] {
			t.Errorf("refusals differ, telling unknown users from wrong passwords: %q vs %q", m, refusals[0])
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h := hashPassword("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not the expected PHC string", h)
	}
	if h == hashPassword("correct horse") {
		t.Error("two hashes of one password are equal: no salt?")
	}
	tests := []struct {
		name, hash, password string
		ok, err              bool
	}{
		{"match", h, "correct horse", true, false},
		{"mismatch", h, "correct horsE", false, false},
		{"not PHC", "plain", "x", false, true},
		{"argon2i", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse", false, true},
		{"huge memory", strings.Replace(h, "m=19456", "m=4194304", 1), "correct horse", false, true},
		{"trailing junk in parameters", strings.Replace(h, "p=1", "p=1x", 1), "correct horse", false, true},
		{"bad salt", strings.Replace(h, "$", "$!", 4), "correct horse", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := checkPassword(tt.hash, tt.password)
			if ok != tt.ok || (err != nil) != tt.err {
				t.Errorf("checkPassword = %v, %v; want %v, error %v", ok, err, tt.ok, tt.err)
			}
		})
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	alice, _ := db.AddUser(ctx, "alice", "correct horse")
	bob, _ := db.AddUser(ctx, "bob", "battery staple")
	clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return clock }

	a1, err := db.CreateSession(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := db.CreateSession(ctx, alice.ID)
	b1, _ := db.CreateSession(ctx, bob.ID)
	if len(a1) != 43 || a1 == a2 {
		t.Fatalf("tokens %q, %q: want distinct 43-character tokens", a1, a2)
	}
	var stored []byte
	if err := db.read.QueryRow("SELECT token_hash FROM sessions LIMIT 1").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{a1, a2, b1} {
		if bytes.Contains(stored, []byte(tok)) {
			t.Fatal("a token is stored in the clear")
		}
	}
	_, err = db.CreateSession(ctx, 99)
	wantKind(t, err, prep.NotFound)

	check := func(token string, want int64) {
		t.Helper()
		u, err := db.SessionUser(ctx, token)
		if want == 0 {
			wantKind(t, err, prep.Unauthorized)
			return
		}
		if err != nil || u.ID != want {
			t.Errorf("SessionUser = %+v, %v; want user %d", u, err, want)
		}
	}
	check(a1, alice.ID)
	check(b1, bob.ID)
	check("", 0)
	check("not-a-token", 0)
	check(strings.Repeat("A", 43), 0)

	if err := db.DeleteSession(ctx, a1); err != nil {
		t.Fatal(err)
	}
	check(a1, 0)
	check(a2, alice.ID)
	if err := db.DeleteUserSessions(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	check(a2, 0)
	check(b1, bob.ID)

	clock = clock.Add(SessionTTL - time.Second)
	check(b1, bob.ID)
	clock = clock.Add(time.Second)
	check(b1, 0)
	// Creating a session sweeps expired ones.
	if _, err := db.CreateSession(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	db.read.QueryRow("SELECT count(*) FROM sessions").Scan(&n)
	if n != 1 {
		t.Errorf("%d sessions left, want only the new one", n)
	}
}
