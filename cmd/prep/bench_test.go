package main

import (
	"net/http"
	"os/exec"
	"testing"
	"time"
)

// BenchmarkColdStart starts the real binary and waits for the first 200 from /healthz:
// loading and rendering every card, building the search index and opening the database.
// "exec-help" is the baseline of the same run: starting the binary to print its help.
func BenchmarkColdStart(b *testing.B) {
	bin, err := buildBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("exec-help", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(bin, "help").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serve-first-200", func(b *testing.B) {
		for b.Loop() {
			s := startServer(b)
			deadline := time.Now().Add(30 * time.Second)
			for {
				resp, err := http.Get(s.url + "/healthz")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == 200 {
						break
					}
				}
				if time.Now().After(deadline) {
					b.Fatal("no 200 within 30s")
				}
				time.Sleep(time.Millisecond)
			}
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}
