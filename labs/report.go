package labs

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteReport writes res for a person at a terminal: a line per test with ✓ or ✗, the
// messages of failures, the figures of performance tests, and the verdict last.
func WriteReport(w io.Writer, res *Result) {
	fmt.Fprintf(w, "%s (%s)\n\n", res.Lab, res.Mode)
	for _, d := range res.Diagnostics {
		fmt.Fprintf(w, "  %s\n", d)
	}
	if len(res.Diagnostics) > 0 {
		fmt.Fprintln(w)
	}
	width := 0
	for _, t := range res.Tests {
		width = max(width, len(testLabel(t)))
	}
	for _, t := range res.Tests {
		mark := map[Status]string{StatusPass: "✓", StatusFail: "✗", StatusSkip: "-", StatusNotRun: "·"}[t.Status]
		fmt.Fprintf(w, "  %s %-*s", mark, width, testLabel(t))
		switch {
		case t.Perf != nil && len(t.Perf.CandidatePerOp) > 0:
			p := t.Perf
			last := len(p.Sizes) - 1
			fmt.Fprintf(w, "  ratio %.2f× (budget %.1f×), growth %.2f× vs the reference's %.2f× (budget %.1f×); at n=%d %v/op, reference %v/op",
				p.Ratio, p.MaxRatio, p.Growth, p.ReferenceGrowth, p.MaxGrowth, p.Sizes[last], p.CandidatePerOp[last], p.ReferencePerOp[last])
		case t.Status == StatusNotRun:
			fmt.Fprint(w, "  not run")
		case t.Status == StatusSkip:
			fmt.Fprint(w, "  skipped")
		default:
			fmt.Fprintf(w, "  %v", roundDuration(t.Duration))
		}
		fmt.Fprintln(w)
		if t.Status == StatusFail || t.Status == StatusSkip {
			writeIndented(w, t.Message, "      ")
		}
		if t.Status == StatusFail && t.Output != "" {
			fmt.Fprintln(w, "      output:")
			writeIndented(w, t.Output, "        ")
		}
	}
	if len(res.Tests) > 0 {
		fmt.Fprintln(w)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(strings.ReplaceAll(string(res.Verdict), "_", " ")), res.Message)
}

func testLabel(t TestResult) string {
	switch {
	case t.Perf != nil:
		return t.Name + " (performance)"
	case t.Hidden:
		return t.Name + " (hidden)"
	}
	return t.Name
}

func writeIndented(w io.Writer, s, indent string) {
	if s == "" {
		return
	}
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
