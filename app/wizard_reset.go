package app

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// The reset wizard's steps, in order; an expiry warning opens resetReconnect.
const (
	resetWhy = iota
	resetBusiness
	resetReconnect
	resetRebind
	resetVerify
)

// businessIntegrationsURL lists the apps connected to the person's
// account; removing LiveRoute's there ends every Page's access at once.
const businessIntegrationsURL = "https://www.facebook.com/settings?tab=business_tools"

// resetWizard walks a person from a dead connection back to sharing with
// every route kept: why it stopped, Business Integrations, the reconnect,
// the routes re-bound, and a check of every destination.
type resetWizard struct {
	g *GUI
	w *wizard

	why   *widget.Label
	cause *widget.Label
	// kept promises what the next steps do; hidden when there is nothing
	// to reset.
	kept *widget.Label
	// toSetup opens the setup instead, when nothing is connected.
	toSetup *widget.Button

	businessDone *widget.Check
	businessWhy  *widget.Label
	// subcode is Facebook's reason the connection ended, from the first
	// step's check (0: not known); tokenMissing: the check found the
	// connection's token gone from the keychain (Facebook was not asked).
	subcode      int
	tokenMissing bool

	appLine *widget.Label
	// published says what to do when a published app refuses the way back
	// "This computer" (the reconnect keeps the saved way back), and
	// usePaste switches this reconnect to "Paste the address back", which
	// needs nothing hosted; pasteChosen keeps that choice while the wizard
	// is open (the saved way back changes once the reconnect works).
	published   *widget.Label
	usePaste    *widget.Button
	pasteChosen bool
	secret      *widget.Entry // shown only when no secret is saved
	reconnect   *widget.Button
	login       *loginPanel
	// loginBox is the login's Cancel, progress and problem. "Add Pages…"
	// runs a login from the routes and verify steps too, so the box moves
	// to a slot of whichever of those steps is shown.
	loginBox   *fyne.Container
	loginSlots map[int]*fyne.Container
	// saved is the reconnect with the saved Meta app, read when the step
	// opens (the keychain may be slow: never on the UI goroutine);
	// savedErr says what is missing from it.
	saved    service.ConnectRequest
	savedErr error

	bindings *fyne.Container
	addPages *widget.Button
	lastRes  account.Result

	checks *fyne.Container
	// addPagesToo is "Add Pages…" on the verify step, shown when a Page
	// there cannot be posted to: the fix is one click away, not a step back.
	addPagesToo *widget.Button
}

// showResetWizard opens the reset wizard on step (resetWhy, or
// resetReconnect for a renewal before expiry), or brings the one already
// open to the front where the person left it: moving it would throw away
// their place (and a login in progress) for a step they may have passed.
func (g *GUI) showResetWizard(step int) {
	fyne.Do(func() {
		if g.resetWiz == nil || g.resetWiz.w.closed {
			g.resetWiz = g.newResetWizard()
			g.resetWiz.w.show(step)
			return
		}
		g.resetWiz.w.front()
	})
}

func (g *GUI) newResetWizard() *resetWizard {
	r := &resetWizard{g: g}
	r.w = newWizard(g.fyne, "Reset the Facebook connection", []*wizardStep{
		{title: "Why sharing stopped", content: r.whyStep(), enter: r.checkWhy, blocking: true},
		{title: "Business Integrations", content: r.businessStep(), enter: r.enterBusiness, blocking: true},
		{title: "Reconnect", content: r.reconnectStep(), enter: r.prepareReconnect, blocking: true},
		{title: "Your routes", content: r.rebindStep(), enter: r.enterBindings},
		{title: "Check every destination", content: r.verifyStep(), enter: r.enterVerify},
	})
	r.w.onFinish = g.connected
	r.w.onClose = r.login.cancelLogin
	return r
}

func (r *resetWizard) whyStep() fyne.CanvasObject {
	r.why = wrapLabel("Asking Facebook about your connection…")
	r.why.TextStyle.Bold = true
	r.cause = wrapLabel("")
	r.kept = wrapLabel("Whatever the reason, your routes, Pages and groups are kept: the next steps reconnect and re-bind them.")
	r.toSetup = widget.NewButton("Set up step by step…", r.openSetupInstead)
	r.toSetup.Importance = widget.HighImportance
	r.toSetup.Hide()
	return container.NewVBox(r.why, r.cause, r.kept, container.NewHBox(r.toSetup))
}

// openSetupInstead closes this wizard for the setup, which makes the
// first connection.
func (r *resetWizard) openSetupInstead() {
	r.w.close()
	r.g.openSetupWizard()
}

// checkWhy asks Facebook now rather than trusting the last check: the
// person may have fixed it already, and then there is nothing to reset.
func (r *resetWizard) checkWhy() {
	r.kept.Show()
	r.toSetup.Hide()
	var check service.ConnectionCheck
	r.w.work(func(ctx context.Context) error {
		var err error
		check, err = r.g.svc.CheckConnection(ctx)
		return err
	}, func(err error) {
		r.tokenMissing = false
		switch {
		case err != nil:
			// Facebook could not be asked: say what the engine last saw.
			r.why.SetText(r.g.Health().Detail)
			r.cause.SetText("LiveRoute could not ask Facebook just now (" + connectProblem(err) + ") You can still reconnect.")
			r.w.setReady(true)
		case !check.Connected:
			// Nothing to reset: the setup connects for the first time.
			r.why.SetText(check.Reason)
			r.cause.SetText("The setup creates the connection your routes will use.")
			r.kept.Hide()
			r.toSetup.Show()
			r.w.stop()
		case check.Healthy:
			r.why.SetText("Your connection is fine: Facebook accepts LiveRoute's access and sharing works. There is nothing to reset.")
			r.cause.SetText("")
			r.kept.Hide()
			r.w.stop()
		case check.TokenMissing:
			r.subcode, r.tokenMissing = 0, true
			r.why.SetText(check.Reason)
			r.cause.SetText(tokenMissingCause)
			r.w.setReady(true)
		default:
			r.subcode = check.Subcode
			r.why.SetText(check.Reason)
			r.cause.SetText(causeOf(check.Subcode))
			r.w.setReady(true)
		}
	})
}

// tokenMissingCause: with the token gone from the keychain, Facebook was
// not asked; its reasons for ending a connection do not apply.
const tokenMissingCause = "This is not Facebook's doing: LiveRoute's key to your Facebook connection is gone from this computer's keychain (it was reset or replaced, or another program removed it). Reconnecting saves a new one."

// causeOf is what Facebook says ends a connection with this error_subcode:
// https://developers.facebook.com/docs/graph-api/guides/error-handling
func causeOf(subcode int) string {
	switch subcode {
	case 458:
		return "Facebook says: the app is no longer installed for you — it was removed under Settings → Business Integrations, which ends its access to every Page at once."
	case 459:
		return "Facebook says: your account needs a check (a security checkpoint). Log in on facebook.com and follow Facebook's steps first."
	case 460:
		return "Facebook says: the password changed. A new password ends every app's session, LiveRoute's too."
	case 463:
		return "Facebook says: the session expired. A connection lasts about 60 days, and 90 days without use end its data access."
	case 464:
		return "Facebook says: the account is not confirmed. Confirm it on facebook.com first."
	case 467:
		return "Facebook says: the session is no longer valid — you logged out everywhere, or Facebook ended the session for security."
	case 492:
		return "Facebook says: your role on a Page changed, so its access ended."
	}
	return "Facebook ends connections when the password changes, after a security check, when the app is removed under Business Integrations, when a Page role is lost, after about 60 days, or after 90 days unused."
}

func (r *resetWizard) businessStep() fyne.CanvasObject {
	open := widget.NewButton("Open Facebook → Settings → Business Integrations", func() {
		u, _ := url.Parse(businessIntegrationsURL)
		if err := r.g.fyne.OpenURL(u); err != nil {
			r.g.log.Warn("open Business Integrations", "err", err)
		}
	})
	r.businessDone = widget.NewCheck("I looked at Business Integrations", func(bool) { r.showBusinessReady() })
	r.businessWhy = wrapLabel("")
	return container.NewVBox(
		r.businessWhy,
		wrapLabel("Facebook lists the apps connected to your account under Business Integrations. Check two things there:"),
		wrapLabel("1. Your LiveRoute app is under Active. If it shows Renew, press Renew; if it is under Removed, the reconnect in the next step adds it back."),
		wrapLabel("2. Press View and edit on it: the visibility of its posts (“App visibility”) must be Public, or only you see what LiveRoute shares."),
		open, r.businessDone)
}

// businessNeeded: the connection ended at Business Integrations (the app
// removed, 458) or with a Page role (492), so the step waits for a look
// there. For any other cause a look is optional. The subcodes are those of
// causeOf (https://developers.facebook.com/docs/graph-api/guides/error-handling).
func (r *resetWizard) businessNeeded() bool { return r.subcode == 458 || r.subcode == 492 }

// enterBusiness says whether this step matters for the cause found.
func (r *resetWizard) enterBusiness() {
	switch {
	case r.businessNeeded():
		r.businessWhy.SetText("Facebook's reason points here: look at Business Integrations before reconnecting.")
	case r.tokenMissing:
		r.businessWhy.SetText("Facebook gave no reason: the connection's key was lost on this computer, so this look is optional: press Next to reconnect.")
	default:
		r.businessWhy.SetText("Facebook's reason is not here, so this look is optional: press Next to reconnect.")
	}
	r.showBusinessReady()
}

func (r *resetWizard) showBusinessReady() {
	r.w.setStepReady(resetBusiness, r.businessDone.Checked || !r.businessNeeded())
}

func (r *resetWizard) reconnectStep() fyne.CanvasObject {
	r.appLine = wrapLabel("")
	r.published = wrapLabel("Published your app since? Facebook then says “URL blocked” for “This computer”. Paste the address back instead: Facebook ends on its own “Success” page and you copy its address into LiveRoute.")
	r.published.Hide()
	r.usePaste = widget.NewButton("Use “Paste the address back” for this reconnect", r.choosePaste)
	r.usePaste.Hide()
	r.secret = widget.NewPasswordEntry()
	r.secret.SetPlaceHolder("App secret — App settings → Basic → Show")
	r.secret.Hide()
	r.login = newLoginPanel(r.g)
	r.loginBox = container.NewVBox(container.NewHBox(r.login.stop), r.login.root)
	r.loginSlots = map[int]*fyne.Container{}
	r.reconnect = widget.NewButton("Reconnect", r.startReconnect)
	r.reconnect.Importance = widget.HighImportance
	return container.NewVBox(r.appLine, r.secret, container.NewHBox(r.reconnect), r.published, container.NewHBox(r.usePaste), r.loginSlot(resetReconnect),
		wrapLabel("Facebook's dialog opens in your browser. If it offers Edit settings, tick every Page LiveRoute should share to."))
}

// loginSlot is where step shows the login while it is the step shown.
func (r *resetWizard) loginSlot(step int) *fyne.Container {
	slot := container.NewVBox()
	r.loginSlots[step] = slot
	return slot
}

// placeLogin moves the login's box to step's slot.
func (r *resetWizard) placeLogin(step int) {
	for i, slot := range r.loginSlots {
		if i == step {
			slot.Objects = []fyne.CanvasObject{r.loginBox}
		} else {
			slot.Objects = nil
		}
		slot.Refresh()
	}
}

// prepareReconnect says which Meta app reconnects; without its saved
// secret the person types it once. The saved app is read off the UI
// goroutine (its secret is in the keychain), with Reconnect off meanwhile.
func (r *resetWizard) prepareReconnect() {
	r.placeLogin(resetReconnect)
	r.secret.Hide()
	var req service.ConnectRequest
	r.w.work(func(context.Context) error {
		var err error
		req, err = r.g.svc.SavedConnectRequest()
		return err
	}, func(err error) {
		r.saved, r.savedErr = req, err
		switch {
		case !r.pasteChosen:
		case isLoopback(r.saved.Transport):
			r.saved.Transport = store.TransportPaste
		default:
			// The way back was changed elsewhere (the Connection tab)
			// meanwhile: that choice stands.
			r.pasteChosen = false
		}
		r.showSavedApp()
	}, r.reconnect)
}

// choosePaste makes this reconnect paste the address back, ending a
// "This computer" login still waiting (Facebook said "URL blocked" to it).
// UI goroutine.
func (r *resetWizard) choosePaste() {
	r.login.cancelLogin()
	r.pasteChosen = true
	r.saved.Transport = store.TransportPaste
	r.showSavedApp()
}

// isLoopback: the way back is "This computer" (also when none is saved).
func isLoopback(transport string) bool {
	return wayBackLabel(transport) == wayBackLabel(store.TransportLoopback)
}

// enableReconnect lets Reconnect be pressed unless a login still runs (it
// is given back when that login ends).
func (r *resetWizard) enableReconnect() { setEnabled(r.reconnect, !r.login.isBusy()) }

// showSavedApp says which app reconnects and lets Reconnect be pressed
// when it can work.
func (r *resetWizard) showSavedApp() {
	switch err := r.savedErr; {
	case errors.Is(err, service.ErrNoSavedSecret):
		line := "LiveRoute reconnects with your Meta app " + r.saved.AppID + ". " + capitalise(err.Error()) + "."
		if r.pasteChosen {
			line += " " + pasteSentence
		}
		r.appLine.SetText(line)
		r.secret.Show()
		r.enableReconnect()
	case err != nil:
		r.appLine.SetText(capitalise(err.Error()))
		r.reconnect.Disable()
	case r.pasteChosen:
		r.appLine.SetText("LiveRoute reconnects with your Meta app " + r.saved.AppID + ". " + pasteSentence + " Your routes stay as they are.")
		r.enableReconnect()
	default:
		r.appLine.SetText("One click: LiveRoute reconnects with your Meta app " + r.saved.AppID + " as before, the way back from Facebook being “" +
			wayBackLabel(r.saved.Transport) + "”. Your routes stay as they are.")
		r.enableReconnect()
	}
	offer := (r.savedErr == nil || errors.Is(r.savedErr, service.ErrNoSavedSecret)) && isLoopback(r.saved.Transport)
	setVisible(r.published, offer)
	setVisible(r.usePaste, offer)
}

// pasteSentence says what the person does when they paste the address
// back, and that LiveRoute keeps that way once it worked.
const pasteSentence = "Way back: “Paste the address back”. After you approve in Facebook's dialog, copy the address of Facebook's “Success” page and paste it here; LiveRoute keeps this way once the reconnect works."

// wayBackLabel is the setup's name for a way back from Facebook.
func wayBackLabel(transport string) string {
	for _, t := range setupTransports {
		if t.value == transport {
			return t.label
		}
	}
	return setupTransports[0].label // no way back saved: the loopback
}

func (r *resetWizard) startReconnect() { r.runLogin(false) }

// runLogin reconnects with the saved app; rerequest asks again for Pages
// and permissions not granted ("Add Pages…").
func (r *resetWizard) runLogin(rerequest bool) {
	req := r.saved
	switch {
	case errors.Is(r.savedErr, service.ErrNoSavedSecret) && strings.TrimSpace(r.secret.Text) != "":
		req.Secret = fbclient.Token(strings.TrimSpace(r.secret.Text))
	case r.savedErr != nil:
		r.login.problem.SetText(capitalise(r.savedErr.Error()) + ".")
		return
	}
	req.Rerequest = rerequest
	r.enableLogins(false)
	if !r.login.start(req, r.reconnected) {
		r.enableLogins(true)
	}
}

// enableLogins lets the buttons that start a login be pressed, or not
// while one runs.
func (r *resetWizard) enableLogins(on bool) {
	for _, b := range []*widget.Button{r.reconnect, r.addPages, r.addPagesToo} {
		setEnabled(b, on)
	}
}

func (r *resetWizard) reconnected(res account.Result, err error) {
	r.enableLogins(true)
	if err != nil {
		return
	}
	r.lastRes = res
	r.savedErr = nil      // the login saved the secret it used
	r.pasteChosen = false // and the way back it used: it is the saved one now
	r.secret.SetText("")
	r.secret.Hide()
	r.g.connected()
	r.w.setStepReady(resetReconnect, true)
	switch r.w.current {
	case resetRebind:
		r.showBindings()
	case resetVerify:
		r.verify()
	}
}

func (r *resetWizard) rebindStep() fyne.CanvasObject {
	r.bindings = container.NewVBox()
	r.addPages = widget.NewButton("Add Pages…", func() { r.runLogin(true) })
	return container.NewVBox(
		wrapLabel("Routes are bound to your Pages' IDs, so they resume where they were. A Page this login did not grant is kept and flagged, never deleted."),
		r.bindings, r.addPages, r.loginSlot(resetRebind))
}

// enterBindings shows the routes as bound, with the login of "Add Pages…".
func (r *resetWizard) enterBindings() {
	r.placeLogin(resetRebind)
	r.showBindings()
}

// showBindings lists every route with its destinations as re-bound.
func (r *resetWizard) showBindings() {
	list, err := r.g.svc.RouteBindings()
	if err != nil {
		r.bindings.Objects = []fyne.CanvasObject{wrapLabel("Your routes could not be read: " + err.Error())}
		r.bindings.Refresh()
		return
	}
	var rows []fyne.CanvasObject
	if len(list) == 0 {
		rows = append(rows, emptyNote("You have no routes yet; make one in the Routes tab."))
	}
	for _, b := range list {
		rows = append(rows, widget.NewCard(routeTitle(b.Route.Name, b.Route.SourceName, b.Route.SourceID), "", bindingList(b)))
	}
	if len(r.lastRes.Lost) > 0 {
		lost := wrapLabel("No longer granted (kept, flagged on their routes): " + strings.Join(r.lastRes.Lost, ", ") + ". Press “Add Pages…” and tick them in Facebook's dialog.")
		lost.Importance = widget.WarningImportance
		rows = append(rows, lost)
	}
	if len(r.lastRes.Added) > 0 {
		rows = append(rows, wrapLabel("New Pages you can share to: "+strings.Join(r.lastRes.Added, ", ")+". Add them to a route in the Routes tab."))
	}
	r.bindings.Objects = rows
	r.bindings.Refresh()
}

// bindingList shows a route's destinations one a line, a flagged one in
// the warning colour: the eye finds the Page that needs "Add Pages…". One
// rich text, wrapped as one label is, with a paragraph per destination.
func bindingList(b service.RouteBinding) fyne.CanvasObject {
	var lines []widget.RichTextSegment
	for _, t := range b.Targets {
		style := widget.RichTextStyleParagraph
		if t.Flagged {
			style.ColorName = theme.ColorNameWarning
		}
		lines = append(lines, &widget.TextSegment{Text: bindingLine(t), Style: style})
	}
	text := widget.NewRichText(lines...)
	text.Wrapping = fyne.TextWrapWord
	return text
}

func bindingLine(t service.TargetBinding) string {
	switch {
	case t.Flagged:
		return "⚠ " + t.Name + " — " + t.Reason
	case t.Group:
		return "✓ " + t.Name + " (group: you share it)"
	}
	return "✓ " + t.Name
}

func routeTitle(name, sourceName, sourceID string) string {
	source := sourceName
	if source == "" {
		source = sourceID
	}
	if name == "" {
		return source
	}
	return name + " — " + source
}

func (r *resetWizard) verifyStep() fyne.CanvasObject {
	r.checks = container.NewVBox()
	r.addPagesToo = widget.NewButton("Add Pages…", func() { r.runLogin(true) })
	r.addPagesToo.Hide()
	return container.NewVBox(
		wrapLabel("LiveRoute checks each destination with Facebook: the access is valid, it may post, and it is not being slowed down. Nothing is posted."),
		r.checks, r.addPagesToo, r.loginSlot(resetVerify))
}

// enterVerify checks every destination, with the login of "Add Pages…".
func (r *resetWizard) enterVerify() {
	r.placeLogin(resetVerify)
	r.verify()
}

func (r *resetWizard) verify() {
	r.checks.Objects = []fyne.CanvasObject{wrapLabel("Checking…")}
	r.checks.Refresh()
	var list []service.DestinationHealth
	r.w.work(func(ctx context.Context) error {
		var err error
		list, err = r.g.svc.VerifyDestinations(ctx)
		return err
	}, func(err error) {
		r.checks.Objects = healthLines(list, err)
		r.checks.Refresh()
		setVisible(r.addPagesToo, anyPageProblem(list))
	})
}

// anyPageProblem: a Page cannot be posted to, which "Add Pages…" may fix
// (a group never has a problem: the person shares it).
func anyPageProblem(list []service.DestinationHealth) bool {
	for _, h := range list {
		if !h.OK && !h.Group {
			return true
		}
	}
	return false
}

func healthLines(list []service.DestinationHealth, err error) []fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, h := range list {
		l := wrapLabel("")
		switch {
		case h.Group:
			l.SetText("✓ " + h.Name + " — a group: Facebook lets no app post there; LiveRoute asks you to share in one click.")
			l.Importance = widget.SuccessImportance
		case h.OK:
			l.SetText("✓ " + h.Name + " — ready to share.")
			l.Importance = widget.SuccessImportance
		default:
			l.SetText("✗ " + h.Name + " — " + h.Problem)
			l.Importance = widget.DangerImportance
		}
		rows = append(rows, l)
	}
	if err != nil {
		l := wrapLabel("The check stopped: " + connectProblem(err))
		l.Importance = widget.DangerImportance
		rows = append(rows, l)
	}
	if len(rows) == 0 {
		rows = append(rows, emptyNote("No route has a destination yet: nothing to check."))
	}
	return rows
}
