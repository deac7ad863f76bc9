//go:build !linux && !darwin && !windows

package agent

import "errors"

// NewSessionNotifier has no implementation on the other systems (the BSDs
// could use notify_linux.go's D-Bus service): the agent then logs what it
// would have said; the window process still shows everything.
func NewSessionNotifier() (Notifier, error) {
	return nil, errors.New("desktop notifications from the tray agent are not built for this system yet")
}
