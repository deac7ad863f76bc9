package relay

import (
	"testing"
	"time"
)

func TestAccountStateTransitionsOncePerChange(t *testing.T) {
	day := 24 * time.Hour
	var m machine
	expires := t0.Add(10 * day)
	m.expiresAt = expires
	steps := []struct {
		name string
		at   time.Time
		set  func()
		want StateKind // -1: no transition
		win  time.Duration
	}{
		{"10 days left is healthy", t0, func() {}, -1, 0},
		{"inside 7 days warns", expires.Add(-7 * day), func() {}, Expiring, 7 * day},
		{"still inside 7 days: no new event", expires.Add(-3 * day), func() {}, -1, 0},
		{"inside 1 day warns again", expires.Add(-23 * time.Hour), func() {}, Expiring, day},
		{"pause outranks expiring", expires.Add(-22 * time.Hour), func() { m.paused = true }, Paused, 0},
		{"token death outranks pause", expires.Add(-21 * time.Hour), func() { m.dead, m.deadReason = true, "Your Facebook password changed" }, NeedsReconnect, 0},
		{"resume keeps NeedsReconnect", expires.Add(-20 * time.Hour), func() { m.paused = false }, -1, 0},
		{"reconnect heals", expires.Add(-19 * time.Hour), func() { m.dead = false; m.expiresAt = t0.Add(90 * day) }, Healthy, 0},
		{"offline", expires, func() { m.offline = true }, Offline, 0},
		{"back online", expires, func() { m.offline = false }, Healthy, 0},
	}
	for _, s := range steps {
		s.set()
		ev, changed := m.step(s.at)
		if s.want == -1 {
			if changed {
				t.Fatalf("%s: unexpected transition %v → %v", s.name, ev.From, ev.To)
			}
			continue
		}
		if !changed || ev.To.Kind != s.want || ev.To.Window != s.win {
			t.Fatalf("%s: got changed=%v to=%+v, want %v (window %v)", s.name, changed, ev.To, s.want, s.win)
		}
	}
}

func TestAccountStateExpiredTokenNeedsReconnect(t *testing.T) {
	m := machine{expiresAt: t0}
	ev, ok := m.step(t0.Add(time.Second))
	if !ok || ev.To.Kind != NeedsReconnect || ev.To.Reason == "" {
		t.Fatalf("after expiry: %+v, %v; want NeedsReconnect with a reason", ev.To, ok)
	}
}
