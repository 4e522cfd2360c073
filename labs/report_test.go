package labs

import (
	"bytes"
	"flag"
	"os"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleResult has one test of every kind the report shows.
func sampleResult() *Result {
	return &Result{
		Lab: "demo", Mode: ModeSubmit, Verdict: Failed,
		Message: "2 of 5 tests failed; first: TestAddNegative: Add(-1, -2) = 0, want -3",
		Tests: []TestResult{
			{Name: "TestAdd", Status: StatusPass, Duration: 1234 * time.Microsecond},
			{Name: "TestAddNegative", Hidden: true, Status: StatusFail, Duration: 80 * time.Microsecond,
				Message: "Add(-1, -2) = 0, want -3\nsub: second line", Output: "debug print\n"},
			{Name: "TestPerfAdd", Hidden: true, Status: StatusFail, Duration: 2 * time.Second, Message: "too slow: 4.0× (budget 3.0×)",
				Perf: &PerfResult{Sizes: []int{100, 1600}, CandidatePerOp: []time.Duration{400, 420}, ReferencePerOp: []time.Duration{100, 105},
					Ratio: 4, Growth: 1.05, ReferenceGrowth: 1.02, MaxRatio: 3, MaxGrowth: 2, Cap: 3 * time.Second}},
			{Name: "TestSkipped", Status: StatusSkip, Message: "not relevant here"},
			{Name: "TestLater", Hidden: true, Status: StatusNotRun},
		},
		Notes:    []string{"TestAdd left 1 goroutine(s) running after it returned"},
		Duration: 2100 * time.Millisecond,
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got:\n%s\n--- want:\n%s", name, got, want)
	}
}

func TestWriteReport(t *testing.T) {
	var b bytes.Buffer
	WriteReport(&b, sampleResult())
	golden(t, "report.golden", b.Bytes())

	b.Reset()
	WriteReport(&b, &Result{Lab: "demo", Mode: ModeRun, Verdict: CompileError, Message: "your code does not compile",
		Diagnostics: []Diagnostic{{File: "demo.go", Line: 3, Col: 9, Msg: "undefined: x"}, {File: "hidden tests", Msg: "too many arguments"}}})
	golden(t, "report-compile.golden", b.Bytes())
}

func TestExercism(t *testing.T) {
	lab, ps := Parse("labs/demo.txtar", []byte(goodLab))
	if ps != nil {
		t.Fatal(ps)
	}
	res := sampleResult()
	res.Tests[1].Output = string(bytes.Repeat([]byte("é"), 600))
	var b bytes.Buffer
	if err := WriteExercism(&b, lab, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "exercism.golden", b.Bytes())
	ex := Exercism(lab, &Result{Verdict: CompileError, Message: "your code does not compile", Diagnostics: []Diagnostic{{File: "demo.go", Line: 1, Msg: "x"}}})
	if ex.Status != "error" || ex.Message != "your code does not compile\ndemo.go:1: x" || ex.Tests == nil {
		t.Errorf("compile error as exercism: %+v", ex)
	}
}
