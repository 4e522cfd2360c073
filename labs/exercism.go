package labs

import (
	"encoding/json"
	"io"
	"strings"
)

// exercismOutputMax is the most output Exercism's test-runner interface allows per test.
const exercismOutputMax = 500

// ExercismResults is Exercism's test-runner results.json, version 3.
type ExercismResults struct {
	Version int            `json:"version"`
	Status  string         `json:"status"` // pass, fail or error
	Message string         `json:"message,omitempty"`
	Tests   []ExercismTest `json:"tests"`
}

// ExercismTest is one test of ExercismResults.
type ExercismTest struct {
	Name     string `json:"name"`
	TestCode string `json:"test_code,omitempty"` // public tests only: hidden tests' code is never shown
	Status   string `json:"status"`              // pass, fail or error
	Message  string `json:"message,omitempty"`
	Output   string `json:"output,omitempty"`
}

// Exercism converts res (of lab) to Exercism's results format. A submission that did not
// load is status "error" with the diagnostics as its message; tests that did not run are
// "error".
func Exercism(lab *Lab, res *Result) *ExercismResults {
	out := &ExercismResults{Version: 3, Status: "fail", Tests: []ExercismTest{}}
	switch res.Verdict {
	case Passed:
		out.Status = "pass"
	case CompileError, Unsupported, ForbiddenImport:
		out.Status = "error"
		msg := res.Message
		for _, d := range res.Diagnostics {
			msg += "\n" + d.String()
		}
		out.Message = msg
	}
	for _, t := range res.Tests {
		et := ExercismTest{Name: t.Name, Message: t.Message, Output: truncateRunes(t.Output, exercismOutputMax)}
		if !t.Hidden {
			et.TestCode = TestSource(lab.Public, t.Name)
		}
		switch t.Status {
		case StatusPass:
			et.Status, et.Message = "pass", ""
		case StatusFail:
			et.Status = "fail"
		default:
			et.Status = "error"
			if et.Message == "" {
				et.Message = "not run"
			}
		}
		out.Tests = append(out.Tests, et)
	}
	return out
}

// WriteExercism writes res as Exercism's results.json.
func WriteExercism(w io.Writer, lab *Lab, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Exercism(lab, res))
}

// truncateRunes cuts s to at most n characters, marking the cut.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	const mark = "… (truncated)"
	return string(r[:n-len([]rune(mark))]) + strings.TrimSpace(mark)
}
