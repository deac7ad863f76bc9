//go:build !linux

package app

// TrayHostPresent reports whether a system tray exists: Windows and macOS
// always have one.
func TrayHostPresent() bool { return true }

// SessionBusReachable is true where the tray needs no D-Bus.
func SessionBusReachable() bool { return true }
