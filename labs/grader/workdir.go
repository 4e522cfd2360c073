package grader

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A child's working directory is TempDir/prep-lab-*, made as prep-new-* and renamed once
// the parent holds its lock (lockDir: an exclusive flock on .lock inside it, held until
// the directory is removed). A process killed before it could remove its directories
// leaves them unlocked — the kernel drops a dead process's locks — and the next grader
// to start removes them (removeStaleWorkDirs).
const (
	workDirPrefix = "prep-lab-"
	newDirPrefix  = "prep-new-"
	lockName      = ".lock"
)

// processStart is when this process started, roughly: a directory without a lock that
// is newer may be one another grader is making right now.
var processStart = time.Now()

// makeWorkDir makes a fresh, locked working directory in tmp. release removes it and
// then drops the lock.
func makeWorkDir(tmp string) (dir string, release func(), err error) {
	fresh, err := os.MkdirTemp(tmp, newDirPrefix+"*")
	if err != nil {
		return "", nil, err
	}
	lock, err := lockDir(fresh)
	if err != nil {
		os.RemoveAll(fresh)
		return "", nil, err
	}
	dir = filepath.Join(tmp, workDirPrefix+strings.TrimPrefix(filepath.Base(fresh), newDirPrefix))
	if err := os.Rename(fresh, dir); err != nil {
		os.RemoveAll(fresh)
		closeLock(lock)
		return "", nil, err
	}
	return dir, func() {
		os.RemoveAll(dir)
		closeLock(lock)
	}, nil
}

// removeStaleWorkDirs removes the working directories in tmp that no live grader holds,
// and returns how many it removed. A directory whose lock is held is in use; one without
// a lock file is removed only if older than this process (it may be being made).
func removeStaleWorkDirs(tmp string) int {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	removed := 0
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, workDirPrefix) && !strings.HasPrefix(name, newDirPrefix) {
			continue
		}
		path := filepath.Join(tmp, name)
		lock, state := tryLockDir(path)
		switch state {
		case lockHeld:
			continue
		case lockMissing:
			if info, err := e.Info(); err != nil || !info.ModTime().Before(processStart) {
				continue
			}
		}
		if os.RemoveAll(path) == nil {
			removed++
		}
		closeLock(lock)
	}
	return removed
}

// lockState is what tryLockDir found.
type lockState int

const (
	lockTaken   lockState = iota // the lock was free and is now ours: the directory is stale
	lockHeld                     // another open lock holds it, or locks are not available here
	lockMissing                  // no lock file
)
