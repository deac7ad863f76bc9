// Package app is LiveRoute's desktop face: the main window, the tray and
// desktop notifications. It renders what the engine (app/relay) publishes
// and forwards the person's commands to it; no business rule lives here.
package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/store"
)

// Engine is what the GUI needs of the engine.
type Engine interface {
	Status() relay.Status
	Subscribe(buffer int) (<-chan relay.Event, func())
	Pause(d time.Duration)
	Resume()
	CheckNow()
}

// Options wire a GUI to its parts.
type Options struct {
	App     fyne.App         // the Fyne app: the real driver in main, fyne's test app in tests
	Engine  Engine           // the engine's events and commands
	Service *service.Service // connect, add Pages; nil in tests of the window alone
	DB      *store.DB        // routes, destinations, activity
	// TrayHost reports whether a system tray is there to hide the window
	// into; when it says no, closing the window quits, so the window can
	// never become unreachable. Nil means no tray host.
	TrayHost func() bool
	Demo     bool // say so in the title: demo data is not the person's
	// Autostart turns starting at login on and off; nil hides the choice.
	Autostart Autostart
	// NoTray keeps the tray off (no session bus to put it on, or the
	// window process, whose agent shows the tray).
	NoTray bool
	// NoNotifications keeps the window from notifying: in the window
	// process the agent says every notification, once.
	NoNotifications bool
	// Problem is something found at start that stops LiveRoute from working
	// (no keychain); the window and tray show it until it is fixed.
	Problem error
	Logger  *slog.Logger
}

// GUI is LiveRoute's window, tray and notifications.
type GUI struct {
	fyne      fyne.App
	win       fyne.Window
	engine    Engine
	svc       *service.Service
	db        *store.DB
	trayHost  func() bool // asks D-Bus: call it off the UI goroutine
	hasTray   atomic.Bool // trayHost's last answer, for the UI goroutine
	tray      tray
	autostart Autostart
	reload    func() // tells the engine the settings or routes changed
	problem   error
	log       *slog.Logger
	view      *mainView
	quiet     bool // NoNotifications

	// The wizards open now, if any (UI goroutine only): opening one again
	// brings it to the front instead of starting a second.
	resetWiz *resetWizard
	setupWiz *setupWizard

	mu     sync.Mutex
	health Health
}

// New builds the window and tray. Call Run to show them.
func New(opts Options) *GUI {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.TrayHost == nil {
		opts.TrayHost = func() bool { return false }
	}
	g := &GUI{
		fyne:      opts.App,
		engine:    opts.Engine,
		svc:       opts.Service,
		db:        opts.DB,
		trayHost:  opts.TrayHost,
		autostart: opts.Autostart,
		problem:   opts.Problem,
		tray:      trayOf(opts.App, opts.NoTray),
		log:       opts.Logger,
		quiet:     opts.NoNotifications,
	}
	g.hasTray.Store(g.trayHost())
	g.fyne.SetIcon(assets.Icon)
	title := "LiveRoute"
	if opts.Demo {
		title = "LiveRoute (demo)"
	}
	g.win = g.fyne.NewWindow(title)
	g.win.SetIcon(assets.Icon)
	g.win.Resize(fyne.NewSize(820, 620))
	g.win.SetCloseIntercept(g.closeWindow)
	g.win.SetMaster()
	if opts.Service != nil {
		g.reload = opts.Service.Engine.ReloadRoutes
	}
	g.view = newMainView(g)
	g.win.SetContent(g.view.root)
	g.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			g.view.closeDialog()
		}
	})
	g.health = g.healthOf(relay.State{Kind: relay.Healthy})
	if g.engine != nil {
		g.health = g.healthOf(g.engine.Status().State)
	}
	g.render()
	return g
}

// Window is the main window.
func (g *GUI) Window() fyne.Window { return g.win }

// Health is what the tray and the window currently show.
func (g *GUI) Health() Health {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.health
}

// Show brings the main window to the front (from the tray, or when the
// person starts LiveRoute a second time).
func (g *GUI) Show() {
	fyne.Do(func() {
		g.win.Show()
		g.win.RequestFocus()
	})
}

// ShowReconnect brings the window to the front with the reset or renew
// wizard open (the setup wizard when nothing is connected): what a
// notification's "Reconnect" and the tray's "Reset connection…" ask for.
func (g *GUI) ShowReconnect() {
	fyne.Do(func() {
		g.win.Show()
		g.openReconnect()
	})
}

// Watch renders the engine's events until ctx ends: state changes become
// the tray icon, the window's status and one notification each.
func (g *GUI) Watch(ctx context.Context) {
	if g.engine == nil {
		return
	}
	events, cancel := g.engine.Subscribe(64)
	defer cancel()
	// A live ending raises no event; look again now and then so the tray
	// leaves the live icon.
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			g.hasTray.Store(g.trayHost()) // a tray host may come or go
			g.setHealth(g.healthOf(g.engine.Status().State))
		case ev, ok := <-events:
			if !ok {
				return
			}
			g.handle(ev)
		}
	}
}

// ShowAndRun shows the window (unless startMinimised and a tray exists) and
// runs the Fyne event loop until Quit.
func (g *GUI) ShowAndRun(startMinimised bool) {
	if !startMinimised || !g.hasTray.Load() {
		g.win.Show()
	}
	if g.svc != nil && !g.hasAccount() {
		// First start: nothing connected, so the setup comes first.
		g.newSetupWizard().w.show(setupWelcome)
	}
	g.fyne.Run()
}

// Quit ends the app.
func (g *GUI) Quit() { fyne.Do(g.fyne.Quit) }

func (g *GUI) handle(ev relay.Event) {
	switch ev := ev.(type) {
	case relay.StateChanged:
		g.setHealth(g.healthOf(ev.To))
		if n := notificationFor(ev); n != nil {
			g.notify(n)
		}
	case relay.LiveDetected, relay.ShareResult, relay.Missed, relay.DestinationFlagged:
		g.setHealth(g.healthOf(g.engine.Status().State))
		fyne.Do(g.view.refresh)
	case relay.AssistedSharesPending:
		if len(ev.Shares) > 0 {
			g.notify(fyne.NewNotification("Share to "+plural(len(ev.Shares), "group", "groups"),
				"Facebook lets no app post to Groups. Open LiveRoute to share "+ev.Video.Title+" in one click each."))
		}
		fyne.Do(g.view.refresh)
	}
}

// healthOf is what the person sees of state: nothing to watch before an
// account is connected, whatever the engine says.
func (g *GUI) healthOf(state relay.State) Health {
	if g.problem != nil {
		return service.KeychainHealth(g.problem)
	}
	if g.engine == nil || g.db == nil {
		return notConnected()
	}
	_, ok, err := g.db.Account()
	st := g.engine.Status()
	st.State = state
	return service.HealthOf(st, ok || err != nil)
}

// notify shows a desktop notification unless the person turned them off.
func (g *GUI) notify(n *fyne.Notification) {
	if g.quiet {
		return
	}
	if g.db != nil {
		if st, err := g.db.Settings(); err == nil && !st.Notifications {
			return
		}
	}
	g.fyne.SendNotification(n)
}

func (g *GUI) setHealth(h Health) {
	g.mu.Lock()
	g.health = h
	g.mu.Unlock()
	fyne.Do(g.render)
}

// render shows the current health in the tray and the window. It runs on
// the UI goroutine.
func (g *GUI) render() {
	h := g.Health()
	if g.tray != nil {
		g.tray.SetSystemTrayIcon(assets.TrayIcon(h.Tray))
		g.tray.SetSystemTrayMenu(g.trayMenu(h))
	}
	g.view.showHealth(h)
}

// closeWindow hides the window into the tray when a tray host exists and
// quits otherwise: with no tray the hidden window could never come back.
func (g *GUI) closeWindow() {
	if g.hasTray.Load() {
		g.win.Hide()
		return
	}
	g.log.Info("window closed with no system tray: quitting")
	g.fyne.Quit()
}

func (g *GUI) pause() {
	if g.engine != nil {
		g.engine.Pause(0)
	}
}

func (g *GUI) resume() {
	if g.engine != nil {
		g.engine.Resume()
	}
}

func (g *GUI) checkNow() {
	if g.engine != nil {
		g.engine.CheckNow()
	}
}

// hasSavedSecret reports whether the keychain holds appID's secret, so
// the person need not paste it again to reconnect.
func (g *GUI) hasSavedSecret(appID string) bool {
	if g.svc == nil {
		return false
	}
	_, err := g.svc.Secrets.Get(store.AppSecretKey(appID))
	return err == nil
}

// errNoService: the window was built without the engine (tests of the
// window alone).
var errNoService = errors.New("LiveRoute's engine is not running")

// shareURL is Facebook's share dialog for a video.
func (g *GUI) shareURL(videoURL string) (string, error) {
	if g.svc == nil {
		return "", errNoService
	}
	return g.svc.AssistedShareURL(videoURL), nil
}

func (g *GUI) markAssistedDone(key store.LedgerKey) error {
	if g.svc == nil {
		return errNoService
	}
	return g.svc.Engine.MarkAssistedDone(key)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// openReconnect is what the tray's "Reset connection…" and the window's
// banner open: the setup wizard when nothing is connected yet, the reset
// wizard's reconnect step to renew before expiry, else the whole reset.
func (g *GUI) openReconnect() {
	switch {
	case !g.hasAccount():
		g.showSetupWizard()
	case g.expiring():
		g.showResetWizard(resetReconnect)
	default:
		g.showResetWizard(resetWhy)
	}
}

// expiring reports whether the connection is in its 7-day or 1-day warning.
func (g *GUI) expiring() bool {
	return g.engine != nil && g.hasAccount() && g.engine.Status().State.Kind == relay.Expiring
}

func (g *GUI) hasAccount() bool {
	if g.db == nil {
		return false
	}
	_, ok, err := g.db.Account()
	return err == nil && ok
}
