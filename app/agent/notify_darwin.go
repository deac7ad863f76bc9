//go:build darwin

package agent

import (
	"log/slog"
	"os/exec"
)

// NewSessionNotifier shows notifications with osascript's `display
// notification` (notify_command.go). Not tested on this project's Linux
// machines: that osascript shows it, and how macOS attributes it (to
// Script Editor); the command's construction is tested on every OS.
func NewSessionNotifier() (Notifier, error) {
	return newCommandNotifier(osascriptCommand, execCommand, slog.Default()), nil
}

func hideWindow(*exec.Cmd) {} // osascript opens no window
