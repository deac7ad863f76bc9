//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// LiveRoute runs as two processes: the agent (engine, control socket,
// tray, notifications; no GL) and the window, started on demand. These
// tests hold the agent to that through the real binary.

// TestKillingTheWindowMidShareLosesAndDuplicatesNothing kills the window
// process as the demo's live is detected and checks every destination got
// its share exactly once, the agent kept running, and the next start of
// LiveRoute opens a new window.
func TestKillingTheWindowMidShareLosesAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	d := newDesktopSession(t)
	env := d.env(t)
	app := startApp(t, env, "--demo")
	menu := app.trayMenu(t, d)
	window, _ := app.waitForWindowProcess(t)
	waitForWindow(t, "LiveRoute (demo)", app)
	// It runs /proc/self/exe, which the kernel names "exe"; process lists
	// show LiveRoute.
	if comm, err := os.ReadFile("/proc/" + strconv.Itoa(window) + "/comm"); err != nil || strings.TrimSpace(string(comm)) != "liveroute" {
		t.Errorf("the window process is named %q in process lists (%v), want liveroute", comm, err)
	}

	waitForHistory(t, env, app, "the live to be detected", func(h []historyEntry) bool { return count(h, "live", "") > 0 })
	if err := syscall.Kill(window, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	history := waitForHistory(t, env, app, "both Pages shared and the group offered", func(h []historyEntry) bool {
		return count(h, "shared", demoYouthPage) > 0 && count(h, "shared", demoChoirPage) > 0 && count(h, "assisted-open", demoGroup) > 0
	})
	for _, dest := range []string{demoYouthPage, demoChoirPage} {
		if n := count(history, "shared", dest); n != 1 {
			t.Errorf("shared to %s %d times, want exactly once", dest, n)
		}
	}
	for _, kind := range []string{"failed", "missed", "unconfirmed", "retry"} {
		if n := count(history, kind, ""); n != 0 {
			t.Errorf("%d %q entries in the history: %+v", n, kind, history)
		}
	}
	if !app.running() {
		t.Fatalf("the agent ended with its window: %v\n%s", app.waitErr, app.output.String())
	}
	// The agent reaps the killed window on its own goroutine: wait for the
	// line (the deadline is a failsafe, not a timing claim).
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(app.output.String(), "the window ended unexpectedly; LiveRoute keeps sharing"); {
		if time.Now().After(deadline) {
			t.Errorf("the agent did not log the window's crash\n%s", app.output.String())
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	// A second start brings a window back: a new process, only one.
	if r := runCLIBinary(t, env, "--demo"); r.code != 0 || !strings.Contains(r.stdout, "already running") {
		t.Errorf("second start: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	app.waitForWindowProcess(t)
	waitForWindow(t, "LiveRoute (demo)", app)
	if r := runCLIBinary(t, env, "--demo"); r.code != 0 {
		t.Errorf("third start: exit %d %s", r.code, r.stderr)
	}
	pids := app.windowProcesses()
	if len(pids) != 1 {
		t.Errorf("%d window processes after a start with the window open, want 1", len(pids))
	}

	// Quit in the tray ends both processes.
	menu.click(t, "Quit")
	select {
	case <-app.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("Quit in the tray did not end LiveRoute\n%s", app.output.String())
	}
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil && len(cmdline(pid)) > 1 {
			t.Errorf("the window process %d outlived Quit", pid)
		}
	}
}

// TestANotificationsReconnectActionOpensTheResetWizard breaks the demo's
// connection from the tray, clicks the notification's Reconnect as the
// desktop's notification daemon reports it, and expects the window
// process to start at the reset wizard.
func TestANotificationsReconnectActionOpensTheResetWizard(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	d := newDesktopSession(t)
	env := d.env(t)
	app := startApp(t, env, "--demo", "--minimised")
	menu := app.trayMenu(t, d)
	if pids := app.windowProcesses(); len(pids) != 0 {
		t.Fatalf("--minimised started a window: %v", pids)
	}
	menu.click(t, "Simulate a password change (demo)")
	// The engine's own polls space their token checks out (minutes);
	// `liveroute check` asks Facebook at once.
	if r := runCLIBinary(t, env, "--demo", "check", "--json"); !strings.Contains(r.stdout, "needs_reconnect") {
		t.Fatalf("check after the password change: %s%s", r.stdout, r.stderr)
	}
	note := d.notes.waitFor(t, "LiveRoute: Reconnect to Facebook", app)
	button := slices.Index(note.actions, "Reconnect")
	if button < 1 || note.actions[button-1] != "open" || !slices.Contains(note.actions, "default") {
		t.Fatalf("the notification offers %q, want a Reconnect action", note.actions)
	}
	d.invokeAction(t, note.id, "open")
	window, args := app.waitForWindowProcess(t)
	if !slices.Equal(args[len(args)-3:], []string{"window", "--open", "reconnect"}) {
		t.Errorf("window process started as %q, want it opening the reconnect wizard", args)
	}
	if _, err := os.Stat(filepath.Join("app", "remote", "standin.go")); err == nil {
		t.Skip("app/remote is still the stand-in, which carries no account: the window cannot tell the reset wizard from the setup wizard until the real app/remote lands")
	}
	waitForWindow(t, "Reset the Facebook connection", app)
	// The reset wizard's own check may move the agent's state (and the
	// agent may say so); the window process itself must never notify.
	for more := len(d.notes.calls); more > 0; more-- {
		c := <-d.notes.calls
		t.Logf("after the wizard opened: notification %q", c.summary)
		if c.summary == "LiveRoute is sharing again" {
			t.Errorf("the dead connection was announced as sharing again while the wizard checked it")
		}
		if pid := d.senderPID(t, c); pid == window || pid != app.cmd.Process.Pid {
			t.Errorf("notification %q came from process %d; only the agent (%d) notifies, never the window (%d)",
				c.summary, pid, app.cmd.Process.Pid, window)
		}
	}
}

// glDriver matches the libraries a GL context loads: Mesa's DRI drivers
// and GLX/EGL vendor libraries. libGL.so.1 itself (libglvnd's dispatcher)
// is linked into the binary, so every process maps it, `run --headless`
// too; it costs nothing until a context is made.
var glDriver = regexp.MustCompile(`_dri\.so|/dri/|libgallium|libGLX_mesa|libEGL_mesa|swrast`)

// TestAgentLoadsNoGL starts
// LiveRoute minimised next to `run --headless` and compares them.
func TestAgentLoadsNoGL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	d := newDesktopSession(t)
	agent := startApp(t, d.env(t), "--demo", "--minimised")
	agent.trayMenu(t, d).click(t, "Check now") // answered: the agent is up
	headless := startApp(t, isolatedEnv(t.TempDir()), "--demo", "run", "--headless")
	waitRunningHeadless(t, headless)

	maps, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(agent.cmd.Process.Pid), "maps"))
	if err != nil {
		t.Fatal(err)
	}
	if found := glDriver.FindAllString(string(maps), -1); len(found) > 0 {
		t.Errorf("the tray agent loaded a GL driver: %q", found)
	}
	if pids := agent.windowProcesses(); len(pids) != 0 {
		t.Errorf("the minimised agent runs window processes %v", pids)
	}
	agentRSS, headlessRSS := rssKiB(t, agent.cmd.Process.Pid), rssKiB(t, headless.cmd.Process.Pid)
	t.Logf("RSS: tray agent %d KiB, run --headless %d KiB", agentRSS, headlessRSS)
	if float64(agentRSS) > 1.5*float64(headlessRSS) {
		t.Errorf("the tray agent uses %d KiB, more than 1.5× run --headless (%d KiB)", agentRSS, headlessRSS)
	}
}

// TestClosingTheWindowWithoutATrayHostQuitsLiveRoute: with no tray to
// bring it back, a closed window would leave LiveRoute out of reach.
func TestClosingTheWindowWithoutATrayHostQuitsLiveRoute(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	if os.Getenv("DISPLAY") == "" {
		requireInCI(t, "no X display: run the tests through scripts/test-env (make test does)")
	}
	app := startApp(t, isolatedEnv(t.TempDir()), "--demo") // scripts/test-env's bus has no tray host
	window, _ := app.waitForWindowProcess(t)
	waitForWindow(t, "LiveRoute (demo)", app)
	// SIGTERM ends the window as its close button does: a clean exit.
	if err := syscall.Kill(window, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-app.exited:
		if app.waitErr != nil {
			t.Errorf("LiveRoute exited with %v\n%s", app.waitErr, app.output.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("LiveRoute kept running without a window or a tray\n%s", app.output.String())
	}
}

// BenchmarkOpenWindowFromTray measures the time from a click on the tray's
// "Open LiveRoute" to the window mapped on the display.
func BenchmarkOpenWindowFromTray(b *testing.B) {
	d := newDesktopSession(b)
	app := startApp(b, d.env(b), "--demo", "--minimised")
	menu := app.trayMenu(b, d)
	menu.click(b, "Check now") // the agent answers its menu
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		menu.click(b, "Open LiveRoute")
		waitForWindow(b, "LiveRoute (demo)", app)
		b.StopTimer()
		window, _ := app.waitForWindowProcess(b)
		if err := syscall.Kill(window, syscall.SIGTERM); err != nil {
			b.Fatal(err)
		}
		for len(app.windowProcesses()) > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		b.StartTimer()
	}
}

// The demo's destinations (fakefb's SeedDemo and service's seedDemo).
const (
	demoYouthPage = "200000000000002"
	demoChoirPage = "200000000000003"
	demoGroup     = "demo-prayer-circle"
)

type historyEntry struct {
	Kind          string `json:"kind"`
	DestinationID string `json:"destination_id"`
	State         string `json:"state"`
}

// count is how many entries of kind (or waiting in that state) concern
// destination ("" any).
func count(h []historyEntry, kind, destination string) int {
	n := 0
	for _, e := range h {
		if (e.Kind == kind || e.State == kind) && (destination == "" || e.DestinationID == destination) {
			n++
		}
	}
	return n
}

// waitForHistory polls `liveroute history` until done says yes.
func waitForHistory(t *testing.T, env []string, app *appProcess, what string, done func([]historyEntry) bool) []historyEntry {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for {
		var h []historyEntry
		r := runCLIBinary(t, env, "--demo", "history", "--json")
		if r.code == 0 && json.Unmarshal([]byte(r.stdout), &h) == nil && done(h) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 120 s for %s; history: %s\n%s", what, r.stdout, app.output.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// waitRunningHeadless waits until p, a `run --headless`, says it runs.
func waitRunningHeadless(t *testing.T, p *appProcess) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.output.String(), "running headless") {
		if time.Now().After(deadline) || !p.running() {
			t.Fatalf("headless run did not start\n%s", p.output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func rssKiB(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kib
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestAnUpgradeWhileLiveRouteRunsStillOpensItsWindow replaces the program
// on disk, as a package upgrade does, while LiveRoute runs in the tray:
// "Open LiveRoute" must still open the running build's window, not start
// the new file (a window the agent cannot talk to, or, here, no window).
func TestAnUpgradeWhileLiveRouteRunsStillOpensItsWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	dir := t.TempDir()
	program := filepath.Join(dir, "liveroute")
	data, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(program, data, 0o755); err != nil {
		t.Fatal(err)
	}
	d := newDesktopSession(t)
	env := d.env(t)
	app := startProgram(t, program, env, "--demo", "--minimised")
	menu := app.trayMenu(t, d)

	// The upgrade: a new file renamed over the old one.
	upgrade := filepath.Join(dir, "liveroute.new")
	if err := os.WriteFile(upgrade, []byte("#!/bin/sh\necho 'the new build' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(upgrade, program); err != nil {
		t.Fatal(err)
	}
	menu.click(t, "Open LiveRoute")
	app.waitForWindowProcess(t)
	waitForWindow(t, "LiveRoute (demo)", app)
	if strings.Contains(app.output.String(), "the new build") {
		t.Errorf("the window was started from the replaced file\n%s", app.output.String())
	}
}
