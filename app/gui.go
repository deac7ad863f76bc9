// Package app is LiveRoute's desktop face: the main window, the tray and
// desktop notifications. It renders what the engine (app/relay) publishes
// and forwards the person's commands to it; no business rule lives here.
package app

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
)

// Options wire a GUI to its parts.
type Options struct {
	App fyne.App // the Fyne app: the real driver in main, fyne's test app in tests
	// FontsWarm, if set, waits for WarmFonts' work: New calls it before
	// it measures any text.
	FontsWarm func()
	// Service is every use case the window offers, and the window's only
	// source of data and actions: the real *service.Service in main, an
	// in-memory fake in tests of the window alone.
	Service service.API
	// TrayHost reports whether a system tray is there to hide the window
	// into; when it says no, closing the window quits, so the window can
	// never become unreachable. Nil means no tray host.
	TrayHost func() bool
	// Autostart turns starting at login on and off; nil hides the choice.
	Autostart Autostart
	// NoTray keeps the tray off (no session bus to put it on, or the
	// window process, whose agent shows the tray).
	NoTray bool
	// NoNotifications keeps the window from notifying: in the window
	// process the agent says every notification, once.
	NoNotifications bool
	// Exit, when set, ends the process at once where the window would
	// otherwise quit Fyne: the window process keeps nothing to save (the
	// agent owns every byte), and Fyne 2.7.1 can crash tearing a window
	// down under a moving pointer (a nil GLFW window in
	// processMouseMoved), which the agent would take for a crash.
	Exit func()
	// Problem is something found at start that stops LiveRoute from working
	// (no keychain); the window and tray show it until it is fixed.
	Problem error
	Logger  *slog.Logger
}

// GUI is LiveRoute's window, tray and notifications.
type GUI struct {
	fyne      fyne.App
	win       fyne.Window
	svc       service.API
	trayHost  func() bool // asks D-Bus: call it off the UI goroutine
	hasTray   atomic.Bool // trayHost's last answer, for the UI goroutine
	tray      tray
	autostart Autostart
	problem   error
	log       *slog.Logger
	view      *mainView
	quiet     bool // NoNotifications
	exit      func()

	// The wizards open now, if any (UI goroutine only): opening one again
	// brings it to the front instead of starting a second.
	resetWiz *resetWizard
	setupWiz *setupWizard

	mu    sync.Mutex
	shown shown
}

// shown is what the window and the tray show of the connection, worked
// out off the UI goroutine (it asks the service) and read on it.
type shown struct {
	health   Health
	account  bool // an account is connected
	expiring bool // the connection is in its 7-day or 1-day warning
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
		svc:       opts.Service,
		trayHost:  opts.TrayHost,
		autostart: opts.Autostart,
		problem:   opts.Problem,
		tray:      trayOf(opts.App, opts.NoTray),
		log:       opts.Logger,
		quiet:     opts.NoNotifications,
		exit:      opts.Exit,
	}
	g.hasTray.Store(g.trayHost())
	g.fyne.SetIcon(assets.WindowIcon)
	title := "LiveRoute"
	if g.svc.IsDemo() {
		title = "LiveRoute (demo)"
	}
	g.win = g.fyne.NewWindow(title)
	g.win.SetIcon(assets.WindowIcon)
	g.win.Resize(fyne.NewSize(820, 620))
	g.win.SetCloseIntercept(g.closeWindow)
	g.win.SetMaster()
	if opts.FontsWarm != nil {
		opts.FontsWarm()
	}
	g.view = newMainView(g)
	g.win.SetContent(g.view.root)
	g.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			g.view.closeDialog()
		}
	})
	g.shown = g.shownOf(g.svc.Status())
	g.render()
	return g
}

// Window is the main window.
func (g *GUI) Window() fyne.Window { return g.win }

// Health is what the tray and the window currently show.
func (g *GUI) Health() Health {
	return g.current().health
}

func (g *GUI) current() shown {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.shown
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
	events, cancel := g.svc.Subscribe(64)
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
			g.showStatus()
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
	g.firstStart()
	g.fyne.Run()
}

// Quit ends the app.
func (g *GUI) Quit() {
	if g.exit != nil {
		g.exit()
		return
	}
	fyne.Do(g.fyne.Quit)
}

func (g *GUI) handle(ev relay.Event) {
	switch ev := ev.(type) {
	case relay.StateChanged:
		st := g.svc.Status()
		st.State = ev.To
		g.show(g.shownOf(st))
		if n := notificationFor(ev); n != nil {
			g.notify(n)
		}
	case relay.LiveDetected, relay.ShareResult, relay.Missed, relay.DestinationFlagged:
		// A ShareResult is also how a share settled by another caller (the
		// command line's "groups shared", "shares shared") reaches the
		// window: the engine records it once and says so here.
		g.showStatus()
		fyne.Do(g.view.refresh)
	case relay.AssistedSharesPending:
		if len(ev.Shares) > 0 {
			g.notify(fyne.NewNotification("Share to "+plural(len(ev.Shares), "group", "groups"),
				"Facebook lets no app post to Groups. Open LiveRoute to share "+ev.Video.Title+" in one click each."))
		}
		fyne.Do(g.view.refresh)
	}
}

// showStatus asks the service for the engine's status and shows it. Not
// on the UI goroutine: the service may be a socket away.
func (g *GUI) showStatus() { g.show(g.shownOf(g.svc.Status())) }

// shownOf is what the person sees of st: the keychain's problem first,
// nothing to watch before an account is connected, whatever the engine
// says. It asks the service whether an account is connected.
func (g *GUI) shownOf(st relay.Status) shown {
	_, ok, err := g.svc.Account()
	if err != nil {
		g.log.Error("read the account", "err", err)
	}
	account := ok && err == nil
	s := shown{health: service.HealthOf(st, ok || err != nil), account: account,
		expiring: account && st.State.Kind == relay.Expiring}
	// The keychain is the agent's (the window may be another process):
	// the service says when it cannot keep secrets, as the tray does.
	if h := g.svc.Health(); h.KeychainBroken {
		s.health = h
	}
	if g.problem != nil {
		s.health = service.KeychainHealth(g.problem)
	}
	return s
}

// notify shows a desktop notification unless the person turned them off.
func (g *GUI) notify(n *fyne.Notification) {
	if g.quiet {
		return
	}
	if st, err := g.svc.Settings(); err == nil && !st.Notifications {
		return
	}
	g.fyne.SendNotification(n)
}

// show records s and renders it on the UI goroutine.
func (g *GUI) show(s shown) {
	g.mu.Lock()
	g.shown = s
	g.mu.Unlock()
	fyne.Do(g.render)
}

// render shows the current health in the tray and the window. It runs on
// the UI goroutine.
func (g *GUI) render() {
	s := g.current()
	if g.tray != nil {
		g.tray.SetSystemTrayIcon(assets.TrayIcon(s.health.Tray))
		g.tray.SetSystemTrayMenu(g.trayMenu(s))
	}
	g.view.showHealth(s)
}

// closeWindow hides the window into the tray when a tray host exists and
// quits otherwise: with no tray the hidden window could never come back.
func (g *GUI) closeWindow() {
	if g.hasTray.Load() {
		g.win.Hide()
		return
	}
	g.log.Info("window closed with no system tray: quitting")
	if g.exit != nil {
		g.exit()
		return
	}
	g.fyne.Quit()
}

func (g *GUI) pause()    { g.svc.Pause(0) }
func (g *GUI) resume()   { g.svc.Resume() }
func (g *GUI) checkNow() { g.svc.CheckNow() }

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
	s := g.current()
	switch {
	case !s.account:
		g.showSetupWizard()
	case s.expiring:
		g.showResetWizard(resetReconnect)
	default:
		g.showResetWizard(resetWhy)
	}
}
