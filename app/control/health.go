package control

import (
	"github.com/liveroute/liveroute/app/relay"
)

// HealthOf names the engine's status as the control protocol does, with
// the same inputs and the same first rule as the window's service.HealthOf:
// before any account is connected there is nothing to watch, whatever the
// engine says. Every JSON state a running app reports comes from here.
func HealthOf(st relay.Status, connected bool) Health {
	if !connected {
		return NotConnectedHealth(st.Running)
	}
	h := Health{State: stateName(st), Reason: st.State.Reason}
	if st.State.Kind == relay.Paused && !st.State.PausedUntil.IsZero() {
		until := st.State.PausedUntil
		h.PausedUntil = &until
	}
	for _, src := range st.Sources {
		if src.State == relay.SourceUnsupported {
			h.SourceProblems = append(h.SourceProblems, SourceProblem{SourceID: src.SourceID, Name: src.Name,
				State: SourceUnsupported, Reason: src.Reason})
		}
	}
	return h
}

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

func stateName(st relay.Status) string {
	if !st.Running {
		return StateStopped
	}
	switch st.State.Kind {
	case relay.Expiring:
		return StateExpiring
	case relay.NeedsReconnect:
		return StateNeedsReconnect
	case relay.Paused:
		return StatePaused
	case relay.Offline:
		return StateOffline
	case relay.DatabaseDamaged:
		return StateDatabaseDamaged
	}
	return StateHealthy
}
