package grader

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestChildrenDieWithTheirParent: a grader killed with SIGKILL takes its worker with it,
// and the working directory it left is removed when the next grader starts.
func TestChildrenDieWithTheirParent(t *testing.T) {
	tmp := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	parent := exec.Command(exe)
	parent.Env = []string{orphanParentEnv + "=" + tmp}
	parent.Dir, _ = os.Getwd()
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	parent.Stderr = os.Stderr
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		parent.Process.Kill()
		t.Fatalf("reading the worker's pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("worker pid %q: %v", line, err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	if dirs := workDirs(t, tmp); len(dirs) != 1 {
		t.Fatalf("work dirs while grading: %v, want one", dirs)
	}
	if err := parent.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	parent.Wait()
	// The worker would spin for its wall limit, a minute; dying with its parent takes
	// milliseconds. Wait well short of the minute.
	deadline := time.Now().Add(20 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("worker %d still running after its parent was killed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if dirs := workDirs(t, tmp); len(dirs) != 1 {
		t.Fatalf("work dirs after the kill: %v, want the one left behind", dirs)
	}
	// A directory another grader holds is left alone; the dead one's is removed.
	dir, release, err := makeWorkDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	newTestGrader(t, Config{TempDir: tmp})
	if dirs := workDirs(t, tmp); len(dirs) != 1 || dirs[0] != dir {
		t.Errorf("work dirs after the next start: %v, want only the live %s", dirs, dir)
	}
}

func workDirs(t *testing.T, tmp string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(tmp, "prep-*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// alive reports whether pid is a running process (a zombie is not).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}
