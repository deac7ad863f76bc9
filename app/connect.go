package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// The ways back from Facebook's dialog, as the form names them.
var transportChoices = []struct{ label, value string }{
	{"This computer (app in Development mode)", store.TransportLoopback},
	{"Paste the address back (published app)", store.TransportPaste},
	{"My HTTPS relay page (published app)", store.TransportRedirectPage},
}

// connectForm is the Connection tab: who is connected, and the form that
// connects or reconnects with the person's own Meta app. Reconnecting keeps
// every route; the form says so.
type connectForm struct {
	g    *GUI
	root *fyne.Container

	summary *widget.Label
	// simulate is the demo's "Simulate a password change (demo)", nil
	// outside the demo.
	simulate  *widget.Button
	appID     *widget.Entry
	secret    *widget.Entry
	configID  *widget.Entry
	transport *widget.Select
	relayURL  *widget.Entry
	// relayPage saves the relay page to host; shown with relayURL.
	relayPage *widget.Button
	// Advanced: the loopback port registered in the Meta app, and the PKCE
	// opt-in (off: Facebook refuses PKCE outside OpenID Connect).
	port *widget.Entry
	pkce *widget.Check
	// pkceOff says why PKCE cannot be ticked while a Configuration ID is set.
	pkceOff  *widget.Label
	setup    *widget.Label // the Meta-app walk-through, naming the redirect URI
	connect  *widget.Button
	addPages *widget.Button
	forget   *widget.Button
	// scroll is the tab's scroller; showFeedback brings the messages into view.
	scroll *container.Scroll
	// secretLookups runs while the keychain is asked for a saved secret.
	secretLookups sync.WaitGroup
	// The login's progress, its Cancel, the paste-back field: shared with
	// the wizards, so every connect looks and behaves the same.
	*loginPanel
}

func newConnectForm(g *GUI) *connectForm {
	f := &connectForm{g: g}
	f.summary = widget.NewLabel("")
	f.summary.Wrapping = fyne.TextWrapWord
	f.appID = widget.NewEntry()
	f.appID.SetPlaceHolder("App ID, e.g. 1234567890123456")
	f.secret = widget.NewPasswordEntry()
	f.secret.SetPlaceHolder("App secret — kept in your system keychain only")
	f.configID = widget.NewEntry()
	f.configID.SetPlaceHolder("Configuration ID — needed for apps made with the Page use case")
	var labels []string
	for _, c := range transportChoices {
		labels = append(labels, c.label)
	}
	f.relayURL = widget.NewEntry()
	f.relayURL.SetPlaceHolder("https://you.github.io/liveroute-relay.html")
	f.relayURL.Hide()
	f.relayPage = widget.NewButton("Save the relay page to host…", func() { askWhereToSaveRelayPage(g.win) })
	f.relayPage.Hide()
	f.transport = widget.NewSelect(labels, func(label string) {
		relay := f.transportValue() == store.TransportRedirectPage
		setVisible(f.relayURL, relay)
		setVisible(f.relayPage, relay)
	})
	f.transport.SetSelectedIndex(0)
	f.port = widget.NewEntry()
	f.port.SetText(strconv.Itoa(store.DefaultLoopbackPort))
	f.port.OnChanged = func(string) { f.showSetup() }
	f.pkce = widget.NewCheck("Use PKCE (logs in with OpenID Connect, the only login where Facebook keeps PKCE)", nil)
	f.pkceOff = wrapLabel(pkceNeedsClassicLogin)
	f.pkceOff.Hide()
	f.configID.OnChanged = func(string) { f.showPKCEChoice() }
	f.setup = wrapLabel("")
	f.connect = widget.NewButton("Connect", func() { f.start(false) })
	f.connect.Importance = widget.HighImportance
	f.addPages = widget.NewButton("Add Pages…", func() { f.start(true) })
	f.loginPanel = newLoginPanel(g)
	f.loginPanel.onFeedback = f.showFeedback

	help := wrapLabel("LiveRoute connects through your own Meta app (developers.facebook.com → Create app → " +
		"“Manage everything on your Page”). Paste its App ID, App secret and, for Facebook Login for Business, " +
		"the Configuration ID. Reconnecting keeps every route: routes are bound to your Pages' IDs, not to the connection.")
	form := widget.NewForm(
		widget.NewFormItem("App ID", f.appID),
		widget.NewFormItem("App secret", f.secret),
		widget.NewFormItem("Configuration ID", f.configID),
		widget.NewFormItem("Return from Facebook", container.NewVBox(f.transport, f.relayURL, f.relayPage)),
	)
	advanced := widget.NewAccordion(widget.NewAccordionItem("Advanced", container.NewVBox(
		widget.NewForm(widget.NewFormItem("Port for Facebook's answer", f.port)),
		wrapLabel("Facebook returns to http://localhost:PORT/callback on this computer; register that exact address in your Meta app. Change the port only if another program uses it."),
		f.pkce, f.pkceOff)))
	f.forget = widget.NewButton("Forget this connection…", f.confirmForget)
	setupWizard := widget.NewButtonWithIcon("Set up step by step…", theme.HelpIcon(), g.showSetupWizard)
	resetWizard := widget.NewButtonWithIcon("Sharing stopped? Reset the connection…", theme.ViewRefreshIcon(), g.openReconnect)
	wizards := container.NewHBox(setupWizard, resetWizard)
	if g.svc.IsDemo() {
		// The tray offers this too, but a desktop without a tray host
		// (GNOME without an extension) shows no tray: the demo's reset must
		// be reachable from the window as well.
		f.simulate = widget.NewButton("Simulate a password change (demo)", g.simulatePasswordChange)
		wizards.Add(f.simulate)
	}
	steps := container.NewVBox(
		wizards,
		widget.NewAccordion(widget.NewAccordionItem("How to create your Meta app (once, about ten minutes)", f.setup)),
		f.forget)
	f.root = container.NewVBox(f.summary, steps, widget.NewSeparator(), help, form, advanced,
		container.NewHBox(f.connect, f.addPages, f.stop), f.loginPanel.root)
	f.showSetup()
	f.load()
	return f
}

// load shows the stored account and fills the form from the settings.
func (f *connectForm) load() {
	f.loadFields()
	f.loadSummary()
}

// loadFields fills the form from the saved settings.
func (f *connectForm) loadFields() {
	settings, err := f.g.svc.Settings()
	if err == nil {
		f.appID.SetText(settings.AppID)
		f.configID.SetText(settings.ConfigID)
		f.relayURL.SetText(settings.RelayURL)
		f.port.SetText(strconv.Itoa(settings.LoginPort()))
		f.pkce.SetChecked(settings.PKCE)
		for i, c := range transportChoices {
			if c.value == settings.Transport {
				f.transport.SetSelectedIndex(i)
			}
		}
	}
}

// loadSummary says who is connected and sets the buttons to match; what
// the person typed stays as it is.
func (f *connectForm) loadSummary() {
	if f.simulate != nil {
		setVisible(f.simulate, f.g.current().health.Connected) // as the tray: only a connection can break
	}
	acct, ok, err := f.g.svc.Account()
	switch {
	case err != nil:
		f.summary.SetText("Your account could not be read: " + err.Error())
	case !ok:
		f.summary.SetText("Not connected yet.")
		f.addPages.Disable()
		if f.forget != nil {
			f.forget.Disable()
		}
		f.connect.SetText("Connect")
	case f.g.current().health.Reconnect:
		// The banner says why; the summary must not still say "Connected".
		f.summary.SetText("Facebook ended the connection of " + acct.Name + " with Meta app " + acct.AppID + ". Reconnect to resume sharing: your routes are kept.")
		f.addPages.Enable()
		if f.forget != nil {
			f.forget.Enable()
		}
		f.connect.SetText("Reconnect")
	default:
		text := "Connected as " + acct.Name + " with Meta app " + acct.AppID + "."
		if !acct.ExpiresAt.IsZero() {
			text += " Facebook ends this connection on " + acct.ExpiresAt.Local().Format("2 Jan 2006") + "; LiveRoute warns you 7 days and 1 day before."
		}
		f.summary.SetText(text)
		f.addPages.Enable()
		if f.forget != nil {
			f.forget.Enable()
		}
		f.connect.SetText("Reconnect")
	}
}

// pkceNeedsClassicLogin is why PKCE is off with a Configuration ID.
const pkceNeedsClassicLogin = "PKCE is off: with a Configuration ID Facebook never uses OpenID Connect, so it would drop PKCE and refuse the login."

// showPKCEChoice disables PKCE while a Configuration ID is typed, and says
// why: a Facebook Login for Business login is never OpenID Connect.
// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
func (f *connectForm) showPKCEChoice() {
	if store.CheckPKCE(true, f.configID.Text) == nil {
		f.pkce.Enable()
		f.pkceOff.Hide()
		return
	}
	f.pkce.Disable()
	f.pkceOff.Show()
}

// portValue is the port typed under Advanced; 0 when it is not a number.
func (f *connectForm) portValue() int {
	p, err := strconv.Atoi(strings.TrimSpace(f.port.Text))
	if err != nil {
		return 0
	}
	return p
}

// showSetup rewrites the Meta-app walk-through for the port typed, so it
// names the exact redirect URI to register.
func (f *connectForm) showSetup() {
	port := f.portValue()
	if store.CheckLoopbackPort(port) != nil {
		port = store.DefaultLoopbackPort
	}
	f.setup.SetText(metaAppSteps(port))
}

func (f *connectForm) transportValue() string {
	i := f.transport.SelectedIndex()
	if i < 0 {
		return store.TransportLoopback
	}
	return transportChoices[i].value
}

// request reads the form; a mistake is a sentence for the person and
// nothing starts. An empty secret is no mistake yet: the keychain may
// hold it (lookForSavedSecret).
func (f *connectForm) request(rerequest bool) (service.ConnectRequest, error) {
	req := service.ConnectRequest{
		AppID:     strings.TrimSpace(f.appID.Text),
		ConfigID:  strings.TrimSpace(f.configID.Text),
		Secret:    fbclient.Token(strings.TrimSpace(f.secret.Text)),
		Transport: f.transportValue(),
		RelayURL:  strings.TrimSpace(f.relayURL.Text),
		Rerequest: rerequest,
		Port:      f.portValue(),
		PKCE:      f.pkce.Checked && !f.pkce.Disabled(),
	}
	if err := service.CheckIDForms(req.AppID, req.ConfigID); err != nil {
		return req, err
	}
	if err := store.CheckLoopbackPort(req.Port); err != nil {
		return req, err
	}
	if req.Transport == store.TransportRedirectPage {
		if err := store.CheckRelayURL(req.RelayURL); err != nil {
			return req, err
		}
	}
	if req.Secret.IsZero() {
		return req, nil
	}
	return req, fbclient.CheckAppSecretForm(req.Secret.Reveal())
}

// errPasteSecret: the form's secret is empty and the keychain has none
// for the App ID.
var errPasteSecret = errors.New("paste your App secret (App settings → Basic → App secret → Show); LiveRoute keeps it in your system keychain only")

// start runs one connect in the background, showing each step.
func (f *connectForm) start(rerequest bool) {
	req, err := f.request(rerequest)
	if err != nil {
		f.showProblem(err)
		return
	}
	f.connect.Disable()
	f.addPages.Disable()
	if req.Secret.IsZero() {
		f.lookForSavedSecret(req)
		return
	}
	f.login(req)
}

// lookForSavedSecret asks the keychain, off the UI goroutine (it can take
// seconds to answer), whether it holds the secret of req's app; the login
// starts if it does, else the form asks for the secret. Connect stays
// disabled meanwhile.
func (f *connectForm) lookForSavedSecret(req service.ConnectRequest) {
	f.problem.SetText("")
	f.progress.SetText("Looking for your App secret in the keychain…")
	f.secretLookups.Add(1)
	go func() {
		defer f.secretLookups.Done()
		saved, err := f.g.svc.HasSavedSecret(req.AppID)
		fyne.Do(func() {
			f.progress.SetText("")
			switch {
			case err != nil:
				f.loginEnded()
				f.showProblem(fmt.Errorf("LiveRoute could not read your App secret from the keychain (%s): paste it again", service.KeychainSentence(err)))
			case !saved:
				f.loginEnded()
				f.showProblem(errPasteSecret)
			default:
				f.login(req)
			}
		})
	}()
}

// login starts the login panel on req. Every widget change happens before
// the login's goroutine starts: it updates the same widgets.
func (f *connectForm) login(req service.ConnectRequest) {
	if !f.loginPanel.start(req, f.finish) {
		f.loginEnded()
	}
}

// loginEnded lets Connect be pressed again.
func (f *connectForm) loginEnded() {
	f.connect.Enable()
	f.loadSummary()
}

func (f *connectForm) showProblem(err error) {
	f.problem.SetText(capitalise(err.Error()))
	f.showFeedback()
}

// waitForSecretLookup blocks until a keychain look-up started by Connect
// has ended and shown its answer.
func (f *connectForm) waitForSecretLookup() { f.secretLookups.Wait() }

func (f *connectForm) finish(res account.Result, err error) {
	f.connect.Enable()
	if err != nil {
		f.loadSummary() // keep what was typed, to correct it
		return
	}
	f.secret.SetText("")
	f.g.connected()
}

// showFeedback scrolls the tab to its messages, under the buttons: the
// form is taller than a small window.
func (f *connectForm) showFeedback() {
	if f.scroll != nil {
		f.scroll.ScrollToBottom()
	}
}

// connectProblem is what the person reads when a connect fails: the
// sentence with the fix, without the wire details (the log has them).
func connectProblem(err error) string {
	if sentence, ok := fbclient.LoginProblem(err); ok {
		return sentence
	}
	if fbclient.Classify(err) == fbclient.ClassTransient {
		return "LiveRoute cannot reach Facebook: check this computer's internet connection, then press Connect again."
	}
	var fe *fbclient.Error
	if errors.As(err, &fe) {
		return fe.Reason()
	}
	return capitalise(err.Error())
}

// confirmForget removes the connection's secrets after asking; routes stay.
func (f *connectForm) confirmForget() {
	dialog.ShowConfirm("Forget this connection?",
		"LiveRoute removes your Facebook tokens from the keychain and stops sharing until you connect again. Your routes, Pages and groups stay.",
		func(ok bool) {
			if ok {
				f.forgetConnection(nil)
			}
		}, f.g.win)
}

// forgetConnection removes the tokens off the UI goroutine (the keychain
// may be slow to answer) and reports on done, when set (tests).
func (f *connectForm) forgetConnection(done chan<- struct{}) {
	f.forget.Disable()
	f.progress.SetText("Forgetting the connection…")
	go func() {
		err := f.g.svc.Disconnect(context.Background())
		if err == nil {
			f.g.showStatus()
		}
		fyne.Do(func() {
			if err != nil {
				f.problem.SetText("The connection was not forgotten: " + err.Error())
				f.forget.Enable()
			} else {
				f.progress.SetText("The connection is forgotten. Connect again whenever you like; your routes are waiting.")
				f.load()
			}
		})
		if done != nil {
			close(done)
		}
	}()
}

// metaAppSteps is META_APP_SETUP.md's walk-through, in the app, naming the
// exact loopback redirect URI on port: Strict Mode matches it exactly.
func metaAppSteps(port int) string {
	return `1. On developers.facebook.com (as yourself, with a Facebook account that manages your Pages): My Apps → Create app. Any name, e.g. "LiveRoute – your name".
2. Use case: "Manage everything on your Page". Business: "I don't want to connect a business portfolio yet". Then Go to dashboard.
3. Use cases → Manage everything on your Page → Customize → Permissions: add pages_show_list, pages_read_engagement, pages_manage_posts, pages_read_user_content, publish_video and pages_manage_engagement (for live crossposting) until each says "Ready for testing".
4. Facebook Login for Business → Configurations → Create configuration: name "LiveRoute", token type "User access token", the six permissions. Copy the Configuration ID.
5. Facebook Login for Business → Settings: Client OAuth login and Web OAuth login on; under Valid OAuth Redirect URIs add exactly ` + fbclient.LoopbackRedirectURI(port) + ` (Facebook matches it letter for letter, port included; its validator may call it invalid — save anyway). Save changes.
6. App settings → Basic: copy the App ID; Show and copy the App secret (treat it like a password).
7. Paste all three above and press Connect. In Facebook's dialog choose Edit settings if offered and tick every Page LiveRoute should use.
8. While the app is in Development mode only you see what it posts. Publish it (App dashboard → Publish) so your followers do, then reconnect with "Paste the address back" (add https://www.facebook.com/connect/login_success.html under Facebook Login for Business → Settings → Valid OAuth Redirect URIs).`
}

func stepText(step fbclient.LoginStep) string {
	switch step {
	case fbclient.StepWaitingForDialog:
		return "Waiting for you in Facebook's dialog (in your browser)…"
	case fbclient.StepExchangingCode:
		return "Facebook answered; finishing the login…"
	case fbclient.StepExtendingToken:
		return "Making the connection last 60 days…"
	case fbclient.StepReadingPermissions:
		return "Reading what you granted…"
	}
	return "Connecting…"
}

func resultText(res account.Result) string {
	text := fmt.Sprintf("Connected as %s: %s ready.", res.User.Name, plural(len(res.Pages), "Page", "Pages"))
	if len(res.Added) > 0 {
		text += " New: " + strings.Join(res.Added, ", ") + "."
	}
	if len(res.Lost) > 0 {
		text += " Not granted this time (kept, flagged): " + strings.Join(res.Lost, ", ") + " — use “Add Pages…” to grant them."
	}
	if res.Replaced != "" {
		text += " This replaced the connection of " + res.Replaced + "."
	}
	if len(res.Declined) > 0 {
		text += " You declined " + strings.Join(res.Declined, ", ") + "; sharing may fail without them — “Add Pages…” asks again."
	}
	return text
}

func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// loginPanel runs one login through the service and shows it: the step
// Facebook is at, the address to register if the dialog says "URL
// blocked", a link to reopen the dialog, Cancel, the paste-back field and,
// at the end, the result or the problem. The Connection tab and both
// wizards use it, so a login looks and behaves the same everywhere.
type loginPanel struct {
	g    *GUI
	root *fyne.Container

	stop *widget.Button
	// browserLink reopens the login dialog while LiveRoute waits for it.
	browserLink *widget.Hyperlink
	progress    *widget.Label
	// urlBlocked names the redirect URI to register while the dialog is
	// open: Facebook's "URL blocked" page never comes back to LiveRoute.
	urlBlocked *widget.Label
	problem    *widget.Label

	// Paste-back: the login address to open and the field to paste into.
	pasteBox   *fyne.Container
	loginLink  *widget.Hyperlink
	pasteEntry *widget.Entry
	pasteDone  *widget.Button

	// onFeedback, when set, brings the messages into view (a scroller).
	onFeedback func()

	mu      sync.Mutex
	pasteCh chan string
	busy    bool
	cancel  context.CancelCauseFunc // ends the login in progress
	running sync.WaitGroup
	// finished and pasteShown, when set (by tests), hear when a connect has
	// ended and when the paste-back field appears with its login address.
	finished   chan error
	pasteShown chan string
}

func newLoginPanel(g *GUI) *loginPanel {
	p := &loginPanel{g: g}
	p.stop = widget.NewButton("Cancel", p.cancelLogin)
	p.stop.Hide()
	p.browserLink = widget.NewHyperlink("Didn't your browser open? Open Facebook's login", nil)
	p.browserLink.Hide()
	p.progress = wrapLabel("")
	p.urlBlocked = wrapLabel("")
	p.urlBlocked.Hide()
	p.problem = wrapLabel("")
	p.problem.Importance = widget.DangerImportance
	p.loginLink = widget.NewHyperlink("Open Facebook's login", nil)
	p.pasteEntry = widget.NewEntry()
	p.pasteEntry.SetPlaceHolder("Paste the whole address of the page Facebook ended on")
	p.pasteDone = widget.NewButton("Continue", p.submitPaste)
	p.pasteBox = container.NewVBox(
		wrapLabel("1. Open Facebook's login and approve LiveRoute. 2. Facebook ends on a page that says “Success”: copy that page's whole address from the browser's address bar. 3. Paste it here."),
		p.loginLink, p.pasteEntry, p.pasteDone)
	p.pasteBox.Hide()
	p.root = container.NewVBox(p.progress, p.urlBlocked, p.browserLink, p.problem, p.pasteBox)
	return p
}

// start runs req in the background and calls done on the UI goroutine
// when it ends; false when a login is already running.
func (p *loginPanel) start(req service.ConnectRequest, done func(account.Result, error)) bool {
	p.mu.Lock()
	if p.busy {
		p.mu.Unlock()
		return false
	}
	p.busy = true
	p.pasteCh = make(chan string, 1)
	pasteCh := p.pasteCh
	// The login's own deadline covers waiting for the browser; this one also
	// covers waiting for a paste, and Cancel ends either.
	ctx, cancelCause := context.WithCancelCause(context.Background())
	ctx, cancelTimeout := context.WithTimeoutCause(ctx, fbclient.DefaultLoginTimeout, fbclient.ErrLoginTimeout)
	p.cancel = cancelCause
	p.running.Add(1)
	p.mu.Unlock()
	p.stop.Show()

	p.problem.SetText("")
	p.progress.SetText("Checking your Meta app…")
	p.feedback()
	req.Progress = func(step fbclient.LoginStep) { fyne.Do(func() { p.progress.SetText(stepText(step)) }) }
	req.OnLoginURL = func(loginURL, urlBlockedHint string) {
		fyne.Do(func() { p.showWaiting(req.Transport, loginURL, urlBlockedHint) })
	}
	req.Paste = func(ctx context.Context, loginURL string, problem error) (string, error) {
		fyne.Do(func() { p.showPaste(loginURL, problem) })
		select {
		case address := <-pasteCh:
			return address, nil
		case <-ctx.Done():
			return "", context.Cause(ctx)
		}
	}
	go func() {
		defer p.running.Done()
		defer cancelTimeout()
		res, err := p.g.svc.Connect(ctx, req)
		if ctx.Err() != nil {
			err = context.Cause(ctx) // say "canceled" or "timed out", not the symptom
		}
		fyne.Do(func() {
			p.finish(res, err)
			done(res, err)
		})
		if p.finished != nil {
			p.finished <- err
		}
	}()
	return true
}

// wait blocks until the login in progress, if any, has ended and shown
// its result.
func (p *loginPanel) wait() { p.running.Wait() }

func (p *loginPanel) showWaiting(transport, loginURL, urlBlockedHint string) {
	if u, err := url.Parse(loginURL); err == nil && transport != store.TransportPaste {
		p.browserLink.SetURL(u)
		p.browserLink.Show()
	}
	p.urlBlocked.SetText(urlBlockedHint)
	p.urlBlocked.Show()
	p.feedback()
}

func (p *loginPanel) finish(res account.Result, err error) {
	p.mu.Lock()
	p.busy = false
	p.cancel = nil
	p.mu.Unlock()
	p.stop.Hide()
	p.browserLink.Hide()
	p.urlBlocked.Hide()
	p.pasteBox.Hide()
	if err != nil {
		p.progress.SetText("")
		p.problem.SetText(connectProblem(err))
	} else {
		p.progress.SetText(resultText(res))
	}
	p.feedback()
}

func (p *loginPanel) feedback() {
	if p.onFeedback != nil {
		p.onFeedback()
	}
}

// isBusy: a login runs. Any goroutine.
func (p *loginPanel) isBusy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.busy
}

// cancelLogin ends the login in progress; the panel says so when it stops.
func (p *loginPanel) cancelLogin() {
	p.mu.Lock()
	cancel := p.cancel
	p.mu.Unlock()
	if cancel != nil {
		cancel(fbclient.ErrLoginCanceled)
	}
}

func (p *loginPanel) showPaste(loginURL string, problem error) {
	if u, err := url.Parse(loginURL); err == nil {
		p.loginLink.SetURL(u)
	}
	p.pasteEntry.SetText("")
	p.pasteBox.Show()
	p.progress.SetText("Waiting for the address you paste…")
	p.feedback()
	if problem != nil {
		p.problem.SetText(problem.Error() + " Paste the address again.")
	}
	if p.pasteShown != nil {
		p.pasteShown <- loginURL
	}
}

func (p *loginPanel) submitPaste() {
	address := strings.TrimSpace(p.pasteEntry.Text)
	if address == "" {
		p.problem.SetText("Paste the address of the page Facebook ended on first.")
		return
	}
	p.mu.Lock()
	ch := p.pasteCh
	p.mu.Unlock()
	if ch == nil {
		return
	}
	p.problem.SetText("")
	p.progress.SetText("Reading the address…")
	select {
	case ch <- address:
	default: // already submitted; the login is working on it
	}
}

// connected shows a new connection everywhere: routes, health, the tab.
func (g *GUI) connected() {
	g.view.refresh()
	g.view.reloadConnection()
	g.show(g.shownOf(g.svc.Status()))
}
