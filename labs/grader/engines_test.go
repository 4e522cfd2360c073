package grader

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"prep/labs"
)

// allLabs returns every lab of the repository, labs/*.txtar and the grader's own test
// labs under labs/testdata.
func allLabs(t testing.TB) []*labs.Lab {
	t.Helper()
	embedded, err := labs.Load("")
	if err != nil {
		t.Fatalf("labs/*.txtar: %v", err)
	}
	own, err := labs.LoadFS(os.DirFS("../testdata"), "labs/testdata/")
	if err != nil {
		t.Fatalf("labs/testdata: %v", err)
	}
	return append(embedded.All(), own.All()...)
}

// TestLabsBothEngines runs every lab's reference and starter under the grader's
// interpreter and under the real go test, and checks that the reference passes public
// and hidden tests, that the starter fails at least one hidden test, and that the two
// engines agree on every test they both report.
func TestLabsBothEngines(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	g := newTestGrader(t, Config{})
	for _, lab := range allLabs(t) {
		t.Run(lab.Slug, func(t *testing.T) {
			t.Parallel()
			for _, side := range []struct {
				name  string
				files []labs.File
			}{{"reference", lab.Solution}, {"starter", lab.Starter}} {
				res, err := g.Grade(context.Background(), lab, labs.Files(side.files), labs.ModeSubmit)
				if err != nil {
					t.Fatalf("%s: Grade: %v", side.name, err)
				}
				goStatus, goPassed := goTest(t, goTool, lab, side.files)
				hiddenFailed := false
				for _, tr := range res.Tests {
					if tr.Hidden && tr.Status == labs.StatusFail && tr.Perf == nil {
						hiddenFailed = true
					}
					// The starter may race (a pool with no lock): which concurrent test
					// catches it can differ from run to run, under either engine.
					if st, ok := goStatus[tr.Name]; ok && tr.Perf == nil && st != tr.Status && side.name == "reference" {
						t.Errorf("%s: %s is %s under the interpreter (%s) but %s under go test", side.name, tr.Name, tr.Status, tr.Message, st)
					}
				}
				switch side.name {
				case "reference":
					if res.Verdict != labs.Passed {
						t.Errorf("reference: verdict %s under the interpreter: %s\n%s", res.Verdict, res.Message, diagText(res))
					}
					if !goPassed {
						t.Errorf("reference: go test fails")
					}
				case "starter":
					if !hiddenFailed {
						t.Errorf("starter: no hidden test fails under the interpreter (verdict %s: %s)", res.Verdict, res.Message)
					}
					if goPassed {
						t.Errorf("starter: go test passes")
					}
				}
			}
		})
	}
}

// goTest runs the lab's tests (public and hidden) against code with the real go
// command, the perf workloads compiled in, and returns each test's status and whether
// the run passed.
func goTest(t *testing.T, goTool string, lab *labs.Lab, code []labs.File) (map[string]labs.Status, bool) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module "+lab.Package+"\n\ngo 1.22\n")
	for _, group := range [][]labs.File{code, lab.Public, lab.Hidden, lab.Perf} {
		for _, f := range group {
			write(f.Name, f.Src)
		}
	}
	cmd := exec.Command(goTool, "test", "-count=1", "-json", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	status := map[string]labs.Status{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var ev struct{ Action, Test string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" || filepath.Base(ev.Test) != ev.Test {
			continue
		}
		switch ev.Action {
		case "pass":
			status[ev.Test] = labs.StatusPass
		case "fail":
			status[ev.Test] = labs.StatusFail
		case "skip":
			status[ev.Test] = labs.StatusSkip
		}
	}
	return status, err == nil
}

// variants are submissions a candidate could write, made from a lab's reference by
// replacing text: correct Go the interpreter used to run differently (they must pass
// under both engines), and wrong Go it used to accept (they must fail under both). The
// semantics table in labs/sandbox holds the constructs; these hold them in real labs.
var variants = []struct {
	lab, name string
	edits     []string // old, new, old, new...
	passes    bool
}{
	{"circuit-breaker", "value-receiver clock assigned to the interface field, mixed multiple assignment", []string{
		"func (*systemClock) Now() time.Time { return time.Now() }", "func (systemClock) Now() time.Time { return time.Now() }",
		"b.clock = &systemClock{}", "b.clock = systemClock{}",
		"\tb.state = s\n\tb.generation++\n", "\tb.state, b.generation = s, b.next()\n",
		"func (b *Breaker) setState(", "func (b *Breaker) next() uint64 { return b.generation + 1 }\n\nfunc (b *Breaker) setState(",
	}, true},
	{"token-bucket", "refill as a multiple assignment with a call", []string{
		"\tb.tokens += now.Sub(b.last).Seconds() * b.rate\n", "\tb.last, b.tokens = now, b.earned(now)\n",
		"\tb.last = now\n}", "}\n\nfunc (b *Bucket) earned(now time.Time) float64 {\n\treturn b.tokens + now.Sub(b.last).Seconds()*b.rate\n}",
	}, true},
	{"saga", "returns a nil *Error as its error on success (a typed nil)", []string{
		"func Run(ctx context.Context, steps []Step) error {\n\tfor i, step := range steps {",
		"func Run(ctx context.Context, steps []Step) error {\n\tvar failed *Error\n\tfor i, step := range steps {\n\t\tif failed != nil {\n\t\t\tbreak\n\t\t}",
		"\t\t\treturn compensate(ctx, steps[:i], step.Name, err)\n\t\t}\n\t\tif step.Action == nil {",
		"\t\t\tfailed = compensate(ctx, steps[:i], step.Name, err)\n\t\t\tcontinue\n\t\t}\n\t\tif step.Action == nil {",
		"\t\t\treturn compensate(ctx, steps[:i], step.Name, err)\n\t\t}\n\t}\n\treturn nil\n}",
		"\t\t\tfailed = compensate(ctx, steps[:i], step.Name, err)\n\t\t}\n\t}\n\treturn failed\n}",
	}, false},
}

// TestVariantsBothEngines grades each variant under the interpreter and under go test
// and checks that they agree on every test.
func TestVariantsBothEngines(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	g := newTestGrader(t, Config{})
	byslug := map[string]*labs.Lab{}
	for _, lab := range allLabs(t) {
		byslug[lab.Slug] = lab
	}
	for _, v := range variants {
		t.Run(v.lab+"/"+v.name, func(t *testing.T) {
			t.Parallel()
			lab := byslug[v.lab]
			code := make([]labs.File, len(lab.Solution))
			copy(code, lab.Solution)
			src := code[0].Src
			for i := 0; i < len(v.edits); i += 2 {
				if !strings.Contains(src, v.edits[i]) {
					t.Fatalf("the reference no longer contains %q", v.edits[i])
				}
				src = strings.Replace(src, v.edits[i], v.edits[i+1], 1)
			}
			code[0].Src = src
			res, err := g.Grade(context.Background(), lab, labs.Files(code), labs.ModeSubmit)
			if err != nil {
				t.Fatal(err)
			}
			goStatus, goPassed := goTest(t, goTool, lab, code)
			for _, tr := range res.Tests {
				if st, ok := goStatus[tr.Name]; ok && tr.Perf == nil && st != tr.Status {
					t.Errorf("%s is %s under the interpreter (%s) but %s under go test", tr.Name, tr.Status, tr.Message, st)
				}
			}
			if goPassed != v.passes {
				t.Errorf("go test passed: %v, want %v", goPassed, v.passes)
			}
			if (res.Verdict == labs.Passed) != v.passes {
				t.Errorf("verdict %s (%s), want passed: %v%s", res.Verdict, res.Message, v.passes, diagText(res))
			}
		})
	}
}

// TestRaceWithoutMutexFails: a token bucket without its mutex races in the lab's
// concurrency tests. Without -race that shows only when goroutines interleave inside
// the race; the sandbox makes them (rewrite_yield.go), so every grading must catch it.
func TestRaceWithoutMutexFails(t *testing.T) {
	g := newTestGrader(t, Config{})
	var lab *labs.Lab
	for _, l := range allLabs(t) {
		if l.Slug == "token-bucket" {
			lab = l
		}
	}
	src := lab.Solution[0].Src
	const lock = "\tb.mu.Lock()\n\tdefer b.mu.Unlock()\n"
	if !strings.Contains(src, lock) {
		t.Fatal("the reference no longer locks as expected")
	}
	src = strings.ReplaceAll(src, lock, "")
	for i := 0; i < 5; i++ {
		res, err := g.Grade(context.Background(), lab, map[string]string{lab.Solution[0].Name: src}, labs.ModeSubmit)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != labs.Failed || !strings.Contains(res.Message, "Concurrent") {
			t.Errorf("grading %d: verdict %s (%s), want a failed concurrency test", i, res.Verdict, res.Message)
		}
	}
}

// TestLabFixtures grades every fixture kept with a lab (fixtures/wrong-* and
// fixtures/ok-* in its archive): a wrong solution must not pass — the hidden tests or
// the timing budgets must catch it — and a correct one in another style must pass under
// the interpreter and under go test.
func TestLabFixtures(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	g := newTestGrader(t, Config{})
	for _, lab := range allLabs(t) {
		for _, fx := range lab.Fixtures {
			t.Run(lab.Slug+"/"+fx.Name, func(t *testing.T) {
				t.Parallel()
				code := lab.Submission(fx)
				res, err := g.Grade(context.Background(), lab, code, labs.ModeSubmit)
				if err != nil {
					t.Fatal(err)
				}
				if fx.Wrong {
					if res.Verdict == labs.Passed {
						t.Errorf("a wrong solution (%s) passes every test and budget", fx.Note)
					}
					return
				}
				if res.Verdict != labs.Passed {
					t.Errorf("verdict %s under the interpreter: %s%s", res.Verdict, res.Message, diagText(res))
				}
				files := make([]labs.File, 0, len(code))
				for name, src := range code {
					files = append(files, labs.File{Name: name, Src: src})
				}
				if _, goPassed := goTest(t, goTool, lab, files); !goPassed {
					t.Errorf("go test fails")
				}
			})
		}
	}
}
