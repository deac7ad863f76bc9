package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withEnv is env with name set to value (replacing any value it had).
func withEnv(env []string, name, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}

// TestAStoppedStatusNeverTouchesTheKeychain: `status` on a stopped app
// reads the database alone. Its session bus here leads nowhere, so a
// keychain probe would fail (and answer keychain_broken) and, with no bus
// address at all, would have launched a dbus-daemon and a keyring daemon
// that outlive the command.
func TestAStoppedStatusNeverTouchesTheKeychain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := withEnv(isolatedEnv(t.TempDir()), "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/liveroute-test-bus")
	var st struct {
		Running bool   `json:"running"`
		State   string `json:"state"`
		Reason  string `json:"reason"`
	}
	decodeJSON(t, runCLIBinary(t, env, "status", "--json"), &st)
	if st.Running || st.State != "stopped" || st.Reason != "" {
		t.Errorf("a stopped status with no keychain reachable: %+v; want stopped, nothing said of the keychain", st)
	}
	if r := runCLIBinary(t, env, "status"); r.code != 0 || strings.Contains(r.stdout, "secrets") {
		t.Errorf("status: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestReadOnlyCommandsLeaveAFreshDemoAsItWas: on a stopped demo never
// opened, history, status, routes list, groups list and export read the
// database and write nothing — the demo is not connected, no route added.
func TestReadOnlyCommandsLeaveAFreshDemoAsItWas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := isolatedEnv(t.TempDir())
	for _, args := range [][]string{{"history"}, {"status"}, {"routes", "list"}, {"groups", "list"}, {"export", "-"}} {
		if r := runCLIBinary(t, env, append([]string{"--demo"}, args...)...); r.code != 0 {
			t.Fatalf("%v: exit %d, %q %q", args, r.code, r.stdout, r.stderr)
		}
	}
	var routes []json.RawMessage
	decodeJSON(t, runCLIBinary(t, env, "--demo", "routes", "list", "--json"), &routes)
	var st struct {
		Account *json.RawMessage `json:"account"`
		Routes  int              `json:"routes"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "status", "--json"), &st)
	if len(routes) != 0 || st.Account != nil || st.Routes != 0 {
		t.Errorf("after read-only commands the fresh demo has %d routes (status: %d) and an account: %v; want none", len(routes), st.Routes, st.Account != nil)
	}
}

// TestAFreshDemoImportsLoginSettingsWithAYes: the changes the person is
// asked about and the import are computed by the same opened app, so
// opening it (the demo writes its App ID) does not move them in between.
func TestAFreshDemoImportsLoginSettingsWithAYes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dir := t.TempDir()
	from := isolatedEnv(filepath.Join(dir, "from"))
	if r := runCLIBinary(t, from, "--demo", "check"); r.code != 0 {
		t.Fatalf("check: %d %q", r.code, r.stderr)
	}
	file := filepath.Join(dir, "export.json")
	if r := runCLIBinary(t, from, "--demo", "export", file); r.code != 0 {
		t.Fatalf("export: %d %q", r.code, r.stderr)
	}
	dropRoutes(t, file) // the fresh demo gets its own route when opened
	to := isolatedEnv(filepath.Join(dir, "to"))
	r := runCLIBinaryWithInput(t, to, "yes\n", "--demo", "import", file, "--with-login-settings")
	if r.code != 0 {
		t.Errorf("import --with-login-settings on a fresh demo: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

// dropRoutes empties the routes of the export file at path.
func dropRoutes(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]json.RawMessage
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	file["routes"] = json.RawMessage("[]")
	if raw, err = json.Marshal(file); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}
