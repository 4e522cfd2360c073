package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"prep/labs"
)

func TestLabCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lru")
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"list", []string{"lab", "list"}, 0, "token-bucket", ""},
		{"show", []string{"lab", "show", "lru"}, 0, "Submit: lru.go", ""},
		{"show unknown", []string{"lab", "show", "nope"}, 1, "", `no lab "nope"`},
		{"init", []string{"lab", "init", "lru", dir}, 0, "wrote README.md, go.mod, lru.go, lru_test.go", ""},
		{"init refuses to overwrite", []string{"lab", "init", "lru", dir}, 1, "", "already exists"},
		{"usage", []string{"lab"}, 2, "", "usage: prep lab list"},
		{"unknown subcommand", []string{"lab", "fly"}, 2, "", `unknown lab command "fly"`},
		{"bad format", []string{"lab", "test", "lru", "--format", "tap"}, 2, "", "--format must be exercism"},
		{"help", []string{"help", "lab"}, 0, "-public-only", ""},
		{"bad labs dir", []string{"lab", "list", "--labs", "/nonexistent"}, 1, "", "labs directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runMain(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Errorf("prep %s: exit %d\nstdout: %.500s\nstderr: %.500s\nwant exit %d, stdout with %q, stderr with %q",
					strings.Join(tt.args, " "), code, out, errs, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestLabTest grades with the built binary, whose worker mode is the real sandbox.
func TestLabTest(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Skip("cannot build prep:", err)
	}
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	lab, _ := set.Lab("lru")
	solution, starter := t.TempDir(), t.TempDir()
	for _, f := range lab.Solution {
		os.WriteFile(filepath.Join(solution, f.Name), []byte(f.Src), 0o644)
	}
	for _, f := range lab.Starter {
		os.WriteFile(filepath.Join(starter, f.Name), []byte(f.Src), 0o644)
	}
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Env = []string{}
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String()
	}
	code, out := run("lab", "test", "lru", solution, "--public-only")
	if code != 0 || !strings.Contains(out, "✓ TestPublicGetAfterPut") || !strings.Contains(out, "PASSED: all 3 tests passed") {
		t.Errorf("solution, public only: exit %d\n%s", code, out)
	}
	code, out = run("lab", "test", "--json", "lru", filepath.Join(starter, "lru.go"))
	var res labs.Result
	if err := json.Unmarshal([]byte(out), &res); code != 1 || err != nil || res.Verdict != labs.Failed || res.Mode != labs.ModeSubmit {
		t.Errorf("starter, --json: exit %d, verdict %s, err %v\n%.1000s", code, res.Verdict, err, out)
	}
	code, out = run("lab", "test", "lru", starter, "--public-only", "--format", "exercism")
	var ex labs.ExercismResults
	if err := json.Unmarshal([]byte(out), &ex); code != 1 || err != nil || ex.Version != 3 || ex.Status != "fail" || len(ex.Tests) == 0 || ex.Tests[0].TestCode == "" {
		t.Errorf("starter, exercism: exit %d, %+v, err %v\n%.1000s", code, ex, err, out)
	}
}
