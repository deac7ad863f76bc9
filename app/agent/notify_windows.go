//go:build windows

package agent

import (
	"log/slog"
	"os/exec"
	"syscall"
)

// NewSessionNotifier shows notifications as toasts through PowerShell and
// the WinRT ToastNotificationManager (notify_command.go). Not tested on
// this project's Linux machines: that Windows shows the toast for
// PowerShell's AppUserModelID, and PowerShell's start time; the command's
// construction is tested on every OS.
func NewSessionNotifier() (Notifier, error) {
	return newCommandNotifier(powershellCommand, execCommand, slog.Default()), nil
}

// createNoWindow is CREATE_NO_WINDOW: the console program gets no
// console window at all.
const createNoWindow = 0x08000000

// hideWindow keeps PowerShell's console from flashing up.
func hideWindow(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}
