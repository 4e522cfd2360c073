package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestUserRoles: the first account is admin, --role names another's, "user role"
// changes it, and "user list" shows them.
func TestUserRoles(t *testing.T) {
	data := t.TempDir()
	run := func(stdin string, args ...string) (int, string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{args[0], "--data", data}, args[1:]...), &Env{
			Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		return code, out.String() + errb.String()
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"a long enough password\n", []string{"user", "add", "ana", "--role", "member"}, 0, "added ana (admin)"},
		{"a long enough password\n", []string{"user", "add", "bo", "--role", "interviewer"}, 0, "added bo (interviewer)"},
		{"a long enough password\n", []string{"user", "add", "cy", "--role=root"}, 1, "role must be"},
		{"a long enough password\n", []string{"user", "add", "cy"}, 0, "added cy (member)"},
		{"", []string{"user", "role", "cy", "interviewer"}, 0, "cy is now interviewer"},
		{"", []string{"user", "role", "ana", "member"}, 1, "last admin"},
		{"", []string{"user", "role", "zed", "member"}, 1, `no account "zed"`},
		{"", []string{"user", "list"}, 0, "cy\tinterviewer"},
		{"", []string{"token", "create", "ats", "--user", "bo"}, 0, "prep_"},
		{"", []string{"token", "list", "--user", "bo"}, 0, "1\tats"},
		{"", []string{"token", "revoke", "1", "--user", "cy"}, 1, "no API token 1"},
		{"", []string{"token", "revoke", "1", "--user", "bo"}, 0, "revoked token 1"},
		{"", []string{"token", "create", "x"}, 2, "usage"},
	} {
		code, out := run(tc.stdin, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("prep %v: exit %d, want %d; output %q lacks %q", tc.args, code, tc.code, out, tc.want)
		}
	}
}
