package grader

import (
	"context"
	"strings"
	"testing"

	"prep/labs"
)

// embeddedLab returns one of the labs shipped in the binary.
func embeddedLab(t testing.TB, slug string) *labs.Lab {
	t.Helper()
	set, err := labs.LoadFS(labs.Embedded(), "labs/")
	if err != nil {
		t.Fatal(err)
	}
	lab, err := set.Lab(slug)
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

// hugeStruct is an anonymous struct type of n blank fields: every type error that names
// it is n×7 bytes long.
func hugeStruct(n int) string {
	return "struct{" + strings.TrimSuffix(strings.Repeat("_, ", n), ", ") + " int}"
}

// withSolution returns lab's solution files with old replaced by new in file name.
func withSolution(t testing.TB, lab *labs.Lab, name, old, new string) map[string]string {
	t.Helper()
	files := labs.Files(lab.Solution)
	if !strings.Contains(files[name], old) {
		t.Fatalf("%s: %s has no %q", lab.Slug, name, old)
	}
	files[name] = strings.Replace(files[name], old, new, 1)
	return files
}

// forgedVerdicts is the table of submissions that once got "passed" without being
// correct: each must get the verdict given, never passed.
var forgedVerdicts = []struct {
	name, lab string
	files     func(t testing.TB, lab *labs.Lab) map[string]string
	verdict   labs.Verdict
	want      string // in the message or diagnostics
}{
	{"lru: Get returns a 12,500-field struct", "lru", func(t testing.TB, lab *labs.Lab) map[string]string {
		return withSolution(t, lab, "lru.go", "func (c *Cache) Get(key int) (int, bool) {",
			"func (c *Cache) Get(key int) (v "+hugeStruct(12500)+", ok bool) {\n\treturn\n}\n\nfunc (c *Cache) get(key int) (int, bool) {")
	}, labs.CompileError, "truncated"},
	{"token-bucket: Tokens returns a 12,500-field struct", "token-bucket", func(t testing.TB, lab *labs.Lab) map[string]string {
		return withSolution(t, lab, "bucket.go", "func (b *Bucket) Tokens() float64 {",
			"func (b *Bucket) Tokens() (v "+hugeStruct(12500)+") {\n\treturn\n}\n\nfunc (b *Bucket) tokensNow() float64 {")
	}, labs.CompileError, "truncated"},
}

func TestForgedVerdicts(t *testing.T) {
	g := newTestGrader(t, Config{Workers: 2})
	for _, tc := range forgedVerdicts {
		t.Run(tc.name, func(t *testing.T) {
			lab := embeddedLab(t, tc.lab)
			res, err := g.Grade(context.Background(), lab, tc.files(t, lab), labs.ModeSubmit)
			if err != nil {
				t.Fatalf("Grade: %v", err)
			}
			text := res.Message + diagText(res)
			t.Logf("%s: %.400s", res.Verdict, text)
			if res.Passed() {
				t.Fatalf("passed: %s", res.Message)
			}
			if res.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", res.Verdict, tc.verdict)
			}
			if !strings.Contains(text, tc.want) {
				t.Errorf("message does not mention %q", tc.want)
			}
		})
	}
}
