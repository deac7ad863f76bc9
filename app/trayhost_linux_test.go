package app

import (
	"os"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// A tray host is a StatusNotifierWatcher on the session bus that says a
// host is registered; this test plays one on the private bus test-env gives.
func TestTrayHostPresentAsksTheStatusNotifierWatcher(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		requireInCI(t, "needs a private session bus: run through scripts/test-env")
	}
	if TrayHostPresent() {
		t.Fatal("a tray host was reported on a bus without a StatusNotifierWatcher")
	}

	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	const iface = "org.kde.StatusNotifierWatcher"
	props, err := prop.Export(conn, "/StatusNotifierWatcher", prop.Map{
		iface: {"IsStatusNotifierHostRegistered": {Value: false, Writable: true, Emit: prop.EmitTrue}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(iface, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", iface, reply, err)
	}
	defer conn.ReleaseName(iface)

	if TrayHostPresent() {
		t.Error("a watcher with no registered host was taken for a tray")
	}
	props.SetMust(iface, "IsStatusNotifierHostRegistered", true)
	if !TrayHostPresent() {
		t.Error("a watcher with a registered host was not seen")
	}
}
