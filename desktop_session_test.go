//go:build linux

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// desktopSession is a private session bus with what a desktop puts on it:
// a tray host (StatusNotifierWatcher) and a notification daemon that
// records what it is asked to show, so a test can click a tray item or a
// notification's action as the person would.
type desktopSession struct {
	address string
	conn    *dbus.Conn
	tray    *trayWatcher
	notes   *notificationDaemon
}

func newDesktopSession(tb testing.TB) *desktopSession {
	tb.Helper()
	if os.Getenv("DISPLAY") == "" {
		requireInCI(tb, "no X display: run the tests through scripts/test-env (make test does)")
	}
	for _, tool := range []string{"dbus-daemon", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireInCI(tb, tool+" is missing (scripts/deps test installs it)")
		}
	}
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := bus.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	address, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		tb.Fatal(err)
	}
	d := &desktopSession{address: strings.TrimSpace(address)}
	if d.conn, err = dbus.Dial(d.address); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.conn.Close() })
	if err := d.conn.Auth(nil); err != nil {
		tb.Fatal(err)
	}
	if err := d.conn.Hello(); err != nil {
		tb.Fatal(err)
	}
	d.tray = &trayWatcher{items: make(chan string, 4)}
	const watcher = "org.kde.StatusNotifierWatcher"
	d.export(tb, d.tray, "/StatusNotifierWatcher", watcher)
	if _, err := prop.Export(d.conn, "/StatusNotifierWatcher", prop.Map{watcher: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
		"ProtocolVersion":                {Value: int32(0)},
	}}); err != nil {
		tb.Fatal(err)
	}
	d.notes = &notificationDaemon{calls: make(chan notifyCall, 32)}
	d.export(tb, d.notes, notificationsPath, notificationsName)
	return d
}

func (d *desktopSession) export(tb testing.TB, v any, path dbus.ObjectPath, name string) {
	tb.Helper()
	if err := d.conn.Export(v, path, name); err != nil {
		tb.Fatal(err)
	}
	if reply, err := d.conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		tb.Fatalf("own %s: %v %v", name, reply, err)
	}
}

// env is the environment of an isolated run on this session.
func (d *desktopSession) env(tb testing.TB) []string {
	return append(isolatedEnv(tb.TempDir()), "DBUS_SESSION_BUS_ADDRESS="+d.address)
}

// invokeAction does what a notification daemon does when the person
// clicks an action: the spec's ActionInvoked signal.
func (d *desktopSession) invokeAction(tb testing.TB, id uint32, key string) {
	tb.Helper()
	if err := d.conn.Emit(notificationsPath, notificationsName+".ActionInvoked", id, key); err != nil {
		tb.Fatal(err)
	}
}

const (
	notificationsName = "org.freedesktop.Notifications"
	notificationsPath = "/org/freedesktop/Notifications"
)

// notificationDaemon answers the freedesktop Notify method.
type notificationDaemon struct {
	calls chan notifyCall
	next  uint32
}

type notifyCall struct {
	id      uint32
	summary string
	actions []string
	sender  dbus.Sender // the bus name that sent it: senderPID says whose
}

func (n *notificationDaemon) Notify(sender dbus.Sender, _ string, _ uint32, _, summary, _ string, actions []string,
	_ map[string]dbus.Variant, _ int32) (uint32, *dbus.Error) {
	n.next++
	n.calls <- notifyCall{id: n.next, summary: summary, actions: actions, sender: sender}
	return n.next, nil
}

// senderPID is the process that sent c, as the bus knows it.
func (d *desktopSession) senderPID(tb testing.TB, c notifyCall) int {
	tb.Helper()
	var pid uint32
	if err := d.conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, string(c.sender)).Store(&pid); err != nil {
		tb.Fatalf("who sent %q: %v", c.summary, err)
	}
	return int(pid)
}

// waitFor returns the first notification whose summary is want.
func (n *notificationDaemon) waitFor(tb testing.TB, want string, app *appProcess) notifyCall {
	tb.Helper()
	timeout := time.After(120 * time.Second)
	for {
		select {
		case c := <-n.calls:
			if c.summary == want {
				return c
			}
		case <-timeout:
			tb.Fatalf("no notification %q\n%s", want, app.output.String())
		}
	}
}

// appProcess is the real binary running in a test.
type appProcess struct {
	cmd     *exec.Cmd
	output  *syncBuffer
	exited  chan struct{}
	waitErr error
}

func startApp(tb testing.TB, env []string, args ...string) *appProcess {
	tb.Helper()
	return startProgram(tb, binary(tb), env, args...)
}

// startProgram starts the LiveRoute program at path. A desktop start of
// the demo starts from a demo already set up (see setUpDemo).
func startProgram(tb testing.TB, path string, env []string, args ...string) *appProcess {
	tb.Helper()
	if isDesktopDemo(args) {
		setUpDemo(tb, path, env)
	}
	p := &appProcess{cmd: exec.Command(path, args...), output: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { p.waitErr = p.cmd.Wait(); close(p.exited) }()
	tb.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(20 * time.Second):
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

func (p *appProcess) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// trayMenu waits until the app registers its tray item and returns its
// menu (dbusmenu).
func (p *appProcess) trayMenu(tb testing.TB, d *desktopSession) *trayMenu {
	tb.Helper()
	select {
	case item := <-d.tray.items:
		return &trayMenu{obj: d.conn.Object(item, "/StatusNotifierMenu"), app: p}
	case <-p.exited:
		tb.Fatalf("the app ended before it registered a tray item: %v\n%s", p.waitErr, p.output.String())
	case <-time.After(60 * time.Second):
		tb.Fatalf("the app registered no tray item\n%s", p.output.String())
	}
	return nil
}

// windowProcesses are the app's window processes running now.
func (p *appProcess) windowProcesses() []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if parentOf(pid) == p.cmd.Process.Pid && slices.Contains(cmdline(pid), "window") {
			out = append(out, pid)
		}
	}
	return out
}

// waitForWindowProcess waits until exactly one window process runs and
// returns it with its command line.
func (p *appProcess) waitForWindowProcess(tb testing.TB) (int, []string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if pids := p.windowProcesses(); len(pids) == 1 {
			return pids[0], cmdline(pids[0])
		} else if len(pids) > 1 {
			tb.Fatalf("%d window processes: %v", len(pids), pids)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("no window process started\n%s", p.output.String())
	return 0, nil
}

func parentOf(pid int) int {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

func cmdline(pid int) []string {
	data, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// trayMenu is an app's tray menu as the desktop's tray host sees it.
type trayMenu struct {
	obj dbus.BusObject
	app *appProcess
}

// labels maps each visible item's label to its ID.
func (m *trayMenu) labels() map[string]int32 {
	var revision uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := m.obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &layout); err != nil {
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

// click clicks the item labelled label once it is there.
func (m *trayMenu) click(tb testing.TB, label string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if id, ok := m.labels()[label]; ok {
			if err := m.obj.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
				tb.Fatalf("click %q: %v", label, err)
			}
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("tray menu never showed %q; it shows %v\n%s", label, keys(m.labels()), m.app.output.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForWindow waits until a window titled exactly title is mapped and
// returns its X id. It asks every 25 ms (xdotool's own --sync waits half
// a second between looks, too coarse to time a window opening).
func waitForWindow(tb testing.TB, title string, app *appProcess) string {
	tb.Helper()
	pattern := "^" + regexp.QuoteMeta(title) + "$"
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern).Output()
		if ids := strings.Fields(string(out)); err == nil && len(ids) > 0 {
			return ids[0]
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no window titled %q appeared\n%s", title, app.output.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// isDesktopDemo: args start the demo at the desktop (the agent and its
// window), not a command.
func isDesktopDemo(args []string) bool {
	if !slices.Contains(args, "--demo") {
		return false
	}
	for _, a := range args {
		if !strings.HasPrefix(a, "--") {
			return false // a command, such as run --headless
		}
	}
	return true
}

// setUpDemo gives env's demo profile its person connected and its route,
// as a demo whose setup wizard was walked once: the first desktop start of
// a new demo profile walks the setup wizard instead (service.Options.DemoSetup).
// A command on the stopped demo connects it, as the command line's demo
// always is; `check` is one that opens the demo's Facebook.
func setUpDemo(tb testing.TB, path string, env []string) {
	tb.Helper()
	for _, args := range [][]string{{"--demo", "check", "--json"}, {"--demo", "status", "--json"}} {
		cmd := exec.Command(path, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if args[1] == "status" && (err != nil || !strings.Contains(string(out), `"user_id"`)) {
			tb.Fatalf("set up the demo profile: %v\n%s", err, out)
		}
	}
}
