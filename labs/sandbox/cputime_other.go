//go:build !linux

package sandbox

import "time"

// Without the kernel's CPU clocks at hand, both fall back to the wall clock:
// measurements are then as noisy as the machine is busy.
func processCPU() time.Duration { return time.Duration(time.Now().UnixNano()) }
func threadCPU() time.Duration  { return time.Duration(time.Now().UnixNano()) }

// cpuClock names what the clocks measure, for messages.
const cpuClock = "wall time"
