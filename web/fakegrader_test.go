package web

import (
	"context"
	"testing"

	"prep/labs"
	"prep/labs/grader"
)

// fakeGrader grades with a function the test supplies, in place of child processes.
type fakeGrader func(ctx context.Context, lab *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error)

func (f fakeGrader) Grade(ctx context.Context, lab *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error) {
	return f(ctx, lab, files, mode)
}

// newFakeGradingEnv is a test server whose grader is g, configured as if it had workers
// workers.
func newFakeGradingEnv(t *testing.T, workers int, g fakeGrader) *testEnv {
	t.Helper()
	return newTestEnvDeps(t, grader.Config{Workers: workers}, func(d *Deps) { d.Grader, d.GradingWorkers = g, workers })
}

// passed is a result for lab in mode.
func passed(lab *labs.Lab, mode labs.Mode) *labs.Result {
	return &labs.Result{Lab: lab.Slug, Mode: mode, Verdict: labs.Passed, Message: "all 0 tests passed (fake grader)"}
}
