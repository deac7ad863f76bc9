package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

const appID, appSecret = "888000222", "app-secret-never-on-disk-42"

// TestAFullRunLeavesNoSecretOnDisk connects through the real login flow
// (loopback), shares a live video to a Page, then reads every file the
// profile wrote — the database, its backups and the log files — and looks
// for the App secret, the user token and every Page token.
func TestAFullRunLeavesNoSecretOnDisk(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("needs the real keychain: run through scripts/test-env")
		}
		t.Skip("needs the real keychain: run through scripts/test-env")
	}
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	port := freePort(t)
	fb.AddApp(fakefb.App{ID: appID, Secret: appSecret, Name: "LiveRoute – Ada",
		RedirectURIs: []string{fbclient.LoopbackRedirectURI(port)}})
	fb.AddUser(fakefb.User{ID: "501", Name: "Ada"})
	fb.AddPage(fakefb.Page{ID: "9001", Name: "Ada Live"}, "501")
	fb.AddPage(fakefb.Page{ID: "9002", Name: "Ada's Choir"}, "501")
	fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	live, err := fb.StartLive("9001", fakefb.LiveSpec{Title: "Evening show"})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	paths := store.Paths{Profile: fmt.Sprintf("test-%d", time.Now().UnixNano()),
		Data: filepath.Join(dir, "data"), State: filepath.Join(dir, "state"), Runtime: filepath.Join(dir, "run")}
	if err := paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	logger, closeLog, err := NewLogger(paths, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{fbclient.EnvFacebookURL: fb.URL, fbclient.EnvGraphURL: fb.URL}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, err := Open(ctx, Options{Paths: paths, Logger: logger, OpenBrowser: fakefb.Browse,
		Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	events, unsubscribe := svc.Engine.Subscribe(64)
	defer unsubscribe()
	logged := make(chan struct{})
	go func() { svc.LogEvents(ctx); close(logged) }()
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Connect(ctx, ConnectRequest{AppID: appID, Secret: appSecret, Transport: store.TransportLoopback, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 2 {
		t.Fatalf("connected with %d Pages, want 2", len(res.Pages))
	}
	if _, err := svc.DB.PutRoute(store.Route{SourceID: "9001", SourceName: "Ada Live", SourceKind: store.SourcePage,
		Enabled: true, Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "Live now: {title} {url}"}}}); err != nil {
		t.Fatal(err)
	}
	svc.Engine.ReloadRoutes()
	svc.Engine.CheckNow()

	deadline := time.After(30 * time.Second)
	for shared := false; !shared; {
		select {
		case ev := <-events:
			if r, ok := ev.(relay.ShareResult); ok {
				if r.State != store.LedgerDone {
					t.Fatalf("share ended %s: %s", r.State, r.Reason)
				}
				shared = true
			}
		case <-deadline:
			t.Fatal("the live video was not shared within 30 s")
		}
	}
	if h, err := svc.ControlBackend(nil).Engine.Health(ctx); err != nil || len(h.LiveSources) != 1 || h.LiveSources[0] != "Ada Live" {
		t.Errorf("health during the live: %+v %v; want Ada Live live", h, err)
	}
	posts := fb.Posts("9002")
	if len(posts) != 1 || !strings.Contains(posts[0].Message, "Evening show") {
		t.Fatalf("posts on the destination: %+v", posts)
	}

	userTok, err := svc.Secrets.Get(store.UserTokenKey("501"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"App secret": appSecret, "user token": userTok}
	for _, id := range []string{"9001", "9002"} {
		tok, err := svc.Secrets.Get(store.PageTokenKey(id))
		if err != nil {
			t.Fatal(err)
		}
		secrets["Page token "+id] = tok
	}
	t.Cleanup(func() {
		svc.Secrets.Delete(store.AppSecretKey(appID))
		for _, k := range []string{store.UserTokenKey("501"), store.PageTokenKey("9001"), store.PageTokenKey("9002")} {
			svc.Secrets.Delete(k)
		}
	})
	logger.Info("the run is over", "live", live.ID)
	cancel()
	<-logged
	svc.Close()
	closeLog()
	logText, err := os.ReadFile(paths.LogFile())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"live video detected", `msg="live video shared" to="Ada's Choir"`} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("the log does not say %q:\n%s", want, logText)
		}
	}

	var files []string
	for _, root := range []string{paths.Data, paths.State, paths.Runtime} {
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.Mode().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
	}
	var sawDB, sawLog bool
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sawDB = sawDB || strings.HasSuffix(p, ".db")
		sawLog = sawLog || (strings.Contains(p, ".log") && len(data) > 0)
		for what, secret := range secrets {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s found in %s", what, p)
			}
		}
	}
	if !sawDB || !sawLog {
		t.Fatalf("the run wrote no database or no log to read (files: %v)", files)
	}
}

func TestKeychainProblemIsNilWhenTheKeychainWorks(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("needs the real keychain: run through scripts/test-env")
		}
		t.Skip("needs the real keychain: run through scripts/test-env")
	}
	dir := t.TempDir()
	paths := store.Paths{Profile: fmt.Sprintf("test-%d", time.Now().UnixNano()), Data: dir, State: dir, Runtime: dir}
	svc, err := Open(context.Background(), Options{Paths: paths})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.KeychainProblem(); err != nil {
		t.Errorf("the real keychain reported a problem: %v", err)
	}
}

func TestFacebookURLsMustBeHTTPSUnlessLocal(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://graph.example.com", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://graph.example.com", false},
		{"ftp://127.0.0.1", false},
		{"not a url", false},
	}
	for _, c := range cases {
		dir := t.TempDir()
		paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
		env := map[string]string{fbclient.EnvGraphURL: c.url}
		svc, err := Open(context.Background(), Options{Paths: paths, Getenv: func(k string) string { return env[k] }})
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v, want ok=%v", c.url, err, c.ok)
		}
		if err == nil {
			svc.Close()
		}
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

// openDemo opens a demo profile: a fake Facebook whose app registered the
// profile's redirect URIs, secrets in memory, the browser played by
// fakefb.Browse against an auto-approving dialog.
func openDemo(t *testing.T) *Service {
	t.Helper()
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	svc, err := Open(context.Background(), Options{Paths: paths, Demo: true, OpenBrowser: fakefb.Browse,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	return svc
}

func TestDefaultLoopbackPortsAgree(t *testing.T) {
	if store.DefaultLoopbackPort != fbclient.DefaultLoopbackPort {
		t.Fatalf("store's default port %d, fbclient's %d", store.DefaultLoopbackPort, fbclient.DefaultLoopbackPort)
	}
	if want := fbclient.LoopbackRedirectURI(fbclient.DefaultLoopbackPort); fakefb.DemoLoopbackRedirectURI != want {
		t.Fatalf("the demo registers %s, LiveRoute uses %s", fakefb.DemoLoopbackRedirectURI, want)
	}
}

func TestConnectUsesTheChosenPortAndRemembersIt(t *testing.T) {
	svc := openDemo(t)
	port := freePort(t)
	svc.Fake().AddRedirectURI(fakefb.DemoAppID, fbclient.LoopbackRedirectURI(port))
	var loginURL, hint string
	_, err := svc.Connect(context.Background(), ConnectRequest{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret,
		Transport: store.TransportLoopback, Port: port,
		OnLoginURL: func(u, h string) { loginURL, hint = u, h }})
	if err != nil {
		t.Fatalf("Connect on port %d: %v", port, err)
	}
	want := fbclient.LoopbackRedirectURI(port)
	u, _ := url.Parse(loginURL)
	if u == nil || u.Query().Get("redirect_uri") != want || u.Query().Has("code_challenge") {
		t.Fatalf("login address %s: want redirect_uri %s and no PKCE", loginURL, want)
	}
	if !strings.Contains(hint, "URL blocked") || !strings.Contains(hint, want) {
		t.Fatalf("hint %q does not name %s", hint, want)
	}
	settings, err := svc.DB.Settings()
	if err != nil || settings.LoginPort() != port || settings.PKCE {
		t.Fatalf("settings after connect: %+v %v; want port %d remembered, PKCE off", settings, err, port)
	}
}

func TestConnectWithPKCEOptInLogsInThroughOpenIDConnect(t *testing.T) {
	svc := openDemo(t)
	port := freePort(t)
	svc.Fake().AddRedirectURI(fakefb.DemoAppID, fbclient.LoopbackRedirectURI(port))
	var loginURL string
	_, err := svc.Connect(context.Background(), ConnectRequest{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret,
		Transport: store.TransportLoopback, Port: port, PKCE: true, OnLoginURL: func(u, _ string) { loginURL = u }})
	if err != nil {
		t.Fatalf("Connect with PKCE against Facebook's default behaviour: %v", err)
	}
	u, _ := url.Parse(loginURL)
	if u == nil || !strings.Contains(u.Query().Get("scope"), "openid") || u.Query().Get("code_challenge_method") != "S256" {
		t.Fatalf("login address %s: want an OIDC login (openid, S256 challenge)", loginURL)
	}
	if settings, _ := svc.DB.Settings(); !settings.PKCE {
		t.Fatalf("the PKCE choice was not remembered: %+v", settings)
	}
}

func TestConnectWithPKCEAndAConfigurationIDIsRefusedAndChangesNothing(t *testing.T) {
	svc := openDemo(t)
	_, err := svc.Connect(context.Background(), ConnectRequest{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret,
		ConfigID: "5678", Transport: store.TransportLoopback, Port: freePort(t), PKCE: true})
	if !errors.Is(err, store.ErrPKCEWithConfiguration) {
		t.Fatalf("Connect with PKCE and a Configuration ID: %v, want ErrPKCEWithConfiguration", err)
	}
	if settings, _ := svc.DB.Settings(); settings.PKCE || settings.ConfigID != "" {
		t.Fatalf("a refused login changed the settings: %+v", settings)
	}
}

func TestDemoConnectOnAnotherPortRegistersItsRedirectURI(t *testing.T) {
	svc := openDemo(t)
	port := freePort(t) // the demo's fake registered only the port saved at startup
	var hint string
	// "URL blocked" never comes back: without the registration the login
	// would wait its whole five minutes.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := svc.Connect(ctx, ConnectRequest{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret,
		Transport: store.TransportLoopback, Port: port, OnLoginURL: func(_, h string) { hint = h }})
	if err != nil {
		t.Fatalf("demo connect on port %d: %v (hint %q)", port, err, hint)
	}
	if settings, _ := svc.DB.Settings(); settings.LoginPort() != port {
		t.Errorf("port %d not remembered: %d", port, settings.LoginPort())
	}
}

func TestConnectOnABusyPortSaysWhichAndChangesNothing(t *testing.T) {
	svc := openDemo(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = svc.Connect(context.Background(), ConnectRequest{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret,
		Transport: store.TransportLoopback, Port: port})
	var busy *fbclient.PortBusyError
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), fmt.Sprintf("Port %d", port)) {
		t.Fatalf("Connect on a busy port: %v", err)
	}
}

func TestADamagedDatabaseIsNamedInTheHealthTheCLIReads(t *testing.T) {
	reason := "The database is damaged: quit and restart LiveRoute to restore the newest backup."
	st := relay.Status{Running: true, State: relay.State{Kind: relay.DatabaseDamaged, Reason: reason}}
	h := ControlHealthOf(HealthOf(st, true), st)
	if h.State != "database_damaged" || h.Reason != reason {
		t.Errorf("health %+v, want database_damaged with the store's sentence", h)
	}
}

// Connect checks the App secret's form itself, whichever face called it:
// a malformed one reaches neither Facebook nor the settings.
func TestConnectRefusesASecretOfTheWrongForm(t *testing.T) {
	svc := openDemo(t)
	before := svc.fake.RequestCount()
	_, err := svc.Connect(context.Background(), ConnectRequest{AppID: fakefb.DemoAppID, Secret: "short secret",
		Transport: store.TransportLoopback, Port: freePort(t)})
	if !errors.Is(err, ErrSecretFormat) || strings.Contains(err.Error(), "short secret") {
		t.Fatalf("Connect with a malformed secret: %v, want ErrSecretFormat", err)
	}
	if svc.fake.RequestCount() != before {
		t.Error("a malformed secret reached Facebook")
	}
}
