package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/relay"
)

// TestCheckAndTemplateRulesWorkOnAStoppedApp drives the built binary on a
// profile with no LiveRoute running: `check` asks Facebook (the demo's
// fake) instead of refusing, and `routes add` refuses a bad template as
// the running app does.
func TestCheckAndTemplateRulesWorkOnAStoppedApp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := isolatedEnv(t.TempDir())

	if r := runCLIBinary(t, env, "--demo", "check"); r.code != 0 || r.stdout != "Facebook connection: healthy.\n" {
		t.Errorf("check on a stopped app: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	var health struct {
		State     string  `json:"state"`
		CheckedAt *string `json:"checked_at"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "check", "--json"), &health)
	if health.State != "healthy" || health.CheckedAt == nil {
		t.Errorf("check --json on a stopped app: %+v", health)
	}

	r := runCLIBinary(t, env, "--demo", "routes", "add", "--source", "200000000000002", "--to", "200000000000003", "--message", "{nope}")
	want := relay.Validate("{nope}")
	if r.code != 1 || want == nil || !strings.Contains(r.stderr, want.Error()) {
		t.Errorf("routes add {nope} on a stopped app: exit %d, %q; want the template rule's %v", r.code, r.stderr, want)
	}
	var routes []json.RawMessage
	decodeJSON(t, runCLIBinary(t, env, "--demo", "routes", "list", "--json"), &routes)
	if len(routes) != 1 {
		t.Errorf("the stopped demo has %d routes, want only the demo's one", len(routes))
	}
}
