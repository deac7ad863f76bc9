package service

import (
	"context"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/control"
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

func TestConnectionStateNamesEveryCheck(t *testing.T) {
	for _, tc := range []struct {
		check ConnectionCheck
		want  string
	}{
		{ConnectionCheck{}, control.StateNotConnected},
		{ConnectionCheck{Connected: true, Healthy: true}, control.StateHealthy},
		{ConnectionCheck{Connected: true, Expiring: true}, control.StateExpiring},
		{ConnectionCheck{Connected: true}, control.StateNeedsReconnect},
	} {
		if got := connectionState(tc.check); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.check, got, tc.want)
		}
	}
}
