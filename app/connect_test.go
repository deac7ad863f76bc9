package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

const testAppID, testAppSecret = "777000111", "the-app-secret-0001"

func requireInCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// newConnectGUI is the real window over a real service: a fake Facebook
// over HTTP, a bbolt file, and the real keychain.
//
// The Meta app registered the loopback URI on a port of the test's own (a
// test running at the same time must not share LiveRoute's fixed default),
// typed into the form's Advanced part, and login_success.html.
func newConnectGUI(t *testing.T) (*GUI, *service.Service, *fakefb.Server) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		requireInCI(t, "needs the real keychain: run through scripts/test-env")
	}
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fb.Close() })
	port := freePort(t)
	fb.AddApp(fakefb.App{ID: testAppID, Secret: testAppSecret, Name: "LiveRoute – Ada",
		RedirectURIs: []string{fbclient.LoopbackRedirectURI(port), fb.LoginSuccessURL()}})
	fb.AddUser(fakefb.User{ID: "501", Name: "Ada"})
	fb.AddPage(fakefb.Page{ID: "9001", Name: "Ada's Page"}, "501")
	fb.AddPage(fakefb.Page{ID: "9002", Name: "Ada's Choir"}, "501")
	fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})

	dir := t.TempDir()
	paths := store.Paths{Profile: fmt.Sprintf("test-%d", time.Now().UnixNano()), Data: dir, State: dir, Runtime: dir}
	env := map[string]string{fbclient.EnvFacebookURL: fb.URL, fbclient.EnvGraphURL: fb.URL}
	svc, err := service.Open(context.Background(), service.Options{Paths: paths,
		Getenv: func(k string) string { return env[k] }, OpenBrowser: fakefb.Browse})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Binder().Disconnect()
		svc.Secrets.Delete(store.AppSecretKey(testAppID))
		svc.Close()
	})
	a := &desktopApp{App: test.NewTempApp(t)}
	g := allTabsBuilt(New(Options{App: a, Service: svc, TrayHost: func() bool { return true }}))
	g.view.connect.port.SetText(strconv.Itoa(port))
	return g, svc, fb
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

// fillAndConnect types the app's ID and secret into the form and presses
// Connect; the connect runs in the background and reports on f.finished.
func fillAndConnect(f *connectForm, secret string) {
	f.finished = make(chan error, 1)
	f.appID.SetText(testAppID)
	f.secret.SetText(secret)
	test.Tap(f.connect)
}

func TestConnectFormConnectsThroughTheLoopbackAndKeepsTheSecretInTheKeychain(t *testing.T) {
	g, svc, _ := newConnectGUI(t)
	if h := g.Health(); h.Headline != "Not connected" {
		t.Fatalf("before connecting: %q", h.Headline)
	}
	f := g.view.connect
	fillAndConnect(f, testAppSecret)
	if err := <-f.finished; err != nil {
		t.Fatalf("connect: %v", err)
	}

	acct, ok, err := svc.DB.Account()
	if err != nil || !ok || acct.Name != "Ada" {
		t.Fatalf("account after connect: %+v %v %v", acct, ok, err)
	}
	if got, err := svc.Secrets.Get(store.AppSecretKey(testAppID)); err != nil || got != testAppSecret {
		t.Errorf("App secret in the keychain: %v", err)
	}
	settings, _ := svc.DB.Settings()
	if settings.AppID != testAppID || strconv.Itoa(settings.LoginPort()) != f.port.Text || settings.PKCE {
		t.Errorf("settings keep app ID %q, port %d (form %s), PKCE %v; want the form's app and port, PKCE off",
			settings.AppID, settings.LoginPort(), f.port.Text, settings.PKCE)
	}
	if f.secret.Text != "" {
		t.Error("the secret stays in the form after connecting")
	}
	if !strings.Contains(f.progress.Text, "Connected as Ada: 2 Pages ready") {
		t.Errorf("progress says %q", f.progress.Text)
	}
	if !strings.Contains(f.summary.Text, "Connected as Ada") || f.connect.Text != "Reconnect" {
		t.Errorf("summary %q, button %q", f.summary.Text, f.connect.Text)
	}
	if h := g.Health(); !h.Connected {
		t.Errorf("health after connecting: %+v", h)
	}
	// Nothing secret in the database file.
	raw, err := os.ReadFile(filepath.Join(svc.Paths.Data, "liveroute.db"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), testAppSecret) {
		t.Error("the App secret reached the database file")
	}
}

func TestConnectFormRefusesBadInputAndStartsNothing(t *testing.T) {
	g, svc, fb := newConnectGUI(t)
	f := g.view.connect
	cases := []struct{ appID, configID, transport, relay, want string }{
		{"my-app", "", store.TransportLoopback, "", "App ID is the number"},
		{testAppID, "abc", store.TransportLoopback, "", "Configuration ID is a number"},
		{testAppID, "", store.TransportRedirectPage, "http://example.com/r.html", "must be an https:// address"},
		{testAppID, "", store.TransportRedirectPage, "https://user:hunter2@relay.example/x", "must not contain a user name or password"},
		{testAppID, "", store.TransportLoopback, "", "Paste your App secret"},
		{testAppID, "", store.TransportLoopback, "port:80", "must be a number from 1024 to 65535"},
		{testAppID, "", store.TransportLoopback, "port:http", "must be a number from 1024 to 65535"},
	}
	port := f.port.Text
	for _, c := range cases {
		f.appID.SetText(c.appID)
		f.configID.SetText(c.configID)
		for i, tc := range transportChoices {
			if tc.value == c.transport {
				f.transport.SetSelectedIndex(i)
			}
		}
		f.port.SetText(port)
		if p, ok := strings.CutPrefix(c.relay, "port:"); ok {
			f.port.SetText(p)
			f.secret.SetText(testAppSecret)
		} else {
			f.relayURL.SetText(c.relay)
		}
		before := fb.RequestCount()
		test.Tap(f.connect)
		f.waitForSecretLookup() // an empty secret asks the keychain first
		if !strings.Contains(f.problem.Text, c.want) {
			t.Errorf("app %q config %q relay %q: problem %q, want it to say %q", c.appID, c.configID, c.relay, f.problem.Text, c.want)
		}
		if fb.RequestCount() != before {
			t.Errorf("bad input reached Facebook")
		}
	}
	if _, ok, _ := svc.DB.Account(); ok {
		t.Error("an account was recorded from bad input")
	}
}

func TestConnectFormSaysWhyFacebookRefusedTheSecret(t *testing.T) {
	g, svc, _ := newConnectGUI(t)
	f := g.view.connect
	const wrong = "0000000000notthesecret0000000000"
	f.transport.SetSelectedIndex(2)
	f.relayURL.SetText("https://me.example/relay.html")
	fillAndConnect(f, wrong)
	if err := <-f.finished; err == nil {
		t.Fatal("connected with a wrong secret")
	}
	if !strings.Contains(f.problem.Text, "App secret") || strings.Contains(f.problem.Text, "(facebook:") {
		t.Errorf("problem %q: want the sentence about the App secret, without wire details", f.problem.Text)
	}
	if strings.Contains(f.problem.Text, wrong) {
		t.Error("the error shows the secret")
	}
	// What was typed stays, to be corrected.
	if f.appID.Text != testAppID || f.transport.SelectedIndex() != 2 || f.relayURL.Text != "https://me.example/relay.html" {
		t.Errorf("the form was reset: app %q, transport %d, relay %q", f.appID.Text, f.transport.SelectedIndex(), f.relayURL.Text)
	}
	if _, err := svc.Secrets.Get(store.AppSecretKey(testAppID)); err == nil {
		t.Error("a refused secret was saved")
	}
}

func TestConnectFormPasteBackFinishesWithThePastedAddress(t *testing.T) {
	g, svc, fb := newConnectGUI(t)
	f := g.view.connect
	f.pasteShown = make(chan string, 1)
	f.transport.SetSelectedIndex(1)
	fillAndConnect(f, testAppSecret)

	// Do what the person does: open the login address, let Facebook
	// redirect, copy the final address.
	var loginURL string
	select {
	case loginURL = <-f.pasteShown:
	case err := <-f.finished:
		t.Fatalf("connect ended before the paste: %v", err)
	}
	final, err := fakefb.FinalAddress(loginURL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(final, fb.LoginSuccessURL()) {
		t.Fatalf("Facebook sent the browser to %q", final)
	}
	f.pasteEntry.SetText(final)
	test.Tap(f.pasteDone)
	if err := <-f.finished; err != nil {
		t.Fatalf("paste-back connect: %v", err)
	}
	if _, ok, _ := svc.DB.Account(); !ok {
		t.Error("no account after paste-back")
	}
}

func TestForgettingTheConnectionKeepsRoutesAndRemovesTokens(t *testing.T) {
	g, svc, _ := newConnectGUI(t)
	f := g.view.connect
	fillAndConnect(f, testAppSecret)
	if err := <-f.finished; err != nil {
		t.Fatal(err)
	}
	route, err := svc.DB.PutRoute(store.Route{SourceID: "9001", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "{url}"}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	f.forgetConnection(done)
	<-done
	if _, ok, _ := svc.DB.Account(); ok {
		t.Error("the account is still connected")
	}
	for _, k := range []string{store.UserTokenKey("501"), store.PageTokenKey("9001"), store.PageTokenKey("9002")} {
		if _, err := svc.Secrets.Get(k); err == nil {
			t.Errorf("%s is still in the keychain", k)
		}
	}
	if _, ok, _ := svc.DB.Route(route.ID); !ok {
		t.Error("forgetting the connection lost a route")
	}
	if g.Health().Headline != "Not connected" || f.summary.Text != "Not connected yet." {
		t.Errorf("after forgetting: health %q, summary %q", g.Health().Headline, f.summary.Text)
	}
}

func TestAWrongPasteCanBeCorrectedAndALoginCanceled(t *testing.T) {
	g, svc, _ := newConnectGUI(t)
	f := g.view.connect
	f.pasteShown = make(chan string, 2)
	f.transport.SetSelectedIndex(1)
	fillAndConnect(f, testAppSecret)
	<-f.pasteShown

	// A wrong address is refused with the reason, and the field comes back.
	f.pasteEntry.SetText("https://www.facebook.com/some/other/page")
	test.Tap(f.pasteDone)
	select {
	case <-f.pasteShown:
	case err := <-f.finished:
		t.Fatalf("a wrong paste ended the login: %v", err)
	}
	if !strings.Contains(f.problem.Text, "Paste the address again") {
		t.Errorf("problem after a wrong paste: %q", f.problem.Text)
	}
	if !f.stop.Visible() {
		t.Error("no Cancel button while the login waits")
	}

	// Cancel ends it, says so, and nothing is connected.
	test.Tap(f.stop)
	err := <-f.finished
	if !errors.Is(err, fbclient.ErrLoginCanceled) {
		t.Errorf("after Cancel: %v", err)
	}
	if !strings.Contains(f.problem.Text, "canceled") || f.stop.Visible() || f.connect.Disabled() {
		t.Errorf("after Cancel: problem %q, cancel shown %v, connect disabled %v", f.problem.Text, f.stop.Visible(), f.connect.Disabled())
	}
	if _, ok, _ := svc.DB.Account(); ok {
		t.Error("a canceled login connected")
	}
}

func TestSetupStepsNameTheRedirectURIForTheChosenPortAndTheNewPermission(t *testing.T) {
	g, _, _ := newConnectGUI(t)
	f := g.view.connect
	f.port.SetText("40123")
	for _, want := range []string{"http://localhost:40123/callback", "Valid OAuth Redirect URIs", "pages_manage_engagement"} {
		if !strings.Contains(f.setup.Text, want) {
			t.Errorf("the walk-through does not say %q:\n%s", want, f.setup.Text)
		}
	}
}

func TestConnectFormSaysWhichURIToRegisterWhileFacebooksDialogIsOpen(t *testing.T) {
	g, _, fb := newConnectGUI(t)
	fb.AddApp(fakefb.App{ID: testAppID, Secret: testAppSecret, Name: "LiveRoute – Ada"}) // nothing registered
	f := g.view.connect
	f.pasteShown = make(chan string, 1)
	f.transport.SetSelectedIndex(1)
	fillAndConnect(f, testAppSecret)
	select {
	case <-f.pasteShown:
	case err := <-f.finished:
		t.Fatalf("connect ended before the dialog: %v", err)
	}
	hint := fbclient.URLBlockedHint(fb.LoginSuccessURL(), "")
	if !f.urlBlocked.Visible() || f.urlBlocked.Text != hint {
		t.Errorf("while the dialog is open the form shows %q (visible %v), want %q", f.urlBlocked.Text, f.urlBlocked.Visible(), hint)
	}
	test.Tap(f.stop)
	<-f.finished
	if f.urlBlocked.Visible() {
		t.Error("the hint stays after the login ended")
	}
}

func TestConnectProblemShowsTheSentenceOfEveryLoginFailure(t *testing.T) {
	busy := fmt.Errorf("start login: %w", &fbclient.PortBusyError{Port: 28761})
	if got := connectProblem(busy); !strings.HasPrefix(got, "Port 28761 on this computer is in use") {
		t.Errorf("busy port: %q", got)
	}
	if got := connectProblem(fmt.Errorf("exchange login code: %w", fbclient.ErrPKCEDropped)); got != string(fbclient.ErrPKCEDropped) {
		t.Errorf("PKCE dropped: %q", got)
	}
}

func TestPKCEIsOffWithAReasonWhileAConfigurationIDIsSet(t *testing.T) {
	g, _, _ := newConnectGUI(t)
	f := g.view.connect
	f.pkce.SetChecked(true)
	f.configID.SetText("5678")
	if !f.pkce.Disabled() || !f.pkceOff.Visible() || !strings.Contains(f.pkceOff.Text, "Configuration ID") {
		t.Fatalf("with a Configuration ID: PKCE disabled %v, reason shown %v %q", f.pkce.Disabled(), f.pkceOff.Visible(), f.pkceOff.Text)
	}
	f.appID.SetText(testAppID)
	f.secret.SetText(testAppSecret)
	if req, err := f.request(false); err != nil || req.PKCE {
		t.Errorf("request with a Configuration ID asks for PKCE %v (%v)", req.PKCE, err)
	}
	f.configID.SetText("")
	if f.pkce.Disabled() || f.pkceOff.Visible() || !f.pkce.Checked {
		t.Errorf("without a Configuration ID: PKCE disabled %v, reason shown %v, ticked %v", f.pkce.Disabled(), f.pkceOff.Visible(), f.pkce.Checked)
	}
}

func TestConnectWithPKCETickedLogsInThroughOpenIDConnect(t *testing.T) {
	g, svc, _ := newConnectGUI(t)
	f := g.view.connect
	f.pkce.SetChecked(true)
	fillAndConnect(f, testAppSecret)
	if err := <-f.finished; err != nil {
		t.Fatalf("connect with PKCE against Facebook's default behaviour: %v", err)
	}
	if settings, _ := svc.DB.Settings(); !settings.PKCE {
		t.Error("the PKCE choice was not kept")
	}
}
