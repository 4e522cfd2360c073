package grader

import (
	"context"
	"testing"
	"time"

	"prep/labs"
)

func TestTmpTimings(t *testing.T) {
	g := newTestGrader(t, Config{})
	for _, lab := range allLabs(t) {
		for _, mode := range []labs.Mode{labs.ModeRun, labs.ModeSubmit} {
			start := time.Now()
			res, err := g.Grade(context.Background(), lab, labs.Files(lab.Solution), mode)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s: %s in %v (%s)", lab.Slug, mode, res.Verdict, time.Since(start).Round(time.Millisecond), res.Message)
			for _, tr := range res.Tests {
				if tr.Perf != nil {
					t.Logf("   %s %s %.2f %.2f %v %v %v", tr.Name, tr.Status, tr.Perf.Ratio, tr.Perf.Growth, tr.Perf.CandidatePerOp, tr.Perf.ReferencePerOp, tr.Duration.Round(time.Millisecond))
				} else {
					t.Logf("   %s %s %v", tr.Name, tr.Status, tr.Duration.Round(time.Microsecond))
				}
			}
		}
	}
}
