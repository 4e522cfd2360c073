//go:build unix && !linux

package grader

import "syscall"

// dieWithParent does nothing here: without Linux's Pdeathsig a worker whose parent was
// killed runs until its own wall limit.
func dieWithParent(attr *syscall.SysProcAttr) {}
