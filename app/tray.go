package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// tray is the part of desktop.App the GUI uses; fyne's test app has none,
// so tests give the GUI a recording one.
type tray interface {
	SetSystemTrayMenu(menu *fyne.Menu)
	SetSystemTrayIcon(icon fyne.Resource)
}

func trayOf(a fyne.App, off bool) tray {
	if t, ok := a.(tray); ok && !off {
		return t
	}
	return nil
}

var _ tray = desktop.App(nil)

// trayMenu is rebuilt from health on every change instead of patched item
// by item: simple, and never out of step with the state it shows.
func (g *GUI) trayMenu(s shown) *fyne.Menu {
	h := s.health
	status := fyne.NewMenuItem("LiveRoute — "+h.Headline, nil)
	status.Disabled = true

	open := fyne.NewMenuItem("Open LiveRoute", g.Show)

	pause := fyne.NewMenuItem("Pause sharing", g.pause)
	if h.Paused {
		pause = fyne.NewMenuItem("Resume sharing", g.resume)
	}
	pause.Disabled = !h.Connected && !h.Paused

	check := fyne.NewMenuItem("Check now", g.checkNow)
	check.Disabled = !h.Connected || h.Paused

	reset := fyne.NewMenuItem("Reset connection…", g.openReconnect)
	if s.expiring {
		reset.Label = "Renew connection…"
	}

	quit := fyne.NewMenuItem("Quit", g.fyne.Quit)
	quit.IsQuit = true

	items := []*fyne.MenuItem{status, fyne.NewMenuItemSeparator(), open, pause, check,
		fyne.NewMenuItemSeparator(), reset}
	if g.svc.IsDemo() && h.Connected {
		// The demo lets a newcomer break the connection to try the reset
		// (not before the setup connected it: there is nothing to break).
		items = append(items, fyne.NewMenuItem("Simulate a password change (demo)", g.simulatePasswordChange))
	}
	items = append(items, fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMenu("LiveRoute", items...)
}

// simulatePasswordChange ends the demo's connection as a password change
// does; the engine notices at its check and the reset wizard can be tried.
func (g *GUI) simulatePasswordChange() {
	if err := g.svc.SimulatePasswordChange(); err != nil {
		g.log.Warn("simulate a password change", "err", err)
	}
}
