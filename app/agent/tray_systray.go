package agent

import (
	"sync"

	"fyne.io/systray"

	"github.com/liveroute/liveroute/assets"
)

// RunSystemTray shows the tray with fyne.io/systray (StatusNotifierItem
// and dbusmenu on Linux; no GL) and runs body with it; it returns when
// body has returned. Call it on the main goroutine: macOS runs its tray
// loop there. On Linux it needs the session bus (SessionBusReachable):
// fyne.io/systray panics at quit when it started without one.
func RunSystemTray(body func(Tray)) {
	t := &systemTray{clicks: make(chan Action), stop: make(chan struct{})}
	var wg sync.WaitGroup
	systray.Run(func() {
		t.build()
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(t)
			close(t.stop)
			systray.Quit()
		}()
	}, nil)
	wg.Wait()
}

// systemTray keeps one menu item per place in the menu and updates them
// all from each Menu (MenuFor), instead of rebuilding the menu: the items'
// click channels then stay the same, and one loop per item forwards them.
type systemTray struct {
	clicks chan Action
	stop   chan struct{}

	status, open, pause, check, reconnect, simulate, quit *systray.MenuItem

	mu          sync.Mutex
	pauseAction Action
}

func (t *systemTray) build() {
	systray.SetTitle("LiveRoute")
	t.status = systray.AddMenuItem("LiveRoute", "")
	t.status.Disable()
	systray.AddSeparator()
	t.open = t.item(LabelOpen, func() Action { return ActionOpen })
	t.pause = t.item("Pause sharing", func() Action {
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.pauseAction
	})
	t.check = t.item(LabelCheck, func() Action { return ActionCheck })
	systray.AddSeparator()
	t.reconnect = t.item(LabelReset, func() Action { return ActionReconnect })
	t.simulate = t.item(LabelSimulate, func() Action { return ActionSimulate })
	t.simulate.Hide()
	systray.AddSeparator()
	t.quit = t.item(LabelQuit, func() Action { return ActionQuit })
	systray.SetOnTapped(func() { t.send(ActionOpen) }) // a left click opens the window
}

// item adds a menu item whose clicks become action().
func (t *systemTray) item(label string, action func() Action) *systray.MenuItem {
	it := systray.AddMenuItem(label, "")
	go func() {
		for {
			select {
			case _, ok := <-it.ClickedCh:
				if !ok {
					return
				}
				t.send(action())
			case <-t.stop:
				return
			}
		}
	}()
	return it
}

func (t *systemTray) send(a Action) {
	select {
	case t.clicks <- a:
	case <-t.stop:
	}
}

func (t *systemTray) Clicks() <-chan Action { return t.clicks }

func (t *systemTray) Show(m Menu) {
	systray.SetIcon(assets.TrayIcon(m.Icon).Content())
	systray.SetTooltip(m.Tooltip)
	t.status.SetTitle(m.Status)
	t.pause.SetTitle(m.Pause)
	t.mu.Lock()
	t.pauseAction = m.PauseAction
	t.mu.Unlock()
	enable(t.pause, m.PauseEnabled)
	enable(t.check, m.CheckEnabled)
	t.reconnect.SetTitle(m.Reconnect)
	if m.Simulate {
		t.simulate.Show()
	} else {
		t.simulate.Hide()
	}
}

func enable(it *systray.MenuItem, on bool) {
	if on {
		it.Enable()
	} else {
		it.Disable()
	}
}
