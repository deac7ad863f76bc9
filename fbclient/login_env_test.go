package fbclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/fbclient/redirectpage"
	"go.uber.org/goleak"
)

// Test fixtures shared by the login tests.
const (
	testAppID    = "1234567890"
	testSecret   = "app-secret-value"
	testConfigID = "987654321"
	testUserID   = "100001"
	testPageID   = "200001"
)

// loginEnv is a fake Facebook with one person, one Page and one Meta app,
// and a client pointed at it.
type loginEnv struct {
	fb     *fakefb.Server
	clock  *fakefb.ManualClock
	client *fbclient.Client
	http   *http.Client // a plain client that does not follow redirects
}

type envOptions struct {
	mode         fakefb.AppMode
	flfb         bool     // the app uses Facebook Login for Business (configurations)
	redirectURIs []string // Valid OAuth Redirect URIs registered besides the defaults
	// unregistered leaves out the redirect URIs LiveRoute uses by default
	// (the loopback on DefaultLoopbackPort and login_success.html).
	unregistered bool
}

func newLoginEnv(t *testing.T, o envOptions) *loginEnv {
	t.Helper()
	clock := fakefb.NewManualClock(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	fb, err := fakefb.New(fakefb.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	// Strict Mode: the person registered the URIs LiveRoute uses.
	uris := o.redirectURIs
	if !o.unregistered {
		uris = append(uris, fbclient.LoopbackRedirectURI(fbclient.DefaultLoopbackPort), fb.LoginSuccessURL())
	}
	app := fakefb.App{ID: testAppID, Secret: testSecret, Name: "LiveRoute – Ana", Mode: o.mode, RedirectURIs: uris}
	if o.flfb {
		app.Configs = map[string][]string{testConfigID: fbclient.DefaultScopes()}
	}
	fb.AddApp(app)
	fb.AddUser(fakefb.User{ID: testUserID, Name: "Ana"})
	fb.AddPage(fakefb.Page{ID: testPageID, Name: "Ana's Kitchen", Category: "Food"}, testUserID)
	hc := &http.Client{Timeout: 10 * time.Second}
	env := &loginEnv{
		fb:    fb,
		clock: clock,
		client: fbclient.New(fbclient.Config{GraphURL: fb.URL, FacebookURL: fb.URL, AppID: testAppID,
			AppSecret: testSecret, HTTPClient: hc, Now: clock.Now}),
		http: &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	t.Cleanup(func() {
		hc.CloseIdleConnections()
		env.http.CloseIdleConnections()
		fb.Close()
	})
	return env
}

// noLeaks fails the test if it leaves a goroutine behind (the listener,
// its handlers, the fake's connections).
func noLeaks(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// start begins a login, failing the test on error.
func (e *loginEnv) start(t *testing.T, opts fbclient.LoginOptions) *fbclient.LoginSession {
	t.Helper()
	s, err := e.client.StartLogin(context.Background(), opts)
	if err != nil {
		t.Fatalf("StartLogin: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// finalAddress plays the browser for paste-back: it opens the dialog (an
// auto switch answers it) and returns the address the browser lands on.
func (e *loginEnv) finalAddress(t *testing.T, authURL string) string {
	t.Helper()
	resp, err := e.http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("dialog answered %d, want a 302 redirect:\n%s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	landing, err := e.http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(landing.Body)
	landing.Body.Close()
	if !strings.Contains(string(page), "Success") {
		t.Fatalf("login_success.html shows %q, want Success", page)
	}
	return loc
}

// get fetches url and returns the status and body.
func (e *loginEnv) get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := e.http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// relayHost stands in for the HTTPS static host (GitHub Pages …) serving
// the shipped relay page: a plain httptest TLS server.
func relayHost(t *testing.T) string {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/relay.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = redirectpage.Write(w)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/relay.html"
}

// authParam reads one parameter of a session's dialog address.
func authParam(t *testing.T, s *fbclient.LoginSession, key string) string {
	t.Helper()
	u, err := url.Parse(s.AuthURL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}

// assertTokenIsLongLived checks the fake issued res.UserToken as a 60-day
// user token for the test person.
func (e *loginEnv) assertTokenIsLongLived(t *testing.T, res fbclient.LoginResult) {
	t.Helper()
	rec, ok := e.fb.Token(res.UserToken.Reveal())
	if !ok {
		t.Fatal("the fake does not know the returned token")
	}
	if !rec.LongLived || rec.Kind != fakefb.UserToken || rec.UserID != testUserID {
		t.Fatalf("token is %+v, want a long-lived user token of %s", rec, testUserID)
	}
	if want := e.clock.Now().Add(fakefb.LongTokenLifetime); !res.ExpiresAt.Equal(want) {
		t.Fatalf("ExpiresAt = %v, want %v", res.ExpiresAt, want)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}
