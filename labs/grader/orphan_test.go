package grader

import (
	"context"
	"fmt"
	"os"
	"time"

	"prep/labs"
)

// orphanParentEnv makes the test binary a grader parent (orphanParent) for
// TestChildrenDieWithTheirParent, grading in the directory it names.
const orphanParentEnv = "PREP_GRADER_TEST_ORPHAN_PARENT"

// orphanParent grades a submission that spins for a minute, prints its child's pid
// once it runs, and waits to be killed.
func orphanParent(tmp string) {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	g, err := New(Config{Command: []string{exe}, Env: []string{workerEnv}, TempDir: tmp})
	if err != nil {
		panic(err)
	}
	set, err := labs.LoadFS(os.DirFS("../testdata"), "labs/testdata/")
	if err != nil {
		panic(err)
	}
	lab, _ := set.Lab("minilru")
	spin := *lab
	spin.Limits = labs.Limits{Wall: time.Minute, Test: 20 * time.Second}
	go g.Grade(context.Background(), &spin, map[string]string{"lru.go": lruWith("", "\tfor {\n\t}", "")}, labs.ModeRun)
	for {
		g.mu.Lock()
		for c := range g.running {
			if c.cmd.Process != nil {
				fmt.Println(c.cmd.Process.Pid)
				g.mu.Unlock()
				select {}
			}
		}
		g.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}
