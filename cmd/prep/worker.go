package main

import (
	"context"
	"log/slog"
	"os"

	"prep/labs/grader"
	"prep/labs/sandbox"
)

// workerArg is the hidden first argument that turns prep into a grading worker: the
// child process the grader starts for each submission (labs/sandbox). It is not a
// command: Main dispatches it before parsing anything, and help does not list it.
const workerArg = "__worker"

// runWorker runs the grading worker: a job on stdin, result events on file descriptor 3.
// It exits the process itself.
func runWorker(ctx context.Context, env *Env) int {
	sandbox.Main(env.Stdin, os.NewFile(3, "events"))
	return 2 // not reached
}

// maxWaitingWorkers bounds the workers started ahead of their job (each is a process of
// this binary, about 35 MB resident after its package inits, waiting on its stdin).
const maxWaitingWorkers = 2

// newGrader returns a grader whose workers are this binary in worker mode; workers <= 0
// means one per CPU. As many workers as run at once (up to maxWaitingWorkers) are
// started ahead and wait for their job, so a grading does not wait for a process to
// start.
func newGrader(workers int, logger *slog.Logger) (*grader.Grader, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return grader.New(grader.Config{Command: []string{exe, workerArg}, Workers: workers, Pool: min(max(workers, 1), maxWaitingWorkers), Logger: logger})
}
