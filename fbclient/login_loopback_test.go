package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/internal/chromium"
)

// browse runs Chromium on the session's dialog address in the background,
// as the person's browser would, and returns the page it ends on.
func browse(t *testing.T, b *chromium.Browser, address string) <-chan string {
	t.Helper()
	page := make(chan string, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		dom, err := b.DumpDOM(ctx, address)
		if err != nil {
			dom = "chromium failed: " + err.Error()
		}
		page <- dom
	}()
	return page
}

func waitLogin(t *testing.T, s *fbclient.LoginSession) (fbclient.LoginResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return s.Wait(ctx)
}

// loopbackPort reads the port of a session's loopback listener from its
// redirect URI (Loopback) or its state (RedirectPage).
func loopbackPort(t *testing.T, s *fbclient.LoginSession) string {
	t.Helper()
	port, _, ok := strings.Cut(authParam(t, s, "state"), ".")
	if !ok {
		t.Fatalf("state %q carries no port", authParam(t, s, "state"))
	}
	return port
}

func assertListenerClosed(t *testing.T, port string) {
	t.Helper()
	for _, host := range []string{"127.0.0.1", "::1"} {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), time.Second); err == nil {
			c.Close()
			t.Fatalf("the listener on %s port %s is still open after the login", host, port)
		}
	}
}

// freePort returns a port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestLoopbackLoginWithChromiumConnectsDevelopmentApp is the login with
// default settings, against the strict fake, through a real browser.
func TestLoopbackLoginWithChromiumConnectsDevelopmentApp(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development, flfb: true})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.Loopback)
	opts.ConfigID = testConfigID
	var steps []fbclient.LoginStep
	opts.Progress = func(s fbclient.LoginStep) { steps = append(steps, s) }
	s := env.start(t, opts)
	port := loopbackPort(t, s)
	if want := fmt.Sprintf("http://localhost:%d/callback", fbclient.DefaultLoopbackPort); s.RedirectURI() != want || port != fmt.Sprint(fbclient.DefaultLoopbackPort) {
		t.Fatalf("RedirectURI = %q on port %s, want %q", s.RedirectURI(), port, want)
	}
	if authParam(t, s, "code_challenge") != "" {
		t.Fatalf("the default login sends a PKCE challenge: %s", s.AuthURL())
	}

	page := browse(t, b, s.AuthURL())
	res, err := waitLogin(t, s)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	env.assertTokenIsLongLived(t, res)
	if !equalStrings(res.Granted, sorted(fbclient.DefaultScopes())) {
		t.Fatalf("granted %v, want the whole configuration", res.Granted)
	}
	if dom := <-page; !strings.Contains(dom, "You're connected — return to LiveRoute") {
		t.Fatalf("the browser ends on:\n%s", dom)
	}
	if len(steps) != 4 || steps[0] != fbclient.StepWaitingForDialog || steps[3] != fbclient.StepReadingPermissions {
		t.Fatalf("progress steps %v, want all four in order", steps)
	}
	assertListenerClosed(t, port)
}

func TestLoopbackLoginWithChromiumShowsDeniedPage(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoDeny: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.Loopback))
	page := browse(t, b, s.AuthURL())
	_, err := waitLogin(t, s)
	wantErr(t, err, fbclient.ErrLoginDenied)
	if dom := <-page; !strings.Contains(dom, "You chose Cancel in Facebook") {
		t.Fatalf("the browser ends on:\n%s", dom)
	}
	assertListenerClosed(t, loopbackPort(t, s))
}

func TestLoopbackRefusesWrongStateAndOtherPathsThenAcceptsTheRealCallback(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.Loopback))
	base := "http://localhost:" + loopbackPort(t, s)
	state := authParam(t, s, "state")
	otherPort := "1" + state // same random part, another port prefix

	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"favicon is not a callback", "/favicon.ico", 404},
		{"root is not a callback", "/?code=c&state=" + url.QueryEscape(state), 404},
		{"missing state", "/callback?code=c", 400},
		{"wrong state", "/callback?code=c&state=123.wrong", 400},
		{"state with another port", "/callback?code=c&state=" + url.QueryEscape(otherPort), 400},
		{"denial with wrong state", "/callback?error=access_denied&state=x", 400},
		{"right state without code", "/callback?state=" + url.QueryEscape(state), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := env.get(t, base+tc.path); status != tc.status {
				t.Fatalf("GET %s = %d, want %d:\n%s", tc.path, status, tc.status, body)
			}
		})
	}
	page := browse(t, b, s.AuthURL())
	if _, err := waitLogin(t, s); err != nil {
		t.Fatalf("the real callback after refused ones: %v", err)
	}
	<-page
}

func TestLoopbackListensOnBothLoopbackAddresses(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.Loopback))
	port := loopbackPort(t, s)
	if status, _ := env.get(t, "http://127.0.0.1:"+port+"/favicon.ico"); status != 404 {
		t.Fatalf("127.0.0.1: status %d, want the listener's 404", status)
	}
	if ln, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Logf("no IPv6 loopback here (%v); checked IPv4 only", err)
	} else {
		ln.Close()
		if status, _ := env.get(t, "http://[::1]:"+port+"/favicon.ico"); status != 404 {
			t.Fatalf("[::1]: status %d, want the listener's 404", status)
		}
	}
	s.Close()
	assertListenerClosed(t, port)
}

func TestLoopbackWaitTimesOutWithClearErrorAndClosesListener(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	opts := fbclient.DefaultLoginOptions(fbclient.Loopback)
	opts.Timeout = 50 * time.Millisecond // nobody opens the dialog
	s := env.start(t, opts)
	_, err := waitLogin(t, s)
	wantErr(t, err, fbclient.ErrLoginTimeout)
	assertListenerClosed(t, loopbackPort(t, s))
}

func TestLoopbackWaitEndsWhenCanceled(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.Loopback))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Wait(ctx)
	wantErr(t, err, fbclient.ErrLoginCanceled)
	assertListenerClosed(t, loopbackPort(t, s))
}

func TestPublishedAppRefusesLoopbackRedirect(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.Loopback))
	status, body := env.get(t, s.AuthURL())
	if status != 400 || !strings.Contains(body, "Insecure Login Blocked") {
		t.Fatalf("dialog of a Live app with a localhost redirect: %d\n%s", status, body)
	}
}

func TestOpenUsesTheInjectedOpener(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{})
	var opened string
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.OpenBrowser = func(u string) error { opened = u; return nil }
	s := env.start(t, opts)
	if err := s.Open(); err != nil || opened != s.AuthURL() {
		t.Fatalf("Open() = %v, opened %q, want %q", err, opened, s.AuthURL())
	}
	opts.OpenBrowser = func(string) error { return fmt.Errorf("no display") }
	s = env.start(t, opts)
	wantErr(t, s.Open(), fbclient.ErrBrowserNotOpened)
}

func TestLoopbackAcceptsExactlyOneCallbackAndShowsWhyItFailed(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.Loopback))
	port := loopbackPort(t, s)
	type page struct {
		status int
		body   string
	}
	got := make(chan page, 1)
	// The right state with a code Facebook never issued.
	forged := "http://localhost:" + port + "/callback?code=AQforged&state=" + url.QueryEscape(authParam(t, s, "state"))
	go func() {
		resp, err := env.http.Get(forged)
		if err != nil {
			got <- page{0, err.Error()}
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		got <- page{resp.StatusCode, string(body)}
	}()
	_, err := waitLogin(t, s)
	wantErr(t, err, fbclient.ErrCodeRejected)
	p := <-got
	if p.status != 200 || !strings.Contains(p.body, "LiveRoute could not finish connecting") || !strings.Contains(p.body, "Press Connect to log in again") {
		t.Fatalf("the browser was shown %d:\n%s", p.status, p.body)
	}
	assertListenerClosed(t, port)
}

func TestUnregisteredRedirectShowsURLBlockedAndTheHintNamesTheURI(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development, flfb: true, unregistered: true})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.Loopback)
	opts.ConfigID = testConfigID
	s := env.start(t, opts)

	hint := s.URLBlockedHint()
	if !strings.Contains(hint, "URL blocked") || !strings.Contains(hint, s.RedirectURI()) || !strings.Contains(hint, "Valid OAuth Redirect URIs") {
		t.Fatalf("hint %q does not name %s and where to add it", hint, s.RedirectURI())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dom, err := b.DumpDOM(ctx, s.AuthURL())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dom, fakefb.URLBlockedTitle) || !strings.Contains(dom, "not whitelisted") {
		t.Fatalf("the browser shows:\n%s", dom)
	}
}

func TestChosenPortIsUsedForTheListenerAndTheRedirectURI(t *testing.T) {
	noLeaks(t)
	port := freePort(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Development, unregistered: true,
		redirectURIs: []string{fbclient.LoopbackRedirectURI(port)}})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.Loopback)
	opts.Port = port
	s := env.start(t, opts)
	if want := fmt.Sprintf("http://localhost:%d/callback", port); s.RedirectURI() != want || authParam(t, s, "redirect_uri") != want {
		t.Fatalf("redirect URI %q, dialog's %q, want %q", s.RedirectURI(), authParam(t, s, "redirect_uri"), want)
	}
	done := make(chan string, 1)
	go func() { done <- followToTheEnd(env, s.AuthURL()) }()
	if _, err := waitLogin(t, s); err != nil {
		t.Fatalf("Wait on port %d: %v", port, err)
	}
	if page := <-done; !strings.Contains(page, "LiveRoute is now connected to Facebook") {
		t.Fatalf("the browser ends on:\n%s", page)
	}
	assertListenerClosed(t, fmt.Sprint(port))
}

// followToTheEnd plays a browser without JavaScript: it follows every
// redirect and returns the last page.
func followToTheEnd(env *loginEnv, address string) string {
	hc := &http.Client{Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get(address)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestBusyPortIsASentenceNamingThePort(t *testing.T) {
	noLeaks(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	env := newLoginEnv(t, envOptions{mode: fakefb.Development})
	opts := fbclient.DefaultLoginOptions(fbclient.Loopback)
	opts.Port = port
	_, err = env.client.StartLogin(context.Background(), opts)
	var busy *fbclient.PortBusyError
	if !errors.As(err, &busy) || busy.Port != port {
		t.Fatalf("StartLogin on a busy port: %v, want a *PortBusyError for %d", err, port)
	}
	wantErr(t, err, fbclient.ErrLoopbackUnavailable)
	sentence, ok := fbclient.LoginProblem(err)
	for _, want := range []string{fmt.Sprintf("Port %d", port), "in use", "--port", "Valid OAuth Redirect URIs"} {
		if !ok || !strings.Contains(sentence, want) {
			t.Fatalf("sentence %q lacks %q", sentence, want)
		}
	}
}

func TestURLBlockedHintNamesTheLoginProductAndSaysCancelFirst(t *testing.T) {
	const uri = "http://localhost:28761/callback"
	for _, tc := range []struct {
		name, configID, product, notProduct string
	}{
		{"classic Facebook Login", "", "(Facebook Login → Settings", "for Business"},
		{"Facebook Login for Business", testConfigID, "(Facebook Login for Business → Settings", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hint := fbclient.URLBlockedHint(uri, tc.configID)
			if !strings.Contains(hint, tc.product) || (tc.notProduct != "" && strings.Contains(hint, tc.notProduct)) {
				t.Errorf("hint %q does not name %q", hint, tc.product)
			}
			if !strings.Contains(hint, uri) || !strings.Contains(hint, "press Cancel, then Connect again") {
				t.Errorf("hint %q does not name %s or say to cancel the waiting login first", hint, uri)
			}
		})
	}
}
