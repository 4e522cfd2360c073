//go:build unix

package grader

import (
	"os/exec"
	"syscall"
)

// setGroup puts the child in a process group of its own, so a kill reaches everything
// it started, and where the kernel can, has it killed when the parent dies.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
}

// killGroup sends SIGKILL to the child's process group; no-op once it is gone.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
