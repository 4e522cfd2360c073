//go:build linux

package grader

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	"prep/labs"
)

// waitPool waits until g has n children waiting.
func waitPool(t testing.TB, g *Grader, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for g.Waiting() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d children waiting after 30s, want %d", g.Waiting(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// idlePids returns the process ids of the children waiting in g's pool.
func idlePids(g *Grader) []int {
	g.pool.mu.Lock()
	defer g.pool.mu.Unlock()
	var pids []int
	for _, s := range g.pool.idle {
		pids = append(pids, s.cmd.Process.Pid)
	}
	return pids
}

func TestPool(t *testing.T) {
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	lab, err := set.Lab("lru")
	if err != nil {
		t.Fatal(err)
	}
	good := labs.Files(lab.Solution)
	tests := []struct {
		name string
		pool int
		// before runs on the pool before the gradings (killing a waiting child).
		before     func(t *testing.T, g *Grader)
		concurrent int
	}{
		{name: "one waiting, gradings one after another", pool: 1, concurrent: 1},
		{name: "two waiting, more gradings at once than waiting", pool: 2, concurrent: 4},
		{name: "a waiting child that died is replaced", pool: 1, concurrent: 1, before: func(t *testing.T, g *Grader) {
			for _, pid := range idlePids(g) {
				if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(50 * time.Millisecond) // let the kernel deliver it; the grading must cope either way
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGrader(t, Config{Pool: tt.pool, Workers: 2, QueueSize: 8})
			waitPool(t, g, tt.pool)
			if tt.before != nil {
				tt.before(t, g)
			}
			for round := 0; round < 2; round++ {
				used := idlePids(g)
				var wg sync.WaitGroup
				for i := 0; i < tt.concurrent; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res, err := g.Grade(context.Background(), lab, good, labs.ModeRun)
						if err != nil || res.Verdict != labs.Passed {
							t.Errorf("round %d: %v %+v", round, err, res)
						}
					}()
				}
				wg.Wait()
				// Never reused: a child that was waiting before the round took a job
				// (or died) and is gone after it.
				waitPool(t, g, tt.pool)
				now := map[int]bool{}
				for _, pid := range idlePids(g) {
					now[pid] = true
				}
				for _, pid := range used {
					if now[pid] {
						t.Errorf("round %d: child %d still waiting after %d gradings on a pool of %d", round, pid, tt.concurrent, tt.pool)
					}
				}
			}
			waiting := idlePids(g)
			if err := g.Close(); err != nil {
				t.Fatal(err)
			}
			for _, pid := range waiting {
				if alive(pid) {
					t.Errorf("child %d still alive after Close", pid)
				}
			}
			if n := g.Waiting(); n != 0 {
				t.Errorf("%d children waiting after Close", n)
			}
		})
	}
}
