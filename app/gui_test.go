package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/store"
)

// desktopApp is fyne's test app with what the real desktop driver adds: a
// tray, and a Quit that can be observed.
type desktopApp struct {
	fyne.App
	mu            sync.Mutex
	menu          *fyne.Menu
	icon          fyne.Resource
	quits         int
	notifications []*fyne.Notification
}

func (a *desktopApp) SetSystemTrayMenu(m *fyne.Menu)    { a.mu.Lock(); a.menu = m; a.mu.Unlock() }
func (a *desktopApp) SetSystemTrayIcon(r fyne.Resource) { a.mu.Lock(); a.icon = r; a.mu.Unlock() }
func (a *desktopApp) Quit()                             { a.mu.Lock(); a.quits++; a.mu.Unlock() }
func (a *desktopApp) SendNotification(n *fyne.Notification) {
	a.mu.Lock()
	a.notifications = append(a.notifications, n)
	a.mu.Unlock()
}

func (a *desktopApp) trayLabels() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, it := range a.menu.Items {
		if it.IsSeparator {
			continue
		}
		label := it.Label
		if it.Disabled {
			label += " (disabled)"
		}
		out = append(out, label)
	}
	return out
}

// connectedFake is a fake service with Ada connected and the engine in state.
func connectedFake(state relay.State) *fakeService {
	return newFakeService(state).connectAs("501", "Ada")
}

// newTestGUI is the window alone, on the fake service f.
func newTestGUI(t *testing.T, f *fakeService, trayHost bool) (*GUI, *desktopApp) {
	t.Helper()
	a := &desktopApp{App: test.NewTempApp(t)}
	g := allTabsBuilt(New(Options{App: a, Service: f, TrayHost: func() bool { return trayHost }}))
	return g, a
}

func TestTrayMenuHasEveryActionAndTheStatusLine(t *testing.T) {
	_, a := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)
	want := []string{"LiveRoute — Connected (disabled)", "Open LiveRoute", "Pause sharing", "Check now", "Reset connection…", "Quit"}
	if got := a.trayLabels(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tray menu\n got %q\nwant %q", got, want)
	}
	if a.icon != assets.TrayIcon(assets.TrayHealthy) {
		t.Errorf("tray icon %v, want the healthy one", a.icon.Name())
	}
}

func TestStateChangesRebuildTrayAndWindow(t *testing.T) {
	g, a := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)

	g.handle(relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: relay.State{Kind: relay.Paused}})
	if !g.Health().Paused {
		t.Fatalf("health after Paused: %+v", g.Health())
	}
	if labels := strings.Join(a.trayLabels(), "|"); !strings.Contains(labels, "Resume sharing") {
		t.Errorf("tray menu while paused: %s", labels)
	}
	if g.view.pauseBtn.Text != "Resume sharing" {
		t.Errorf("window button %q, want Resume sharing", g.view.pauseBtn.Text)
	}
	if !g.view.checkBtn.Disabled() {
		t.Error("Check now stays enabled while paused")
	}

	reason := "Your Facebook password changed."
	g.handle(relay.StateChanged{From: relay.State{Kind: relay.Paused}, To: relay.State{Kind: relay.NeedsReconnect, Reason: reason}})
	if a.icon != assets.TrayIcon(assets.TrayReconnect) {
		t.Errorf("tray icon %s, want the reconnect one", a.icon.Name())
	}
	if !strings.Contains(g.view.detail.Text, reason) {
		t.Errorf("window detail %q does not say why: %q", g.view.detail.Text, reason)
	}
	if !g.view.connectBt.Visible() {
		t.Error("the Reconnect button is hidden while the connection is dead")
	}
}

// The engine's events arrive through Watch; it returns once the engine
// closes the subscription, so every event has been handled by then.
func TestEachTransitionRaisesOneNotificationOrNone(t *testing.T) {
	engine := connectedFake(relay.State{Kind: relay.Healthy})
	g, a := newTestGUI(t, engine, true)

	expires := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	steps := []relay.StateChanged{
		{From: relay.State{Kind: relay.Healthy}, To: relay.State{Kind: relay.Expiring, ExpiresAt: expires, Window: 7 * 24 * time.Hour}},
		{From: relay.State{Kind: relay.Expiring}, To: relay.State{Kind: relay.Paused}},
		{From: relay.State{Kind: relay.Paused}, To: relay.State{Kind: relay.NeedsReconnect, Reason: "Your connection expired."}},
		{From: relay.State{Kind: relay.NeedsReconnect}, To: relay.State{Kind: relay.Healthy}},
	}
	for _, s := range steps {
		engine.events <- s
	}
	close(engine.events)
	g.Watch(context.Background())
	if h := g.Health(); h.Headline != "Connected" {
		t.Errorf("health after the last transition: %q, want Connected", h.Headline)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var titles []string
	for _, n := range a.notifications {
		titles = append(titles, n.Title)
	}
	want := []string{"LiveRoute: Connection ends within 7 days", "LiveRoute: Reconnect to Facebook", "LiveRoute is sharing again"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("notifications\n got %q\nwant %q (pausing is the person's own act: no notification)", titles, want)
	}
}

func TestTrayActionsReachTheEngine(t *testing.T) {
	engine := connectedFake(relay.State{Kind: relay.Healthy})
	_, a := newTestGUI(t, engine, true)
	for _, it := range a.menu.Items {
		switch it.Label {
		case "Pause sharing", "Check now":
			it.Action()
		}
	}
	if pauses, _, checks, _ := engine.counts(); pauses != 1 || checks != 1 {
		t.Errorf("engine got %d pauses and %d checks, want 1 and 1", pauses, checks)
	}
}

func TestClosingTheWindowHidesItWhenATrayExists(t *testing.T) {
	g, a := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)
	g.win.Show()
	g.closeWindow()
	if a.quits != 0 {
		t.Error("closing the window quit the app although a tray exists")
	}
	if !windowOpen(g.win) {
		t.Error("closing the window destroyed it; it must only hide")
	}
}

func TestClosingTheWindowQuitsWhenNoTrayExists(t *testing.T) {
	g, a := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), false)
	g.win.Show()
	g.closeWindow()
	if a.quits != 1 {
		t.Errorf("closing the window with no tray: %d quits, want 1 (a hidden window could never come back)", a.quits)
	}
}

// The window process leaves at once through Exit, never through Fyne's
// teardown (which can crash under a moving pointer and would read as a
// crash to the agent).
func TestTheWindowProcessClosesThroughExit(t *testing.T) {
	a := &desktopApp{App: test.NewTempApp(t)}
	exits := 0
	g := New(Options{App: a, Service: connectedFake(relay.State{Kind: relay.Healthy}), NoTray: true, Exit: func() { exits++ }})
	g.win.Show()
	g.closeWindow()
	g.Quit()
	if exits != 2 || a.quits != 0 {
		t.Errorf("close and Quit: %d exits and %d Fyne quits, want 2 and 0", exits, a.quits)
	}
}

func TestNotConnectedOffersToConnect(t *testing.T) {
	g, a := newTestGUI(t, newFakeService(relay.State{Kind: relay.Healthy}), true)
	if h := g.Health(); h.Headline != "Not connected" || !h.Reconnect {
		t.Errorf("health with no account: %+v", h)
	}
	for _, it := range a.menu.Items {
		if (it.Label == "Pause sharing" || it.Label == "Check now") && !it.Disabled {
			t.Errorf("%q is enabled with nothing connected", it.Label)
		}
	}
}

func TestRoutesTabListsRoutesFromTheDatabase(t *testing.T) {
	g, _ := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)
	if err := fakeOf(g).PutDestination(store.Destination{ID: "p2", Name: "Youth Page", Kind: store.KindPage}); err != nil {
		t.Fatal(err)
	}
	if _, err := fakeOf(g).PutRoute(store.Route{SourceID: "p1", SourceName: "Main Page", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "p2", Mode: store.ModePost, Message: "{title} {url}"}}}); err != nil {
		t.Fatal(err)
	}
	g.view.refresh()
	text := allText(g.view.routes)
	for _, want := range []string{"Main Page", "Youth Page", "link post"} {
		if !strings.Contains(text, want) {
			t.Errorf("routes tab %q lacks %q", text, want)
		}
	}
}

func windowOpen(w fyne.Window) bool {
	for _, open := range fyne.CurrentApp().Driver().AllWindows() {
		if open == w {
			return true
		}
	}
	return false
}

// allText joins the text of every label and card inside o.
func allText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(o.Text + "\n")
		case *widget.RichText:
			b.WriteString(o.String() + "\n")
		case *widget.Card:
			b.WriteString(o.Title + "\n" + o.Subtitle + "\n")
			if o.Content != nil {
				walk(o.Content)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func newTempApp(t *testing.T) fyne.App { return test.NewTempApp(t) }

type widgetButton = widget.Button

// buttons finds every button inside o.
func buttons(o fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			out = append(out, o)
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestTrayShowsLiveWhileASourceIsLive(t *testing.T) {
	engine := connectedFake(relay.State{Kind: relay.Healthy})
	g, a := newTestGUI(t, engine, true)
	engine.setSources([]relay.SourceStatus{{SourceID: "9001", Live: []string{"v1"}}})
	g.handle(relay.LiveDetected{RouteID: "r1"})
	if a.icon != assets.TrayIcon(assets.TrayLive) || g.Health().Headline != "Live now" {
		t.Errorf("while live: icon %s, headline %q", a.icon.Name(), g.Health().Headline)
	}
	engine.setSources(nil)
	g.handle(relay.ShareResult{})
	if a.icon != assets.TrayIcon(assets.TrayHealthy) {
		t.Errorf("after the live: icon %s", a.icon.Name())
	}
}

func TestRouteCardsSayHowTheLastShareWent(t *testing.T) {
	g, _ := newTestGUI(t, connectedFake(relay.State{Kind: relay.Healthy}), true)
	f := fakeOf(g)
	must(t, f.PutDestination(store.Destination{ID: "9002", Name: "Choir", Kind: store.KindPage}))
	must(t, f.PutDestination(store.Destination{ID: "9003", Name: "Youth", Kind: store.KindPage}))
	r, err := f.PutRoute(store.Route{SourceID: "9001", SourceName: "Main", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "{url}"}, {DestinationID: "9003", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	for dest, state := range map[string]store.LedgerState{"9002": store.LedgerDone, "9003": store.LedgerFailed} {
		must(t, f.LedgerPut(store.LedgerEntry{LedgerKey: store.LedgerKey{RouteID: r.ID, VideoID: "v1", DestinationID: dest},
			State: state, Reason: "You are no longer an admin of Youth."}))
	}
	g.view.refresh()
	text := allText(g.view.routes)
	if !strings.Contains(text, "Choir (link post) — ✓ shared") || !strings.Contains(text, "Youth (link post) — ✗ not shared") || !strings.Contains(text, "no longer an admin") {
		t.Errorf("route card: %q", text)
	}
}

// The window runs in its own process and never probes the keychain: the
// agent's service says it cannot keep secrets, and the window says so as
// the tray does, whatever the engine's state.
func TestTheWindowShowsTheAgentsKeychainProblem(t *testing.T) {
	a := &desktopApp{App: test.NewTempApp(t)}
	f := newFakeService(relay.State{Kind: relay.Healthy})
	f.account = &store.Account{UserID: "1", Name: "Ann"}
	f.keychain = store.ErrNoKeychain
	g := New(Options{App: a, Service: f, NoTray: true})
	if h := g.Health(); !h.KeychainBroken || h.Headline != "LiveRoute cannot keep your secrets" {
		t.Errorf("window health with the agent's keychain broken: %+v", h)
	}
	g.handle(relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: relay.State{Kind: relay.Paused}})
	if h := g.Health(); !h.KeychainBroken {
		t.Errorf("after a state change the window forgot the keychain problem: %+v", h)
	}
}

func TestAMissingKeychainIsShownWithItsFix(t *testing.T) {
	a := &desktopApp{App: test.NewTempApp(t)}
	g := New(Options{App: a, Service: newFakeService(relay.State{Kind: relay.Healthy}), Problem: fmt.Errorf("save probe: %w (dial unix /nonexistent)", store.ErrNoKeychain)})
	h := g.Health()
	if h.Headline != "LiveRoute cannot keep your secrets" || !strings.HasPrefix(h.Detail, "No keychain available: install and unlock gnome-keyring or KWallet, then restart") || strings.Contains(h.Detail, "dial unix") {
		t.Errorf("health with no keychain: %+v", h)
	}
	if a.icon != assets.TrayIcon(assets.TrayReconnect) {
		t.Errorf("tray icon %s", a.icon.Name())
	}
}
