package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestInstallAndControlBuildForWindowsAndMacOS cross-compiles the per-OS
// code (installers, control socket, the tray agent's notifications) and its
// tests, so the code paths this Linux machine cannot run at least build and
// pass vet.
func TestInstallAndControlBuildForWindowsAndMacOS(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles")
	}
	for _, c := range []struct{ goos, notify string }{{"windows", "./app/agent"}, {"darwin", ""}} {
		args := []string{"vet", "./app/install", "./app/control"}
		if c.notify != "" {
			args = append(args, c.notify)
		}
		vet(t, c.goos, args...)
	}
	// fyne.io/systray needs cgo on macOS, which no cross-compiler here
	// has: vet the notifier's files on their own (they use nothing else
	// of app/agent).
	vet(t, "darwin", "vet", "app/agent/notify.go", "app/agent/notify_command.go",
		"app/agent/notify_exec.go", "app/agent/notify_darwin.go")
}

func vet(t *testing.T, goos string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("GOOS=%s go %v: %v\n%s", goos, args, err, out)
	}
}
