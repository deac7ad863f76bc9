package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// trayWatcher plays the desktop's tray: a StatusNotifierWatcher with a
// host registered, which records the items that register with it.
type trayWatcher struct {
	items chan string // bus names of registered items
}

func (w *trayWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.items <- string(sender)
	return nil
}

func (w *trayWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// TestTrayMenuDrivesTheRealApp starts the real binary on a private session
// bus where a tray host is registered, reads the menu the app exports over
// D-Bus (dbusmenu), clicks "Pause sharing" through it, sees the menu rebuilt
// as "Resume sharing", and quits the app from the tray.
func TestTrayMenuDrivesTheRealApp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	if os.Getenv("DISPLAY") == "" {
		requireInCI(t, "no X display: run the tests through scripts/test-env (make test does)")
	}
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		requireInCI(t, "dbus-daemon is missing (scripts/deps test installs it)")
	}
	// A bus of this test's own, so no other test's tray host interferes.
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { bus.Process.Kill(); bus.Wait() }()
	address, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	address = strings.TrimSpace(address)

	conn, err := dbus.Dial(address)
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
	w := &trayWatcher{items: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", iface); err != nil {
		t.Fatal(err)
	}
	if _, err := prop.Export(conn, "/StatusNotifierWatcher", prop.Map{iface: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
		"ProtocolVersion":                {Value: int32(0)},
	}}); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(iface, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", iface, reply, err)
	}

	env := append(isolatedEnv(t.TempDir()), "DBUS_SESSION_BUS_ADDRESS="+address)
	setUpDemo(t, binary(t), env)
	app := exec.Command(binary(t), "--demo")
	app.Env = env
	var output syncBuffer
	app.Stdout, app.Stderr = &output, &output
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed when the app has ended; waitErr then says how.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = app.Wait(); close(exited) }()
	defer func() {
		app.Process.Kill() // harmless when it already quit
		<-exited
	}()

	var item string
	select {
	case item = <-w.items:
	case <-exited:
		t.Fatalf("the app ended before it registered a tray item: %v\n%s", waitErr, output.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the app registered no tray item\n%s", output.String())
	}
	menu := conn.Object(item, "/StatusNotifierMenu")

	labels := func() map[string]int32 {
		t.Helper()
		var revision uint32
		var layout struct {
			ID       int32
			Props    map[string]dbus.Variant
			Children []dbus.Variant
		}
		if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &layout); err != nil {
			return map[string]int32{} // the app is gone or busy: nothing to click
		}
		out := map[string]int32{}
		for _, c := range layout.Children {
			fields, ok := c.Value().([]any)
			if len(fields) < 2 || !ok {
				continue
			}
			id, _ := fields[0].(int32)
			props, _ := fields[1].(map[string]dbus.Variant)
			if label, ok := props["label"].Value().(string); ok && label != "" {
				if visible, ok := props["visible"].Value().(bool); ok && !visible {
					continue
				}
				out[label] = id
			}
		}
		return out
	}
	waitForLabel := func(want string) map[string]int32 {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			got := labels()
			if _, ok := got[want]; ok {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatalf("tray menu never showed %q; it shows %v\n%s", want, keys(got), output.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	got := waitForLabel("LiveRoute — Connected")
	for _, want := range []string{"Open LiveRoute", "Pause sharing", "Check now", "Reset connection…", "Quit"} {
		if _, ok := got[want]; !ok {
			t.Errorf("tray menu lacks %q: %v", want, keys(got))
		}
	}

	// The app rebuilds its menu on every state change, and a rebuilt menu
	// has new item IDs: click by label, looking the ID up afresh, until
	// the click has its effect.
	clickUntil := func(label string, done func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if id, ok := labels()[label]; ok {
				if err := menu.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil && !done() {
					t.Fatalf("click %q: %v", label, err)
				}
			}
			for wait := time.Now().Add(2 * time.Second); time.Now().Before(wait); time.Sleep(50 * time.Millisecond) {
				if done() {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("clicking %q in the tray had no effect\n%s", label, output.String())
			}
		}
	}
	hasLabel := func(want string) func() bool {
		return func() bool { _, ok := labels()[want]; return ok }
	}
	clickUntil("Pause sharing", hasLabel("Resume sharing"))
	if !hasLabel("LiveRoute — Paused")() {
		t.Errorf("the status line did not follow the pause: %v", keys(labels()))
	}

	quit := func() bool {
		select {
		case <-exited:
			return true
		default:
			return false
		}
	}
	clickUntil("Quit", quit)
	if waitErr != nil {
		t.Errorf("quitting from the tray: %v\n%s", waitErr, output.String())
	}
}

func keys(m map[string]int32) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the process's writers and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
