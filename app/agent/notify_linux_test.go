//go:build linux

package agent

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// notificationServer plays the desktop's notification daemon (as dunst
// does): it records each Notify and answers with a new id.
type notificationServer struct {
	calls chan notifyCall
	next  uint32
}

type notifyCall struct {
	id             uint32
	summary, body  string
	actions        []string
	expire         int32
	appName, icon  string
	replacesID     uint32
	hintsDesktopID string
}

func (s *notificationServer) Notify(appName string, replacesID uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, expire int32) (uint32, *dbus.Error) {
	s.next++
	entry, _ := hints["desktop-entry"].Value().(string)
	s.calls <- notifyCall{id: s.next, summary: summary, body: body, actions: actions, expire: expire,
		appName: appName, icon: icon, replacesID: replacesID, hintsDesktopID: entry}
	return s.next, nil
}

// privateBus starts a session bus of the test's own and returns its
// address and a connection to it.
func privateBus(t *testing.T) (string, *dbus.Conn) {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dbus-daemon is missing (scripts/deps test installs it)")
		}
		t.Skip("dbus-daemon is missing")
	}
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	address, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	address = strings.TrimSpace(address)
	conn, err := dbus.Dial(address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	return address, conn
}

func serveNotifications(t *testing.T, conn *dbus.Conn) *notificationServer {
	t.Helper()
	s := &notificationServer{calls: make(chan notifyCall, 8)}
	if err := conn.Export(s, notifyPath, notifyInterface); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(notifyName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", notifyName, reply, err)
	}
	return s
}

func TestAnInvokedActionOfOurNotificationReachesTheAgent(t *testing.T) {
	address, daemon := privateBus(t)
	server := serveNotifications(t, daemon)
	n, err := DialNotifier(address)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()

	if err := n.Notify(Note{Title: "LiveRoute: Reconnect to Facebook", Body: "Your password changed.",
		Open: ShowReconnect, Button: "Reconnect"}); err != nil {
		t.Fatal(err)
	}
	call := <-server.calls
	if call.summary != "LiveRoute: Reconnect to Facebook" || call.appName != "LiveRoute" || call.expire != -1 ||
		call.hintsDesktopID != "com.liveroute.app" {
		t.Errorf("Notify call: %+v", call)
	}
	if !slices.Equal(call.actions, []string{"default", "Open", "open", "Reconnect"}) {
		t.Errorf("actions offered: %q", call.actions)
	}

	// Someone else's notification, then ours: only ours opens anything.
	if err := daemon.Emit(notifyPath, notifyInterface+".ActionInvoked", call.id+100, "default"); err != nil {
		t.Fatal(err)
	}
	if err := daemon.Emit(notifyPath, notifyInterface+".ActionInvoked", call.id, "open"); err != nil {
		t.Fatal(err)
	}
	if got := <-n.Opened(); got != ShowReconnect {
		t.Errorf("the Reconnect action opened %q, want the reconnect wizard", got)
	}
}

func TestAClosedNotificationOpensNothingLater(t *testing.T) {
	address, daemon := privateBus(t)
	server := serveNotifications(t, daemon)
	n, err := DialNotifier(address)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	for _, note := range []Note{{Title: "first", Open: ShowMain}, {Title: "second", Open: ShowReconnect}} {
		if err := n.Notify(note); err != nil {
			t.Fatal(err)
		}
	}
	first, second := <-server.calls, <-server.calls
	// reason 2: dismissed by the person (the spec's NotificationClosed).
	if err := daemon.Emit(notifyPath, notifyInterface+".NotificationClosed", first.id, uint32(2)); err != nil {
		t.Fatal(err)
	}
	if err := daemon.Emit(notifyPath, notifyInterface+".ActionInvoked", first.id, "default"); err != nil {
		t.Fatal(err)
	}
	if err := daemon.Emit(notifyPath, notifyInterface+".ActionInvoked", second.id, "default"); err != nil {
		t.Fatal(err)
	}
	// Signals arrive in order: had the closed one opened, it would come first.
	if got := <-n.Opened(); got != ShowReconnect {
		t.Errorf("opened %q, want only the second notification's view", got)
	}
}
