package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
		{"list groups by topic", []string{"lab", "list"}, 0, "Caching (", ""},
		{"list --json", []string{"lab", "list", "--json"}, 0, `"title": "Caching",`, ""},
		{"list takes no arguments", []string{"lab", "list", "extra"}, 2, "", "usage: prep lab list [--json]"},
		{"unknown flag", []string{"lab", "list", "--nope"}, 2, "", "prep lab: unknown flag -nope; see prep help lab\n"},
		{"unknown flag before the subcommand", []string{"lab", "-x", "show", "lru"}, 2, "", "prep lab: unknown flag -x; see prep help lab\n"},
		{"flag of another subcommand", []string{"lab", "show", "lru", "--json"}, 2, "", "flag -json does not apply to lab show; see prep help lab"},
		{"test flag on list", []string{"lab", "list", "--public-only"}, 2, "", "flag -public-only does not apply to lab list"},
		{"flag without its value", []string{"lab", "test", "lru", "--format"}, 2, "", "prep lab: flag needs an argument: -format; see prep help lab\n"},
		{"new in a bad slug", []string{"lab", "new", "Bad_Slug", t.TempDir()}, 1, "", `"Bad_Slug" cannot be a lab's slug: bad slug`},
		{"new usage", []string{"lab", "new"}, 2, "", "usage: prep lab new SLUG [DIR]"},
		{"check usage", []string{"lab", "check"}, 2, "", "usage: prep lab check FILE.txtar|DIR"},
		{"check a missing file", []string{"lab", "check", filepath.Join(dir, "none.txtar")}, 1, "", "no such file"},
		{"check an empty dir", []string{"lab", "check", t.TempDir()}, 1, "", "no *.txtar lab archives in"},
		{"check a file that is not an archive", []string{"lab", "check", "lab_test.go"}, 1, "", "is not a lab archive"},
		{"show", []string{"lab", "show", "lru"}, 0, "Submit: lru.go", ""},
		{"show unknown", []string{"lab", "show", "nope"}, 1, "", `no lab "nope"`},
		{"init", []string{"lab", "init", "lru", dir}, 0, "wrote README.md, go.mod, lru.go, lru_test.go", ""},
		{"init refuses to overwrite", []string{"lab", "init", "lru", dir}, 1, "", "already exists"},
		{"usage", []string{"lab"}, 2, "", "usage: prep lab list"},
		{"unknown subcommand", []string{"lab", "fly"}, 2, "", `unknown lab command "fly"`},
		{"help lists every subcommand", []string{"help", "lab"}, 0, "prep lab check FILE.txtar|DIR", ""},
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

// TestLabListJSON: the catalogue as JSON groups every lab under the topic of its first
// card, in topic order.
func TestLabListJSON(t *testing.T) {
	code, out, errs := runMain(t, nil, "lab", "list", "--json")
	var cat struct {
		Topics []struct {
			ID, Title string
			Labs      []struct {
				Slug, Level string
				Cards       []string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &cat); code != 0 || err != nil {
		t.Fatalf("prep lab list --json: exit %d, %v\n%s%s", code, err, out, errs)
	}
	topicOf := map[string]string{}
	n := 0
	for _, tp := range cat.Topics {
		for _, l := range tp.Labs {
			topicOf[l.Slug] = tp.ID
			n++
		}
	}
	set, _ := labs.Load("")
	if n != len(set.All()) {
		t.Errorf("prep lab list --json lists %d labs, want all %d", n, len(set.All()))
	}
	for slug, want := range map[string]string{"lru": "caching", "token-bucket": "scalability", "circuit-breaker": "resilience", "saga": "distributed-systems"} {
		if topicOf[slug] != want {
			t.Errorf("prep lab list --json: %s is under topic %q, want %q (the topic of its first card)", slug, topicOf[slug], want)
		}
	}
}

// TestLabNewAndCheck writes a skeleton with the built binary, checks it (it passes as
// written), then breaks it in each way lab check must report.
func TestLabNewAndCheck(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Skip("cannot build prep:", err)
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
	dir := t.TempDir()
	path := filepath.Join(dir, "my-lab.txtar")
	if code, out := run("lab", "new", "my-lab", dir); code != 0 || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("lab new: exit %d\n%s", code, out)
	}
	if code, out := run("lab", "new", "my-lab", dir); code != 1 || !strings.Contains(out, "already exists") {
		t.Errorf("lab new over an existing lab: exit %d\n%s", code, out)
	}
	skeleton, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if code, out := run("lab", "check", dir); code != 0 || !strings.Contains(out, "✓ reference: passed") || !strings.Contains(out, "✓ ok-sorted-copy must pass: passed") || !strings.Contains(out, "ok: 5 checks") {
		t.Errorf("lab check of a fresh skeleton: exit %d\n%s", code, out)
	}
	if code, out := run("lab", "list", "--labs", dir); code != 0 || !strings.Contains(out, "Other labs (1)") || !strings.Contains(out, "my-lab") {
		t.Errorf("lab list --labs with the skeleton: exit %d\n%s", code, out)
	}
	section := func(src, name string) string { // the text of one archive file
		start := strings.Index(src, "-- "+name+" --\n") + len("-- "+name+" --\n")
		end := strings.Index(src[start:], "\n-- ")
		return src[start : start+end+1]
	}
	sk := string(skeleton)
	lineOf := func(text string) string { return strconv.Itoa(strings.Count(sk[:strings.Index(sk, text)], "\n") + 1) }
	solution := section(sk, "solution/max.go")
	for _, tt := range []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"wrong fixture that passes", func(s string) string {
			return strings.Replace(s, section(s, "fixtures/wrong-start-at-zero/max.go"), "// Not wrong at all.\n"+solution, 1)
		}, []string{"✗ wrong-start-at-zero (Not wrong at all.) must fail: passed", "FAILED: 1 of 5 checks"}},
		{"ok fixture that fails", func(s string) string {
			return strings.Replace(s, "return s[len(s)-1], true", "return s[0], true", 1)
		}, []string{"✗ ok-sorted-copy must pass: failed", "FAILED: 1 of 5 checks"}},
		{"starter that passes", func(s string) string {
			return strings.Replace(s, section(s, "starter/max.go"), solution, 1)
		}, []string{"✗ starter must fail a hidden test: passed"}},
		{"reference that fails", func(s string) string {
			return strings.Replace(s, "if x > m {\n\t\t\tm = x", "if x < m {\n\t\t\tm = x", 1)
		}, []string{"✗ reference: failed"}},
		{"invalid lab", func(s string) string {
			return strings.Replace(s, "level: junior", "level: expert", 1)
		}, []string{"✗ the lab is not valid", path + ":" + lineOf("level: junior") + `: level "expert" is not one of junior, mid, senior, staff`}},
		{"missing card", func(s string) string {
			return strings.Replace(s, "cards: []", "cards: [no-such-card]", 1)
		}, []string{path + ":" + lineOf("cards: []") + `: lab "my-lab" practises card "no-such-card", which does not exist`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tt.edit(sk)), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out := run("lab", "check", path)
			for _, w := range tt.want {
				if code != 1 || !strings.Contains(out, w) {
					t.Errorf("lab check: exit %d, want 1 and %q in\n%s", code, w, out)
				}
			}
		})
	}
}
