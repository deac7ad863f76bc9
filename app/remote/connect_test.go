package remote

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// TestAPasteBackConnectThroughTheWindowHearsEveryStep logs in with
// paste-back: the agent asks the window for the address Facebook's dialog
// ended on (Meta's desktop redirect, login_success.html:
// https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow),
// refuses a wrong one with the reason, and takes the right one.
func TestAPasteBackConnectThroughTheWindowHearsEveryStep(t *testing.T) {
	svc, _, window := demo(t)
	if err := svc.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	var steps []fbclient.LoginStep
	var shownURL string
	var problems []error
	req := service.ConnectRequest{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret, Transport: store.TransportPaste,
		Progress:   func(s fbclient.LoginStep) { steps = append(steps, s) },
		OnLoginURL: func(u, _ string) { shownURL = u },
		Paste: func(_ context.Context, loginURL string, problem error) (string, error) {
			problems = append(problems, problem)
			if problem == nil {
				return "https://www.facebook.com/some/other/page", nil
			}
			return fakefb.FinalAddress(loginURL)
		}}
	res, err := window.Connect(context.Background(), req)
	if err != nil {
		t.Fatalf("paste-back connect through the window: %v", err)
	}
	if len(res.Pages) == 0 || res.User.ID == "" {
		t.Errorf("result %+v: want the demo person and their Pages", res)
	}
	if !strings.Contains(shownURL, "/dialog/oauth") {
		t.Errorf("OnLoginURL heard %q, want the login dialog's address", shownURL)
	}
	if len(problems) != 2 || problems[0] != nil || !errors.Is(problems[1], fbclient.ErrBadPaste) {
		t.Errorf("paste problems %v: want none, then a bad paste the window can name", problems)
	}
	if len(steps) == 0 || steps[len(steps)-1] != fbclient.StepReadingPermissions {
		t.Errorf("steps %v: want them all, ending with reading the permissions", steps)
	}
	if _, ok, err := svc.Account(); !ok || err != nil {
		t.Errorf("the agent has no account after the window connected: %v", err)
	}
}

// TestALoopbackConnectThroughTheWindowListensInTheAgent: the agent owns
// the login's loopback listener and opens the browser (here fakefb.Browse
// against a dialog that approves at once).
func TestALoopbackConnectThroughTheWindowListensInTheAgent(t *testing.T) {
	_, _, window := demo(t)
	port := freePort(t)
	var hint string
	res, err := window.Connect(context.Background(), service.ConnectRequest{AppID: fakefb.DemoAppID,
		Transport: store.TransportLoopback, Port: port, OnLoginURL: func(_, h string) { hint = h }})
	if err != nil {
		t.Fatalf("loopback connect through the window: %v", err)
	}
	if len(res.Pages) == 0 {
		t.Errorf("result %+v: want the demo's Pages", res)
	}
	if !strings.Contains(hint, fbclient.LoopbackRedirectURI(port)) {
		t.Errorf("hint %q does not name the redirect URI", hint)
	}
}

// TestCancellingTheWindowsLoginEndsItInTheAgent: the person presses
// Cancel while Facebook's dialog is open; the agent's login ends and its
// loopback port is free again.
func TestCancellingTheWindowsLoginEndsItInTheAgent(t *testing.T) {
	svc, _, window := demo(t)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{}) // the person never answers
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := window.Connect(ctx, service.ConnectRequest{AppID: fakefb.DemoAppID, Transport: store.TransportLoopback,
			Port: port, OnLoginURL: func(string, string) { close(started) }})
		done <- err
	}()
	<-started
	cancel()
	err := <-done
	if !errors.Is(err, fbclient.ErrLoginCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled login: %v, want the agent's ErrLoginCanceled", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("the agent still listens on the login's port after the cancel: %v", err)
	}
	ln.Close()
}

func TestAPasteBackWithoutAPasteFunctionFailsAsInProcess(t *testing.T) {
	svc, _, window := demo(t)
	req := service.ConnectRequest{AppID: fakefb.DemoAppID, Transport: store.TransportPaste}
	_, want := svc.Connect(context.Background(), req)
	_, got := window.Connect(context.Background(), req)
	sameError(t, want, got)
}

func TestAnAppCheckCarriesTheSecretToTheAgent(t *testing.T) {
	_, _, window := demo(t)
	if err := window.CheckApp(context.Background(), service.AppCheck{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret}); err != nil {
		t.Fatalf("the demo app's own secret: %v", err)
	}
	const other = "0123456789abcdef0123456789abcdef"
	err := window.CheckApp(context.Background(), service.AppCheck{AppID: fakefb.DemoAppID, Secret: other})
	if !errors.Is(err, service.ErrWrongSecret) || strings.Contains(err.Error(), other) {
		t.Fatalf("another secret: %v, want ErrWrongSecret", err)
	}
}

// freePort returns a port nothing listens on right now: tests that run at
// the same time must not share LiveRoute's fixed default port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
