//go:build !unix

package sandbox

// setProcessLimits has no kernel limits to set on this system; the watchdog and the
// parent's kill still apply.
func setProcessLimits(memoryMB int) {}
