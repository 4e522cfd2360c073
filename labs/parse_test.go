package labs

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// goodLab is a minimal valid archive; the table below breaks it one way at a time.
const goodLab = `comment
-- lab.yaml --
slug: demo
title: Demo
level: junior
package: demo
cards: [caching-basics]
summary: A demo.
-- statement.md --
# Demo
Implement Add. See [caching](/cards/other-card).
-- starter/demo.go --
package demo

func Add(a, b int) int { return 0 }
-- solution/demo.go --
package demo

func Add(a, b int) int { return a + b }
-- public/demo_test.go --
package demo

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Error("Add(1, 2) != 3")
	}
}
-- hidden/demo_test.go --
package demo

import "testing"

func TestAddNegative(t *testing.T) {
	if Add(-1, -2) != -3 {
		t.Error("Add(-1, -2) != -3")
	}
}
`

// TestPerfFuncForms: both forms of a perf workload are accepted.
func TestPerfFuncForms(t *testing.T) {
	for _, fn := range []string{
		"func PerfAdd(n int) func() int { return func() int { Add(n, n); return 1 } }",
		"func PerfAdd(n int) { Add(n, n) }",
	} {
		src := repl("summary: A demo.", "summary: A demo.\nperf:\n  - name: TestPerfAdd\n    func: PerfAdd\n    sizes: [10, 100]\n    max_ratio: 3\n    max_growth: 2")(goodLab)
		src += "-- perf/perf.go --\npackage demo\n\n" + fn + "\n"
		if _, ps := Parse("labs/demo.txtar", []byte(src)); ps != nil {
			t.Errorf("%s: %v", fn, ps)
		}
	}
}

func TestParseGood(t *testing.T) {
	lab, ps := Parse("labs/demo.txtar", []byte(goodLab))
	if ps != nil {
		t.Fatal(ps)
	}
	if lab.Slug != "demo" || lab.Package != "demo" || len(lab.Starter) != 1 || lab.Limits != DefaultLimits() {
		t.Errorf("lab = %+v", lab)
	}
	// A hidden file named like a public one is renamed: both live in one package.
	if lab.Hidden[0].Name != "demo_hidden_test.go" {
		t.Errorf("hidden file name %q, want demo_hidden_test.go", lab.Hidden[0].Name)
	}
	refs := lab.CardRefs()
	if len(refs) != 2 || refs[0] != (CardRef{"other-card", "labs/demo.txtar", 11}) || refs[1] != (CardRef{"caching-basics", "labs/demo.txtar", 7}) {
		t.Errorf("card refs = %+v", refs)
	}
	if got := TestNames(lab.Public); len(got) != 1 || got[0] != "TestAdd" {
		t.Errorf("TestNames = %v", got)
	}
	if src := TestSource(lab.Public, "TestAdd"); !strings.HasPrefix(src, "func TestAdd(t *testing.T) {") {
		t.Errorf("TestSource = %q", src)
	}
}

func TestParseProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(string) string
		want []string // each must appear among the problems, as path:line: text
	}{
		{"unknown key", repl("summary: A demo.", "summary: A demo.\nauthor: me"), []string{`labs/demo.txtar:9: unknown key "author"`}},
		{"missing keys", repl("title: Demo\n", ""), []string{"labs/demo.txtar:2: lab.yaml: missing title"}},
		{"bad slug", repl("slug: demo", "slug: Demo_Lab"), []string{`labs/demo.txtar:3: bad slug "Demo_Lab"`, "does not match the file name"}},
		{"bad level", repl("level: junior", "level: guru"), []string{`labs/demo.txtar:5: level "guru" is not one of`}},
		{"bad card id", repl("cards: [caching-basics]", "cards: [Caching Basics]"), []string{`labs/demo.txtar:7: bad card id "Caching Basics"`}},
		{"package mismatch", repl("package demo\n\nfunc Add(a, b int) int { return 0 }", "package other\n\nfunc Add(a, b int) int { return 0 }"), []string{"labs/demo.txtar:13: starter/demo.go is package other"}},
		{"syntax error", repl("func Add(a, b int) int { return a + b }", "func Add(a, b int) int { return a + }"), []string{"labs/demo.txtar:19: solution/demo.go does not parse"}},
		{"forbidden import", repl("package demo\n\nfunc Add(a, b int) int { return a + b }", "package demo\n\nimport \"os\"\n\nvar _ = os.Args\n\nfunc Add(a, b int) int { return a + b }"), []string{`labs/demo.txtar:19: solution/demo.go imports "os", which the grader does not allow`}},
		{"missing files", func(s string) string { return s[:strings.Index(s, "-- starter/")] }, []string{"no starter/*.go", "no solution/*.go", "no public/*_test.go", "no hidden/*_test.go"}},
		{"no statement", repl("# Demo\nImplement Add. See [caching](/cards/other-card).\n", ""), []string{"missing or empty statement.md"}},
		{"unexpected file", func(s string) string { return s + "-- notes.txt --\nhello\n" }, []string{"unexpected file notes.txt"}},
		{"bad fixture name", func(s string) string { return s + "-- fixtures/broken/demo.go --\npackage demo\n" }, []string{`fixture directory "broken" must be named wrong-NAME`}},
		{"fixture test file", func(s string) string { return s + "-- fixtures/ok-x/demo_test.go --\npackage demo\n" }, []string{"fixtures/ok-x/demo_test.go is a test file"}},
		{"fixture not a starter file", func(s string) string { return s + "-- fixtures/wrong-x/other.go --\npackage demo\n" }, []string{"fixtures/wrong-x/other.go: a fixture's files replace starter files, and there is no starter/other.go"}},
		{"fixture of another package", func(s string) string { return s + "-- fixtures/wrong-x/demo.go --\npackage other\n" }, []string{"fixtures/wrong-x/demo.go is package other"}},
		{"test file in starter", func(s string) string { return s + "-- starter/x_test.go --\npackage demo\n" }, []string{"starter/x_test.go is a test file"}},
		{"limits over maxima", repl("summary: A demo.", "summary: A demo.\nlimits:\n  wall: 10m\n  memory_mb: 99999\n  output_kb: x"), []string{
			"limits.wall: 10m0s is over the grader's maximum of 1m0s", "limits.memory_mb: 99999 is outside 16..1024", `limits.output_kb: "x" is not a whole number`}},
		{"perf func missing", repl("summary: A demo.", "summary: A demo.\nperf:\n  - name: TestPerfAdd\n    func: PerfAdd\n    sizes: [10, 100]\n    max_ratio: 3\n    max_growth: 2"), []string{
			"perf TestPerfAdd names func PerfAdd but the lab has no perf/*.go"}},
		{"perf func of the wrong type", func(s string) string {
			s = repl("summary: A demo.", "summary: A demo.\nperf:\n  - name: TestPerfAdd\n    func: PerfAdd\n    sizes: [10, 100]\n    max_ratio: 3\n    max_growth: 2")(s)
			return s + "-- perf/perf.go --\npackage demo\n\nfunc PerfAdd(n int) int { return Add(n, n) }\n"
		}, []string{"perf TestPerfAdd: no func PerfAdd(n int) func() int in perf/*.go"}},
		{"perf entry incomplete", repl("summary: A demo.", "summary: A demo.\nperf:\n  - name: PerfAdd\n    sizes: [100, 10]\n    cap: 1h"), []string{
			`perf name "PerfAdd" must look like a test name`, "sizes must be small then large", "cap: 1h0m0s is over the grader's maximum", "perf entry: missing func", "perf entry: missing max_ratio"}},
		{"duplicate test", func(s string) string {
			return strings.Replace(s, "func TestAddNegative(", "func TestAdd(", 1)
		}, []string{"test TestAdd is also defined in public/demo_test.go"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := Parse("labs/demo.txtar", []byte(tc.edit(goodLab)))
			got := ps.Error()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems do not contain %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestParseFixtures: fixtures/wrong-* and fixtures/ok-* become the lab's fixtures, with
// their first comment line as the note and the starter filling in missing files.
func TestParseFixtures(t *testing.T) {
	src := goodLab + "-- fixtures/wrong-subtracts/demo.go --\n// subtracts instead of adding\npackage demo\n\nfunc Add(a, b int) int { return a - b }\n" +
		"-- fixtures/ok-loop/demo.go --\npackage demo\n\nfunc Add(a, b int) int {\n\tfor ; b > 0; b-- {\n\t\ta++\n\t}\n\treturn a + b\n}\n"
	lab, ps := Parse("labs/demo.txtar", []byte(src))
	if ps != nil {
		t.Fatal(ps)
	}
	if len(lab.Fixtures) != 2 {
		t.Fatalf("fixtures = %+v", lab.Fixtures)
	}
	wrong, ok := lab.Fixtures[0], lab.Fixtures[1]
	if wrong.Name != "wrong-subtracts" || !wrong.Wrong || wrong.Note != "subtracts instead of adding" {
		t.Errorf("wrong fixture = %+v", wrong)
	}
	if ok.Name != "ok-loop" || ok.Wrong || ok.Note != "" {
		t.Errorf("ok fixture = %+v", ok)
	}
	if sub := lab.Submission(wrong); len(sub) != 1 || !strings.Contains(sub["demo.go"], "a - b") {
		t.Errorf("Submission = %v", sub)
	}
}

func repl(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("test edit does not apply: " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

func TestTxtar(t *testing.T) {
	comment, files := parseTxtar([]byte("hello\n-- a.txt --\none\n-- b/c.go --\ntwo\nno newline"))
	if comment != "hello\n" || len(files) != 2 {
		t.Fatalf("comment %q, files %+v", comment, files)
	}
	if files[0] != (archiveFile{"a.txt", 2, "one\n"}) || files[1] != (archiveFile{"b/c.go", 4, "two\nno newline\n"}) {
		t.Errorf("files = %+v", files)
	}
	round := FormatTxtar("hello\n", []string{"a.txt"}, []string{"one"})
	if string(round) != "hello\n-- a.txt --\none\n" {
		t.Errorf("FormatTxtar = %q", round)
	}
}

func TestLoadOverlay(t *testing.T) {
	dir := t.TempDir()
	own := strings.Replace(goodLab, "title: Demo", "title: My demo", 1)
	if err := os.WriteFile(dir+"/demo.txtar", []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := set.Lab("demo")
	if err != nil || l.Title != "My demo" || l.Origin != dir+"/demo.txtar" {
		t.Fatalf("lab %+v, %v", l, err)
	}
	if !set.Has("lru") {
		t.Error("the embedded labs are gone")
	}
	if _, err := set.Lab("nope"); err == nil {
		t.Error("Lab(nope) found something")
	}
	bad := fstest.MapFS{"x.txtar": {Data: []byte("-- lab.yaml --\nslug: x\n")}}
	if _, err := LoadFS(bad, "own/"); err == nil || !strings.Contains(err.Error(), "own/x.txtar:1: lab.yaml: missing title") {
		t.Errorf("LoadFS(bad) = %v", err)
	}
}

func TestEmbeddedLabsAreValid(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.All()) == 0 {
		t.Fatal("no embedded labs")
	}
}

func TestNewJob(t *testing.T) {
	lab, ps := Parse("labs/demo.txtar", []byte(goodLab))
	if ps != nil {
		t.Fatal(ps)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		mode  Mode
		want  string
	}{
		{"ok", map[string]string{"demo.go": "package demo"}, ModeRun, ""},
		{"nothing", nil, ModeRun, "no files submitted"},
		{"test file on submit", map[string]string{"demo.go": "package demo", "mine_test.go": "x"}, ModeSubmit, "your own tests run with Run only"},
		{"only a test file", map[string]string{"mine_test.go": "x"}, ModeRun, "only test files submitted"},
		{"bad name", map[string]string{"../x.go": "x"}, ModeRun, "bad file name"},
		{"clash with hidden tests", map[string]string{"demo.go": "package demo", "demo_hidden_test.go": "x"}, ModeRun, "clashes with a file of the lab"},
		{"too big", map[string]string{"demo.go": strings.Repeat("x", MaxSourceBytes+1)}, ModeRun, "the limit is 64 KiB"},
		{"bad mode", map[string]string{"demo.go": "x"}, Mode("x"), "unknown mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job, err := NewJob(lab, tc.files, tc.mode)
			if tc.want == "" {
				if err != nil || len(job.Candidate) != 1 || job.Hidden != nil {
					t.Fatalf("job %+v, %v", job, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	job, err := NewJob(lab, map[string]string{"demo.go": "package demo", "mine_test.go": "package demo"}, ModeRun)
	if err != nil || len(job.Candidate) != 1 || len(job.Scratch) != 1 || job.Scratch[0].Name != "mine_test.go" || job.Hidden != nil {
		t.Errorf("run job with the candidate's own test %+v, %v: want it in Scratch, apart from the code", job, err)
	}
	job, err = NewJob(lab, map[string]string{"demo.go": "package demo"}, ModeSubmit)
	if err != nil || len(job.Hidden) != 1 || job.Solution != nil {
		t.Errorf("submit job %+v, %v: want hidden tests and no solution (no perf tests)", job, err)
	}
}
