//go:build !linux

package agent

import "errors"

// NewSessionNotifier has no implementation outside Linux yet: the agent
// then logs what it would have said. macOS (UNUserNotificationCenter) and
// Windows (toast notifications) need their own code here; the window
// process still shows everything.
func NewSessionNotifier() (Notifier, error) {
	return nil, errors.New("desktop notifications from the tray agent are not built for this system yet")
}
