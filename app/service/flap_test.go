package service

import (
	"context"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/relay"
)

// A connection Facebook ended stays ended while LiveRoute checks it
// again: no "LiveRoute is sharing again" between two "Reconnect"s (the
// reset wizard and `liveroute check` both check at once).
func TestCheckingADeadConnectionAgainNeverFlapsToHealthy(t *testing.T) {
	svc := openDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	events, stop := svc.Subscribe(256)
	defer stop()
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	if k := svc.Status().State.Kind; k != relay.NeedsReconnect {
		t.Fatalf("after the password change the engine is %v, want needs reconnect", k)
	}
	for range 5 {
		if err := svc.Engine.Rebind(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CheckConnection(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A group share marked done is announced after everything above:
	// read up to it.
	marker := openGroupShare(t, svc, "{url}")
	if err := svc.MarkAssistedDone(marker); err != nil {
		t.Fatal(err)
	}
	dead := false
	deadline := time.After(30 * time.Second) // a failsafe: the mark is announced at once
	for {
		select {
		case ev := <-events:
			if r, ok := ev.(relay.ShareResult); ok && r.Key == marker {
				if !dead {
					t.Fatal("no state change to needs reconnect was announced")
				}
				return
			}
			sc, ok := ev.(relay.StateChanged)
			switch {
			case !ok:
			case dead && sc.To.Kind == relay.Healthy:
				t.Fatalf("the dead connection flapped to healthy (%v → %v)", sc.From.Kind, sc.To.Kind)
			case sc.To.Kind == relay.NeedsReconnect:
				dead = true
			}
		case <-deadline:
			t.Fatal("the marked group share was never announced")
		}
	}
}
