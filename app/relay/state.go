package relay

import (
	"fmt"
	"time"
)

// StateKind is the account's health as the person sees it.
type StateKind int

// Account states. NeedsReconnect outranks Paused, which outranks Offline,
// which outranks Expiring: the tray shows the one thing the person must
// act on first.
const (
	Healthy        StateKind = iota // sharing works
	Expiring                        // the connection ends soon (ExpiresAt); reconnect to renew it
	NeedsReconnect                  // the connection is dead (Reason); sharing has stopped
	Paused                          // the person paused sharing (until PausedUntil, zero: until resumed)
	Offline                         // Facebook cannot be reached; sharing resumes when it can
	// DatabaseDamaged: LiveRoute's database is damaged (Reason); sharing
	// has stopped until LiveRoute is restarted, which repairs it. It
	// outranks every other state: no share can be recorded.
	DatabaseDamaged
)

// ExpiringWindows are the warnings before a connection ends: one at 7 days,
// one at 1 day.
var ExpiringWindows = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}

// String names the state as the logs and the GUI's debug view show it.
func (k StateKind) String() string {
	switch k {
	case Healthy:
		return "Healthy"
	case Expiring:
		return "Expiring"
	case NeedsReconnect:
		return "NeedsReconnect"
	case Paused:
		return "Paused"
	case Offline:
		return "Offline"
	case DatabaseDamaged:
		return "DatabaseDamaged"
	}
	return fmt.Sprintf("StateKind(%d)", int(k))
}

// State is the account's state with what the person needs to know of it.
type State struct {
	Kind        StateKind
	Reason      string        // NeedsReconnect, Offline: why, as a sentence for the person
	ExpiresAt   time.Time     // Expiring: when the connection ends
	Window      time.Duration // Expiring: which warning window (7 days or 1 day) it is in
	PausedUntil time.Time     // Paused: when sharing resumes by itself (zero: not by itself)
}

// String describes s for logs and tooltips.
func (s State) String() string {
	switch s.Kind {
	case Expiring:
		return fmt.Sprintf("Expiring (ends %s)", s.ExpiresAt.Format(time.RFC3339))
	case NeedsReconnect, Offline, DatabaseDamaged:
		if s.Reason != "" {
			return s.Kind.String() + ": " + s.Reason
		}
	case Paused:
		if !s.PausedUntil.IsZero() {
			return fmt.Sprintf("Paused until %s", s.PausedUntil.Format(time.RFC3339))
		}
	}
	return s.Kind.String()
}

// same reports whether a and b are the same state for notification
// purposes: a new reason or a new warning window is a new state; the
// clock moving on inside one window is not.
func (a State) same(b State) bool {
	return a.Kind == b.Kind && a.Reason == b.Reason && a.Window == b.Window &&
		a.ExpiresAt.Equal(b.ExpiresAt) && a.PausedUntil.Equal(b.PausedUntil)
}

// machine holds the facts the account state is derived from. It is not safe
// for concurrent use; the engine guards it.
type machine struct {
	dead       bool
	deadReason string
	expiresAt  time.Time // earliest of expires_at and data_access_expires_at; zero: never
	paused     bool
	pauseUntil time.Time
	offline    bool
	offReason  string
	// damaged: a write met store.ErrDamaged; nothing is shared until a restart.
	damaged      bool
	damageReason string

	current State
}

// derive computes the state the facts give at now.
func (m *machine) derive(now time.Time) State {
	switch {
	case m.damaged:
		return State{Kind: DatabaseDamaged, Reason: m.damageReason}
	case m.dead:
		return State{Kind: NeedsReconnect, Reason: m.deadReason}
	case m.paused:
		return State{Kind: Paused, PausedUntil: m.pauseUntil}
	case m.offline:
		return State{Kind: Offline, Reason: m.offReason}
	}
	return ExpiryState(m.expiresAt, now)
}

// ExpiryState is the one rule for a connection's end: the state of a
// valid token that ends at expiresAt (zero: never), read at now —
// Expiring within one of ExpiringWindows, NeedsReconnect once ended,
// else Healthy. The running engine and a stopped app's check both ask it.
func ExpiryState(expiresAt, now time.Time) State {
	if expiresAt.IsZero() {
		return State{Kind: Healthy}
	}
	left := expiresAt.Sub(now)
	if left <= 0 {
		return State{Kind: NeedsReconnect, Reason: "Your Facebook connection expired. Reconnect to resume sharing."}
	}
	var window time.Duration
	for _, w := range ExpiringWindows {
		if left <= w {
			window = w
		}
	}
	if window > 0 {
		return State{Kind: Expiring, ExpiresAt: expiresAt, Window: window}
	}
	return State{Kind: Healthy}
}

// step recomputes the state; it returns the transition when it changed.
func (m *machine) step(now time.Time) (StateChanged, bool) {
	next := m.derive(now)
	if next.same(m.current) {
		return StateChanged{}, false
	}
	ev := StateChanged{From: m.current, To: next, At: now}
	m.current = next
	return ev, true
}
