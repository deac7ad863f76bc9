package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/store"
)

// The engine is never started in these tests: CheckSetup is the check of
// a stopped app.

func TestCheckSetupOfAStoppedAppIsHealthyWhenFacebookSaysSo(t *testing.T) {
	svc := openDemo(t)
	h, err := svc.CheckSetup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h.State != control.StateHealthy || h.Reason != "" || len(h.DestinationProblems) != 0 {
		t.Fatalf("fresh demo: %+v", h)
	}
}

func TestCheckSetupOfAStoppedAppSaysThePasswordChanged(t *testing.T) {
	svc := openDemo(t)
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	h, err := svc.CheckSetup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h.State != control.StateNeedsReconnect || !strings.Contains(h.Reason, "password changed") {
		t.Fatalf("after a password change: %+v", h)
	}
}

func TestCheckSetupOfAStoppedAppNamesADestinationItCannotShareTo(t *testing.T) {
	svc := openDemo(t)
	lost := "200000000000002" // Demo Youth Group, a destination of the demo route
	svc.Fake().RevokePageRole(lost, "100000000000777")
	h, err := svc.CheckSetup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h.State != control.StateHealthy || len(h.DestinationProblems) != 1 ||
		h.DestinationProblems[0].DestinationID != lost || !strings.Contains(h.DestinationProblems[0].Reason, "no longer an admin") {
		t.Fatalf("after a lost role: %+v", h)
	}
}

// A token that ends in 2 days: the stopped app's check says expiring, as
// the running app's does (one rule, relay.ExpiryState, on debug_token's
// expiry; a stopped engine's state is always Healthy).
func TestCheckOfAStoppedAppSaysExpiringLikeTheRunningOne(t *testing.T) {
	svc := openDemo(t)
	acct, _, err := svc.DB.Account()
	if err != nil {
		t.Fatal(err)
	}
	settings, _ := svc.DB.Settings()
	tok := svc.Fake().MintUserToken(settings.AppID, acct.UserID, acct.Scopes, 48*time.Hour, false)
	if err := svc.Secrets.Set(store.UserTokenKey(acct.UserID), tok.Value); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped, err := svc.CheckSetup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	running, err := svc.ControlBackend(nil).Engine.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.State != control.StateExpiring || stopped.State != running.State || stopped.Reason != running.Reason {
		t.Errorf("stopped check %+v; running check %+v; want both expiring, in the same words", stopped, running)
	}
}
