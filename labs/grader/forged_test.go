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
	// A saga that loses the step's error (a new error in its place) fails tests. An extra file sorting after the helper file once replaced
	// the helpers comparing errors, which the interpreter took as the last declaration.
	{"saga: zzz.go redeclares the grader's helpers", "saga", func(t testing.TB, lab *labs.Lab) map[string]string {
		files := wrongSaga(t, lab)
		files["zzz.go"] = "package saga\n\nfunc _prep_erreq4(a, b error) bool { return true }\n\nfunc _prep_errorsIs10(err, target error) bool { return true }\n"
		return files
	}, labs.CompileError, "zzz.go:3:6: _prep_erreq4: names beginning with _prep_ are reserved"},
	{"saga: the wrong saga alone", "saga", wrongSaga, labs.Failed, "10 of 19 tests failed"},
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

// wrongSaga is the saga solution with the step's error lost: wrapped in a new error
// without %w.
func wrongSaga(t testing.TB, lab *labs.Lab) map[string]string {
	files := withSolution(t, lab, "saga.go", "e := &Error{Step: failed, Err: cause}", "e := &Error{Step: failed, Err: fmt.Errorf(\"%v\", cause)}")
	return files
}
