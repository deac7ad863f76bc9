package remote

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// TestMain fails the package if a test leaves a goroutine running: a
// window that leaves, an agent that quits, must end every goroutine of
// their session.
func TestMain(m *testing.M) {
	if runtime := os.Getenv(windowChildEnv); runtime != "" {
		windowChild(runtime)
		return
	}
	goleak.VerifyTestMain(m)
}

// testPaths is a profile of its own. Unix socket paths are limited to
// about 100 bytes and t.TempDir() can be longer, so the runtime folder
// gets a short name of its own.
func testPaths(t testing.TB) store.Paths {
	t.Helper()
	rt, err := os.MkdirTemp("", "lrr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	dir := t.TempDir()
	return store.Paths{Profile: store.DemoProfile, Data: filepath.Join(dir, "data"), State: filepath.Join(dir, "state"),
		Runtime: filepath.Join(rt, "LiveRoute")}
}

// openDemo opens the --demo profile: a fake Facebook whose dialog
// approves at once, played by fakefb.Browse.
func openDemo(t testing.TB, paths store.Paths) *service.Service {
	t.Helper()
	svc, err := service.Open(context.Background(), service.Options{Paths: paths, Demo: true,
		OpenBrowser: fakefb.Browse, Getenv: func(string) string { return "" }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	return svc
}

// agent is the tray agent's side of a test: the control socket serving
// window sessions of api.
type agent struct {
	paths  store.Paths
	server *Server
	stop   func() // quits the agent: the socket closes, every session ends
	// ended hears each session's end (Serve returned: every goroutine of
	// the session is over).
	ended chan error
}

func startAgent(t testing.TB, paths store.Paths, api service.API) *agent {
	t.Helper()
	ctl, err := control.Listen(paths)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(api)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	a := &agent{paths: paths, server: srv, ended: make(chan error, 16)}
	session := func(ctx context.Context, conn net.Conn) error {
		err := srv.Serve(ctx, conn)
		a.ended <- err
		return err
	}
	go func() {
		defer close(served)
		_ = ctl.Serve(ctx, control.Backend{Session: session})
	}()
	var once sync.Once
	a.stop = func() {
		once.Do(func() {
			cancel()
			<-served
			srv.Close()
		})
	}
	t.Cleanup(a.stop)
	return a
}

// sessionEnded waits for a session to end.
func (a *agent) sessionEnded(t testing.TB) error {
	t.Helper()
	select {
	case err := <-a.ended:
		return err
	case <-time.After(time.Minute):
		t.Fatal("no session ended within a minute")
		return nil
	}
}

// window attaches a window session to the agent.
func (a *agent) window(t testing.TB) *Client {
	t.Helper()
	c, err := Dial(context.Background(), a.paths)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// demo is a demo service served by an agent, and a window attached to it.
func demo(t testing.TB) (*service.Service, *agent, *Client) {
	t.Helper()
	paths := testPaths(t)
	svc := openDemo(t, paths)
	a := startAgent(t, paths, svc)
	return svc, a, a.window(t)
}
