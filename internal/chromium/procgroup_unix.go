//go:build unix

package chromium

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts Chromium in a group of its own so killGroup reaches
// its zygote, renderer and GPU children too.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
