package main

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// privateBus starts a session bus of the test's own and points
// DBUS_SESSION_BUS_ADDRESS at it.
func privateBus(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is missing (scripts/deps test installs it)")
	}
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Process.Kill(); _ = bus.Wait() })
	address, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(address))
}

func TestTrayHostTellsAppsATrayIsThere(t *testing.T) {
	privateBus(t)
	stop, err := startTrayHost()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// What LiveRoute asks before it keeps its window in the tray (app/trayhost_linux.go).
	v, err := conn.Object(statusNotifierWatcher, "/StatusNotifierWatcher").
		GetProperty(statusNotifierWatcher + ".IsStatusNotifierHostRegistered")
	if err != nil {
		t.Fatal(err)
	}
	if registered, _ := v.Value().(bool); !registered {
		t.Errorf("IsStatusNotifierHostRegistered = %v, want true", v)
	}
	call := conn.Object(statusNotifierWatcher, "/StatusNotifierWatcher").
		Call(statusNotifierWatcher+".RegisterStatusNotifierItem", 0, "/StatusNotifierItem")
	if call.Err != nil {
		t.Errorf("an item could not register: %v", call.Err)
	}
}

func TestTrayHostRefusesABusWhoseTrayIsTaken(t *testing.T) {
	privateBus(t)
	stop, err := startTrayHost()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if stop2, err := startTrayHost(); err == nil {
		stop2()
		t.Fatal("a second tray host started on a bus whose tray is taken")
	} else if !strings.Contains(err.Error(), "scripts/test-env") {
		t.Errorf("the error %q does not say how to get a private bus", err)
	}
}
