package relay

import (
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

func TestSlowdownStartsAbove75Percent(t *testing.T) {
	cases := []struct {
		pct  int
		want float64
	}{{0, 1}, {75, 1}, {80, 1.6}, {100, MaxSlowdown}, {150, MaxSlowdown}}
	for _, c := range cases {
		if got := Slowdown(c.pct); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("Slowdown(%d) = %v, want %v", c.pct, got, c.want)
		}
	}
}

func TestPacerStopsUntilFacebookSaysAccessReturns(t *testing.T) {
	var p pacer
	u := fbclient.Usage{Page: 100, RegainAfter: 7 * time.Minute, At: t0}
	ev, changed := p.observe(u, t0)
	if !changed || !ev.ThrottledTil.Equal(t0.Add(7*time.Minute)) || ev.Slowdown != MaxSlowdown {
		t.Fatalf("observe throttled usage: %+v changed=%v", ev, changed)
	}
	if !p.until().Equal(t0.Add(7 * time.Minute)) {
		t.Fatalf("until = %v", p.until())
	}
	// An older answer arriving late changes nothing.
	if _, changed := p.observe(fbclient.Usage{Page: 10, At: t0.Add(-time.Second)}, t0); changed {
		t.Fatal("a stale usage reading changed pacing")
	}
}

func TestPacerRateLimitErrorWithoutHintBacksOffByDefault(t *testing.T) {
	var p pacer
	ev := p.rateLimited(0, t0)
	if !ev.ThrottledTil.Equal(t0.Add(ThrottleBackoff)) {
		t.Fatalf("throttled until %v, want %v", ev.ThrottledTil, t0.Add(ThrottleBackoff))
	}
}
