//go:build unix

package sandbox

import "syscall"

// setProcessLimits sets the kernel's limits on the child, a backstop behind the
// watchdog: address space (generous, since the Go runtime reserves ~1.5 GiB of it at
// start and a tight limit kills the child before it runs anything), no core files, no
// file writes, few descriptors.
func setProcessLimits(memoryMB int) {
	as := uint64(max(4<<30, 2<<30+4*(uint64(memoryMB)<<20)))
	set := func(res int, v uint64) { _ = syscall.Setrlimit(res, &syscall.Rlimit{Cur: v, Max: v}) }
	set(syscall.RLIMIT_AS, as)
	set(syscall.RLIMIT_CORE, 0)
	set(syscall.RLIMIT_FSIZE, 0)
	set(syscall.RLIMIT_NOFILE, 64)
}
