package sandbox

import (
	"syscall"
	"time"
	"unsafe"
)

// The kernel's CPU clocks. They count from the scheduler's own accounting, to the
// nanosecond, so they advance only while the child runs: another process taking the CPU
// does not add to them.
const (
	clockProcessCPUTime = 2 // CLOCK_PROCESS_CPUTIME_ID: every thread of the child
	clockThreadCPUTime  = 3 // CLOCK_THREAD_CPUTIME_ID: the calling thread
)

func cpuClockRead(id uintptr) time.Duration {
	var ts syscall.Timespec
	if _, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, id, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ts.Nano())
}

// processCPU is the CPU time all the child's threads have used so far.
func processCPU() time.Duration { return cpuClockRead(clockProcessCPUTime) }

// threadCPU is the CPU time the calling thread has used so far; the goroutine must be
// locked to its thread (runtime.LockOSThread) for the difference of two readings to
// mean anything.
func threadCPU() time.Duration { return cpuClockRead(clockThreadCPUTime) }

// cpuClock names what the clocks measure, for messages.
const cpuClock = "CPU time"
