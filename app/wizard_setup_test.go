package app

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/fbclient/redirectpage"
	"github.com/liveroute/liveroute/store"
)

// openSetup opens the setup wizard over the demo's fake Facebook on step.
func openSetup(t *testing.T, step int) (*setupWizard, *service.Service) {
	t.Helper()
	g, svc := newDemoGUI(t, nil)
	s := g.newSetupWizard()
	s.w.show(step)
	t.Cleanup(func() { closeAndSettle(s.w) })
	return s, svc
}

// typeApp fills the keys step and presses "Check with Facebook".
func typeApp(s *setupWizard, appID, secret, configID string) {
	s.appID.SetText(appID)
	s.secret.SetText(secret)
	s.configID.SetText(configID)
	test.Tap(s.checkApp)
	s.w.wait()
}

func TestSetupWizardExplainsAndNamesTheRedirectURIOfEachWayBack(t *testing.T) {
	s, _ := openSetup(t, setupWelcome)
	if got := allText(s.w.body); !strings.Contains(s.w.indicator.Text, "Step 1 of 6 — Welcome") || !strings.Contains(got, "Meta app of your own") {
		t.Fatalf("welcome:\n%s\n%s", s.w.indicator.Text, got)
	}
	test.Tap(s.w.next)
	if !strings.Contains(allText(s.w.body), strings.Join(fbclient.DefaultScopes(), ", ")) {
		t.Fatal("the permissions to add are not shown")
	}
	for _, tc := range []struct{ label, want string }{
		{"This computer", fbclient.LoopbackRedirectURI(s.port)},
		{"Paste the address back", "https://www.facebook.com/connect/login_success.html"},
	} {
		s.transport.SetSelected(tc.label)
		if s.redirectURI.Text != tc.want {
			t.Errorf("%s: register %q, want %q", tc.label, s.redirectURI.Text, tc.want)
		}
	}
	s.transport.SetSelected("My HTTPS relay page")
	s.relayURL.SetText("https://ada.github.io/relay.html")
	if s.redirectURI.Text != "https://ada.github.io/relay.html" || s.relayURL.Hidden {
		t.Errorf("relay: register %q (entry hidden %v)", s.redirectURI.Text, s.relayURL.Hidden)
	}
	for _, b := range buttons(s.w.body) {
		if b.Text == "Copy" {
			test.Tap(b)
		}
	}
	if got := s.g.fyne.Clipboard().Content(); got != "https://ada.github.io/relay.html" {
		t.Errorf("clipboard after the last Copy: %q", got)
	}
}

func TestSetupWizardChecksEachKeyWithFacebookAndSavesNothing(t *testing.T) {
	s, svc := openSetup(t, setupCredentials)
	before, _ := svc.DB.Settings()
	for _, tc := range []struct {
		name, appID, secret, configID string
		field                         func() string
		want                          string
	}{
		{"unknown App ID", "999999999", fakefb.DemoAppSecret, "", func() string { return s.appIDErr.Text }, "No Meta app has this App ID"},
		{"wrong secret", fakefb.DemoAppID, "not-the-demo-secret-0000", "", func() string { return s.secretErr.Text }, "This App secret does not belong"},
		{"bad Configuration ID", fakefb.DemoAppID, fakefb.DemoAppSecret, "LiveRoute", func() string { return s.configIDErr.Text }, "The Configuration ID is a number"},
	} {
		typeApp(s, tc.appID, tc.secret, tc.configID)
		if got := tc.field(); !strings.Contains(got, tc.want) {
			t.Errorf("%s: under the field %q, want %q", tc.name, got, tc.want)
		}
		if !s.w.next.Disabled() {
			t.Errorf("%s: Next is enabled", tc.name)
		}
	}
	typeApp(s, fakefb.DemoAppID, fakefb.DemoAppSecret, "")
	if s.w.next.Disabled() || s.appIDErr.Text != "" || s.secretErr.Text != "" {
		t.Fatalf("right keys: next disabled %v, %q / %q", s.w.next.Disabled(), s.appIDErr.Text, s.secretErr.Text)
	}
	s.secret.SetText(fakefb.DemoAppSecret + "x")
	if !s.w.next.Disabled() {
		t.Fatal("a changed secret keeps Next enabled without a new check")
	}
	if after, _ := svc.DB.Settings(); after != before {
		t.Fatalf("checking saved settings: %+v → %+v", before, after)
	}
}

// connectWith goes from the keys to the end of the login.
func connectWith(t *testing.T, s *setupWizard) {
	t.Helper()
	s.w.goTo(setupCredentials)
	typeApp(s, fakefb.DemoAppID, fakefb.DemoAppSecret, "")
	test.Tap(s.w.next)
	test.Tap(s.connect)
	s.login.wait()
}

func TestSetupWizardShowsADeniedLogin(t *testing.T) {
	s, svc := openSetup(t, setupWelcome)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoDeny: true})
	connectWith(t, s)
	if s.login.problem.Text == "" || !s.w.next.Disabled() || s.connect.Disabled() {
		t.Fatalf("denied: problem %q, next disabled %v, connect disabled %v", s.login.problem.Text, s.w.next.Disabled(), s.connect.Disabled())
	}
}

func TestSetupWizardOffersToAskAgainForADeclinedPermission(t *testing.T) {
	s, svc := openSetup(t, setupWelcome)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, DeclineScopes: []string{"pages_manage_posts"}})
	connectWith(t, s)
	if !strings.Contains(s.granted.Text, "You declined: pages_manage_posts") || s.askAgain.Hidden {
		t.Fatalf("declined: %q, ask again hidden %v", s.granted.Text, s.askAgain.Hidden)
	}
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	test.Tap(s.askAgain)
	s.login.wait()
	if strings.Contains(s.granted.Text, "declined") || !s.askAgain.Hidden {
		t.Fatalf("after asking again: %q", s.granted.Text)
	}
}

func TestSetupWizardGoesFromNothingToAWorkingRoute(t *testing.T) {
	s, svc := openSetup(t, setupWelcome)
	if err := svc.DB.DeleteRoute(firstRouteID(t, svc)); err != nil {
		t.Fatal(err)
	}
	connectWith(t, s)
	if got := s.granted.Text; !strings.Contains(got, "✓ Demo Choir — LiveRoute can post here.") {
		t.Fatalf("granted: %q", got)
	}
	test.Tap(s.w.next)
	if s.w.current != setupRoute {
		t.Fatalf("step %q", s.w.indicator.Text)
	}
	s.source.SetSelected("Demo Church Live")
	s.checks[2].SetChecked(true) // Demo Choir
	s.message.SetText("Live now on {source}: {title} → {page}")
	if want := "Live now on Demo Church Live: Sunday service → Demo Choir"; s.preview.Text != want {
		t.Fatalf("preview %q, want %q", s.preview.Text, want)
	}
	for _, b := range buttons(s.w.body) {
		if b.Text == "Save this route" {
			test.Tap(b)
		}
	}
	routes, _ := svc.DB.Routes()
	if len(routes) != 1 || routes[0].SourceName != "Demo Church Live" || len(routes[0].Targets) != 1 ||
		routes[0].Targets[0].DestinationID != "200000000000003" {
		t.Fatalf("routes after the setup: %+v (%s)", routes, s.saveNote.Text)
	}
	test.Tap(s.w.next)
	s.notifications.SetChecked(false)
	if s.w.next.Text != "Finish" {
		t.Fatalf("last button %q", s.w.next.Text)
	}
	test.Tap(s.w.next)
	if st, _ := svc.DB.Settings(); st.Notifications {
		t.Error("notifications stay on after unticking them")
	}
	if windowOpen(s.w.win) || !windowOpen(s.g.win) {
		t.Error("Finish does not close the wizard and show the main window")
	}
}

func firstRouteID(t *testing.T, svc *service.Service) string {
	t.Helper()
	routes, err := svc.DB.Routes()
	if err != nil || len(routes) == 0 {
		t.Fatalf("demo routes: %v %v", routes, err)
	}
	return routes[0].ID
}

func TestConnectionTabOpensBothWizards(t *testing.T) {
	g, _ := newDemoGUI(t, nil)
	for _, tc := range []struct{ button, title string }{
		{"Set up step by step…", "Set up LiveRoute"},
		{"Sharing stopped? Reset the connection…", "Reset the Facebook connection"},
	} {
		var found bool
		for _, b := range buttons(g.view.connect.root) {
			if b.Text == tc.button {
				test.Tap(b)
				found = true
			}
		}
		if !found {
			t.Fatalf("the Connection tab has no %q button", tc.button)
		}
		var w *wizard
		if g.setupWiz != nil && !g.setupWiz.w.closed {
			w = g.setupWiz.w
		} else if g.resetWiz != nil && !g.resetWiz.w.closed {
			w = g.resetWiz.w
		}
		if w == nil || w.win.Title() != tc.title {
			t.Fatalf("%q opened no %q", tc.button, tc.title)
		}
		w.wait()
		if !strings.Contains(w.indicator.Text, "Step 1 of") {
			t.Errorf("%s opened on %q", tc.title, w.indicator.Text)
		}
		w.close()
	}
}

// onRouteStep connects and shows the route step, with the demo's route
// deleted: the person starts with none.
func onRouteStep(t *testing.T) (*setupWizard, *service.Service) {
	t.Helper()
	s, svc := openSetup(t, setupWelcome)
	if err := svc.DB.DeleteRoute(firstRouteID(t, svc)); err != nil {
		t.Fatal(err)
	}
	connectWith(t, s)
	test.Tap(s.w.next)
	if s.w.current != setupRoute {
		t.Fatalf("step %q", s.w.indicator.Text)
	}
	return s, svc
}

func routeCount(t *testing.T, svc *service.Service) int {
	t.Helper()
	routes, err := svc.DB.Routes()
	if err != nil {
		t.Fatal(err)
	}
	return len(routes)
}

func TestSetupWizardNextSavesTheRouteChosenButNotSaved(t *testing.T) {
	s, svc := onRouteStep(t)
	s.source.SetSelected("Demo Church Live")
	s.checks[2].SetChecked(true) // Demo Choir
	test.Tap(s.w.next)
	if s.w.current != setupStart || routeCount(t, svc) != 1 {
		t.Fatalf("after Next: step %q, %d routes; want the chosen route saved", s.w.indicator.Text, routeCount(t, svc))
	}
}

func TestSetupWizardSavesItsRouteOnceHoweverOftenSaveIsPressed(t *testing.T) {
	s, svc := onRouteStep(t)
	s.source.SetSelected("Demo Church Live")
	s.checks[2].SetChecked(true)
	test.Tap(s.w.next) // saved on the way out
	test.Tap(s.w.back)
	if !s.checks[2].Checked {
		t.Fatal("going Back to the route step lost the ticks")
	}
	s.checks[1].SetChecked(true) // and Demo Youth Group
	// "Save this route" pressed twice.
	for range 2 {
		if !s.saveRoute() {
			t.Fatalf("save: %q", s.saveNote.Text)
		}
	}
	test.Tap(s.w.next)
	routes, _ := svc.DB.Routes()
	if len(routes) != 1 || len(routes[0].Targets) != 2 {
		t.Fatalf("routes: %+v, want the one route, now to two Pages", routes)
	}
}

func TestSetupWizardSkipsTheRouteWhenNoPageIsTicked(t *testing.T) {
	s, svc := onRouteStep(t)
	s.source.SetSelected("Demo Church Live") // chosen, then thought better of
	test.Tap(s.w.next)
	if s.w.current != setupStart || routeCount(t, svc) != 0 {
		t.Fatalf("after Next: step %q, %d routes; want the step skipped", s.w.indicator.Text, routeCount(t, svc))
	}
}

func TestSetupWizardStaysOnTheRouteStepWhenItCannotBeSaved(t *testing.T) {
	s, svc := onRouteStep(t)
	s.checks[2].SetChecked(true) // a Page ticked, no source chosen
	test.Tap(s.w.next)
	if s.w.current != setupRoute || routeCount(t, svc) != 0 || !strings.Contains(s.saveNote.Text, "Choose the source") {
		t.Fatalf("step %q, %d routes, note %q", s.w.indicator.Text, routeCount(t, svc), s.saveNote.Text)
	}
}

func TestSetupWizardNeverOffersTheSourceAsATickedDestination(t *testing.T) {
	s, _ := onRouteStep(t)
	s.checks[0].SetChecked(true)             // Demo Church Live ticked…
	s.source.SetSelected("Demo Church Live") // …then chosen as the source
	if s.checks[0].Checked || !s.checks[0].Disabled() {
		t.Fatal("the source stays ticked as its own destination, a tick no one can undo")
	}
}

func TestDemoConnectionTabSimulatesAPasswordChange(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	var simulate bool
	for _, b := range buttons(g.view.connect.root) {
		if b.Text == "Simulate a password change (demo)" {
			test.Tap(b)
			simulate = true
		}
	}
	if !simulate {
		t.Fatal("the demo's Connection tab offers no way to try the reset without a tray")
	}
	if check, err := svc.CheckConnection(context.Background()); err != nil || check.Healthy || check.Subcode != 460 {
		t.Fatalf("after the simulated change: %+v %v", check, err)
	}
}

func TestOnlyTheDemoConnectionTabOffersToBreakTheConnection(t *testing.T) {
	g, _ := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)
	for _, b := range buttons(g.view.connect.root) {
		if strings.Contains(b.Text, "Simulate") {
			t.Fatalf("outside the demo the Connection tab offers %q", b.Text)
		}
	}
}

func TestSetupWizardKeepsTheKeysStepDoneAfterConnecting(t *testing.T) {
	s, _ := openSetup(t, setupWelcome)
	connectWith(t, s)
	if s.secret.Text != "" {
		t.Fatal("the App secret stays in the window after the connect saved it")
	}
	test.Tap(s.w.back)
	if s.w.current != setupCredentials || s.w.next.Disabled() {
		t.Fatalf("Back to the keys: step %q, Next disabled %v; the saved secret should do", s.w.indicator.Text, s.w.next.Disabled())
	}
	test.Tap(s.checkApp) // checks the saved secret again
	s.w.wait()
	if s.secretErr.Visible() || s.w.next.Disabled() {
		t.Fatalf("checking with the saved secret: %q, Next disabled %v", s.secretErr.Text, s.w.next.Disabled())
	}
}

// The Meta app step: My Apps first, then the App ID pasted right there,
// then each numbered step opens the app's own page on Facebook's
// developer site; before a valid App ID, those buttons say why they wait.
func TestSetupWizardOpensEachStepsOwnPageOfTheApp(t *testing.T) {
	g, _ := newTestGUI(t, newFakeService(relay.State{Kind: relay.Healthy}), true) // not the demo: a real app
	s := g.newSetupWizard()
	s.w.show(setupMetaApp)
	t.Cleanup(func() { closeAndSettle(s.w) })
	a := &recordingApp{desktopApp: s.g.fyne.(*desktopApp)}
	s.g.fyne = a
	press := func(label string) *widget.Button {
		t.Helper()
		for _, b := range buttons(s.w.body) {
			if b.Text == label {
				test.Tap(b)
				return b
			}
		}
		t.Fatalf("the step has no %q button:\n%s", label, allText(s.w.body))
		return nil
	}
	appPages := []string{"Open your app's dashboard → Use cases", "Open your app's Login for Business settings",
		"Open your app's Facebook Login for Business", "Open your app's settings → Basic"}
	for _, tc := range []struct{ typed, why string }{
		{"", "work once you paste its App ID"},
		{"LiveRoute", "The App ID is the number at the top of your app's dashboard"},
	} {
		s.metaAppID.SetText(tc.typed)
		press("Open developers.facebook.com → My Apps") // never waits
		for _, label := range appPages {
			if b := press(label); !b.Disabled() {
				t.Errorf("App ID %q: %q is enabled", tc.typed, label)
			}
		}
		if !s.appPagesWhy.Visible() || !strings.Contains(s.appPagesWhy.Text, tc.why) {
			t.Errorf("App ID %q: the step says %q (shown %v), want %q", tc.typed, s.appPagesWhy.Text, s.appPagesWhy.Visible(), tc.why)
		}
	}
	if want := []string{metaAppsURL, metaAppsURL}; !slices.Equal(a.opened, want) {
		t.Fatalf("before an App ID the step opened %v, want only My Apps", a.opened)
	}

	a.opened = nil
	s.metaAppID.SetText(" 1234567890123456 ")
	if s.appPagesWhy.Visible() {
		t.Errorf("with an App ID the step still says %q", s.appPagesWhy.Text)
	}
	for _, label := range appPages {
		press(label)
	}
	app := "https://developers.facebook.com/apps/1234567890123456/"
	if want := []string{app + "dashboard/", app + "business-login/settings/", app + "business-login/settings/", app + "settings/basic/"}; !slices.Equal(a.opened, want) {
		t.Errorf("the app's pages opened %v, want %v", a.opened, want)
	}
	if s.appID.Text != " 1234567890123456 " {
		t.Errorf("the keys step's App ID is %q, want the one pasted on the Meta app step", s.appID.Text)
	}
	s.appID.SetText("42") // edited on the keys step
	if s.metaAppID.Text != "42" {
		t.Errorf("the Meta app step's App ID is %q after an edit on the keys step", s.metaAppID.Text)
	}
}

// Back while Facebook checks the keys, then Next again: the check can be
// pressed again (it used to stay disabled, and Next with it, for good).
func TestSetupWizardCanCheckAgainAfterLeavingAKeyCheck(t *testing.T) {
	s, svc := openSetup(t, setupCredentials)
	svc.Fake().SetLatency(800 * time.Millisecond)
	s.appID.SetText(fakefb.DemoAppID)
	s.secret.SetText(fakefb.DemoAppSecret)
	test.Tap(s.checkApp)
	test.Tap(s.w.back)
	s.w.wait()
	test.Tap(s.w.next)
	if s.w.current != setupCredentials || s.checkApp.Disabled() {
		t.Fatalf("back on %q: Check disabled %v", s.w.indicator.Text, s.checkApp.Disabled())
	}
	svc.Fake().SetLatency(0)
	test.Tap(s.checkApp)
	s.w.wait()
	if s.w.next.Disabled() {
		t.Fatalf("after a new check Next is disabled: %q %q", s.appIDErr.Text, s.secretErr.Text)
	}
}

// The first start's wizard is the one every later "set up" press brings
// forward: a second one on top of it would hold a second login.
func TestFirstStartOpensTheOneSetupWizard(t *testing.T) {
	g, _ := newFirstStartGUI(t)
	g.firstStart()
	first := g.setupWiz
	if first == nil || !windowOpen(first.w.win) || !strings.Contains(first.w.indicator.Text, "Step 1 of 6") {
		t.Fatal("a first start opens no setup wizard")
	}
	t.Cleanup(func() { closeAndSettle(first.w) })
	first.w.goTo(setupCredentials)
	pressed := false
	for _, b := range buttons(g.view.connect.root) {
		if b.Text == "Set up step by step…" {
			test.Tap(b)
			pressed = true
		}
	}
	g.openReconnect() // the tray's "Reset connection…"
	if !pressed || g.setupWiz != first || first.w.current != setupCredentials {
		t.Fatalf("pressed %v: another wizard %v, or the first one moved to %q", pressed, g.setupWiz != first, first.w.indicator.Text)
	}
	var setups int
	for _, w := range g.fyne.Driver().AllWindows() {
		if w.Title() == "Set up LiveRoute" {
			setups++
		}
	}
	if setups != 1 {
		t.Fatalf("%d setup wizards open, want one", setups)
	}
}

func TestAConnectedStartOpensNoSetupWizard(t *testing.T) {
	g, _ := newDemoGUI(t, nil)
	g.firstStart()
	if g.setupWiz != nil {
		t.Fatal("a connected start opens the setup wizard")
	}
}

// backTo presses Back until step i shows.
func backTo(t *testing.T, s *setupWizard, i int) {
	t.Helper()
	for s.w.current > i && !s.w.back.Disabled() {
		test.Tap(s.w.back)
	}
	if s.w.current != i {
		t.Fatalf("Back stopped on %q", s.w.indicator.Text)
	}
}

// What was granted is for the settings connected with: another way back
// or Configuration ID needs a new connect, or the old ones would be kept.
func TestSetupWizardAsksToConnectAgainAfterTheLoginSettingsChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *setupWizard)
	}{
		{"way back and Configuration ID", func(s *setupWizard) {
			s.transport.SetSelected("Paste the address back")
			test.Tap(s.w.next)
			s.configID.SetText("98765")
		}},
		{"relay address", func(s *setupWizard) {
			s.transport.SetSelected("My HTTPS relay page")
			s.relayURL.SetText("https://ada.github.io/relay.html")
			test.Tap(s.w.next)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openSetup(t, setupWelcome)
			connectWith(t, s)
			if s.w.next.Disabled() || s.granted.Text == "" {
				t.Fatal("the connect did not complete; the test proves nothing")
			}
			backTo(t, s, setupMetaApp)
			tc.change(s)
			test.Tap(s.checkApp)
			s.w.wait()
			test.Tap(s.w.next)
			if s.w.current != setupConnect || !s.w.next.Disabled() || s.granted.Text != "" {
				t.Fatalf("on %q: Next disabled %v, granted %q; want a new connect asked for", s.w.indicator.Text, s.w.next.Disabled(), s.granted.Text)
			}
		})
	}
}

// holdConnect is the service with each Connect held until release closes.
type holdConnect struct {
	service.API
	release chan struct{}
}

func (h holdConnect) Connect(ctx context.Context, req service.ConnectRequest) (account.Result, error) {
	<-h.release
	return h.API.Connect(ctx, req)
}

// Back during Facebook's dialog and a new App ID typed: the login that
// ends was for the old one, so it neither completes the keys step nor
// wipes the secret typed for the new one.
func TestSetupWizardLoginForOldKeysLeavesTheNewKeysUnchecked(t *testing.T) {
	release := make(chan struct{})
	g, _ := newDemoGUI(t, func(api service.API) service.API { return holdConnect{api, release} })
	s := g.newSetupWizard()
	s.w.show(setupCredentials)
	t.Cleanup(func() { closeAndSettle(s.w) })
	typeApp(s, fakefb.DemoAppID, fakefb.DemoAppSecret, "")
	test.Tap(s.w.next)
	test.Tap(s.connect)
	test.Tap(s.w.back)
	s.appID.SetText("1234567890123456")
	close(release)
	s.login.wait()
	if s.secret.Text != fakefb.DemoAppSecret || s.w.ready[setupCredentials] || s.w.ready[setupConnect] {
		t.Fatalf("secret %q, keys done %v, connect done %v", s.secret.Text, s.w.ready[setupCredentials], s.w.ready[setupConnect])
	}
	if !strings.Contains(s.granted.Text, "press Connect again") {
		t.Fatalf("the connect step says %q", s.granted.Text)
	}
}

func TestSetupWizardOffersToAskAgainWhenNoPageWasGranted(t *testing.T) {
	s, svc := openSetup(t, setupWelcome)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, Pages: []string{}})
	connectWith(t, s)
	if !strings.Contains(s.granted.Text, "Facebook granted no Page") || s.askAgain.Hidden {
		t.Fatalf("no Page: %q (%s), ask again hidden %v", s.granted.Text, s.login.problem.Text, s.askAgain.Hidden)
	}
}

// The saved secret is the connected App ID's: another App ID with the
// secret left empty is asked for its secret, under the secret.
func TestSetupWizardAsksForTheSecretOfAnotherAppID(t *testing.T) {
	s, _ := openSetup(t, setupWelcome)
	connectWith(t, s)
	backTo(t, s, setupCredentials)
	s.appID.SetText("1234567890123456")
	if strings.Contains(s.secret.PlaceHolder, "Saved") {
		t.Errorf("for another App ID the secret field says %q", s.secret.PlaceHolder)
	}
	test.Tap(s.checkApp)
	s.w.wait()
	if s.appIDErr.Visible() || !s.secretErr.Visible() || !strings.Contains(s.secretErr.Text, "Paste your App secret") {
		t.Fatalf("under the App ID %q (shown %v), under the secret %q", s.appIDErr.Text, s.appIDErr.Visible(), s.secretErr.Text)
	}
}

// A Page granted ahead of the others while the step was away: the tick
// stays on the Page ticked, not on the one now in its place.
func TestSetupWizardKeepsTicksOnTheirPagesWhenAPageIsAdded(t *testing.T) {
	s, svc := onRouteStep(t)
	s.checks[2].SetChecked(true) // Demo Choir
	if err := svc.DB.PutDestination(store.Destination{ID: "100000000000001", Name: "Demo Alpha", Kind: store.KindPage,
		Status: store.StatusOK}); err != nil {
		t.Fatal(err)
	}
	s.loadPages() // as entering the step again does
	var ticked []string
	for i, c := range s.checks {
		if c.Checked {
			ticked = append(ticked, s.pages[i].Name)
		}
	}
	if s.pages[0].Name != "Demo Alpha" || !slices.Equal(ticked, []string{"Demo Choir"}) {
		t.Fatalf("pages %v, ticked %v; want Demo Choir still ticked", s.pages, ticked)
	}
}

// The demo's app exists only in its fake Facebook: its steps 1–2 say the
// keys are filled in, and the buttons to the app's pages open nothing.
func TestDemoSetupWizardSaysItsKeysAreFilledInAndOpensNoAppPage(t *testing.T) {
	s, _ := openSetup(t, setupWelcome)
	a := &recordingApp{desktopApp: s.g.fyne.(*desktopApp)}
	s.g.fyne = a
	for _, step := range []int{setupWelcome, setupMetaApp} {
		s.w.goTo(step)
		if got := allText(s.w.body); !strings.Contains(got, "keys are filled in already") {
			t.Errorf("%q says nothing of the demo's keys:\n%s", s.w.indicator.Text, got)
		}
	}
	if len(s.appPages) != 4 {
		t.Fatalf("%d buttons to the app's pages, want 4", len(s.appPages))
	}
	for _, b := range s.appPages {
		test.Tap(b)
		if !b.Disabled() {
			t.Errorf("in the demo %q is enabled", b.Text)
		}
	}
	if len(a.opened) != 0 || !strings.Contains(s.appPagesWhy.Text, "In the demo") {
		t.Fatalf("opened %v; the step says %q", a.opened, s.appPagesWhy.Text)
	}
	s.transport.SetSelected("My HTTPS relay page")
	if got := allText(s.w.body); !strings.Contains(got, "This way back needs your own Meta app") {
		t.Errorf("the demo's relay way back is not said to need a real app:\n%s", got)
	}
}

// A demo whose setup was cancelled has no connection to break: neither
// the tray nor the Connection tab offers to (it failed, in the log only).
func TestDemoOffersThePasswordChangeOnlyWhileConnected(t *testing.T) {
	g, _ := newFirstStartGUI(t)
	a := g.fyne.(*desktopApp)
	for _, label := range a.trayLabels() {
		if label == "Simulate a password change (demo)" {
			t.Error("the tray offers to break a connection that does not exist")
		}
	}
	for _, b := range buttons(g.view.connect.root) {
		if b.Text == "Simulate a password change (demo)" && b.Visible() {
			t.Error("the Connection tab offers to break a connection that does not exist")
		}
	}
}

// A double-click on the route step's Next saves the route and shows the
// last step; it does not press its Finish.
func TestSetupWizardDoubleClickOnTheRouteStepsNextDoesNotFinish(t *testing.T) {
	s, _ := onRouteStep(t)
	clock := (&manualClock{at: time.Unix(1000, 0)}).set(s.w)
	test.Tap(s.w.next)
	clock.add(200 * time.Millisecond)
	test.Tap(s.w.next)
	if s.w.closed || s.w.current != setupStart {
		t.Fatalf("after a double-click: closed %v, on %q", s.w.closed, s.w.indicator.Text)
	}
}

// Finish saves the start choices; a Settings tab already built shows them.
func TestSetupWizardFinishShowsItsChoicesInABuiltSettingsTab(t *testing.T) {
	s, svc := openSetup(t, setupStart)
	allTabsBuilt(s.g)
	if !s.g.view.settings.notifications.Checked {
		t.Fatal("the Settings tab starts with notifications off")
	}
	s.notifications.SetChecked(false)
	test.Tap(s.w.next)
	if st, _ := svc.DB.Settings(); st.Notifications {
		t.Fatal("Finish did not save the choice")
	}
	if s.g.view.settings.notifications.Checked {
		t.Error("the Settings tab still shows notifications on after Finish turned them off")
	}
}

// holdCheck is the service with each CheckApp held until release closes.
type holdCheck struct {
	service.API
	release chan struct{}
}

func (h holdCheck) CheckApp(ctx context.Context, check service.AppCheck) error {
	<-h.release
	return h.API.CheckApp(ctx, check)
}

// An App ID changed while Facebook checks the keys: the answer was for the
// old one, so it neither completes the step nor shows its ✓.
func TestSetupWizardKeyCheckAnswerDoesNotCompleteKeysTypedSince(t *testing.T) {
	release := make(chan struct{})
	g, _ := newDemoGUI(t, func(api service.API) service.API { return holdCheck{api, release} })
	s := g.newSetupWizard()
	s.w.show(setupCredentials)
	t.Cleanup(func() { closeAndSettle(s.w) })
	s.appID.SetText(fakefb.DemoAppID)
	s.secret.SetText(fakefb.DemoAppSecret)
	test.Tap(s.checkApp)
	s.appID.SetText("1234567890123456")
	close(release)
	s.w.wait()
	if s.w.ready[setupCredentials] || !s.w.next.Disabled() || s.checkApp.Disabled() {
		t.Fatalf("keys done %v, Next disabled %v, Check disabled %v", s.w.ready[setupCredentials], s.w.next.Disabled(), s.checkApp.Disabled())
	}
	if strings.Contains(allText(s.w.body), "✓") {
		t.Fatalf("a ✓ for an App ID nobody checked: %q", s.configIDErr.Text)
	}
	typeApp(s, fakefb.DemoAppID, fakefb.DemoAppSecret, "")
	if !strings.Contains(s.configIDErr.Text, "✓") {
		t.Fatalf("the right keys checked: %q", s.configIDErr.Text)
	}
	s.appID.SetText(fakefb.DemoAppID + "1")
	if !s.configIDErr.Hidden {
		t.Fatalf("the ✓ stays after an edit: %q", s.configIDErr.Text)
	}
}

// slowSave is the service with each SaveRoute taking wait on the wizard's
// clock, as socket round trips do on the UI goroutine.
type slowSave struct {
	service.API
	clock *manualClock
	wait  time.Duration
}

func (s slowSave) SaveRoute(r store.Route) (store.Route, error) {
	s.clock.add(s.wait)
	return s.API.SaveRoute(r)
}

// The second click of a double-click is handled after the route is saved:
// a slow save must not let it press Finish.
func TestSetupWizardDoubleClickDuringASlowRouteSaveDoesNotFinish(t *testing.T) {
	clock := &manualClock{at: time.Unix(1000, 0)}
	g, svc := newDemoGUI(t, func(api service.API) service.API { return slowSave{api, clock, 400 * time.Millisecond} })
	if err := svc.DB.DeleteRoute(firstRouteID(t, svc)); err != nil {
		t.Fatal(err)
	}
	s := g.newSetupWizard()
	s.w.show(setupWelcome)
	t.Cleanup(func() { closeAndSettle(s.w) })
	connectWith(t, s)
	test.Tap(s.w.next)
	clock.set(s.w)
	s.source.SetSelected("Demo Church Live")
	s.checks[2].SetChecked(true)
	test.Tap(s.w.next) // saves the route: 400 ms pass
	clock.add(100 * time.Millisecond)
	test.Tap(s.w.next)
	if s.w.closed || s.w.current != setupStart || routeCount(t, svc) != 1 {
		t.Fatalf("after a double-click: closed %v, on %q, %d routes", s.w.closed, s.w.indicator.Text, routeCount(t, svc))
	}
}

// Setting up again after a connect starts from the saved Meta app and way
// back, and does not ask for the secret the keychain holds.
func TestSetupWizardAgainStartsFromTheSavedSettings(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	st, err := svc.DB.Settings()
	if err != nil || st.AppID != fakefb.DemoAppID {
		t.Fatalf("the demo's saved App ID %q (%v)", st.AppID, err)
	}
	st.Transport = store.TransportPaste
	if err := svc.DB.PutSettings(st); err != nil {
		t.Fatal(err)
	}
	s := g.newSetupWizard()
	s.w.show(setupMetaApp)
	t.Cleanup(func() { closeAndSettle(s.w) })
	if s.metaAppID.Text != fakefb.DemoAppID || s.transport.Selected != "Paste the address back" {
		t.Fatalf("App ID %q, way back %q", s.metaAppID.Text, s.transport.Selected)
	}
	test.Tap(s.w.next)
	s.w.wait()
	if s.appID.Text != fakefb.DemoAppID || s.secret.Text != "" || !strings.HasPrefix(s.secret.PlaceHolder, "Saved in your keychain") {
		t.Fatalf("keys step: App ID %q, secret %q, placeholder %q", s.appID.Text, s.secret.Text, s.secret.PlaceHolder)
	}
	test.Tap(s.checkApp)
	s.w.wait()
	if s.w.next.Disabled() || s.secretErr.Text != "" {
		t.Fatalf("checking the saved keys: Next disabled %v, %q / %q", s.w.next.Disabled(), s.secretErr.Text, s.appIDErr.Text)
	}
}

// closeBuffer is a file that is a buffer, and knows it was closed.
type closeBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closeBuffer) Close() error { b.closed = true; return nil }

// The relay way back gives its page's file: the button shows with it, and
// the save writes exactly the page `liveroute relay-page` prints.
func TestSetupWizardSavesTheRelayPageWithItsWayBack(t *testing.T) {
	s, _ := openSetup(t, setupMetaApp)
	var saveButton *widget.Button
	for _, b := range buttons(s.w.body) {
		if b.Text == "Save the relay page…" {
			saveButton = b
		}
	}
	if saveButton == nil || s.relayPage.Visible() {
		t.Fatalf("button %v, shown with This computer %v", saveButton != nil, s.relayPage.Visible())
	}
	s.transport.SetSelected("My HTTPS relay page")
	if !s.relayPage.Visible() || !strings.Contains(allText(s.relayPage), "GitHub Pages") {
		t.Fatalf("relay: the page's button shown %v, %q", s.relayPage.Visible(), allText(s.relayPage))
	}
	f := s.g.view.connect
	if f.relayPage.Visible() {
		t.Fatal("the Connection tab offers the relay page with another way back")
	}
	f.transport.SetSelected("My HTTPS relay page (published app)")
	if !f.relayPage.Visible() || !f.relayURL.Visible() {
		t.Fatalf("the Connection tab's relay way back: page button shown %v", f.relayPage.Visible())
	}
	var file closeBuffer
	if err := saveRelayPage(&file); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file.Bytes(), redirectpage.HTML()) || !file.closed || file.Len() == 0 {
		t.Fatalf("saved %d bytes (closed %v), want the relay page's %d", file.Len(), file.closed, len(redirectpage.HTML()))
	}
}
