package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestInstallAndControlBuildForWindowsAndMacOS cross-compiles the per-OS
// code (installers, control socket) and its tests, so the code paths this
// Linux machine cannot run at least build and pass vet.
func TestInstallAndControlBuildForWindowsAndMacOS(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles")
	}
	for _, goos := range []string{"windows", "darwin"} {
		cmd := exec.Command("go", "vet", "./app/install", "./app/control")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go vet: %v\n%s", goos, err, out)
		}
	}
}
