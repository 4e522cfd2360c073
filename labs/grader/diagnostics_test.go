package grader

import (
	"context"
	"strings"
	"testing"

	"prep"
	"prep/labs"
)

// honestDiagnostics is the table of submissions whose messages once misled: each must
// get its verdict with a message saying what the candidate's code did (want), and
// never show what it must not (notWant: hidden tests' code, the grader's internals).
var honestDiagnostics = []struct {
	name    string
	mode    labs.Mode
	files   map[string]string
	verdict labs.Verdict
	want    []string
	notWant []string
}{
	{"a hidden test does not compile: its code is not quoted", labs.ModeSubmit,
		map[string]string{"lru.go": strings.NewReplacer(
			"func (c *Cache) Get(key int) (int, bool) {", "func (c *Cache) Get(key int) (int64, bool) {",
			"return e.Value.(*entry).value, true", "return int64(e.Value.(*entry).value), true").Replace(lruWith("", "", ""))},
		labs.CompileError,
		[]string{"the tests do not compile against your code", "hidden tests: a hidden test does not compile against your code (mismatched types, where it uses your Get)"},
		[]string{"v != k", "c.Get", "!="}},
}

func TestHonestDiagnostics(t *testing.T) {
	g := newTestGrader(t, Config{Workers: 2})
	lab := fastLab(t)
	for _, tc := range honestDiagnostics {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), lab, tc.files, tc.mode)
			if err != nil {
				t.Fatalf("Grade: %v", err)
			}
			text := res.Message + diagText(res)
			for _, tr := range res.Tests {
				text += "\n" + tr.Message
			}
			t.Logf("%s: %s", res.Verdict, text)
			if res.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", res.Verdict, tc.verdict)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("message does not say %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("message shows %q", w)
				}
			}
			if tc.mode == labs.ModeSubmit {
				assertNoHiddenCode(t, lab, res)
			}
		})
	}
}

// assertNoHiddenCode fails if a diagnostic quotes a line of the lab's hidden tests.
func assertNoHiddenCode(t *testing.T, lab *labs.Lab, res *labs.Result) {
	t.Helper()
	for _, f := range lab.Hidden {
		for _, line := range strings.Split(f.Src, "\n") {
			line = strings.TrimSpace(line)
			if len(line) < 6 || strings.HasPrefix(line, "t.Error") || strings.HasPrefix(line, "t.Fatal") {
				continue
			}
			for _, d := range res.Diagnostics {
				if strings.Contains(d.Msg, line) {
					t.Errorf("diagnostic %q quotes hidden code %q", d, line)
				}
			}
		}
	}
}

// TestConstrainedFilesRejected: a file Go would build only on some systems (a GOOS or
// GOARCH suffix, a build constraint) is refused before grading, naming it; the
// interpreter would have dropped it after the type check accepted it.
func TestConstrainedFilesRejected(t *testing.T) {
	g := newTestGrader(t, Config{})
	lab := fastLab(t)
	for _, tc := range []struct {
		name, src string
		want      string
	}{
		{"lru_windows.go", "package minilru\n\nconst capacityHint = 2\n", "lru_windows.go: its name ends in _windows"},
		{"x_amd64.go", "package minilru\n", "x_amd64.go: its name ends in _amd64"},
		{"x_linux_arm64.go", "package minilru\n", "x_linux_arm64.go: its name ends in _linux_arm64"},
		{"extra.go", "//go:build ignore\n\npackage minilru\n", "extra.go: line 1 is a build constraint"},
		{"extra.go", "// +build linux\n\npackage minilru\n", "extra.go: line 1 is a build constraint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"lru.go": lruWith("", "", ""), tc.name: tc.src}
			res, err := g.Grade(context.Background(), lab, files, labs.ModeRun)
			if prep.KindOf(err) != prep.Invalid || !strings.Contains(prep.Message(err), tc.want) {
				t.Fatalf("Grade = %v, %v; want an Invalid error saying %q", res, err, tc.want)
			}
		})
	}
}
