//go:build unix

package agent

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// execCommand runs osascript and PowerShell on macOS and Windows; here it
// runs sh, which shows the same: what reaches the program, what comes
// back, and when it ends.

func TestExecCommandPassesTheEnvironmentAndLogsNoOutput(t *testing.T) {
	err := execCommand(context.Background(), command{Name: "sh",
		Args: []string{"-c", `test "$LIVEROUTE_NOTE_TITLE" = "Choir friends" && test -n "$PATH"`},
		Env:  []string{"LIVEROUTE_NOTE_TITLE=Choir friends"}})
	if err != nil {
		t.Errorf("the program did not get the note's environment with LiveRoute's: %v", err)
	}
	err = execCommand(context.Background(), command{Name: "sh",
		Args: []string{"-c", `echo "Choir friends"; echo "Choir friends" >&2; exit 3`}})
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || strings.Contains(err.Error(), "Choir") {
		t.Errorf("error %v: want the exit status and nothing the program printed", err)
	}
}

// A program killed at Close whose child lives on (PowerShell can leave
// one) does not keep execCommand, and so Close, waiting for the child.
func TestExecCommandEndsWithItsKilledProgramNotItsChild(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- execCommand(ctx, command{Name: "sh", Args: []string{"-c", `sleep 60 & echo $! >` + pidFile + `; wait`}})
	}()
	t.Cleanup(func() {
		if raw, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	waitForFile(t, pidFile)
	cancel()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Errorf("error %v, want the killed program's", err)
		}
	case <-time.After(commandWaitDelay + 10*time.Second):
		t.Fatal("execCommand still waits for the killed program's child")
	}
}

// waitForFile waits until path has content the program wrote.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if raw, err := os.ReadFile(path); err == nil && strings.HasSuffix(string(raw), "\n") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was never written", path)
		}
		time.Sleep(10 * time.Millisecond) // polls a file another process writes

	}
}
