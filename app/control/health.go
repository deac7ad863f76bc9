package control

// The JSON states of a running app's health are service.ControlHealthOf's,
// from the same service.Health the window and the tray show.

// NotConnectedHealth is the health before any account is connected. The
// fix differs only in where to connect: the running app's window, or
// `liveroute connect` on a stopped one (it needs the database).
func NotConnectedHealth(running bool) Health {
	if running {
		return Health{State: StateNotConnected, Reason: notConnectedReason}
	}
	return Health{State: StateNotConnected, Reason: notConnectedStoppedReason}
}

// notConnectedReason is what to do when no account was ever connected.
const (
	notConnectedReason        = "connect your Facebook account in the window (Connection tab), or quit LiveRoute and run `liveroute connect`"
	notConnectedStoppedReason = "no Facebook account is connected; run `liveroute connect`"
)
