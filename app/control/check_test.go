package control

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/store"
)

// TestCheckRunsOnAStoppedAppAsOnARunningOne: `check` on a stopped app asks
// Facebook through App.CheckSetup (app/service) instead of refusing, and
// answers in the running app's shape.
func TestCheckRunsOnAStoppedAppAsOnARunningOne(t *testing.T) {
	text, keys := map[string]string{}, map[string][]string{}
	for name, running := range modes() {
		h := newHarness(t, running)
		h.seed()
		checked := 0
		h.stoppedCheck = func(_ context.Context, db *store.DB) (Health, error) {
			checked++
			if _, ok, err := db.Account(); err != nil || !ok {
				t.Errorf("the stopped check was not given the profile's database (%v)", err)
			}
			return Health{State: StateHealthy}, nil
		}
		text[name] = h.ok("check")
		var raw map[string]any
		must(t, json.Unmarshal([]byte(h.ok("check", "--json")), &raw))
		for k := range raw {
			keys[name] = append(keys[name], k)
		}
		if running && (checked != 0 || h.engine.checks != 2) {
			t.Errorf("running: the engine checked %d times, the stopped path %d", h.engine.checks, checked)
		}
		if !running && checked != 2 {
			t.Errorf("stopped: checked %d times, want 2", checked)
		}
		if raw["checked_at"] == nil {
			t.Errorf("%s: check --json has no checked_at: %v", name, raw)
		}
	}
	if text["running"] != "Facebook connection: healthy.\n" || text["stopped"] != text["running"] {
		t.Errorf("check says, running %q and stopped %q", text["running"], text["stopped"])
	}
	slices.Sort(keys["running"])
	slices.Sort(keys["stopped"])
	if !slices.Equal(keys["running"], keys["stopped"]) {
		t.Errorf("check --json has keys %v running and %v stopped", keys["running"], keys["stopped"])
	}
}

func TestCheckOnAStoppedAppSaysWhatIsWrongWithTheSetup(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	h.stoppedCheck = func(context.Context, *store.DB) (Health, error) {
		return Health{State: StateNeedsReconnect, Reason: "Your Facebook password changed — reconnect to resume sharing.",
			DestinationProblems: []DestinationProblem{{DestinationID: "300", Name: "Parish", Reason: "Your role on this Page does not allow creating posts."}}}, nil
	}
	out := h.ok("check")
	for _, want := range []string{"needs reconnecting — Your Facebook password changed", "cannot share to Parish (300): Your role"} {
		if !strings.Contains(out, want) {
			t.Errorf("check says:\n%s\nwant %q", out, want)
		}
	}
}

func TestCheckWithoutAWayToCheckNeedsTheRunningApp(t *testing.T) {
	h := newHarness(t, false)
	code, _, errOut := h.run("", "check")
	if code != ExitError || !strings.Contains(errOut, "LiveRoute is not running; start it") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}
