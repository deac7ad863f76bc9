package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

func TestTheSessionSocketIsTheUsersOnly(t *testing.T) {
	_, a, _ := demo(t)
	sock, err := os.Stat(a.paths.SocketFile())
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.Stat(a.paths.Runtime)
	if err != nil {
		t.Fatal(err)
	}
	// The App secret of a connect travels here: no other user may connect.
	if sock.Mode().Perm() != 0o600 || dir.Mode().Perm() != 0o700 {
		t.Fatalf("socket %v in a folder %v: want 0600 in 0700", sock.Mode().Perm(), dir.Mode().Perm())
	}
}

func TestWhenTheAgentQuitsTheWindowIsToldAndPendingCallsFail(t *testing.T) {
	svc, a, window := demo(t)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{}) // the login waits
	events, cancel := window.Subscribe(8)
	defer cancel()
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := window.Connect(context.Background(), service.ConnectRequest{AppID: fakefb.DemoAppID,
			Transport: store.TransportLoopback, Port: freePort(t), OnLoginURL: func(string, string) { close(started) }})
		done <- err
	}()
	<-started
	a.stop()

	<-window.Done()
	if err := <-done; !errors.Is(err, ErrAgentGone) {
		t.Errorf("the login in flight: %v, want ErrAgentGone", err)
	}
	if _, err := window.Routes(); !errors.Is(err, ErrAgentGone) || !strings.Contains(err.Error(), "start LiveRoute again") {
		t.Errorf("a call after the agent quit: %v", err)
	}
	if h := window.Health(); h.Headline != "LiveRoute stopped" {
		t.Errorf("health after the agent quit: %+v", h)
	}
	waitClosed(t, events)
}

// TestAKilledWindowEndsItsSessionAndSharingGoesOn kills a window process
// (this test binary, run as a window) in the middle of a login: the
// agent's session ends with every goroutine of it, the login's port is
// free, and the next window is served.
func TestAKilledWindowEndsItsSessionAndSharingGoesOn(t *testing.T) {
	paths := testPaths(t)
	svc := openDemo(t, paths)
	a := startAgent(t, paths, svc)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{})
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), windowChildEnv+"="+a.paths.Runtime, windowPortEnv+"="+strconv.Itoa(port))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "login started\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the window process said %q (%v)", line, err)
	}
	if a.server.Windows() != 1 {
		t.Errorf("%d windows attached, want the child's 1", a.server.Windows())
	}
	cmd.Process.Kill()
	cmd.Wait()

	if err := a.sessionEnded(t); err != nil {
		t.Errorf("the killed window's session ended with %v, want nil", err)
	}
	if n := a.server.Windows(); n != 0 {
		t.Errorf("%d windows attached after the kill", n)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("the agent still waits for the killed window's login: %v", err)
	}
	ln.Close()
	if _, err := a.window(t).Routes(); err != nil {
		t.Fatalf("the next window: %v", err)
	}
}

// The window child of TestAKilledWindowEndsItsSessionAndSharingGoesOn.
const (
	windowChildEnv = "LIVEROUTE_REMOTE_TEST_WINDOW"
	windowPortEnv  = "LIVEROUTE_REMOTE_TEST_PORT"
)

// windowChild attaches to the agent whose runtime folder is runtime,
// starts a login that waits for Facebook's dialog, says so, and waits to
// be killed.
func windowChild(runtime string) {
	c, err := Dial(context.Background(), store.Paths{Runtime: runtime})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	port, _ := strconv.Atoi(os.Getenv(windowPortEnv))
	_, err = c.Connect(context.Background(), service.ConnectRequest{AppID: fakefb.DemoAppID, Transport: store.TransportLoopback,
		Port: port, OnLoginURL: func(string, string) { fmt.Println("login started") }})
	fmt.Println("the login ended:", err)
	os.Exit(1)
}

func TestShowReachesEveryWindow(t *testing.T) {
	_, a, first := demo(t)
	second := a.window(t)
	if n := a.server.Windows(); n != 2 {
		t.Fatalf("%d windows attached, want 2", n)
	}
	a.server.Show("reconnect")
	for i, w := range []*Client{first, second} {
		if what := <-w.ShowRequests(); what != "reconnect" {
			t.Errorf("window %d was asked to show %q", i, what)
		}
	}
	second.Close()
	a.sessionEnded(t)
	if n := a.server.Windows(); n != 1 {
		t.Errorf("%d windows attached after one closed, want 1", n)
	}
}

func TestAHeadlessAgentRefusesAWindowWithASentence(t *testing.T) {
	paths := testPaths(t)
	ctl, err := control.Listen(paths)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = ctl.Serve(ctx, control.Backend{})
	}()
	defer func() { cancel(); <-served }()
	_, err = Dial(context.Background(), paths)
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Code != control.CodeNotRunning || !strings.Contains(err.Error(), "headless") {
		t.Fatalf("a window on a headless agent: %v", err)
	}
}

func TestNoAgentMeansNotRunning(t *testing.T) {
	if _, err := Dial(context.Background(), testPaths(t)); !errors.Is(err, control.ErrNotRunning) {
		t.Fatalf("Dial with no agent: %v, want control.ErrNotRunning", err)
	}
}

func TestAWindowOfAnotherVersionIsToldToRestart(t *testing.T) {
	_, a, _ := demo(t)
	conn, err := control.DialSession(context.Background(), a.paths)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := newWire(conn)
	if err := w.send(message{Kind: kindHello, Body: json.RawMessage("99")}); err != nil {
		t.Fatal(err)
	}
	m, err := w.receive()
	if err != nil || m.Err == nil || !strings.Contains(m.Err.decode().Error(), "quit LiveRoute") {
		t.Fatalf("hello from version 99: %+v %v", m, err)
	}
	if !errors.Is(a.sessionEnded(t), errVersion) {
		t.Error("the agent kept a session of another version")
	}
}

// TestLargeImportsAndExportsCross sends an import of 3 MB to the
// agent and reads the export back: the old 1 MiB line limit once broke
// them while the app ran.
func TestLargeImportsAndExportsCross(t *testing.T) {
	svc, _, window := demo(t)
	var exported strings.Builder
	if err := svc.Export(&exported); err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal([]byte(exported.String()), &file); err != nil {
		t.Fatal(err)
	}
	dests := file["destinations"].([]any)
	for i := range 1500 {
		dests = append(dests, map[string]any{"id": fmt.Sprintf("group-%d", i), "kind": "group",
			"name": fmt.Sprintf("Group %d %s", i, strings.Repeat("x", 1980)), "url": fmt.Sprintf("https://www.facebook.com/groups/group-%d", i)})
	}
	file["destinations"] = dests
	data, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2<<20 {
		t.Fatalf("the import is only %d bytes", len(data))
	}
	res, err := window.Import(data, store.ImportOptions{})
	if err != nil || res.Destinations < 1500 {
		t.Fatalf("a %d-byte import through the window: %+v %v", len(data), res, err)
	}
	var back strings.Builder
	if err := window.Export(&back); err != nil {
		t.Fatal(err)
	}
	if back.Len() < 2<<20 || !strings.Contains(back.String(), "group-1499") {
		t.Fatalf("the export through the window has %d bytes", back.Len())
	}
}

func TestManyCallsInFlightAtOnceEachGetTheirOwnAnswer(t *testing.T) {
	svc, _, window := demo(t)
	want, err := svc.Routes()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if g%2 == 0 {
					got, err := window.Routes()
					if err != nil || len(got) != len(want) || got[0].ID != want[0].ID {
						errs <- fmt.Errorf("Routes: %v %v", got, err)
						return
					}
				} else if url := window.AssistedShareURL("https://www.facebook.com/v/1"); !strings.Contains(url, "sharer") {
					errs <- fmt.Errorf("AssistedShareURL: %q", url)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestClosingTheControlSocketEndsEveryWindowSession: an agent that quits
// by closing its control socket must not wait for its windows to leave.
func TestClosingTheControlSocketEndsEveryWindowSession(t *testing.T) {
	paths := testPaths(t)
	svc := openDemo(t, paths)
	ctl, err := control.Listen(paths)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(svc)
	defer srv.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = ctl.Serve(context.Background(), control.Backend{Session: srv.Serve})
	}()
	window, err := Dial(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	ctl.Close()
	select {
	case <-served:
	case <-time.After(time.Minute):
		t.Fatal("the control socket's Serve still waits for the window a minute after Close")
	}
	<-window.Done()
}

// waitClosed drains events until the channel closes, failing after a
// generous minute.
func waitClosed[E any](t *testing.T, events <-chan E) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the channel is still open a minute later")
		}
	}
}

func TestAShowAskedWhileTheWindowStartsReachesItWhenItAttaches(t *testing.T) {
	paths := testPaths(t)
	a := startAgent(t, paths, openDemo(t, paths))
	// The tray's "Reset connection…" clicked after "Open LiveRoute"
	// started the window process, before it attached.
	a.server.Show("reconnect")
	w := a.window(t)
	if what := <-w.ShowRequests(); what != "reconnect" {
		t.Errorf("the window attached after the request was asked to show %q", what)
	}
	// Said once: a second window is not asked again.
	second := a.window(t)
	a.server.Show("")
	for i, c := range []*Client{w, second} {
		if what := <-c.ShowRequests(); what != "" {
			t.Errorf("window %d: next show %q, want the main window", i, what)
		}
	}
}

func TestAShowMissedByAWindowThatNeverAttachedIsForgottenForTheNext(t *testing.T) {
	paths := testPaths(t)
	a := startAgent(t, paths, openDemo(t, paths))
	a.server.Show("reconnect")  // asked of a window that then crashed
	a.server.ForgetMissedShow() // the next window process starts
	w := a.window(t)
	a.server.Show("")
	if what := <-w.ShowRequests(); what != "" {
		t.Errorf("the new window was first asked to show %q, want only the main window asked after it attached", what)
	}
}

func TestTheWindowsKeychainProblemIsTheAgents(t *testing.T) {
	paths := testPaths(t)
	svc := openDemo(t, paths)
	for _, c := range []struct {
		name    string
		api     service.API
		problem error
	}{
		{"no keychain", keychainOf{svc, store.ErrNoKeychain}, store.ErrNoKeychain},
		{"keychain works", keychainOf{svc, nil}, nil},
		{"the demo keeps its secrets in memory", svc, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			sub := paths
			sub.Runtime = filepath.Join(paths.Runtime, strings.ReplaceAll(c.name, " ", ""))
			w := startAgent(t, sub, c.api).window(t)
			got := w.KeychainProblem()
			if !errors.Is(got, c.problem) || (c.problem == nil) != (got == nil) {
				t.Fatalf("keychain problem %v, want %v", got, c.problem)
			}
			if got != nil && got.Error() != c.problem.Error() {
				t.Errorf("sentence %q, want %q", got, c.problem)
			}
		})
	}
}

// keychainOf is a service whose keychain problem is set by the test.
type keychainOf struct {
	*service.Service
	problem error
}

func (k keychainOf) KeychainProblem() error { return k.problem }

func TestAShowDuringTheGreetingComesAfterTheHello(t *testing.T) {
	paths := testPaths(t)
	a := startAgent(t, paths, openDemo(t, paths))
	conn, err := control.DialSession(context.Background(), a.paths)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for a.server.Windows() == 0 {
		runtime.Gosched() // the session is being set up; it has not said hello
	}
	a.server.Show("reconnect")
	w := newWire(conn)
	if err := w.send(message{Kind: kindHello, Body: mustJSON(version)}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{kindHello, kindShow} {
		if m, err := w.receive(); err != nil || m.Kind != want {
			t.Fatalf("message %d: %+v %v, want %s", i, m, err, want)
		}
	}
}
