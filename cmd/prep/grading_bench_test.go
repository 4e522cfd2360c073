package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"prep/labs"
	"prep/labs/grader"
)

// BenchmarkLabRun grades the lru lab's reference in run mode with the real binary's
// workers, one grading at a time with a pause between them (a person clicking Run):
// "cold" starts a child per grading, as prep did before workers waited in a pool, and
// is the baseline of the same run; "pooled" takes a child started during the pause.
// Each reports the median and p90 latency of a grading.
func BenchmarkLabRun(b *testing.B) {
	bin, err := buildBinary()
	if err != nil {
		b.Fatal(err)
	}
	set, err := labs.Load("")
	if err != nil {
		b.Fatal(err)
	}
	lab, err := set.Lab("lru")
	if err != nil {
		b.Fatal(err)
	}
	files := labs.Files(lab.Solution)
	for _, bc := range []struct {
		name string
		pool int
	}{{"cold", 0}, {"pooled", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			g, err := grader.New(grader.Config{Command: []string{bin, workerArg}, Workers: 1, Pool: bc.pool})
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			var lat []time.Duration
			for b.Loop() {
				b.StopTimer()
				deadline := time.Now().Add(10 * time.Second)
				for g.Waiting() < bc.pool && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(20 * time.Millisecond) // the pause, for both: let the machine settle
				b.StartTimer()
				t0 := time.Now()
				res, err := g.Grade(context.Background(), lab, files, labs.ModeRun)
				lat = append(lat, time.Since(t0))
				if err != nil || res.Verdict != labs.Passed {
					b.Fatalf("%v %+v", err, res)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}
