package app

import (
	"context"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/redirectpage"
	"github.com/liveroute/liveroute/store"
)

// The setup wizard's steps, in order.
const (
	setupWelcome = iota
	setupMetaApp
	setupCredentials
	setupConnect
	setupRoute
	setupStart
)

const secretPlaceholder = "App secret — kept in your system keychain only"

// Facebook's pages the setup sends the person to.
const (
	metaAppsURL = "https://developers.facebook.com/apps/"
	// An app's own pages on developers.facebook.com, by the path after
	// metaAppsURL+"{app-id}/". Verified (seen in public code and guides):
	// dashboard/, settings/basic/, business-login/settings/ and
	// app-review/permissions/. The use cases' permissions and Login for
	// Business configurations have best-known shapes only
	// (use-cases/…, business-login/configurations/), so their steps open the
	// nearest verified page: the dashboard (which lists the use cases) and
	// Login for Business settings (whose menu holds Configurations).
	appDashboardPath     = "dashboard/"
	appBasicSettingsPath = "settings/basic/"
	appLoginSettingsPath = "business-login/settings/"
	// Meta's own redirect for desktop apps, for a published app's paste-back:
	// https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
	loginSuccessURL = "https://www.facebook.com/connect/login_success.html"
)

// setupWizard takes a newcomer from nothing to a working route: what
// LiveRoute needs, their own Meta app, its credentials checked, the login,
// a first route, and how LiveRoute starts.
type setupWizard struct {
	g *GUI
	w *wizard
	// demo: the demo's own Meta app, which exists only in its fake
	// Facebook, fills the keys.
	demo bool

	transport *widget.RadioGroup
	relayURL  *widget.Entry
	// relayPage gives the relay page's file and says where to host it;
	// shown with relayURL.
	relayPage   *fyne.Container
	redirectURI *widget.Label
	port        int
	// metaAppID is the App ID pasted as the app is created, the same value
	// as the keys step's appID (either field edits both); appPages are the
	// buttons to the app's own pages, enabled once it is an App ID, and
	// appPagesWhy says why they are not.
	metaAppID   *widget.Entry
	appPages    []*widget.Button
	appPagesWhy *widget.Label

	appID, secret, configID          *widget.Entry
	appIDErr, secretErr, configIDErr *widget.Label
	checkApp                         *widget.Button
	// secretSavedFor is the App ID whose secret a connect saved to the
	// keychain; for that App ID an empty field means the saved one
	// (service.AppCheck's rule), for any other the secret is asked for.
	secretSavedFor string

	connect  *widget.Button
	askAgain *widget.Button
	login    *loginPanel
	granted  *widget.Label
	// loginReq is what the login in progress (or the last one) connects
	// with: its answer completes the keys step only if they still match.
	loginReq service.ConnectRequest

	source   *widget.Select
	pages    []store.Destination
	targets  *fyne.Container
	checks   []*widget.Check
	message  *widget.Entry
	preview  *widget.Label
	saveNote *widget.Label
	// savedRouteID is the route this step saved, updated (never doubled)
	// by another save; routeChanged: the form differs from what was saved.
	savedRouteID string
	routeChanged bool

	autostart     *widget.Check
	notifications *widget.Check
}

// The ways back from Facebook, as the setup explains them.
var setupTransports = []struct{ label, value, why string }{
	{"This computer", store.TransportLoopback, "Facebook returns to LiveRoute on this computer (http://localhost). Works while your Meta app is in Development mode — start here."},
	{"Paste the address back", store.TransportPaste, "Facebook ends on its own “Success” page; you copy that page's address into LiveRoute. Works for a published app, nothing to host."},
	{"My HTTPS relay page", store.TransportRedirectPage, "A one-file page you host on any HTTPS site (e.g. GitHub Pages) sends Facebook's answer back to LiveRoute. Published app, one click per login."},
}

// showSetupWizard opens the setup wizard at its first step, or brings the
// one already open to the front.
func (g *GUI) showSetupWizard() { fyne.Do(g.openSetupWizard) }

// firstStart opens the setup wizard when nothing is connected: the setup
// comes first. It is the one wizard later Connect… presses bring forward.
func (g *GUI) firstStart() {
	if !g.current().account {
		g.openSetupWizard()
	}
}

// openSetupWizard is showSetupWizard on the UI goroutine (or before the
// event loop runs).
func (g *GUI) openSetupWizard() {
	if g.setupWiz == nil || g.setupWiz.w.closed {
		g.setupWiz = g.newSetupWizard()
		g.setupWiz.w.show(setupWelcome)
		return
	}
	g.setupWiz.w.front()
}

func (g *GUI) newSetupWizard() *setupWizard {
	s := &setupWizard{g: g, port: store.DefaultLoopbackPort}
	demoID, demoSecret, demo := g.svc.DemoApp()
	s.demo = demo
	st, err := g.svc.Settings()
	if err == nil {
		s.port = st.LoginPort()
	}
	s.w = newWizard(g.fyne, "Set up LiveRoute", []*wizardStep{
		{title: "Welcome", content: s.welcomeStep()},
		{title: "Create your Meta app", content: s.metaAppStep()},
		{title: "Your app's keys", content: s.credentialsStep(), blocking: true},
		{title: "Connect to Facebook", content: s.connectStep(), blocking: true},
		{title: "Your first route", content: s.routeStep(), enter: s.loadPages, leave: s.keepRoute},
		{title: "Starting LiveRoute", content: s.startStep()},
	})
	s.w.onFinish = s.finish
	s.w.onClose = s.login.cancelLogin
	s.appIDTyped("") // the buttons to the app's pages wait for an App ID
	switch {
	case err == nil && st.AppID != "":
		// Setting up again starts from what is saved, not from nothing.
		s.fillSaved(st)
	case demo:
		// The demo's keys are public: a newcomer can walk every step.
		s.appID.SetText(demoID)
		s.secret.SetText(demoSecret)
	}
	return s
}

// fillSaved shows the saved Meta app and way back in the fields; the
// secret is not asked again when the keychain holds it. Like Settings, the
// keychain is asked on the UI goroutine, once, as the wizard opens.
func (s *setupWizard) fillSaved(st store.Settings) {
	if saved, err := s.g.svc.HasSavedSecret(st.AppID); err == nil && saved {
		s.secretSavedFor = st.AppID
	}
	s.appID.SetText(st.AppID)
	s.configID.SetText(st.ConfigID)
	s.relayURL.SetText(st.RelayURL)
	for _, t := range setupTransports {
		if t.value == st.Transport {
			s.transport.SetSelected(t.label)
		}
	}
}

// demoNote tells a newcomer to the demo that there is nothing to create:
// the demo's app is filled in. Nothing outside the demo.
func (s *setupWizard) demoNote() fyne.CanvasObject {
	note := wrapLabel("This is the demo: its own Meta app's keys are filled in already, so you can read this step and press Next.")
	note.Importance = widget.HighImportance
	setVisible(note, s.demo)
	return note
}

func (s *setupWizard) welcomeStep() fyne.CanvasObject {
	return container.NewVBox(s.demoNote(), wrapLabel(
		"LiveRoute shares your Facebook live videos to your other Pages the moment they start, and tells you when to share to your groups. "+
			"It needs a free Meta app of your own: Facebook gives desktop programs no shared app, and your own keeps your access in your hands. "+
			"Creating it takes about ten minutes; the next step walks you through it, with a button to Facebook's developer site and Copy buttons for what to paste there. "+
			"Your App secret and tokens stay in this computer's keychain, and nothing is posted until you make a route."))
}

func (s *setupWizard) metaAppStep() fyne.CanvasObject {
	scopes := strings.Join(fbclient.DefaultScopes(), ", ")
	s.redirectURI = wrapLabel("")
	s.redirectURI.TextStyle.Monospace = true
	s.relayURL = widget.NewEntry()
	s.relayURL.SetPlaceHolder("https://you.github.io/liveroute-relay.html")
	s.relayURL.OnChanged = func(string) {
		s.showRedirectURI()
		s.loginSettingsChanged()
	}
	s.relayPage = container.NewVBox(
		wrapLabel("Host this one file on any HTTPS site — GitHub Pages works: a public repository holding it, with Pages turned on — then type its address below."),
		container.NewHBox(widget.NewButton("Save the relay page…", func() { askWhereToSaveRelayPage(s.w.win) })))
	var labels []string
	for _, t := range setupTransports {
		labels = append(labels, t.label)
	}
	why := wrapLabel("")
	s.transport = widget.NewRadioGroup(labels, func(label string) {
		for _, t := range setupTransports {
			if t.label == label {
				why.SetText(t.why)
			}
		}
		if s.demo && s.transportValue() == store.TransportRedirectPage {
			why.SetText(why.Text + " Not in the demo: its fake Facebook knows no relay page of yours. This way back needs your own Meta app.")
		}
		setVisible(s.relayURL, s.transportValue() == store.TransportRedirectPage)
		setVisible(s.relayPage, s.transportValue() == store.TransportRedirectPage)
		s.showRedirectURI()
		s.loginSettingsChanged()
	})
	s.transport.Required = true
	s.transport.SetSelected(setupTransports[0].label)
	s.metaAppID = widget.NewEntry()
	s.metaAppID.SetPlaceHolder("App ID, e.g. 1234567890123456")
	s.metaAppID.OnChanged = func(id string) { s.appIDTyped(id) }
	s.appPagesWhy = wrapLabel("")
	s.appPagesWhy.Importance = widget.WarningImportance
	return container.NewVBox(
		s.demoNote(),
		wrapLabel("1. Create the app: Create app → any name (“LiveRoute – your name”) → use case “Manage everything on your Page” → “I don't want to connect a business portfolio yet” → Go to dashboard."),
		widget.NewButton("Open developers.facebook.com → My Apps", func() { s.openURL(metaAppsURL) }),
		wrapLabel("Paste your new app's App ID here (the number at the top of its dashboard): the buttons below then open your app's own pages."),
		s.metaAppID, s.appPagesWhy,
		wrapLabel("2. Use cases → Manage everything on your Page → Customize → Permissions: add each of these until it says “Ready for testing”:"),
		s.appPage("Open your app's dashboard → Use cases", appDashboardPath),
		copyRow(s.g, scopes),
		widget.NewLabelWithStyle("Which way back from Facebook?", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.transport, why, s.relayPage, s.relayURL,
		wrapLabel("3. Facebook Login for Business → Settings: Client and Web OAuth login on; under Valid OAuth Redirect URIs add exactly this address (Facebook compares it letter for letter), then Save changes:"),
		s.appPage("Open your app's Login for Business settings", appLoginSettingsPath),
		container.NewBorder(nil, nil, nil, widget.NewButton("Copy", func() { s.g.fyne.Clipboard().SetContent(s.redirectURI.Text) }), s.redirectURI),
		wrapLabel("4. Facebook Login for Business → Configurations → Create configuration: name “LiveRoute”, token type “User access token”, the permissions above. Copy its Configuration ID."),
		s.appPage("Open your app's Facebook Login for Business", appLoginSettingsPath),
		wrapLabel("5. App settings → Basic: press Show next to App secret and copy it. Treat the secret like a password."),
		s.appPage("Open your app's settings → Basic", appBasicSettingsPath),
	)
}

// askWhereToSaveRelayPage saves the relay page's file where the person
// chooses, with a dialog on win.
func askWhereToSaveRelayPage(win fyne.Window) {
	save := dialog.NewFileSave(func(file fyne.URIWriteCloser, err error) {
		if err != nil || file == nil {
			return // canceled, or the dialog said why
		}
		if err := saveRelayPage(file); err != nil {
			dialog.ShowError(err, win)
		}
	}, win)
	save.SetFileName("liveroute-relay.html")
	save.Show()
}

// saveRelayPage writes the relay page (the same file as `liveroute
// relay-page` prints) to file and closes it.
func saveRelayPage(file io.WriteCloser) error {
	err := redirectpage.Write(file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

// appPage is a button to one of the app's own pages (path after
// developers.facebook.com/apps/{app-id}/), enabled once an App ID is given.
func (s *setupWizard) appPage(label, path string) *widget.Button {
	b := widget.NewButton(label, func() { s.openURL(s.appPageURL(path)) })
	b.Disable()
	s.appPages = append(s.appPages, b)
	return b
}

func (s *setupWizard) appPageURL(path string) string {
	return metaAppsURL + url.PathEscape(strings.TrimSpace(s.metaAppID.Text)) + "/" + path
}

// appIDTyped follows an App ID typed on either step: both fields show it,
// a change needs a new check of the keys, and the buttons to the app's
// pages work only for what can be an App ID (service.CheckIDForms, the
// rule the keys step and the connect form use).
func (s *setupWizard) appIDTyped(id string) {
	for _, e := range []*widget.Entry{s.metaAppID, s.appID} {
		if e != nil && e.Text != id {
			e.SetText(id) // its OnChanged comes back here with nothing left to do
		}
	}
	s.keysChanged()
	s.showSecretPlaceholder()
	why := ""
	if s.demo {
		why = "In the demo these buttons open nothing: the demo's app lives only in its own fake Facebook, not on developers.facebook.com."
	} else if strings.TrimSpace(id) == "" {
		why = "The buttons to your app's pages work once you paste its App ID above."
	} else if err := service.CheckIDForms(strings.TrimSpace(id), ""); err != nil {
		why = capitalise(err.Error()) + ". The buttons to your app's pages wait for it."
	}
	showNote(s.appPagesWhy, why)
	for _, b := range s.appPages {
		setEnabled(b, why == "")
	}
}

// copyRow shows text with a Copy button.
func copyRow(g *GUI, text string) fyne.CanvasObject {
	l := wrapLabel(text)
	l.TextStyle.Monospace = true
	return container.NewBorder(nil, nil, nil, widget.NewButton("Copy", func() { g.fyne.Clipboard().SetContent(text) }), l)
}

func (s *setupWizard) transportValue() string {
	for _, t := range setupTransports {
		if t.label == s.transport.Selected {
			return t.value
		}
	}
	return store.TransportLoopback
}

// showRedirectURI names the exact address to register for the way back chosen.
func (s *setupWizard) showRedirectURI() {
	if s.redirectURI == nil {
		return
	}
	switch s.transportValue() {
	case store.TransportPaste:
		s.redirectURI.SetText(loginSuccessURL)
	case store.TransportRedirectPage:
		s.redirectURI.SetText(strings.TrimSpace(s.relayURL.Text))
	default:
		s.redirectURI.SetText(fbclient.LoopbackRedirectURI(s.port))
	}
}

func (s *setupWizard) credentialsStep() fyne.CanvasObject {
	field := func(e *widget.Entry, placeholder string) (*widget.Entry, *widget.Label) {
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { s.keysChanged() }
		problem := wrapLabel("")
		problem.Importance = widget.DangerImportance
		problem.Hide() // shown only with something to say
		return e, problem
	}
	s.appID, s.appIDErr = field(widget.NewEntry(), "App ID, e.g. 1234567890123456")
	s.appID.OnChanged = s.appIDTyped // the same App ID as the Meta app step's
	s.secret, s.secretErr = field(widget.NewPasswordEntry(), secretPlaceholder)
	s.configID, s.configIDErr = field(widget.NewEntry(), "Configuration ID (Facebook Login for Business)")
	s.checkApp = widget.NewButton("Check with Facebook", s.check)
	s.checkApp.Importance = widget.HighImportance
	return container.NewVBox(
		wrapLabel("Paste the three values from your Meta app (the App ID given on the previous step is here already). LiveRoute checks them with Facebook before going on; nothing is saved until you connect."),
		widget.NewLabel("App ID"), s.appID, s.appIDErr,
		widget.NewLabel("App secret"), s.secret, s.secretErr,
		widget.NewLabel("Configuration ID (leave empty for classic Facebook Login)"), s.configID, s.configIDErr,
		s.checkApp)
}

// keysChanged: an App ID, secret or Configuration ID changed needs a new
// check, and a new connect. A check still running was for the keys as they
// were: its answer must not complete the step, and the ✓ of an earlier
// one no longer holds.
func (s *setupWizard) keysChanged() {
	if s.w == nil {
		return // the steps are being built
	}
	s.w.stopWork()
	if s.configIDErr.Importance == widget.SuccessImportance {
		showNote(s.configIDErr, "")
	}
	s.w.setStepReady(setupCredentials, false)
	s.loginSettingsChanged()
}

// loginSettingsChanged: what the connect step granted was for other
// settings, so it is undone until the person connects with these.
func (s *setupWizard) loginSettingsChanged() {
	if s.w == nil {
		return // the steps are being built
	}
	s.w.setStepReady(setupConnect, false)
	s.granted.SetText("")
	s.askAgain.Hide()
}

func (s *setupWizard) appCheck() service.AppCheck {
	return service.AppCheck{AppID: strings.TrimSpace(s.appID.Text), Secret: fbclient.Token(strings.TrimSpace(s.secret.Text)),
		ConfigID: strings.TrimSpace(s.configID.Text)}
}

// check asks Facebook about the App ID and secret; the answer goes under
// the field it concerns.
func (s *setupWizard) check() {
	for _, l := range []*widget.Label{s.appIDErr, s.secretErr, s.configIDErr} {
		showNote(l, "")
	}
	if strings.TrimSpace(s.secret.Text) == "" && s.appCheck().AppID != s.secretSavedFor {
		showNote(s.secretErr, "Paste your App secret (App settings → Basic → App secret → Show).")
		return
	}
	check := s.appCheck()
	s.w.work(func(ctx context.Context) error { return s.g.svc.CheckApp(ctx, check) }, func(err error) {
		if err == nil {
			s.configIDErr.Importance = widget.SuccessImportance
			showNote(s.configIDErr, "✓ Facebook knows this app and its secret. Press Next.")
			s.w.setReady(true)
			return
		}
		s.configIDErr.Importance = widget.DangerImportance
		showNote(s.fieldOf(err), appCheckSentence(err))
		s.w.setReady(false)
	}, s.checkApp)
}

// appCheckSentence is what the person reads under the field: the
// service's sentence, or for anything else (the keychain, a surprise from
// Facebook) the same sentence a connect would show, never the wire details.
func appCheckSentence(err error) string {
	for _, known := range []error{service.ErrAppIDFormat, service.ErrUnknownApp, service.ErrWrongSecret,
		service.ErrSecretFormat, service.ErrConfigIDFormat, service.ErrFacebookUnreachable} {
		if errors.Is(err, known) {
			return capitalise(known.Error()) + "."
		}
	}
	return connectProblem(err)
}

// fieldOf is the label under the field an app-check error concerns.
func (s *setupWizard) fieldOf(err error) *widget.Label {
	switch {
	case errors.Is(err, service.ErrWrongSecret), errors.Is(err, service.ErrSecretFormat):
		return s.secretErr
	case errors.Is(err, service.ErrConfigIDFormat):
		return s.configIDErr
	}
	return s.appIDErr
}

func (s *setupWizard) connectStep() fyne.CanvasObject {
	s.login = newLoginPanel(s.g)
	s.connect = widget.NewButton("Connect", func() { s.runLogin(false) })
	s.connect.Importance = widget.HighImportance
	s.askAgain = widget.NewButton("Ask again", func() { s.runLogin(true) })
	s.askAgain.Hide()
	s.granted = wrapLabel("")
	return container.NewVBox(
		wrapLabel("Facebook's dialog opens in your browser. Choose Edit settings if offered and tick every Page LiveRoute should use."),
		container.NewHBox(s.connect, s.login.stop, s.askAgain), s.login.root, s.granted)
}

func (s *setupWizard) request(rerequest bool) service.ConnectRequest {
	check := s.appCheck()
	return service.ConnectRequest{AppID: check.AppID, Secret: check.Secret, ConfigID: check.ConfigID,
		Transport: s.transportValue(), RelayURL: strings.TrimSpace(s.relayURL.Text), Rerequest: rerequest, Port: s.port}
}

func (s *setupWizard) runLogin(rerequest bool) {
	s.connect.Disable()
	s.askAgain.Disable()
	s.loginReq = s.request(rerequest)
	if !s.login.start(s.loginReq, s.connected) {
		s.connect.Enable()
		s.askAgain.Enable()
	}
}

// connected shows what Facebook granted, what was declined, and which
// Pages LiveRoute can post to.
func (s *setupWizard) connected(res account.Result, err error) {
	s.connect.Enable()
	s.askAgain.Enable()
	if err != nil {
		return
	}
	s.g.connected()
	s.secretSavedFor = s.loginReq.AppID
	if !s.stillRequested() {
		// The person went Back while Facebook's dialog was open and changed
		// what to connect with: this login is not the one they now want.
		s.granted.SetText("The login finished for the settings you had when you pressed Connect, and you have changed them since. " +
			"Check your app's keys, then press Connect again.")
		s.askAgain.Hide()
		return
	}
	// The secret now lives in the keychain only. Going Back to the keys
	// must not ask for it again: an empty field means the saved one.
	s.secret.SetText("")
	s.showSecretPlaceholder()
	s.w.setStepReady(setupCredentials, true)
	s.granted.SetText(grantText(res))
	setVisible(s.askAgain, len(res.Declined) > 0 || len(res.Pages) == 0)
	// The person may have gone Back while Facebook's dialog was open: it is
	// the connect step that is done, not the one shown.
	s.w.setStepReady(setupConnect, true)
}

// showSecretPlaceholder says the secret is saved only for the App ID
// whose secret is.
func (s *setupWizard) showSecretPlaceholder() {
	if s.secret == nil {
		return // the steps are being built
	}
	if s.secretSavedFor != "" && strings.TrimSpace(s.appID.Text) == s.secretSavedFor {
		s.secret.SetPlaceHolder("Saved in your keychain — paste a secret only to change it")
	} else {
		s.secret.SetPlaceHolder(secretPlaceholder)
	}
}

// stillRequested: the fields still say what the login connected with.
func (s *setupWizard) stillRequested() bool {
	now, was := s.request(false), s.loginReq
	return now.AppID == was.AppID && now.Secret == was.Secret && now.ConfigID == was.ConfigID &&
		now.Transport == was.Transport && now.RelayURL == was.RelayURL
}

// grantText lists the Pages that can be posted to and why not for the rest.
func grantText(res account.Result) string {
	var lines []string
	if len(res.Declined) > 0 {
		lines = append(lines, "You declined: "+strings.Join(res.Declined, ", ")+". Sharing may fail without them — “Ask again” opens the dialog once more.")
	}
	for _, p := range res.Pages {
		// Posting needs the CREATE_CONTENT task on the Page:
		// https://developers.facebook.com/docs/pages-api/getting-started
		if len(p.Tasks) == 0 || slices.Contains(p.Tasks, "CREATE_CONTENT") {
			lines = append(lines, "✓ "+p.Name+" — LiveRoute can post here.")
		} else {
			lines = append(lines, "✗ "+p.Name+" — your role does not allow creating posts; an admin can give you content access.")
		}
	}
	if len(res.Pages) == 0 {
		lines = append(lines, "Facebook granted no Page. Press “Ask again” and tick your Pages, or check that you manage a Page.")
	}
	return strings.Join(lines, "\n")
}

func (s *setupWizard) routeStep() fyne.CanvasObject {
	s.source = widget.NewSelect(nil, func(string) {
		s.routeChanged = true
		s.showTargets()
	})
	s.source.PlaceHolder = "The Page you go live on"
	s.targets = container.NewVBox()
	s.message = widget.NewMultiLineEntry()
	s.message.SetText("We're live on {source}: {title} — {url}")
	s.message.OnChanged = func(string) {
		s.routeChanged = true
		s.showPreview()
	}
	s.preview = wrapLabel("")
	s.saveNote = wrapLabel("")
	save := widget.NewButton("Save this route", func() { s.saveRoute() })
	save.Importance = widget.HighImportance
	return container.NewVBox(
		wrapLabel("A route shares the live videos of one source to the Pages you tick. Choose them and press Next to save it, or tick no Page and press Next to skip: the Routes tab makes more."),
		widget.NewLabel("Source"), s.source,
		widget.NewLabel("Share to"), s.targets,
		widget.NewLabel("Message ({title}, {url}, {source}, {page}, {description})"), s.message,
		widget.NewLabelWithStyle("Preview", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.preview,
		save, s.saveNote)
}

func (s *setupWizard) loadPages() {
	pages, err := s.g.svc.Pages()
	if err != nil {
		s.saveNote.SetText("Your Pages could not be read: " + err.Error())
		return
	}
	// The ticks are read before the list changes: they are found by their
	// place in s.pages, and a Page granted since may come first.
	ticked := s.tickedIDs()
	s.pages = pages
	var names []string
	for _, p := range pages {
		names = append(names, p.Name)
	}
	s.source.SetOptions(names)
	s.listTargets(ticked)
	s.showPreview()
}

// showTargets lists the Pages to tick, keeping the ticks already made:
// the step is shown again after Back, and the source may change.
func (s *setupWizard) showTargets() { s.listTargets(s.tickedIDs()) }

// listTargets lists s.pages to tick, those in ticked ticked.
func (s *setupWizard) listTargets(ticked map[string]bool) {
	s.checks = nil
	var objs []fyne.CanvasObject
	for _, p := range s.pages {
		c := widget.NewCheck(p.Name, nil)
		isSource := p.Name == s.source.Selected
		c.SetChecked(ticked[p.ID] && !isSource)
		c.OnChanged = func(bool) {
			s.routeChanged = true
			s.showPreview()
		}
		if isSource {
			c.Disable() // a Page does not share to itself
		}
		s.checks = append(s.checks, c)
		objs = append(objs, c)
	}
	s.targets.Objects = objs
	s.targets.Refresh()
}

func (s *setupWizard) tickedIDs() map[string]bool {
	ticked := map[string]bool{}
	for i, c := range s.checks {
		if c.Checked && !c.Disabled() && i < len(s.pages) {
			ticked[s.pages[i].ID] = true
		}
	}
	return ticked
}

// showPreview renders the message as the first ticked Page would post it.
func (s *setupWizard) showPreview() {
	if err := relay.Validate(s.message.Text); err != nil {
		s.preview.SetText(capitalise(err.Error()))
		return
	}
	page := "your Page"
	for i, c := range s.checks {
		if c.Checked {
			page = s.pages[i].Name
			break
		}
	}
	source := s.source.Selected
	if source == "" {
		source = "your Page"
	}
	s.preview.SetText(relay.Render(s.message.Text, relay.TemplateVars{Title: "Sunday service", Description: "",
		URL: "https://www.facebook.com/watch/live/?v=123", Page: page, Source: source}))
}

// saveRoute saves the route as the step shows it — the same route again
// on a second save — and says whether it was saved.
func (s *setupWizard) saveRoute() bool {
	i := s.source.SelectedIndex()
	if i < 0 {
		s.saveNote.SetText("Choose the source: the Page you go live on.")
		return false
	}
	src := s.pages[i]
	r := store.Route{ID: s.savedRouteID, SourceID: src.ID, SourceName: src.Name, SourceKind: store.SourcePage, Enabled: true}
	for j, c := range s.checks {
		if c.Checked && !c.Disabled() {
			r.Targets = append(r.Targets, store.Target{DestinationID: s.pages[j].ID, Mode: store.ModePost, Message: s.message.Text})
		}
	}
	if len(r.Targets) == 0 {
		s.saveNote.SetText("Tick at least one Page to share to.")
		return false
	}
	saved, err := s.g.svc.SaveRoute(r)
	if err != nil {
		s.saveNote.SetText(capitalise(err.Error()))
		return false
	}
	s.savedRouteID, s.routeChanged = saved.ID, false
	s.saveNote.SetText("✓ Saved: live videos on " + src.Name + " will be shared to " + plural(len(r.Targets), "Page", "Pages") + ". Press Next.")
	s.g.view.refresh()
	return true
}

// keepRoute runs as Next leaves the route step: a route chosen but not
// saved is saved (a newcomer expects Next to keep what they chose); with
// no Page ticked the step is skipped. If the save fails, the step stays
// with the reason under the button.
func (s *setupWizard) keepRoute() bool {
	if len(s.tickedIDs()) == 0 || !s.routeChanged {
		return true
	}
	return s.saveRoute()
}

func (s *setupWizard) startStep() fyne.CanvasObject {
	s.autostart = widget.NewCheck("Start LiveRoute when I log in (in the tray)", nil)
	s.autostart.SetChecked(true)
	if s.g.autostart == nil {
		s.autostart.SetChecked(false)
		s.autostart.Disable()
	}
	s.notifications = widget.NewCheck("Tell me on the desktop when a live is shared or the connection needs me", nil)
	s.notifications.SetChecked(true)
	return container.NewVBox(
		wrapLabel("LiveRoute shares only while it runs. Starting at login keeps it in the tray, ready for your next live."),
		s.autostart, s.notifications,
		wrapLabel("While your Meta app is in Development mode only you see what it posts. Publish it (App dashboard → Publish) so your followers do, then renew with “Paste the address back” (register "+loginSuccessURL+")."),
	)
}

// finish applies the start choices and opens the main window.
func (s *setupWizard) finish() {
	if s.g.autostart != nil && !s.autostart.Disabled() {
		if err := s.g.autostart.Set(s.autostart.Checked); err != nil {
			s.g.log.Warn("start at login", "err", err)
		}
	}
	if err := s.g.svc.SetStartChoices(s.autostart.Checked, s.notifications.Checked); err != nil {
		s.g.log.Warn("start choices", "err", err)
	}
	s.g.view.reloadSettings() // a built Settings tab shows the choices from before
	s.g.view.tabs.SelectIndex(0)
	s.g.view.refresh()
	s.g.win.Show()
	s.g.win.RequestFocus()
}

func (s *setupWizard) openURL(address string) {
	u, err := url.Parse(address)
	if err != nil {
		return
	}
	if err := s.g.fyne.OpenURL(u); err != nil {
		s.g.log.Warn("open a Facebook page", "err", err)
	}
}

// showNote sets a note under a field, hiding it when there is none.
func showNote(l *widget.Label, text string) {
	l.SetText(text)
	setVisible(l, text != "")
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
