//go:build !darwin && !windows

package agent

import "os/exec"

// hideWindow has nothing to hide here: execCommand runs on this system
// only in tests.
func hideWindow(*exec.Cmd) {}
