package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

type cliResult struct {
	stdout, stderr string
	code           int
}

func runCLIBinary(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	return runCLIBinaryWithInput(t, env, "", args...)
}

// runCLIBinaryWithInput runs the binary with stdin, what the person types.
func runCLIBinaryWithInput(t *testing.T, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return cliResult{out.String(), errb.String(), code}
}

func decodeJSON(t *testing.T, r cliResult, v any) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
}

// TestCommandLineDrivesARunningInstanceAndAStoppedOne starts the real
// binary headless on the demo's fake Facebook, drives it with the command
// line over the control socket, stops it, and drives the stopped profile.
func TestCommandLineDrivesARunningInstanceAndAStoppedOne(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := isolatedEnv(t.TempDir())

	headless := exec.Command(binary(t), "--demo", "run", "--headless")
	headless.Env = env
	stderr, err := headless.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := headless.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ready := make(chan struct{})
	var logs bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "running headless") {
				close(ready)
			}
		}
		exited <- headless.Wait()
	}()
	defer func() {
		if headless.ProcessState == nil {
			headless.Process.Kill()
			<-exited
		}
	}()
	select {
	case <-ready:
	case err := <-exited:
		t.Fatalf("headless run ended: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("headless run did not start\n%s", logs.String())
	}

	var status struct {
		Running bool   `json:"running"`
		State   string `json:"state"`
		Account *struct {
			Name string `json:"name"`
		} `json:"account"`
		Routes int `json:"routes"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "status", "--json"), &status)
	if !status.Running || status.Account == nil || status.Account.Name != "Demo Person" || status.Routes != 1 {
		t.Errorf("status of the running demo: %+v", status)
	}

	// A second instance is refused.
	if r := runCLIBinary(t, env, "--demo", "run", "--headless"); r.code == 0 || !strings.Contains(r.stderr+r.stdout, "already running") {
		t.Errorf("second headless run: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}

	var health struct {
		State string `json:"state"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "pause", "10m", "--json"), &health)
	if health.State != "paused" {
		t.Errorf("after pause: %q", health.State)
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "resume", "--json"), &health)
	if health.State == "paused" {
		t.Errorf("after resume: still paused")
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "check", "--json"), &health)
	if health.State != "healthy" {
		t.Errorf("after check: %q", health.State)
	}

	var route struct {
		ID      string `json:"id"`
		Targets []struct {
			DestinationID string `json:"destination_id"`
		} `json:"targets"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "routes", "add", "--source", "200000000000002", "--to", "200000000000003", "--message", "{title} {url}", "--json"), &route)
	if route.ID == "" || len(route.Targets) != 1 {
		t.Fatalf("routes add: %+v", route)
	}
	var routes []struct {
		ID string `json:"id"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "routes", "list", "--json"), &routes)
	if len(routes) != 2 {
		t.Errorf("routes after add: %d, want 2", len(routes))
	}
	if r := runCLIBinary(t, env, "--demo", "routes", "add", "--source", "200000000000002", "--to", "200000000000003", "--message", "{nope}"); r.code == 0 {
		t.Error("a route with a bad template was accepted")
	}
	if r := runCLIBinary(t, env, "--demo", "routes", "remove", route.ID); r.code != 0 {
		t.Errorf("routes remove: %d %s", r.code, r.stderr)
	}
	var history []map[string]any
	decodeJSON(t, runCLIBinary(t, env, "--demo", "history", "--json"), &history)
	exportRoundTrip(t, env, "running")
	var page struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "pages", "add", "https://www.facebook.com/200000000000003", "--json"), &page)
	if page.ID != "200000000000003" || page.Kind != "page" {
		t.Errorf("pages add: %+v", page)
	}
	if r := runCLIBinary(t, env, "--demo", "pages", "add", "https://example.com/x"); r.code != 2 {
		t.Errorf("pages add with a foreign address: exit %d, want 2", r.code)
	}

	if err := headless.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("headless run exited with %v after SIGTERM\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("headless run did not stop on SIGTERM")
	}

	// Stopped: status and routes come from the database; live commands say why they can't.
	decodeJSON(t, runCLIBinary(t, env, "--demo", "status", "--json"), &status)
	if status.Running || status.Routes != 1 {
		t.Errorf("status of the stopped demo: %+v", status)
	}
	var routesStopped []map[string]any
	decodeJSON(t, runCLIBinary(t, env, "--demo", "routes", "list", "--json"), &routesStopped)
	if len(routesStopped) != 1 {
		t.Errorf("routes of the stopped demo: %d, want 1", len(routesStopped))
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "history", "--json"), &history)
	decodeJSON(t, runCLIBinary(t, env, "--demo", "pages", "add", "200000000000002", "--json"), &page)
	if page.ID != "200000000000002" {
		t.Errorf("pages add on the stopped demo: %+v", page)
	}
	exportRoundTrip(t, env, "stopped")
	if r := runCLIBinary(t, env, "--demo", "pause"); r.code != 1 || !strings.Contains(r.stderr, "not running") {
		t.Errorf("pause when stopped: exit %d, %q", r.code, r.stderr)
	}
	if r := runCLIBinary(t, env, "--demo", "routes", "frobnicate"); r.code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", r.code)
	}
}

// exportRoundTrip exports the demo profile through the binary, checks the
// file names the demo's route, and imports it back.
func exportRoundTrip(t *testing.T, env []string, when string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "liveroute-export.json")
	if r := runCLIBinary(t, env, "--demo", "export", file); r.code != 0 {
		t.Fatalf("export (%s): exit %d, %s%s", when, r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("export (%s) wrote nothing: %v", when, err)
	}
	var exported struct {
		Routes []json.RawMessage `json:"routes"`
	}
	if err := json.Unmarshal(data, &exported); err != nil || len(exported.Routes) == 0 {
		t.Errorf("export (%s) holds no route (%v): %.300s", when, err, data)
	}
	if r := runCLIBinary(t, env, "--demo", "import", file); r.code != 0 {
		t.Errorf("import (%s): exit %d, %s%s", when, r.code, r.stdout, r.stderr)
	}
}

func TestVersionAndRelayPage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := isolatedEnv(t.TempDir())
	if r := runCLIBinary(t, env, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "LiveRoute ") {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
	for _, name := range []string{"relay-page", "redirect-page"} {
		if r := runCLIBinary(t, env, name); r.code != 0 || !strings.Contains(r.stdout, "<html") || !strings.Contains(r.stdout, "localhost") {
			t.Errorf("%s: %d %.200q", name, r.code, r.stdout)
		}
	}
	if r := runCLIBinary(t, env, "--no-such-flag"); r.code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", r.code)
	}
}
