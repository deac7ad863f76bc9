package agent

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/store"
)

// What a window is asked to show.
const (
	ShowMain      = ""          // the main window
	ShowReconnect = "reconnect" // the reset or renew wizard (setup when nothing is connected)
)

// Service is what the agent needs of app/service (*service.Service).
type Service interface {
	Status() relay.Status
	Account() (store.Account, bool, error)
	Subscribe(buffer int) (<-chan relay.Event, func())
	Pause(d time.Duration)
	Resume()
	CheckNow()
	Settings() (store.Settings, error)
	IsDemo() bool
	SimulatePasswordChange() error
}

// Tray is the system tray icon and its menu.
type Tray interface {
	// Show replaces the icon, tooltip and menu with m.
	Show(m Menu)
	// Clicks receives the action of each menu item clicked.
	Clicks() <-chan Action
}

// Options wire an Agent to its parts.
type Options struct {
	Service Service
	// Notifier is nil when notifications can only be logged.
	Notifier Notifier
	Windows  Windows
	// TrayHost reports whether a tray host shows the icon; without one,
	// closing the window quits, so LiveRoute never runs out of reach.
	// Nil means none.
	TrayHost func() bool
	// Tick re-reads the engine's status (a live ending raises no event)
	// and whether a tray host came or went; nil never.
	Tick <-chan time.Time
	// AtStart is said once when Run starts (the database was recovered).
	AtStart []Note
	// KeychainProblem is the keychain's problem found at start (nil: it
	// works). The tray shows it until LiveRoute is restarted, as the
	// window does; asking the keychain again on every render would write
	// a probe secret every 30 seconds all day.
	KeychainProblem error
	// WindowEnded, if set, is called after each window process ends (main
	// gives back the memory the window's calls used in this process).
	WindowEnded func()
	Logger      *slog.Logger
}

// Agent runs the tray, the notifications and the window process.
type Agent struct {
	svc         Service
	tray        Tray // set by Run
	notifier    Notifier
	windows     Windows
	trayHost    func() bool
	hasTray     atomic.Bool
	tick        <-chan time.Time
	atStart     []Note
	problem     error
	onWindowEnd func()
	log         *slog.Logger
}

// New builds an Agent; Run starts it.
func New(opts Options) *Agent {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.TrayHost == nil {
		opts.TrayHost = func() bool { return false }
	}
	if opts.WindowEnded == nil {
		opts.WindowEnded = func() {}
	}
	return &Agent{svc: opts.Service, notifier: opts.Notifier, windows: opts.Windows,
		trayHost: opts.TrayHost, tick: opts.Tick, atStart: opts.AtStart, problem: opts.KeychainProblem, onWindowEnd: opts.WindowEnded, log: opts.Logger}
}

// Open brings what to the front ("" the main window): from a second start
// of LiveRoute, or at start. It is safe from any goroutine.
func (a *Agent) Open(what string) { a.windows.Open(what) }

// trayShown reports whether the person can reach LiveRoute from a tray.
func (a *Agent) trayShown() bool { return a.tray != nil && a.hasTray.Load() }

// checkTrayHost asks D-Bus again whether a tray host is there.
func (a *Agent) checkTrayHost() { a.hasTray.Store(a.trayHost()) }

// Run serves the tray (nil when there is no session bus to put one on),
// the notifications and the windows until ctx ends or the person quits
// (from the tray, or by closing the window when no tray shows LiveRoute).
// Call it once.
func (a *Agent) Run(ctx context.Context, tray Tray) {
	a.tray = tray
	events, cancel := a.svc.Subscribe(64)
	defer cancel()
	a.checkTrayHost()
	a.render()
	for _, n := range a.atStart {
		a.show(n) // said even with notifications off: it explains the window
	}
	var clicks <-chan Action
	if a.tray != nil {
		clicks = a.tray.Clicks()
	}
	var opened <-chan string
	if a.notifier != nil {
		opened = a.notifier.Opened()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.tick:
			a.checkTrayHost()
			a.render()
		case ev, ok := <-events:
			if !ok {
				return
			}
			a.handle(ev)
		case act := <-clicks:
			if a.do(act) == ActionQuit {
				a.log.Info("quit from the tray")
				return
			}
		case what := <-opened:
			a.windows.Open(what)
		case exit := <-a.windows.Exits():
			a.onWindowEnd()
			if a.windowEnded(exit) {
				return
			}
		}
	}
}

// handle renders one engine event: state changes become the tray and one
// notification each; the bus never drops a state change, so a transition
// is said exactly once.
func (a *Agent) handle(ev relay.Event) {
	switch ev := ev.(type) {
	case relay.StateChanged:
		a.render()
		if n, ok := service.NotificationFor(ev); ok {
			a.notify(noteFor(n, ev.To.Kind))
		}
	case relay.LiveDetected, relay.ShareResult, relay.Missed, relay.DestinationFlagged:
		a.render()
	case relay.AssistedSharesPending:
		if n := len(ev.Shares); n > 0 {
			a.notify(Note{Title: "Share to " + plural(n, "group", "groups"),
				Body:   "Facebook lets no app post to Groups. Open LiveRoute to share " + ev.Video.Title + " in one click each.",
				Button: "Open LiveRoute", TrayItem: LabelOpen})
		}
	}
}

// noteFor offers the reset wizard on the notifications that ask for a
// reconnect, and the window on the others.
func noteFor(n service.Notification, to relay.StateKind) Note {
	note := Note{Title: n.Title, Body: n.Body, Open: ShowMain, TrayItem: LabelOpen}
	switch to {
	case relay.NeedsReconnect:
		note.Open, note.Button, note.TrayItem = ShowReconnect, "Reconnect", LabelReset
	case relay.Expiring:
		note.Open, note.Button, note.TrayItem = ShowReconnect, "Renew", LabelRenew
	}
	return note
}

// do runs a tray action; it returns ActionQuit when the agent must end.
func (a *Agent) do(act Action) Action {
	switch act {
	case ActionOpen:
		a.windows.Open(ShowMain)
	case ActionReconnect:
		a.windows.Open(ShowReconnect)
	case ActionPause:
		a.svc.Pause(0)
	case ActionResume:
		a.svc.Resume()
	case ActionCheck:
		a.svc.CheckNow()
	case ActionSimulate:
		if err := a.svc.SimulatePasswordChange(); err != nil {
			a.log.Warn("simulate a password change", "err", err)
		}
	}
	// A pause or resume raises a state change, which renders; rendering
	// now as well keeps the menu right if the engine had nothing to change.
	a.render()
	return act
}

// windowEnded decides what a window process ending means: a crash is
// logged and sharing goes on; a window the person closed ends the agent
// too when no tray could bring it back.
func (a *Agent) windowEnded(exit WindowExit) (quit bool) {
	if exit.Err != nil {
		return false // the supervisor logged it
	}
	a.checkTrayHost()
	if a.trayShown() {
		return false
	}
	a.log.Info("window closed with no system tray: quitting")
	return true
}

// render shows the current health in the tray.
func (a *Agent) render() {
	if a.tray == nil {
		return
	}
	st := a.svc.Status()
	h := a.health(st)
	expiring := h.Connected && st.State.Kind == relay.Expiring
	a.tray.Show(MenuFor(h, expiring, a.svc.IsDemo()))
}

// health is what the tray shows of st: the keychain's problem first,
// nothing to watch before an account is connected, else the engine's
// state (service.Health without probing the keychain again).
func (a *Agent) health(st relay.Status) service.Health {
	if a.problem != nil {
		return service.KeychainHealth(a.problem)
	}
	_, connected, err := a.svc.Account()
	if err != nil {
		a.log.Error("read the account", "err", err)
	}
	return service.HealthOf(st, connected || err != nil)
}

// notify shows n unless the person turned notifications off.
func (a *Agent) notify(n Note) {
	if st, err := a.svc.Settings(); err == nil && !st.Notifications {
		return
	}
	a.show(n)
}

func (a *Agent) show(n Note) {
	if a.notifier == nil {
		a.log.Info("notification (no notification service)", "title", n.Title)
		return
	}
	if err := a.notifier.Notify(n); err != nil {
		a.log.Warn("show a notification", "title", n.Title, "err", err)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
