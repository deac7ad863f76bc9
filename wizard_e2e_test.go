package main

import (
	"context"
	"encoding/json"
	"image"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/internal/chromium"
	"github.com/liveroute/liveroute/store"
)

// The person of this test and their own Meta app, as fakefb knows them.
const (
	e2eAppID    = "27182818284590"
	e2eSecret   = "0f1e2d3c4b5a69780f1e2d3c4b5a6978"
	e2eConfigID = "16180339887"
	e2eUserID   = "7301"
	e2eUserName = "Ada Lovelace"
)

// e2ePages are Ada's Pages: she goes live on one and shares to the others.
var e2ePages = []fakefb.Page{
	{ID: "830001", Name: "Ada Live", Category: "Community"},
	{ID: "830002", Name: "Ada Choir", Category: "Community"},
	{ID: "830003", Name: "Ada Youth", Category: "Community"},
}

// TestSetupAndResetWizardsEndToEnd is a newcomer's first start and a
// killed connection, with the real binary, the real keychain, a real
// browser and a strict fake Facebook: the setup wizard takes Ada from
// nothing to a working route; a password change ends her connection; the
// reset wizard, opened from the tray, brings her back with every route
// kept and re-bound — and the one Page she leaves unticked in Facebook's
// dialog this time kept on its route, flagged, not deleted. Each wizard is
// driven with the keyboard and the mouse through the X display; each
// step's effect is checked where a person would see it (the window, the
// browser) and with the CLI.
func TestSetupAndResetWizardsEndToEnd(t *testing.T) {
	requireDesktop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	e := startWizardE2E(ctx, t)

	route := e.walkSetup()
	e.endConnectionAsAPasswordChangeDoes()
	lost := route.Targets[len(route.Targets)-1].DestinationID
	e.grantAllPagesBut(lost)
	e.walkReset(route, lost)
	e.quit()
	e.assertNoSecretOutsideTheKeychain()
}

// wizardE2E is one run of the binary with everything it talks to.
type wizardE2E struct {
	t       *testing.T
	ctx     context.Context
	home    string // every file of the run's profile is under it
	fb      *fakefb.Server
	env     []string
	browser *chromium.Browser
	opener  *browserStandIn
	session *privateSession
	shots   string // screenshots, kept when the test fails
	app     *exec.Cmd
	output  *syncBuffer
	exited  chan struct{}
	waitErr error
}

func startWizardE2E(ctx context.Context, t *testing.T) *wizardE2E {
	t.Helper()
	dir := t.TempDir()
	e := &wizardE2E{t: t, ctx: ctx, home: filepath.Join(dir, "home"), browser: chromium.New(t), shots: screenshotDir(t)}
	port := freeLoopbackPort(t)
	e.fb = startStrictFacebook(t, port)
	e.opener = newBrowserStandIn(t, dir)
	e.session = startPrivateSession(t, dir)
	e.env = append(isolatedEnv(dir),
		fbclient.EnvFacebookURL+"="+e.fb.URL, fbclient.EnvGraphURL+"="+e.fb.URL,
		"DBUS_SESSION_BUS_ADDRESS="+e.session.address, e.opener.env(),
		// One pixel per unit and the light theme: the driver finds the
		// wizard's buttons by position and colour.
		"FYNE_SCALE=1", "FYNE_THEME=light")
	// The redirect URI Ada registered uses a port of this test's own, so
	// that no other test's login listens on it. Set before the first start,
	// as a person would under Connection → Advanced.
	e.setLoginPort(dir, port)
	e.startApp()
	t.Cleanup(func() {
		// Registered after the app's start, so it runs before the app is
		// ended: the screen as it was when the test failed.
		if t.Failed() {
			exec.Command("import", "-window", "root", filepath.Join(e.shots, "failure-screen.png")).Run()
			var asked []string
			for _, r := range e.fb.Requests() {
				asked = append(asked, r.Method+" "+r.Path)
			}
			t.Logf("the app asked Facebook's Graph API: %s", strings.Join(asked, ", "))
		}
	})
	return e
}

// screenshotDir is where the run's screenshots go: kept, and named in the
// log, when the test fails.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "liveroute-wizard-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("screenshots of the windows: %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	return dir
}

// freeLoopbackPort is a port nothing listens on right now.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startStrictFacebook is fakefb with its default, strict behaviour: Ada's
// Development-mode app with a Login for Business configuration and the
// loopback redirect URI registered exactly (Strict Mode), and her Pages.
func startStrictFacebook(t *testing.T, port int) *fakefb.Server {
	t.Helper()
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fb.Close() })
	fb.AddApp(fakefb.App{ID: e2eAppID, Secret: e2eSecret, Name: "LiveRoute – Ada", Mode: fakefb.Development,
		Configs:      map[string][]string{e2eConfigID: fbclient.DefaultScopes()},
		RedirectURIs: []string{fbclient.LoopbackRedirectURI(port)}})
	fb.AddUser(fakefb.User{ID: e2eUserID, Name: e2eUserName})
	for _, p := range e2ePages {
		fb.AddPage(p, e2eUserID)
	}
	// Ada presses Continue whenever Facebook's dialog asks (the fake answers
	// for her, through a redirect the browser follows). Whether Facebook asks
	// again after a password change is not documented; "Permissions only
	// need to be granted once per app":
	// https://developers.facebook.com/documentation/facebook-login/guides/permissions
	// so the reset below gets through whichever way Facebook answers.
	fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	return fb
}

// setLoginPort imports settings naming port for Facebook's answer into
// the fresh profile, with the app not running.
func (e *wizardE2E) setLoginPort(dir string, port int) {
	e.t.Helper()
	settings := store.DefaultSettings()
	settings.LoopbackPort = port
	file := map[string]any{"format": "liveroute-export", "version": 1, "exported_at": time.Now().UTC(),
		"settings": settings, "destinations": []any{}, "routes": []any{}}
	data, err := json.Marshal(file)
	if err != nil {
		e.t.Fatal(err)
	}
	path := filepath.Join(dir, "port.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		e.t.Fatal(err)
	}
	// The person confirms the login setting the file changes.
	if r := runCLIBinaryWithInput(e.t, e.env, "yes\n", "import", path, "--with-login-settings"); r.code != 0 {
		e.t.Fatalf("import the login port: %d %s%s", r.code, r.stdout, r.stderr)
	}
}

func (e *wizardE2E) startApp() {
	e.t.Helper()
	e.app = exec.Command(binary(e.t))
	e.app.Env = e.env
	e.output = &syncBuffer{}
	e.app.Stdout, e.app.Stderr = e.output, e.output
	if err := e.app.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.exited = make(chan struct{})
	go func() { e.waitErr = e.app.Wait(); close(e.exited) }()
	e.t.Cleanup(func() {
		e.app.Process.Kill() // harmless once it quit
		<-e.exited
		if e.t.Failed() {
			e.t.Logf("the app's output:\n%s", lastLinesOf(e.output.String(), 60))
		}
	})
}

// walkSetup walks the setup wizard from the first start to a route, and
// returns the route.
func (e *wizardE2E) walkSetup() e2eRoute {
	t := e.t
	w := e.wizard("Set up LiveRoute")
	if s := e.status(); s.Account != nil || s.State != "not_connected" {
		t.Fatalf("before the setup the app says %+v, want nothing connected", s)
	}

	// 1 Welcome → 2 Create your Meta app: My Apps, then the new app's ID
	// pasted right there, and each later step's button opens that app's
	// own page.
	w.next()
	skip := len(e.opener.opened())
	w.focusFirst()         // Open developers.facebook.com → My Apps
	w.keys("Tab")          // the App ID
	w.typeText(e2eAppID)   // the buttons to the app's pages work from now on
	w.keys("Tab", "space") // Open your app's dashboard → Use cases
	if u, _ := e.opener.waitOpened(e.ctx, t, skip, "https://developers.facebook.com/"); u != "https://developers.facebook.com/apps/"+e2eAppID+"/dashboard/" {
		t.Errorf("the Use cases step's button opened %q, want Ada's app's dashboard", u)
	}
	w.unfocus()
	w.shot("setup-step2")

	// 3 The app's keys, checked with Facebook before Next; the App ID is
	// the one given on step 2.
	w.next()
	w.wantNext(false, "the keys step holds Next until Facebook has checked the keys")
	w.focusFirst() // App ID, filled in
	w.keys("Tab")
	w.typeText(e2eSecret)
	w.keys("Tab")
	w.typeText(e2eConfigID)
	w.keys("Tab", "space") // Check with Facebook
	w.wantNext(true, "Facebook accepts the App ID and secret")
	if !e.fbSaw("/" + e2eAppID) {
		t.Errorf("Next was let through without asking Facebook about app %s", e2eAppID)
	}

	// 4 Connect: Facebook's dialog in the browser, back to the app.
	w.next()
	w.wantNext(false, "the connect step holds Next until connected")
	skip = len(e.opener.opened())
	w.focusFirst()
	w.keys("space") // Connect
	e.completeLoginInBrowser(skip)
	e.waitState("healthy")
	w.wantNext(true, "the connect step lets Next through once connected")
	w.shot("setup-step4-connected")
	if s := e.status(); s.Account == nil || s.Account.Name != e2eUserName || s.Account.AppID != e2eAppID || s.Pages != len(e2ePages) {
		t.Fatalf("after Connect the app says %+v, want %s connected with app %s and %d Pages", s, e2eUserName, e2eAppID, len(e2ePages))
	}

	// 5 A first route: the first Page as source, the others ticked.
	w.next()
	w.focusFirst()  // the source
	w.keys("Right") // its first Page
	w.keys("Tab", "space", "Tab", "space")
	w.unfocus()
	// Backwards from the end: Next, Back, Cancel, then "Save this route".
	w.keys("shift+Tab", "shift+Tab", "shift+Tab", "shift+Tab", "space")
	route := e.waitOneRoute()
	w.shot("setup-step5-route-saved")

	// 6 Starting LiveRoute → Finish opens the main window with the route.
	w.next()
	w.shot("setup-step6")
	w.finish()
	waitWindow(e.ctx, t, "LiveRoute", e.shots)
	if st := e.exportedSettings(); !st.Autostart || !st.Notifications {
		t.Errorf("Finish stored start at login %v and notifications %v, want both on (the step's defaults)", st.Autostart, st.Notifications)
	}
	if s := e.status(); s.State != "healthy" || s.Routes != 1 || s.DestinationsWithProblems != 0 {
		t.Errorf("after the setup the app says %+v, want healthy with 1 route", s)
	}
	return route
}

// endConnectionAsAPasswordChangeDoes ends every token of Ada's, as
// Facebook does when the password changes, and makes the app notice with
// `liveroute check`: Facebook never tells an app that a token died.
// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging
func (e *wizardE2E) endConnectionAsAPasswordChangeDoes() {
	// Error 190 with subcode 460, "password changed":
	// https://developers.facebook.com/docs/graph-api/guides/error-handling
	e.fb.InvalidateUser(e2eUserID, 460)
	r := runCLIBinary(e.t, e.env, "check", "--json")
	if !strings.Contains(r.stdout, "needs_reconnect") {
		e.t.Errorf("liveroute check after the password change: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	e.waitState("needs_reconnect")
}

// grantAllPagesBut makes Facebook's dialog grant each of Ada's Pages but
// lost: this time she leaves it unticked ("Edit settings" lets a person
// choose the Pages an app gets).
func (e *wizardE2E) grantAllPagesBut(lost string) {
	var pages []string
	for _, p := range e2ePages {
		if p.ID != lost {
			pages = append(pages, p.ID)
		}
	}
	e.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, Pages: pages})
}

// walkReset opens the reset wizard from the tray and walks its five
// steps; the route must come out of it re-bound, with lost (a Page the
// reconnect did not grant) kept on it and flagged.
func (e *wizardE2E) walkReset(route e2eRoute, lost string) {
	t := e.t
	menu := e.session.trayMenu(e.ctx, t)
	clickTray(e.ctx, t, menu, "Reset connection…", func() bool { return findWindow(e.ctx, "Reset the Facebook connection") != "" })
	w := e.wizard("Reset the Facebook connection")

	// 1 Why: the app asks Facebook now and names the password change.
	w.wantNext(true, "the why step lets Next through once Facebook said why")
	w.shot("reset-step1-why")

	// 2 Business Integrations: its button opens Facebook's page. A password
	// change is not found there, so the look is optional and Next is free.
	w.next()
	w.wantNext(true, "the Business Integrations step lets Next through for a password change")
	skip := len(e.opener.opened())
	w.focusFirst()
	w.keys("space") // Open Facebook → Settings → Business Integrations
	// The page FACEBOOK.md names; no developers.facebook.com page documents it.
	if u, _ := e.opener.waitOpened(e.ctx, t, skip, "https://www.facebook.com/settings"); u != "https://www.facebook.com/settings?tab=business_tools" {
		t.Errorf("the Business Integrations button opened %q", u)
	}
	w.keys("Tab", "space") // I looked at Business Integrations
	w.wantNext(true, "ticking the look keeps Next free")

	// 3 Reconnect in one click: the secret is in the keychain, so its field
	// stays hidden and the first thing in the step is Reconnect.
	w.next()
	w.wantNext(false, "the reconnect step holds Next until reconnected")
	skip = len(e.opener.opened())
	w.focusFirst()
	w.keys("space") // Reconnect
	e.completeLoginInBrowser(skip)
	e.waitState("healthy")
	w.wantNext(true, "the reconnect step lets Next through once reconnected")

	// 4 Your routes, re-bound: the lost Page is listed, in the warning
	// colour, on its route and under "No longer granted".
	w.next()
	w.waitStill()
	w.shot("reset-step4-routes")
	// Two orange paragraphs: the lost Page's line on its route, and "No
	// longer granted…" below the routes (which alone would pass a test of
	// any orange at all).
	if n := w.warningParagraphs(); n < 2 {
		t.Errorf("the routes step shows %d paragraphs in the warning colour, want the Page Ada did not grant flagged on its route and listed below", n)
	}
	// 5 Every destination checked. The check asks debug_token about each
	// granted destination's Page token
	// (https://developers.facebook.com/docs/graph-api/reference/debug_token);
	// the lost Page has none to ask about.
	checksBefore := e.fbCount("/debug_token")
	w.next()
	// Wait on what the step does, not on time: Facebook asked about every
	// granted destination, then the window settled on the answer.
	want := len(route.Targets) - 1
	waitFor(t, e.ctx, 30*time.Second, "the verify step to ask Facebook about every granted destination", func() bool {
		return e.fbCount("/debug_token")-checksBefore >= want
	})
	w.waitStill()
	w.shot("reset-step5-verify")
	// Each destination is a line, green when it can be shared to and red
	// with its problem otherwise: the re-bound one green, the lost one red.
	if green, red := w.lineColours(); green == 0 || red == 0 {
		t.Errorf("the verify step shows %d green and %d red pixels of text, want the re-bound destination green and the lost Page red", green, red)
	}
	w.finish()

	e.assertRouteRebound(route, lost)
}

// assertRouteRebound checks with the CLI that the setup's route is still
// there under its ID with every destination, lost among them and the only
// one flagged, and that Facebook accepts the connection and every other
// destination.
func (e *wizardE2E) assertRouteRebound(route e2eRoute, lost string) {
	t := e.t
	var routes []e2eRoute
	decodeJSON(t, runCLIBinary(t, e.env, "routes", "list", "--json"), &routes)
	if len(routes) != 1 || routes[0].ID != route.ID || !slices.Equal(targetIDs(routes[0]), targetIDs(route)) {
		t.Fatalf("after the reset the routes are %+v, want route %s with its destinations %v, the lost Page kept", routes, route.ID, targetIDs(route))
	}
	s := e.status()
	if s.State != "healthy" || s.Account == nil || s.Account.Name != e2eUserName || s.DestinationsWithProblems != 1 {
		t.Errorf("after the reset the app says %+v, want healthy, Ada connected, one destination flagged", s)
	}
	var health struct {
		State               string `json:"state"`
		DestinationProblems []struct {
			DestinationID string `json:"destination_id"`
		} `json:"destination_problems"`
	}
	decodeJSON(t, runCLIBinary(t, e.env, "check", "--json"), &health)
	if health.State != "healthy" || len(health.DestinationProblems) != 1 || health.DestinationProblems[0].DestinationID != lost {
		t.Errorf("liveroute check after the reset: %+v, want healthy with only Page %s flagged", health, lost)
	}
}

func targetIDs(r e2eRoute) []string {
	var ids []string
	for _, t := range r.Targets {
		ids = append(ids, t.DestinationID)
	}
	slices.Sort(ids)
	return ids
}

// completeLoginInBrowser takes the login address the app opened after the
// first skip addresses to Chromium, which follows Facebook's dialog back
// to the app's loopback listener (the redirect carries code and state:
// https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow)
// and must end on its "connected" page.
func (e *wizardE2E) completeLoginInBrowser(skip int) {
	e.t.Helper()
	loginURL, _ := e.opener.waitOpened(e.ctx, e.t, skip, e.fb.URL+"/")
	// A Login for Business app logs in with its configuration's ID:
	// https://developers.facebook.com/docs/facebook-login/facebook-login-for-business/
	if !strings.Contains(loginURL, "/dialog/oauth") || !strings.Contains(loginURL, "config_id="+e2eConfigID) {
		e.t.Fatalf("the app opened %q, want Facebook's login dialog with the Configuration ID", loginURL)
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	page, err := e.browser.DumpDOM(ctx, loginURL)
	if err != nil {
		e.t.Fatalf("the browser on the login dialog: %v", err)
	}
	if !strings.Contains(page, "return to LiveRoute") {
		e.t.Fatalf("the browser ended on a page that does not send Ada back to LiveRoute:\n%s", lastLinesOf(page, 20))
	}
}

// quit ends the app as the desktop does at logout, and expects a clean exit.
func (e *wizardE2E) quit() {
	if err := e.app.Process.Signal(syscall.SIGTERM); err != nil {
		e.t.Fatal(err)
	}
	select {
	case <-e.exited:
		if e.waitErr != nil {
			e.t.Errorf("the app exited with %v after SIGTERM", e.waitErr)
		}
	case <-time.After(20 * time.Second):
		e.t.Errorf("the app did not quit within 20 s of SIGTERM")
	}
}

// assertNoSecretOutsideTheKeychain looks for the App secret and any
// access token in every file of the profile and in the app's output.
func (e *wizardE2E) assertNoSecretOutsideTheKeychain() {
	e.t.Helper()
	// fakefb's tokens are "EAA" and 40 hex digits, as Facebook's start with EAA.
	token := regexp.MustCompile(`EAA[0-9a-f]{40}`)
	leaks := func(where string, data []byte) {
		if strings.Contains(string(data), e2eSecret) || token.Match(data) {
			e.t.Errorf("a secret (the App secret or a token) is in %s", where)
		}
	}
	leaks("the app's output", []byte(e.output.String()))
	err := filepath.WalkDir(e.home, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			leaks(path, data)
		}
		return err
	})
	if err != nil {
		e.t.Errorf("read the profile's files: %v", err)
	}
}

// e2eStatus is the part of `liveroute status --json` this test reads.
type e2eStatus struct {
	Running bool   `json:"running"`
	State   string `json:"state"`
	Reason  string `json:"reason"`
	Account *struct {
		UserID string `json:"user_id"`
		Name   string `json:"name"`
		AppID  string `json:"app_id"`
	} `json:"account"`
	Routes                   int `json:"routes"`
	Pages                    int `json:"pages"`
	DestinationsWithProblems int `json:"destinations_with_problems"`
}

// e2eRoute is the part of `liveroute routes list --json` this test reads.
type e2eRoute struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id"`
	Targets  []struct {
		DestinationID string `json:"destination_id"`
		Mode          string `json:"mode"`
	} `json:"targets"`
}

func (e *wizardE2E) status() e2eStatus {
	e.t.Helper()
	var s e2eStatus
	decodeJSON(e.t, runCLIBinary(e.t, e.env, "status", "--json"), &s)
	if !s.Running {
		e.t.Fatalf("liveroute status reads a stopped app: %+v", s)
	}
	return s
}

// waitState waits until `liveroute status` reports state.
func (e *wizardE2E) waitState(state string) {
	e.t.Helper()
	var last e2eStatus
	waitFor(e.t, e.ctx, time.Minute, "the app's state "+state, func() bool {
		last = e.status()
		return last.State == state
	})
}

// waitOneRoute waits for the setup's route and checks it: the first Page
// as source, shared as link posts to the others.
func (e *wizardE2E) waitOneRoute() e2eRoute {
	e.t.Helper()
	var routes []e2eRoute
	waitFor(e.t, e.ctx, 30*time.Second, "the route saved in the setup", func() bool {
		decodeJSON(e.t, runCLIBinary(e.t, e.env, "routes", "list", "--json"), &routes)
		return len(routes) > 0
	})
	r := routes[0]
	var targets []string
	for _, tg := range r.Targets {
		if tg.Mode != "post" {
			e.t.Errorf("destination %s is shared as %q, want a link post", tg.DestinationID, tg.Mode)
		}
		targets = append(targets, tg.DestinationID)
	}
	var others []string
	for _, p := range e2ePages {
		if p.ID != r.SourceID {
			others = append(others, p.ID)
		}
	}
	slices.Sort(targets)
	if len(routes) != 1 || len(others) != len(e2ePages)-1 || !slices.Equal(targets, others) {
		e.t.Fatalf("the setup saved %+v, want one route from one of Ada's Pages to the two others", routes)
	}
	return r
}

// exportedSettings are the running app's settings, read through `export`.
func (e *wizardE2E) exportedSettings() store.Settings {
	e.t.Helper()
	var file struct {
		Settings *store.Settings `json:"settings"`
	}
	r := runCLIBinary(e.t, e.env, "export", "-")
	if err := json.Unmarshal([]byte(r.stdout), &file); err != nil || file.Settings == nil {
		e.t.Fatalf("export: %v %d %s%s", err, r.code, r.stdout, r.stderr)
	}
	return *file.Settings
}

// fbSaw reports whether the app asked fakefb's Graph API for a path
// containing part.
func (e *wizardE2E) fbSaw(part string) bool { return e.fbCount(part) > 0 }

// fbCount is how many times the app asked fakefb's Graph API for a path
// containing part.
func (e *wizardE2E) fbCount(part string) int {
	n := 0
	for _, r := range e.fb.Requests() {
		if strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

// wizard waits for the wizard window titled title.
func (e *wizardE2E) wizard(title string) *wizardWindow {
	e.t.Helper()
	w := &wizardWindow{xWindow: waitWindow(e.ctx, e.t, title, e.shots)}
	w.shot(strings.ReplaceAll(strings.ToLower(title), " ", "-"))
	return w
}

// wizardWindow drives one of the app's wizards: a step above, Cancel,
// Back and Next (Finish) along the bottom, Next rightmost and in the
// theme's primary colour while it can be pressed.
type wizardWindow struct {
	*xWindow
}

// nextButton is a point inside Next, below its label: the window's
// content is padded by 4 px, the button is about 36 px high and 50 wide
// (FYNE_SCALE=1).
func (w *wizardWindow) nextButton() (int, int) {
	width, height := w.size()
	return width - 34, height - 11
}

// look photographs the window as it is now, overwriting the last look.
func (w *wizardWindow) look() image.Image {
	w.t.Helper()
	return w.captureTo(filepath.Join(w.shots, "now.png"))
}

// shot keeps a picture of the window under name, also in the folder
// LIVEROUTE_WIZARD_SCREENSHOTS names, when set (the README's pictures are
// made this way).
func (w *wizardWindow) shot(name string) {
	w.t.Helper()
	_, path := w.capture(name)
	keep := os.Getenv("LIVEROUTE_WIZARD_SCREENSHOTS")
	if keep == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join(keep, name+".png"), data, 0o644)
	}
	if err != nil {
		w.t.Errorf("keep the screenshot %s: %v", name, err)
	}
}

// wantNext waits until Next can (or cannot) be pressed.
func (w *wizardWindow) wantNext(enabled bool, why string) {
	w.t.Helper()
	waitFor(w.t, w.ctx, 30*time.Second, why, func() bool {
		x, y := w.nextButton()
		return bluish(w.look(), x, y) == enabled
	})
}

// next presses Next and waits until the window shows another step.
func (w *wizardWindow) next() {
	w.t.Helper()
	w.wantNext(true, "Next to be enabled")
	// As a person would, look at the step before pressing on: the wizard
	// ignores a Next that lands within 300 ms of the last step change (the
	// second click of a double-click).
	w.waitStill()
	before := w.look()
	x, y := w.nextButton()
	w.click(x, y)
	waitFor(w.t, w.ctx, 30*time.Second, "the wizard to show its next step", func() bool {
		return differingShare(before, w.look()) > 0.03
	})
}

// finish presses Finish (Next on the last step) and waits for the window
// to close.
func (w *wizardWindow) finish() {
	w.t.Helper()
	w.wantNext(true, "Finish to be enabled")
	w.waitStill()
	x, y := w.nextButton()
	w.click(x, y)
	waitGone(w.ctx, w.t, w.title)
}

// waitStill waits until the window stops changing (a check running shows
// a moving progress bar): three looks in a row alike, so that one slow
// repaint on a loaded machine is not taken for the end of the work.
func (w *wizardWindow) waitStill() {
	w.t.Helper()
	prev, alike := w.look(), 0
	waitFor(w.t, w.ctx, 30*time.Second, "the step to finish its work", func() bool {
		settle()
		cur := w.look()
		if differingShare(prev, cur) == 0 {
			alike++
		} else {
			alike = 0
		}
		prev = cur
		return alike >= 3
	})
}

// lineColours counts the pixels of the step's text in the theme's success
// green and in its error red, above the buttons.
func (w *wizardWindow) lineColours() (green, red int) {
	img := w.look()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y-60; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			switch {
			case g > r+60 && g > bl+60:
				green++
			case r > g+80 && r > bl+80:
				red++
			}
		}
	}
	return green, red
}

// warningParagraphs counts the step's paragraphs in the theme's warning
// orange, above the buttons: runs of rows with orange text, apart by more
// than the gap between two lines of one wrapped paragraph.
func (w *wizardWindow) warningParagraphs() int {
	return warningParagraphs(w.look())
}

func warningParagraphs(img image.Image) int {
	const paragraphGap = 15 // px of rows without orange; lines of one paragraph are closer
	b := img.Bounds()
	n, last := 0, -1000
	for y := b.Min.Y; y < b.Max.Y-60; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r > g+40 && g > bl+60 && r > 200 {
				if y-last > paragraphGap {
					n++
				}
				last = y
				break
			}
		}
	}
	return n
}

// unfocus clicks the step's title line, which takes the keyboard from
// whatever field or button had it.
func (w *wizardWindow) unfocus() {
	w.t.Helper()
	w.click(20, 20)
}

// focusFirst gives the keyboard to the step's first field or button:
// Fyne's Tab from nothing focused goes to the first focusable widget, and
// the step's content comes before the wizard's own buttons.
func (w *wizardWindow) focusFirst() {
	w.t.Helper()
	w.unfocus()
	w.keys("Tab")
}

func lastLinesOf(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestDemoFirstStartOpensTheSetupWizard: the demo's first start at the
// desktop is a newcomer's — nothing connected and the setup wizard open,
// its keys those of the demo's app (app/'s tests check them) — while the
// command line's demo stays connected for it.
func TestDemoFirstStartOpensTheSetupWizard(t *testing.T) {
	requireDesktop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := isolatedEnv(t.TempDir())
	app := exec.Command(binary(t), "--demo")
	app.Env = env
	output := &syncBuffer{}
	app.Stdout, app.Stderr = output, output
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		app.Process.Kill() // harmless once it quit
		<-exited
		if t.Failed() {
			t.Logf("the app's output:\n%s", lastLinesOf(output.String(), 40))
		}
	}()

	waitWindow(ctx, t, "Set up LiveRoute", screenshotDir(t))
	var s e2eStatus
	decodeJSON(t, runCLIBinary(t, env, "--demo", "status", "--json"), &s)
	if !s.Running || s.State != "not_connected" || s.Account != nil {
		t.Errorf("the demo's first start says %+v, want running with nothing connected", s)
	}
	if err := app.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err // for the deferred wait
		if err != nil {
			t.Errorf("the demo exited with %v after SIGTERM", err)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("the demo did not quit within 20 s of SIGTERM")
	}
}
