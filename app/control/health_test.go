package control

import (
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/relay"
)

func TestHealthOfNamesEveryEngineStateAndPutsNotConnectedFirst(t *testing.T) {
	until := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		st        relay.Status
		connected bool
		want      string
	}{
		{"healthy", relay.Status{Running: true}, true, StateHealthy},
		{"expiring", relay.Status{Running: true, State: relay.State{Kind: relay.Expiring}}, true, StateExpiring},
		{"needs reconnect", relay.Status{Running: true, State: relay.State{Kind: relay.NeedsReconnect}}, true, StateNeedsReconnect},
		{"paused", relay.Status{Running: true, State: relay.State{Kind: relay.Paused, PausedUntil: until}}, true, StatePaused},
		{"offline", relay.Status{Running: true, State: relay.State{Kind: relay.Offline}}, true, StateOffline},
		{"damaged", relay.Status{Running: true, State: relay.State{Kind: relay.DatabaseDamaged}}, true, StateDatabaseDamaged},
		{"stopped", relay.Status{State: relay.State{Kind: relay.Paused}}, true, StateStopped},
		// The window's service.HealthOf says "Not connected" first too,
		// whatever the engine says.
		{"no account, engine healthy", relay.Status{Running: true}, false, StateNotConnected},
		{"no account, engine wants a reconnect", relay.Status{Running: true, State: relay.State{Kind: relay.NeedsReconnect}}, false, StateNotConnected},
		{"no account, stopped", relay.Status{}, false, StateNotConnected},
	} {
		h := HealthOf(tc.st, tc.connected)
		if h.State != tc.want {
			t.Errorf("%s: state %q, want %q", tc.name, h.State, tc.want)
		}
		if tc.want == StatePaused && (h.PausedUntil == nil || !h.PausedUntil.Equal(until)) {
			t.Errorf("%s: paused until %v, want %v", tc.name, h.PausedUntil, until)
		}
		if tc.want == StateNotConnected && h.Reason == "" {
			t.Errorf("%s: no sentence saying how to connect", tc.name)
		}
	}
}

func TestHealthOfNamesTheSourcesThatCannotShare(t *testing.T) {
	st := relay.Status{Running: true, Sources: []relay.SourceStatus{
		{SourceID: "100", Name: "Ana", State: relay.SourceUnsupported, Reason: "profiles hide their lives"},
		{SourceID: "200", Name: "Choir"},
	}}
	h := HealthOf(st, true)
	if len(h.SourceProblems) != 1 || h.SourceProblems[0].SourceID != "100" || h.SourceProblems[0].State != SourceUnsupported {
		t.Errorf("source problems %+v", h.SourceProblems)
	}
}
