package main

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// This file drives the real binary as a person at a desktop would: its
// windows through the X display (xdotool keys and clicks, `import`
// screenshots), its tray over D-Bus, and the system browser it opens
// through a stand-in on PATH. Nothing here knows which of the app's
// processes draws a window or opens the browser.

// poll is how often the driver looks again at state it waits on.
const poll = 100 * time.Millisecond

// requireDesktop skips (or, under CI, fails) a test that needs the X
// display and tools scripts/test-env provides.
func requireDesktop(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("drives the GUI binary")
	}
	if os.Getenv("DISPLAY") == "" {
		requireInCI(t, "no X display: run the tests through scripts/test-env (make test does)")
	}
	for _, tool := range []string{"xdotool", "import", "dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireInCI(t, tool+" is missing (scripts/deps test installs it)")
		}
	}
}

// privateSession is a D-Bus session bus of one test, with a real
// gnome-keyring serving the Secret Service on it and a tray host (a
// StatusNotifierWatcher) the app's tray registers with. It is the test's
// own so that no other test's tray host or keyring entries meet it.
type privateSession struct {
	address string
	conn    *dbus.Conn
	tray    *trayWatcher
}

func startPrivateSession(t *testing.T, dir string) *privateSession {
	t.Helper()
	address := startBus(t)
	startKeyring(t, address, dir)
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
	s := &privateSession{address: address, conn: conn, tray: &trayWatcher{items: make(chan string, 8)}}
	s.hostTray(t)
	return s
}

// startBus starts a session bus and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
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
		t.Fatalf("the session bus printed no address: %v", err)
	}
	return strings.TrimSpace(address)
}

// startKeyring runs gnome-keyring-daemon on the bus as scripts/test-env
// does: a password on stdin creates and unlocks a throwaway login keyring.
func startKeyring(t *testing.T, address, dir string) {
	t.Helper()
	data, run := filepath.Join(dir, "keyring-data"), filepath.Join(dir, "keyring-run")
	for _, d := range []string{data, run} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	keyring := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	keyring.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+address, "XDG_DATA_HOME="+data, "XDG_RUNTIME_DIR="+run)
	keyring.Stdin = strings.NewReader("liveroute-test")
	if err := keyring.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyring.Process.Kill(); keyring.Wait() })
	// The Secret Service is ready once the keyring owns its bus name.
	waitFor(t, context.Background(), 10*time.Second, "gnome-keyring to serve the Secret Service", func() bool {
		out, _ := exec.Command("dbus-send", "--bus="+address, "--print-reply", "--dest=org.freedesktop.DBus",
			"/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets").Output()
		return strings.Contains(string(out), "boolean true")
	})
}

// hostTray plays the desktop's tray: a watcher with a host registered.
func (s *privateSession) hostTray(t *testing.T) {
	t.Helper()
	const iface = "org.kde.StatusNotifierWatcher"
	if err := s.conn.Export(s.tray, "/StatusNotifierWatcher", iface); err != nil {
		t.Fatal(err)
	}
	if _, err := prop.Export(s.conn, "/StatusNotifierWatcher", prop.Map{iface: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
		"ProtocolVersion":                {Value: int32(0)},
	}}); err != nil {
		t.Fatal(err)
	}
	if reply, err := s.conn.RequestName(iface, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", iface, reply, err)
	}
}

// trayMenu is the menu of the tray item the app registered last.
func (s *privateSession) trayMenu(ctx context.Context, t *testing.T) dbus.BusObject {
	t.Helper()
	select {
	case item := <-s.tray.items:
		// A later registration (a restarted tray) replaces this one.
		for more := true; more; {
			select {
			case item = <-s.tray.items:
			default:
				more = false
			}
		}
		return s.conn.Object(item, "/StatusNotifierMenu")
	case <-ctx.Done():
		t.Fatal("the app registered no tray item")
		return nil
	}
}

// trayLabels are the visible labels of the tray menu, with their item IDs.
func trayLabels(menu dbus.BusObject) map[string]int32 {
	var revision uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	out := map[string]int32{}
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &layout); err != nil {
		return out // the app is busy rebuilding it: nothing to click yet
	}
	for _, c := range layout.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) < 2 {
			continue
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		label, _ := props["label"].Value().(string)
		if visible, ok := props["visible"].Value().(bool); label == "" || (ok && !visible) {
			continue
		}
		out[label] = id
	}
	return out
}

// clickTray clicks the menu item labelled label until done reports its
// effect: the app rebuilds its menu on every state change, with new IDs.
func clickTray(ctx context.Context, t *testing.T, menu dbus.BusObject, label string, done func() bool) {
	t.Helper()
	waitFor(t, ctx, time.Minute, "the tray's "+strconv.Quote(label)+" to take effect", func() bool {
		if id, ok := trayLabels(menu)[label]; ok {
			menu.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0))
		}
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			if done() {
				return true
			}
			time.Sleep(poll)
		}
		return false
	})
}

// browserStandIn puts xdg-open, x-www-browser and www-browser on PATH:
// each writes the address it was given, one a line, to a file the test
// reads. Both github.com/pkg/browser and Fyne's OpenURL run the first of
// these they find.
type browserStandIn struct {
	dir, log string
}

func newBrowserStandIn(t *testing.T, dir string) *browserStandIn {
	t.Helper()
	b := &browserStandIn{dir: filepath.Join(dir, "bin"), log: filepath.Join(dir, "opened.txt")}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + strconv.Quote(b.log) + "\n"
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(b.dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// env puts the stand-in first on PATH.
func (b *browserStandIn) env() string {
	return "PATH=" + b.dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// opened is every address the app asked the browser to open, in order.
func (b *browserStandIn) opened() []string {
	data, _ := os.ReadFile(b.log)
	return strings.Fields(string(data))
}

// waitOpened waits for the app to open an address starting with prefix
// after the first skip addresses, and returns it with its position.
func (b *browserStandIn) waitOpened(ctx context.Context, t *testing.T, skip int, prefix string) (string, int) {
	t.Helper()
	var found string
	var at int
	waitFor(t, ctx, time.Minute, "the app to open "+prefix+"… in the browser", func() bool {
		for i, u := range b.opened() {
			if i >= skip && strings.HasPrefix(u, prefix) {
				found, at = u, i
				return true
			}
		}
		return false
	})
	return found, at
}

// xWindow is one top-level window of the app on the X display.
type xWindow struct {
	t     *testing.T
	ctx   context.Context
	id    string
	title string
	shots string // where screenshots go
	n     int    // screenshots taken, for their names
}

// waitWindow waits for a visible window titled exactly title.
func waitWindow(ctx context.Context, t *testing.T, title, shots string) *xWindow {
	t.Helper()
	var id string
	waitFor(t, ctx, 90*time.Second, "a window titled "+strconv.Quote(title), func() bool {
		id = findWindow(ctx, title)
		return id != ""
	})
	return &xWindow{t: t, ctx: ctx, id: id, title: title, shots: shots}
}

// findWindow is the ID of the visible window titled exactly title, or "".
func findWindow(ctx context.Context, title string) string {
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^"+regexpQuote(title)+"$").Output()
	if err != nil {
		return ""
	}
	if ids := strings.Fields(string(out)); len(ids) > 0 {
		return ids[len(ids)-1]
	}
	return ""
}

// waitGone waits until no visible window is titled title.
func waitGone(ctx context.Context, t *testing.T, title string) {
	t.Helper()
	waitFor(t, ctx, 30*time.Second, "the window "+strconv.Quote(title)+" to close", func() bool { return findWindow(ctx, title) == "" })
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// xdotool runs xdotool with args, failing the test if it fails.
func (w *xWindow) xdotool(args ...string) {
	w.t.Helper()
	if out, err := exec.CommandContext(w.ctx, "xdotool", args...).CombinedOutput(); err != nil {
		w.t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// front raises the window and gives it the keyboard. There is no window
// manager on the test display: windows open at the same place, so the
// one to act on must be on top.
func (w *xWindow) front() {
	w.t.Helper()
	w.xdotool("windowraise", w.id)
	w.xdotool("windowfocus", w.id)
	settle()
}

// keys presses keys (xdotool key names) in the window.
func (w *xWindow) keys(keys ...string) {
	w.t.Helper()
	w.front()
	w.xdotool(append([]string{"key", "--clearmodifiers", "--delay", "80"}, keys...)...)
	settle()
}

// typeText types text into the focused field.
func (w *xWindow) typeText(text string) {
	w.t.Helper()
	w.front()
	w.xdotool("type", "--clearmodifiers", "--delay", "30", text)
	settle()
}

// click clicks at x, y (pixels from the window's top left), then moves
// the pointer off the window: a pointer left over a widget changes its
// colour (hover) and so the screenshots the driver compares.
func (w *xWindow) click(x, y int) {
	w.t.Helper()
	w.front()
	w.xdotool("mousemove", "--window", w.id, strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	settle()
	w.xdotool("mousemove", "1279", "799")
	settle()
}

// size is the window's size in pixels.
func (w *xWindow) size() (int, int) {
	w.t.Helper()
	out, err := exec.CommandContext(w.ctx, "xdotool", "getwindowgeometry", "--shell", w.id).Output()
	if err != nil {
		w.t.Fatalf("the size of %q: %v", w.title, err)
	}
	var width, height int
	for _, line := range strings.Fields(string(out)) {
		if v, ok := strings.CutPrefix(line, "WIDTH="); ok {
			width, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(line, "HEIGHT="); ok {
			height, _ = strconv.Atoi(v)
		}
	}
	return width, height
}

// capture keeps a picture of the window, numbered in the order taken and
// named after the moment it shows, in the screenshots folder.
func (w *xWindow) capture(name string) (image.Image, string) {
	w.t.Helper()
	w.n++
	path := filepath.Join(w.shots, fmt.Sprintf("%02d-%s.png", w.n, name))
	return w.captureTo(path), path
}

// captureTo photographs the window into path.
func (w *xWindow) captureTo(path string) image.Image {
	w.t.Helper()
	var img image.Image
	waitFor(w.t, w.ctx, 10*time.Second, "a screenshot of "+strconv.Quote(w.title), func() bool {
		if err := exec.CommandContext(w.ctx, "import", "-window", w.id, path).Run(); err != nil {
			return false
		}
		var err error
		img, err = readPNG(path)
		return err == nil
	})
	return img
}

// settle gives the app's event loop a moment to handle what it was sent;
// every outcome is then waited on, never assumed from this pause.
func settle() { time.Sleep(150 * time.Millisecond) }

// waitFor polls cond until it holds, failing the test with what it was
// waiting for when timeout (or ctx) ends first.
func waitFor(t *testing.T, ctx context.Context, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(poll)
	}
}

// differingShare is the share of pixels that differ between a and b (1
// when their sizes differ).
func differingShare(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	bounds := a.Bounds()
	var differ, all int
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			all++
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				differ++
			}
		}
	}
	return float64(differ) / float64(all)
}

// bluish reports whether the pixels around x, y are mostly the theme's
// primary colour: a high-importance button that is enabled (disabled, it
// is grey).
func bluish(img image.Image, x, y int) bool {
	blue, all := 0, 0
	for dy := -2; dy <= 2; dy++ {
		for dx := -6; dx <= 6; dx++ {
			all++
			r, g, b, _ := img.At(x+dx, y+dy).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			if b > r+60 && b > g+30 {
				blue++
			}
		}
	}
	return blue*2 > all
}
