//go:build !unix

package chromium

import "os/exec"

// setProcessGroup does nothing here: without Unix process groups only the
// main process is killed.
func setProcessGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
