package relay

import (
	"testing"
	"time"
)

// ExpiryState is the engine's expiry rule, and a stopped app's check's.
func TestExpiryStateWarnsAtSevenDaysAndOneDay(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for left, want := range map[time.Duration]State{
		0:                  {Kind: NeedsReconnect},
		time.Hour:          {Kind: Expiring, Window: 24 * time.Hour},
		48 * time.Hour:     {Kind: Expiring, Window: 7 * 24 * time.Hour},
		8 * 24 * time.Hour: {Kind: Healthy},
	} {
		got := ExpiryState(now.Add(left), now)
		if got.Kind != want.Kind || got.Window != want.Window {
			t.Errorf("%s left: %+v, want %+v", left, got, want)
		}
	}
	if got := ExpiryState(time.Time{}, now); got.Kind != Healthy {
		t.Errorf("a token that never ends: %+v", got)
	}
}
