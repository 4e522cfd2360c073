package store

import (
	"context"
	"testing"

	"prep"
)

func TestRoles(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	first, err := db.AddUserWithRole(ctx, "ana", "a long enough password", RoleMember)
	if err != nil || first.Role != RoleAdmin || first.ID != LocalUserID {
		t.Fatalf("first account: %+v %v (want admin, id 1)", first, err)
	}
	bo, err := db.AddUserWithRole(ctx, "bo", "a long enough password", RoleInterviewer)
	if err != nil || bo.Role != RoleInterviewer {
		t.Fatalf("bo: %+v %v", bo, err)
	}
	cy, _ := db.AddUser(ctx, "cy", "a long enough password")
	if cy.Role != RoleMember {
		t.Errorf("default role %q", cy.Role)
	}
	for _, tc := range []struct {
		name string
		do   func() error
		kind prep.Kind
	}{
		{"bad role on add", func() error { _, err := db.AddUserWithRole(ctx, "dee", "a long enough password", "root"); return err }, prep.Invalid},
		{"bad role", func() error { return db.SetRole(ctx, bo.ID, "candidate") }, prep.Invalid},
		{"demote the last admin", func() error { return db.SetRole(ctx, first.ID, RoleMember) }, prep.Conflict},
		{"disable the last admin", func() error { return db.SetDisabled(ctx, first.ID, true) }, prep.Conflict},
		{"unknown account", func() error { return db.SetRole(ctx, 999, RoleMember) }, prep.NotFound},
		{"promote bo", func() error { return db.SetRole(ctx, bo.ID, RoleAdmin) }, ""},
		{"now ana may be demoted", func() error { return db.SetRole(ctx, first.ID, RoleInterviewer) }, ""},
		{"disable cy", func() error { return db.SetDisabled(ctx, cy.ID, true) }, ""},
	} {
		if err := tc.do(); prep.KindOf(err) != tc.kind {
			t.Errorf("%s: %v, want kind %q", tc.name, err, tc.kind)
		}
	}
	if _, err := db.Authenticate(ctx, "cy", "a long enough password"); prep.KindOf(err) != prep.Unauthorized {
		t.Errorf("a disabled account signed in: %v", err)
	}
	u, err := db.UserByName(ctx, "ANA")
	if err != nil || u.Role != RoleInterviewer {
		t.Errorf("ana: %+v %v", u, err)
	}
}
