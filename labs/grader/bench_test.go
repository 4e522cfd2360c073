package grader

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"prep"
	"prep/labs"
)

// BenchmarkGrade measures end-to-end grading latency (submission in, verdict out, a
// fresh child each time) of every lab's reference solution, in both modes, and beside it
// the real go test on the same files with a warm build cache: the ratio metric is
// grading time over go test time, measured in the same run.
func BenchmarkGrade(b *testing.B) {
	goTool, _ := exec.LookPath("go")
	g := newTestGrader(b, Config{})
	for _, lab := range allLabs(b) {
		var goTime time.Duration
		if goTool != "" {
			goTime = timeGoTest(b, goTool, lab)
		}
		for _, mode := range []labs.Mode{labs.ModeRun, labs.ModeSubmit} {
			b.Run(lab.Slug+"/"+string(mode), func(b *testing.B) {
				files := labs.Files(lab.Solution)
				for b.Loop() {
					res, err := g.Grade(context.Background(), lab, files, mode)
					if err != nil || res.Verdict != labs.Passed {
						b.Fatalf("%v %v", err, res)
					}
				}
				per := b.Elapsed() / time.Duration(b.N)
				b.ReportMetric(float64(per.Microseconds())/1000, "ms/grade")
				if goTime > 0 {
					b.ReportMetric(float64(goTime.Microseconds())/1000, "ms/gotest")
					b.ReportMetric(float64(per)/float64(goTime), "grade/gotest")
				}
			})
		}
	}
}

// timeGoTest times go test -count=1 on the lab's reference and tests, after one run to
// warm the build cache.
func timeGoTest(b *testing.B, goTool string, lab *labs.Lab) time.Duration {
	b.Helper()
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+lab.Package+"\n\ngo 1.22\n"), 0o644)
	for _, group := range [][]labs.File{lab.Solution, lab.Public, lab.Hidden} {
		for _, f := range group {
			os.WriteFile(filepath.Join(dir, f.Name), []byte(f.Src), 0o644)
		}
	}
	run := func() time.Duration {
		cmd := exec.Command(goTool, "test", "-count=1", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go test: %v\n%s", err, out)
		}
		return time.Since(start)
	}
	run()
	return min(run(), run())
}

// BenchmarkThroughput16 grades 16 submissions at once (run mode, the labs' references in
// turn) on a grader with one worker per CPU and room for all 16 in its queue: none may
// fail. It reports submissions per second and the parent's peak heap while grading.
func BenchmarkThroughput16(b *testing.B) {
	g := newTestGrader(b, Config{Workers: runtime.NumCPU(), QueueSize: 16})
	all := allLabs(b)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go sampleHeap(&peak, stop)
	var graded int
	for b.Loop() {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := 0; i < 16; i++ {
			lab := all[i%len(all)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := g.Grade(context.Background(), lab, labs.Files(lab.Solution), labs.ModeRun)
				if err == nil && res.Verdict != labs.Passed {
					err = prep.Errorf(prep.Internal, "bench", "%s: %s", res.Verdict, res.Message)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		graded += 16
	}
	close(stop)
	b.ReportMetric(float64(graded)/b.Elapsed().Seconds(), "submissions/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "parent-heap-MiB")
}

// sampleHeap records the parent's peak in-use heap until stop closes.
func sampleHeap(peak *atomic.Uint64, stop chan struct{}) {
	var ms runtime.MemStats
	for {
		select {
		case <-stop:
			return
		case <-time.After(10 * time.Millisecond):
		}
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
	}
}

// TestQueueBounded: with one worker and a queue of two, sixteen simultaneous gradings
// (each slow enough to hold its slot) give some results and some TooMany errors with a
// retry-after — never a hang.
func TestQueueBounded(t *testing.T) {
	g := newTestGrader(t, Config{Workers: 1, QueueSize: 2})
	lab := loadTestLab(t, "minilru")
	slow := map[string]string{"lru.go": lruWith("\t\"time\"", "\ttime.Sleep(100 * time.Millisecond)", "")}
	var ok, busy atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := g.Grade(context.Background(), lab, slow, labs.ModeRun)
			switch {
			case err == nil && res.Verdict == labs.Passed:
				ok.Add(1)
			case prep.KindOf(err) == prep.TooMany:
				if d, isBusy := RetryAfter(err); !isBusy || d < time.Second {
					t.Errorf("TooMany without a retry-after: %v", err)
				}
				busy.Add(1)
			default:
				t.Errorf("unexpected: %v %v", res, err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() < 1 || busy.Load() < 1 || ok.Load()+busy.Load() != 16 {
		t.Errorf("%d graded, %d turned away: want both, and every grading accounted for", ok.Load(), busy.Load())
	}
}

// TestShutdown: after Shutdown, Grade is Unavailable; Close kills what still runs.
func TestShutdown(t *testing.T) {
	g := newTestGrader(t, Config{Workers: 1})
	lab := loadTestLab(t, "minilru")
	hang := map[string]string{"lru.go": lruWith("", "\tfor {\n\t}", "")}
	done := make(chan error, 1)
	go func() {
		_, err := g.Grade(context.Background(), lab, hang, labs.ModeRun)
		done <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		g.mu.Lock()
		n := len(g.running)
		g.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the grading never started")
		}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := g.Shutdown(ctx); err == nil {
		t.Error("Shutdown returned nil with a grading still running past its deadline")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	<-done
	if _, err := g.Grade(context.Background(), lab, labs.Files(lab.Solution), labs.ModeRun); prep.KindOf(err) != prep.Unavailable {
		t.Errorf("Grade after Shutdown: %v, want Unavailable", err)
	}
}
