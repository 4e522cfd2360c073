package grader

import "syscall"

// dieWithParent has the kernel send the child SIGKILL when the parent dies, so a
// server killed with SIGKILL leaves no worker burning a core until its own wall limit.
// (The signal follows the parent's thread that started the child; the Go runtime does
// not end threads it has not locked.)
func dieWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
