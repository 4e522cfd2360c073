package grader

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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
					if st, ok := goStatus[tr.Name]; ok && tr.Perf == nil && st != tr.Status {
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
