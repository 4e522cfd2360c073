package grader

import (
	"context"
	"strings"
	"testing"
	"time"

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
	// A panic's value is shown as go test shows it, through its Error or String method;
	// a method that panics or loops is said to, not shown as the raw struct ({}).
	{"panic with an error value", labs.ModeRun, map[string]string{"lru.go": lruWith("", "\tpanic(bad{})", "type bad struct{}\n\nfunc (bad) Error() string { return \"cache exploded\" }\n")},
		labs.Failed, []string{"TestPutGet: panic: cache exploded"}, []string{"panic: {}"}},
	{"panic with a Stringer value", labs.ModeRun, map[string]string{"lru.go": lruWith("", "\tpanic(&bad{7})", "type bad struct{ n int }\n\nfunc (b *bad) String() string { return \"bad state\" }\n")},
		labs.Failed, []string{"TestPutGet: panic: bad state"}, []string{"&{7}"}},
	{"panic whose Error panics", labs.ModeRun, map[string]string{"lru.go": lruWith("", "\tpanic(bad{})", "type bad struct{}\n\nfunc (bad) Error() string { panic(\"inner\") }\n")},
		labs.Failed, []string{"TestPutGet: panic: a value whose Error method panicked too (panic: inner)"}, []string{"panic: {}"}},
	{"panic whose Error loops", labs.ModeRun, map[string]string{"lru.go": lruWith("", "\tpanic(bad{})", "type bad struct{}\n\nfunc (bad) Error() string {\n\tfor {\n\t}\n}\n")},
		labs.Failed, []string{"TestPutGet: panic: a value whose Error method did not return within 250ms (an infinite loop or recursion in Error?)"}, []string{"panic: {}"}},
	// A stack overflow before the tests start is the code's own initialisation when the
	// interpreter was running it; only while compiling is it code nested too deeply.
	{"deep recursion in init", labs.ModeRun, map[string]string{"lru.go": lruWith("", "", "var depth = deep(0)\n\nfunc deep(n int) int { return deep(n+1) + 1 }\n")},
		labs.Crash, []string{"stack overflow while initialising your package: a package-level variable or an init function recursed too deep"}, []string{"nested too deeply"}},
}

func TestHonestDiagnostics(t *testing.T) {
	g := newTestGrader(t, Config{Workers: 2})
	// A test limit long enough for a recursion to reach the stack limit on a busy
	// machine (about a second).
	lab := *loadTestLab(t, "minilru")
	lab.Limits.Test, lab.Limits.Wall = 5*time.Second, 10*time.Second
	for _, tc := range honestDiagnostics {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), &lab, tc.files, tc.mode)
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
				assertNoHiddenCode(t, &lab, res)
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
