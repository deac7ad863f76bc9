package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// newDemoGUI is the window over the demo's service: a fake Facebook over
// HTTP, a bbolt file, secrets in memory, a connected person with a route,
// and an auto-approving login dialog on a port of the test's own. wrap,
// when set, stands between the window and the service.
func newDemoGUI(t *testing.T, wrap func(service.API) service.API) (*GUI, *service.Service) {
	t.Helper()
	return openDemoGUI(t, false, wrap)
}

// newFirstStartGUI is the demo's first desktop start: never connected.
func newFirstStartGUI(t *testing.T) (*GUI, *service.Service) {
	t.Helper()
	return openDemoGUI(t, true, nil)
}

func openDemoGUI(t *testing.T, setup bool, wrap func(service.API) service.API) (*GUI, *service.Service) {
	t.Helper()
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	svc, err := service.Open(context.Background(), service.Options{Paths: paths, Demo: true, DemoSetup: setup,
		OpenBrowser: fakefb.Browse, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	port := freePort(t)
	settings, _ := svc.DB.Settings()
	settings.LoopbackPort = port
	if err := svc.DB.PutSettings(settings); err != nil {
		t.Fatal(err)
	}
	svc.Fake().AddRedirectURI(fakefb.DemoAppID, fbclient.LoopbackRedirectURI(port))
	var api service.API = svc
	if wrap != nil {
		api = wrap(svc)
	}
	g := allTabsBuilt(New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: api, TrayHost: func() bool { return true }}))
	return g, svc
}

// inState is a real service whose engine says it is in state.
type inState struct {
	service.API
	state relay.State
}

func (s inState) Status() relay.Status {
	st := s.API.Status()
	st.State = s.state
	return st
}

// openReset opens the reset wizard on step and waits for its first check.
func openReset(t *testing.T, g *GUI, step int) *resetWizard {
	t.Helper()
	r := g.newResetWizard()
	r.w.show(step)
	r.w.wait()
	t.Cleanup(func() { closeAndSettle(r.w) })
	return r
}

func wizardText(r *resetWizard) string { return r.w.indicator.Text + "\n" + allText(r.w.body) }

// next presses Next and fails unless the wizard moved to want.
func next(t *testing.T, r *resetWizard, want int) {
	t.Helper()
	if r.w.next.Disabled() {
		t.Fatalf("Next is disabled on %q", r.w.indicator.Text)
	}
	test.Tap(r.w.next)
	r.w.wait()
	if r.w.current != want {
		t.Fatalf("after Next: step %d (%q), want %d", r.w.current, r.w.indicator.Text, want)
	}
}

func reconnectNow(t *testing.T, r *resetWizard) {
	t.Helper()
	test.Tap(r.reconnect)
	r.login.wait()
}

func TestResetWizardSaysAHealthyConnectionIsFineAndStops(t *testing.T) {
	g, _ := newDemoGUI(t, nil)
	r := openReset(t, g, resetWhy)
	if got := wizardText(r); !strings.Contains(got, "Step 1 of 5 — Why sharing stopped") || !strings.Contains(got, "Your connection is fine") {
		t.Fatalf("step 1 says:\n%s", got)
	}
	if got := allText(r.w.body); r.kept.Visible() || !strings.Contains(got, "nothing to reset") {
		t.Fatalf("a fine connection still promises reconnect steps:\n%s", got)
	}
	if r.w.next.Text != "Close" || r.w.next.Disabled() || !r.w.back.Disabled() {
		t.Fatalf("buttons: next %q (disabled %v), back disabled %v; want Close only", r.w.next.Text, r.w.next.Disabled(), r.w.back.Disabled())
	}
	test.Tap(r.w.next)
	if windowOpen(r.w.win) {
		t.Fatal("Close left the wizard open")
	}
}

func TestResetWizardSendsSomeoneNeverConnectedToTheSetup(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	if err := svc.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := openReset(t, g, resetWhy)
	if got := wizardText(r); !strings.Contains(got, "The setup creates the connection") || r.kept.Visible() || !r.toSetup.Visible() {
		t.Fatalf("step 1 with nothing connected (setup button shown %v):\n%s", r.toSetup.Visible(), got)
	}
	if r.w.next.Text != "Close" || !r.w.back.Disabled() {
		t.Fatalf("buttons: next %q, back disabled %v; want Close only", r.w.next.Text, r.w.back.Disabled())
	}
	test.Tap(r.toSetup)
	if windowOpen(r.w.win) || g.setupWiz == nil || g.setupWiz.w.closed {
		t.Fatalf("the setup button: reset still open %v, setup opened %v", windowOpen(r.w.win), g.setupWiz != nil)
	}
	closeAndSettle(g.setupWiz.w)
}

// With nothing connected, the Connection tab's reset button opens the
// setup: there is nothing to reset.
func TestConnectionTabResetOpensTheSetupWhenNothingIsConnected(t *testing.T) {
	g, _ := newFirstStartGUI(t)
	for _, b := range buttons(g.view.connect.root) {
		if b.Text == "Sharing stopped? Reset the connection…" {
			test.Tap(b)
		}
	}
	if g.resetWiz != nil || g.setupWiz == nil || g.setupWiz.w.closed {
		t.Fatalf("reset wizard %v, setup wizard %v", g.resetWiz != nil, g.setupWiz != nil)
	}
	closeAndSettle(g.setupWiz.w)
}

func TestResetWizardWalksFromAPasswordChangeBackToSharingWithTheRouteIntact(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	r := openReset(t, g, resetWhy)
	if got := wizardText(r); !strings.Contains(got, "Your Facebook password changed") || !strings.Contains(got, "A new password ends every app's session") {
		t.Fatalf("step 1 says:\n%s", got)
	}
	next(t, r, resetBusiness)
	next(t, r, resetReconnect) // a password change needs no look at Business Integrations
	if !r.w.next.Disabled() || !strings.Contains(r.appLine.Text, "One click") {
		t.Fatalf("reconnect step before the login: next disabled %v, %q", r.w.next.Disabled(), r.appLine.Text)
	}
	reconnectNow(t, r)
	if !strings.Contains(r.login.progress.Text, "Connected as Demo Person: 3 Pages ready") || r.login.problem.Text != "" {
		t.Fatalf("after reconnecting: %q / %q", r.login.progress.Text, r.login.problem.Text)
	}
	next(t, r, resetRebind)
	if got := allText(r.bindings); !strings.Contains(got, "Sunday service") || strings.Contains(got, "⚠") ||
		!strings.Contains(got, "✓ Demo Youth Group") {
		t.Fatalf("routes after reconnecting:\n%s", got)
	}
	next(t, r, resetVerify)
	got := allText(r.checks)
	if strings.Contains(got, "✗") || strings.Count(got, "✓") != 3 {
		t.Fatalf("verify step:\n%s", got)
	}
	if r.w.next.Text != "Finish" {
		t.Fatalf("last step's button: %q", r.w.next.Text)
	}
	test.Tap(r.w.next)
	if check, err := svc.CheckConnection(context.Background()); err != nil || !check.Healthy {
		t.Fatalf("after the wizard: %+v %v", check, err)
	}
}

func TestResetWizardKeepsAndFlagsAPageTheLoginNoLongerGrants(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	fake := svc.Fake()
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	// This time the person leaves the Youth Group unticked in the dialog.
	fake.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, Pages: []string{"200000000000001", "200000000000003"}})
	r := openReset(t, g, resetReconnect)
	reconnectNow(t, r)
	next(t, r, resetRebind)
	got := allText(r.bindings)
	if !strings.Contains(got, "⚠ Demo Youth Group") || !strings.Contains(got, "No longer granted (kept, flagged on their routes): Demo Youth Group") {
		t.Fatalf("routes after a login without the Youth Group:\n%s", got)
	}
	if l := segmentStartingWith(r.bindings, "⚠ Demo Youth Group"); l == nil || l.Style.ColorName != theme.ColorNameWarning {
		t.Error("the lost Page's line is not in the warning colour")
	}
	routes, _ := svc.DB.Routes()
	if len(routes) != 1 || len(routes[0].Targets) != 3 {
		t.Fatalf("routes changed: %+v", routes)
	}
	next(t, r, resetVerify)
	if got := allText(r.checks); !strings.Contains(got, "✗ Demo Youth Group") {
		t.Fatalf("verify step does not flag the lost Page:\n%s", got)
	}

	// "Add Pages…" asks again; ticking it brings the Page back.
	fake.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	r.w.goTo(resetRebind)
	test.Tap(r.addPages)
	r.login.wait()
	if got := allText(r.bindings); strings.Contains(got, "⚠") {
		t.Fatalf("after Add Pages…:\n%s", got)
	}
}

func TestResetWizardVerifyStepOffersAddPagesAndChecksAgain(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	fake := svc.Fake()
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	fake.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, Pages: []string{"200000000000001", "200000000000003"}})
	r := openReset(t, g, resetReconnect)
	reconnectNow(t, r)
	next(t, r, resetRebind)
	if !r.w.body.Visible() || !isShownIn(r.loginBox, r.loginSlots[resetRebind]) {
		t.Fatal("the routes step does not show the login its “Add Pages…” runs")
	}
	next(t, r, resetVerify)
	if r.addPagesToo.Hidden || !isShownIn(r.loginBox, r.loginSlots[resetVerify]) {
		t.Fatalf("a lost Page on the verify step, and no “Add Pages…” there:\n%s", allText(r.checks))
	}
	fake.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	test.Tap(r.addPagesToo)
	r.login.wait()
	r.w.wait() // the check runs again
	if got := allText(r.checks); strings.Contains(got, "✗") || !r.addPagesToo.Hidden {
		t.Fatalf("after Add Pages… on the verify step:\n%s", got)
	}
}

// isShownIn reports whether o is the content of slot.
func isShownIn(o fyne.CanvasObject, slot *fyne.Container) bool {
	return len(slot.Objects) == 1 && slot.Objects[0] == o
}

func TestResetWizardSaysWhyADeniedLoginStoppedAndAllowsAnotherTry(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoDeny: true})
	r := openReset(t, g, resetReconnect)
	reconnectNow(t, r)
	if r.login.problem.Text == "" || !r.w.next.Disabled() || r.reconnect.Disabled() {
		t.Fatalf("after a denied login: problem %q, next disabled %v, reconnect disabled %v",
			r.login.problem.Text, r.w.next.Disabled(), r.reconnect.Disabled())
	}
}

func TestExpiryWarningOpensTheReconnectStep(t *testing.T) {
	g, _ := newDemoGUI(t, func(api service.API) service.API { return inState{api, relay.State{Kind: relay.Expiring}} })
	if !strings.Contains(strings.Join(g.tray.(*desktopApp).trayLabels(), "|"), "Renew connection…") {
		t.Fatalf("tray: %v", g.tray.(*desktopApp).trayLabels())
	}
	if g.view.connectBt.Hidden || g.view.connectBt.Text != "Renew now…" {
		t.Fatalf("banner button: %q hidden %v", g.view.connectBt.Text, g.view.connectBt.Hidden)
	}
	test.Tap(g.view.connectBt)
	if g.resetWiz == nil {
		t.Fatal("the renewal opened no reset wizard")
	}
	defer closeAndSettle(g.resetWiz.w)
	g.resetWiz.w.wait() // the step reads the saved app in the background
	if !strings.Contains(g.resetWiz.w.indicator.Text, "Step 3 of 5 — Reconnect") {
		t.Fatal("the renewal did not open the reset wizard's reconnect step")
	}
}

func TestDemoTraySimulatesAPasswordChangeForTheResetWizard(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	a := g.tray.(*desktopApp)
	a.mu.Lock()
	var simulate *fyne.MenuItem
	for _, it := range a.menu.Items {
		if it.Label == "Simulate a password change (demo)" {
			simulate = it
		}
	}
	a.mu.Unlock()
	if simulate == nil {
		t.Fatalf("demo tray: %v", a.trayLabels())
	}
	simulate.Action()
	if check, err := svc.CheckConnection(context.Background()); err != nil || check.Healthy || check.Subcode != 460 {
		t.Fatalf("after the simulated change: %+v %v", check, err)
	}
}

func TestOnlyTheDemoTrayOffersToBreakTheConnection(t *testing.T) {
	g, a := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)
	_ = g
	if strings.Contains(strings.Join(a.trayLabels(), "|"), "Simulate") {
		t.Fatalf("tray outside the demo: %v", a.trayLabels())
	}
}

func TestResetWizardAsksForTheSecretOnceWhenTheKeychainLostIt(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	if err := svc.Secrets.Delete(store.AppSecretKey(fakefb.DemoAppID)); err != nil {
		t.Fatal(err)
	}
	r := openReset(t, g, resetReconnect)
	if r.secret.Hidden || !strings.Contains(r.appLine.Text, "paste it once more") {
		t.Fatalf("without a saved secret: %q (secret field hidden %v)", r.appLine.Text, r.secret.Hidden)
	}
	r.secret.SetText(fakefb.DemoAppSecret)
	reconnectNow(t, r)
	if r.login.problem.Text != "" || r.w.next.Disabled() || !r.secret.Hidden || r.secret.Text != "" {
		t.Fatalf("after reconnecting with the pasted secret: %q, next disabled %v, secret field %q hidden %v",
			r.login.problem.Text, r.w.next.Disabled(), r.secret.Text, r.secret.Hidden)
	}
	if got, err := svc.Secrets.Get(store.AppSecretKey(fakefb.DemoAppID)); err != nil || got != fakefb.DemoAppSecret {
		t.Fatalf("the secret is not back in the keychain: %v", err)
	}
}

// A token gone from the keychain was not ended by Facebook: step 1 says
// so, without Facebook's reasons for ending a connection, and the way on
// is a reconnect.
func TestResetWizardSaysATokenMissingFromTheKeychainWasNotFacebooksDoing(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	acct, ok, err := svc.DB.Account()
	if err != nil || !ok {
		t.Fatalf("the demo has no account: %v", err)
	}
	if err := svc.Secrets.Delete(store.UserTokenKey(acct.UserID)); err != nil {
		t.Fatal(err)
	}
	r := openReset(t, g, resetWhy)
	got := wizardText(r)
	if !strings.Contains(got, "missing from the keychain") || !strings.Contains(got, "This is not Facebook's doing") {
		t.Fatalf("step 1 with the token gone from the keychain:\n%s", got)
	}
	if strings.Contains(got, "Facebook ends connections when") || strings.Contains(got, "Facebook says") {
		t.Errorf("step 1 gives Facebook's reasons for a token Facebook never saw:\n%s", got)
	}
	if r.w.next.Disabled() || !r.kept.Visible() {
		t.Fatalf("step 1 leads nowhere: next disabled %v, routes-kept note shown %v", r.w.next.Disabled(), r.kept.Visible())
	}
	next(t, r, resetBusiness)
	if got := r.businessWhy.Text; !strings.Contains(got, "Facebook gave no reason") || r.w.next.Disabled() {
		t.Errorf("step 2 after a lost key: %q (next disabled %v)", got, r.w.next.Disabled())
	}
}

func TestCancelingTheResetWizardEndsTheLoginItWaitsFor(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	settings, _ := svc.DB.Settings()
	settings.Transport = store.TransportPaste // the login then waits for a paste that never comes
	if err := svc.DB.PutSettings(settings); err != nil {
		t.Fatal(err)
	}
	before, _, _ := svc.DB.Account()
	r := openReset(t, g, resetReconnect)
	r.login.pasteShown = make(chan string, 1)
	test.Tap(r.reconnect)
	<-r.login.pasteShown
	test.Tap(r.w.cancel)
	r.login.wait()
	if windowOpen(r.w.win) || !strings.Contains(strings.ToLower(r.login.problem.Text), "cancel") {
		t.Fatalf("after Cancel: window open %v, problem %q", windowOpen(r.w.win), r.login.problem.Text)
	}
	if after, _, _ := svc.DB.Account(); !after.ExpiresAt.Equal(before.ExpiresAt) || after.UserID != before.UserID {
		t.Fatalf("a canceled login changed the account: %+v → %+v", before, after)
	}
}

// segmentStartingWith is the first text segment of a rich text inside o
// (cards included) whose text starts with prefix.
func segmentStartingWith(o fyne.CanvasObject, prefix string) *widget.TextSegment {
	switch o := o.(type) {
	case *widget.RichText:
		for _, seg := range o.Segments {
			if t, ok := seg.(*widget.TextSegment); ok && strings.HasPrefix(t.Text, prefix) {
				return t
			}
		}
	case *widget.Card:
		if o.Content != nil {
			return segmentStartingWith(o.Content, prefix)
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if t := segmentStartingWith(c, prefix); t != nil {
				return t
			}
		}
	}
	return nil
}

// Opening the reset wizard again brings the open one forward on the step
// the person is on; it does not start over.
func TestOpeningTheResetWizardAgainKeepsThePersonsPlace(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	g.showResetWizard(resetWhy)
	r := g.resetWiz
	t.Cleanup(func() { closeAndSettle(r.w) })
	r.w.wait()
	next(t, r, resetBusiness)
	for _, step := range []int{resetWhy, resetReconnect} {
		g.showResetWizard(step)
		r.w.wait()
		if g.resetWiz != r || r.w.current != resetBusiness || !windowOpen(r.w.win) {
			t.Fatalf("opened again on %d: another wizard %v, now on %q", step, g.resetWiz != r, r.w.indicator.Text)
		}
	}
}

// Business Integrations holds the reset back only when Facebook's reason
// is there: the app removed (458) or a Page role lost (492).
func TestResetBusinessStepWaitsOnlyWhenTheCauseIsThere(t *testing.T) {
	for _, tc := range []struct {
		subcode int
		waits   bool
	}{{460, false}, {463, false}, {459, false}, {458, true}, {492, true}} {
		t.Run(itoa(tc.subcode), func(t *testing.T) {
			g, svc := newDemoGUI(t, nil)
			acct, _, err := svc.Account()
			if err != nil {
				t.Fatal(err)
			}
			svc.Fake().InvalidateUser(acct.UserID, tc.subcode)
			r := openReset(t, g, resetWhy)
			next(t, r, resetBusiness)
			if r.w.next.Disabled() != tc.waits {
				t.Fatalf("Next disabled %v before the tick, want %v:\n%s", r.w.next.Disabled(), tc.waits, wizardText(r))
			}
			r.businessDone.SetChecked(true)
			if r.w.next.Disabled() {
				t.Fatal("Next is disabled after the tick")
			}
			r.businessDone.SetChecked(false)
			if r.w.next.Disabled() != tc.waits {
				t.Fatalf("Next disabled %v after unticking, want %v", r.w.next.Disabled(), tc.waits)
			}
		})
	}
}

// The reconnect keeps the saved way back: the step names it, and for
// "This computer" says what to do once the app is published.
func TestResetReconnectNamesTheWayBackAndHowToChangeIt(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	r := openReset(t, g, resetReconnect)
	if !strings.Contains(r.appLine.Text, "“This computer”") || !r.published.Visible() ||
		!strings.Contains(r.published.Text, "Paste the address back") {
		t.Fatalf("loopback: %q, published hint shown %v", r.appLine.Text, r.published.Visible())
	}
	st, _ := svc.DB.Settings()
	st.Transport = store.TransportPaste
	if err := svc.DB.PutSettings(st); err != nil {
		t.Fatal(err)
	}
	r.w.goTo(resetReconnect)
	r.w.wait()
	if !strings.Contains(r.appLine.Text, "“Paste the address back”") || r.published.Visible() {
		t.Fatalf("paste: %q, published hint shown %v", r.appLine.Text, r.published.Visible())
	}
}

// For "This computer", the reconnect step offers to paste the address back
// instead (a published app refuses the loopback): the reconnect then
// finishes with the pasted address, and that way back is saved.
func TestResetReconnectCanPasteTheAddressBackInstead(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	r := openReset(t, g, resetReconnect)
	if !r.usePaste.Visible() {
		t.Fatalf("no way to paste the address back for %q", r.appLine.Text)
	}
	test.Tap(r.usePaste)
	if !strings.Contains(r.appLine.Text, "“Paste the address back”") || r.usePaste.Visible() || r.published.Visible() {
		t.Fatalf("after choosing to paste: %q (button shown %v, hint shown %v)", r.appLine.Text, r.usePaste.Visible(), r.published.Visible())
	}
	// Back and again: the choice stays while the wizard is open.
	r.w.goTo(resetBusiness)
	r.w.goTo(resetReconnect)
	r.w.wait()
	if !strings.Contains(r.appLine.Text, "“Paste the address back”") {
		t.Fatalf("the choice was lost on coming back: %q", r.appLine.Text)
	}
	pasteReconnect(t, r)
	if st, err := svc.DB.Settings(); err != nil || st.Transport != store.TransportPaste {
		t.Errorf("the saved way back after the reconnect: %q (%v), want paste-back", st.Transport, err)
	}
	if check, err := svc.CheckConnection(context.Background()); err != nil || !check.Healthy {
		t.Errorf("after the pasted reconnect: %+v %v", check, err)
	}
	// Saved now: coming back to the step says it as the saved way back.
	r.w.goTo(resetBusiness)
	r.w.goTo(resetReconnect)
	r.w.wait()
	if !strings.Contains(r.appLine.Text, "as before") || !strings.Contains(r.appLine.Text, "“Paste the address back”") || r.usePaste.Visible() {
		t.Errorf("after the pasted reconnect the step says %q (paste button shown %v)", r.appLine.Text, r.usePaste.Visible())
	}
}

// The person presses Reconnect with "This computer", Facebook says "URL
// blocked", and they choose to paste instead: the waiting login ends, and
// Reconnect then runs a paste-back login (it never sits enabled doing
// nothing).
func TestResetChoosingPasteWhileALoginWaitsEndsThatLogin(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{}) // the dialog waits: nobody presses Continue
	r := openReset(t, g, resetReconnect)
	test.Tap(r.reconnect)
	if !r.login.isBusy() || !r.reconnect.Disabled() {
		t.Fatalf("the loopback login is not waiting: busy %v, reconnect disabled %v", r.login.isBusy(), r.reconnect.Disabled())
	}
	test.Tap(r.usePaste)
	r.login.wait()
	if r.login.isBusy() || r.reconnect.Disabled() {
		t.Fatalf("after choosing paste: login busy %v, reconnect disabled %v", r.login.isBusy(), r.reconnect.Disabled())
	}
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	pasteReconnect(t, r)
	if st, _ := svc.DB.Settings(); st.Transport != store.TransportPaste {
		t.Errorf("the saved way back: %q, want paste-back", st.Transport)
	}
}

// pasteReconnect presses Reconnect on a paste-back reconnect and pastes
// the address the fake Facebook's dialog ends on.
func pasteReconnect(t *testing.T, r *resetWizard) {
	t.Helper()
	r.login.pasteShown = make(chan string, 1)
	r.login.finished = make(chan error, 1)
	test.Tap(r.reconnect)
	var loginURL string
	select {
	case loginURL = <-r.login.pasteShown:
	case err := <-r.login.finished:
		t.Fatalf("the reconnect ended before the paste: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no paste field 30 s after Reconnect")
	}
	final, err := fakefb.FinalAddress(loginURL)
	if err != nil {
		t.Fatal(err)
	}
	r.login.pasteEntry.SetText(final)
	test.Tap(r.login.pasteDone)
	select {
	case err := <-r.login.finished:
		if err != nil {
			t.Fatalf("the pasted reconnect: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the pasted reconnect did not end in 30 s")
	}
	r.login.wait()
}
