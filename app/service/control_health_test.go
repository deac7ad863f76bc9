package service

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// The CLI's JSON states come from the window's Health: every engine state
// named, "not connected" first, as the window says it.
func TestControlHealthNamesEveryEngineStateAndPutsNotConnectedFirst(t *testing.T) {
	until := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		st        relay.Status
		connected bool
		want      string
	}{
		{"healthy", relay.Status{Running: true}, true, control.StateHealthy},
		{"live", relay.Status{Running: true, Sources: []relay.SourceStatus{{SourceID: "1", Live: []string{"v"}}}}, true, control.StateHealthy},
		{"expiring", relay.Status{Running: true, State: relay.State{Kind: relay.Expiring}}, true, control.StateExpiring},
		{"needs reconnect", relay.Status{Running: true, State: relay.State{Kind: relay.NeedsReconnect}}, true, control.StateNeedsReconnect},
		{"paused", relay.Status{Running: true, State: relay.State{Kind: relay.Paused, PausedUntil: until}}, true, control.StatePaused},
		{"offline", relay.Status{Running: true, State: relay.State{Kind: relay.Offline}}, true, control.StateOffline},
		{"damaged", relay.Status{Running: true, State: relay.State{Kind: relay.DatabaseDamaged}}, true, control.StateDatabaseDamaged},
		{"stopped", relay.Status{State: relay.State{Kind: relay.Paused}}, true, control.StateStopped},
		{"no account, engine healthy", relay.Status{Running: true}, false, control.StateNotConnected},
		{"no account, engine wants a reconnect", relay.Status{Running: true, State: relay.State{Kind: relay.NeedsReconnect}}, false, control.StateNotConnected},
		{"no account, stopped", relay.Status{}, false, control.StateNotConnected},
	} {
		h := ControlHealthOf(HealthOf(tc.st, tc.connected), tc.st)
		if h.State != tc.want {
			t.Errorf("%s: state %q, want %q", tc.name, h.State, tc.want)
		}
		if tc.want == control.StatePaused && (h.PausedUntil == nil || !h.PausedUntil.Equal(until)) {
			t.Errorf("%s: paused until %v, want %v", tc.name, h.PausedUntil, until)
		}
		if tc.want == control.StateNotConnected && h.Reason == "" {
			t.Errorf("%s: no sentence saying how to connect", tc.name)
		}
	}
}

func TestControlHealthNamesTheSourcesThatCannotShare(t *testing.T) {
	st := relay.Status{Running: true, Sources: []relay.SourceStatus{
		{SourceID: "100", Name: "Ana", State: relay.SourceUnsupported, Reason: "profiles hide their lives"},
		{SourceID: "200", Name: "Choir"},
	}}
	h := ControlHealthOf(HealthOf(st, true), st)
	if len(h.SourceProblems) != 1 || h.SourceProblems[0].SourceID != "100" || h.SourceProblems[0].State != control.SourceUnsupported {
		t.Errorf("source problems %+v", h.SourceProblems)
	}
}

// A keychain that cannot keep secrets is what the CLI's status and check
// say first, in the window's words; a stopped app's status reads only the
// database, so it says nothing of the keychain (it never probes it).
func TestTheCommandLineSaysTheKeychainProblemFirst(t *testing.T) {
	svc := openDemo(t) // connected: the demo account
	svc.keychainOnce.Do(func() { svc.keychainProblem = store.ErrNoKeychain })
	want := KeychainHealth(store.ErrNoKeychain).Detail
	ctx := context.Background()

	running := svc.ControlBackend(nil)
	for name, ask := range map[string]func() (control.Health, error){
		"status (running)": func() (control.Health, error) { return running.Engine.Health(ctx) },
		"check (running)":  func() (control.Health, error) { return running.Engine.Check(ctx) },
		"check (stopped)":  func() (control.Health, error) { return svc.CheckSetup(ctx) },
	} {
		h, err := ask()
		if err != nil || h.State != control.StateKeychainBroken || h.Reason != want {
			t.Errorf("%s: %+v, %v; want %s with %q", name, h, err, control.StateKeychainBroken, want)
		}
	}
	stopped := control.Backend{DB: svc.DB, App: svc.ControlApp()} // the CLI on a stopped app
	for name, b := range map[string]control.Backend{"running": running, "stopped": stopped} {
		wantState := control.StateKeychainBroken
		if name == "stopped" {
			wantState = control.StateStopped
		}
		resp := b.Execute(ctx, control.Request{Cmd: control.CmdStatus})
		var st control.StatusData
		if err := json.Unmarshal(resp.Data, &st); !resp.OK || err != nil || st.State != wantState {
			t.Errorf("status (%s): %+v %s; want %s", name, resp, resp.Data, wantState)
		}
		if name == "running" && st.Reason != want {
			t.Errorf("status (running) reason %q, want %q", st.Reason, want)
		}
	}
}

// With no account stored, every health the CLI reads says "not
// connected" for where it is asked (ControlHealthOf, CheckSetup): the
// backend decides nothing of it.
func TestEveryCLIHealthSaysNotConnectedWithNoAccount(t *testing.T) {
	svc := openDemo(t)
	acct, _, err := svc.DB.Account()
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DB.DeleteAccount(acct.UserID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	running := svc.ControlBackend(nil)
	for name, c := range map[string]struct {
		ask     func() (control.Health, error)
		running bool
	}{
		"status (running)": {func() (control.Health, error) { return running.Engine.Health(ctx) }, true},
		"check (running)":  {func() (control.Health, error) { return running.Engine.Check(ctx) }, true},
		"check (stopped)":  {func() (control.Health, error) { return svc.CheckSetup(ctx) }, false},
	} {
		h, err := c.ask()
		if want := control.NotConnectedHealth(c.running); err != nil || h.State != want.State || h.Reason != want.Reason {
			t.Errorf("%s: %+v, %v; want %+v", name, h, err, want)
		}
	}
}
