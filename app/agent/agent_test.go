package agent

import (
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

func TestMenuFollowsTheHealth(t *testing.T) {
	expires := time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		health   service.Health
		expiring bool
		demo     bool
		want     Menu
	}{
		{"connected", service.StateHealth(relay.State{Kind: relay.Healthy}), false, false, Menu{Icon: assets.TrayHealthy,
			Status: "LiveRoute — Connected", Pause: "Pause sharing", PauseAction: ActionPause, PauseEnabled: true,
			CheckEnabled: true, Reconnect: "Reset connection…"}},
		{"paused", service.StateHealth(relay.State{Kind: relay.Paused}), false, false, Menu{Icon: assets.TrayPaused,
			Status: "LiveRoute — Paused", Pause: "Resume sharing", PauseAction: ActionResume, PauseEnabled: true,
			Reconnect: "Reset connection…"}},
		{"not connected", service.NotConnected(), false, false, Menu{Icon: assets.TrayWarning,
			Status: "LiveRoute — Not connected", Pause: "Pause sharing", PauseAction: ActionPause, Reconnect: "Reset connection…"}},
		{"expiring", service.StateHealth(relay.State{Kind: relay.Expiring, ExpiresAt: expires, Window: 7 * 24 * time.Hour}), true, false,
			Menu{Icon: assets.TrayWarning, Status: "LiveRoute — Connection ends within 7 days", Pause: "Pause sharing",
				PauseAction: ActionPause, PauseEnabled: true, CheckEnabled: true, Reconnect: "Renew connection…"}},
		{"demo", service.StateHealth(relay.State{Kind: relay.Healthy}), false, true, Menu{Icon: assets.TrayHealthy,
			Status: "LiveRoute — Connected", Pause: "Pause sharing", PauseAction: ActionPause, PauseEnabled: true,
			CheckEnabled: true, Reconnect: "Reset connection…", Simulate: true}},
		// Before the demo's setup connects there is no connection to break.
		{"demo not connected", service.NotConnected(), false, true, Menu{Icon: assets.TrayWarning,
			Status: "LiveRoute — Not connected", Pause: "Pause sharing", PauseAction: ActionPause, Reconnect: "Reset connection…"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := MenuFor(c.health, c.expiring, c.demo)
			got.Tooltip = "" // the health's own sentence, tested in app/service
			if got != c.want {
				t.Errorf("menu:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestATransitionIsNotifiedExactlyOnceWithItsReconnectAction(t *testing.T) {
	r := startAgent(t, newFakeService(), true)
	lost := relay.State{Kind: relay.NeedsReconnect, Reason: "Your Facebook password changed."}
	r.svc.setState(lost)
	menu := r.publish(t, relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: lost})
	if menu.Icon != assets.TrayReconnect || menu.Status != "LiveRoute — Reconnect to Facebook" {
		t.Errorf("tray after the connection was lost: %+v", menu)
	}
	// Other events re-render the tray but say nothing new.
	r.publish(t, relay.LiveDetected{})
	r.publish(t, relay.ShareResult{})
	r.stop()
	if n := r.notifier.noteCount(); n != 1 {
		t.Fatalf("%d notifications, want exactly 1", n)
	}
	note := <-r.notifier.notes
	if note.Title != "LiveRoute: Reconnect to Facebook" || note.Open != ShowReconnect || note.Button != "Reconnect" {
		t.Errorf("notification: %+v", note)
	}
	// Where a notification has no button, its body names this tray item.
	if note.TrayItem != menu.Reconnect {
		t.Errorf("notification names the tray item %q; the tray has %q", note.TrayItem, menu.Reconnect)
	}
}

func TestAnExpiringConnectionOffersToRenew(t *testing.T) {
	r := startAgent(t, newFakeService(), true)
	exp := relay.State{Kind: relay.Expiring, ExpiresAt: time.Now().Add(24 * time.Hour), Window: 24 * time.Hour}
	r.svc.setState(exp)
	menu := r.publish(t, relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: exp})
	if menu.Reconnect != "Renew connection…" {
		t.Errorf("reconnect item while expiring: %q", menu.Reconnect)
	}
	r.stop()
	if note := <-r.notifier.notes; note.Open != ShowReconnect || note.Button != "Renew" || note.TrayItem != menu.Reconnect {
		t.Errorf("expiry notification: %+v (tray item %q)", note, menu.Reconnect)
	}
}

func TestAChangeThatNeedsNoAttentionIsNotNotified(t *testing.T) {
	r := startAgent(t, newFakeService(), true)
	paused := relay.State{Kind: relay.Paused}
	r.svc.setState(paused)
	if menu := r.publish(t, relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: paused}); menu.Pause != "Resume sharing" {
		t.Errorf("pause item while paused: %q", menu.Pause)
	}
	r.stop()
	if n := r.notifier.noteCount(); n != 0 {
		t.Errorf("%d notifications for a pause by the person, want none", n)
	}
}

func TestNotificationsTurnedOffSayNothingButTheStartNote(t *testing.T) {
	svc := newFakeService()
	svc.notifications = false
	recovered := Note{Title: "LiveRoute recovered its database", Body: "…"}
	r := startAgent(t, svc, true, recovered)
	lost := relay.State{Kind: relay.NeedsReconnect}
	r.svc.setState(lost)
	r.publish(t, relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: lost})
	r.stop()
	if n := r.notifier.noteCount(); n != 1 {
		t.Fatalf("%d notifications, want only the start note", n)
	}
	if got := <-r.notifier.notes; got != recovered {
		t.Errorf("note: %+v", got)
	}
}

func TestAGroupShareIsOfferedByNotification(t *testing.T) {
	r := startAgent(t, newFakeService(), true)
	r.events() <- relay.AssistedSharesPending{Video: fbclient.LiveVideo{Title: "Sunday service"}, Shares: make([]relay.AssistedShare, 2)}
	note := <-r.notifier.notes
	if note.Title != "Share to 2 groups" || note.Open != ShowMain || note.TrayItem != LabelOpen {
		t.Errorf("group share offer: %+v", note)
	}
}

func TestANotificationsActionOpensTheWindowAtTheResetWizard(t *testing.T) {
	r := startAgent(t, newFakeService(), true)
	r.notifier.opened <- ShowReconnect
	if got := <-r.windows.opens; got != ShowReconnect {
		t.Errorf("opened %q, want the reconnect wizard", got)
	}
}

func TestTrayItemsDoWhatTheySay(t *testing.T) {
	svc := newFakeService()
	svc.demo = true
	r := startAgent(t, svc, true)
	r.click(t, ActionOpen)
	r.click(t, ActionReconnect)
	if a, b := <-r.windows.opens, <-r.windows.opens; a != ShowMain || b != ShowReconnect {
		t.Errorf("opened %q then %q, want the window then the reconnect wizard", a, b)
	}
	for _, c := range []struct {
		action Action
		count  *int
	}{{ActionPause, &svc.paused}, {ActionResume, &svc.resumed}, {ActionCheck, &svc.checked}, {ActionSimulate, &svc.simulated}} {
		r.click(t, c.action)
		if svc.counted(c.count) != 1 {
			t.Errorf("action %d did not reach the engine", c.action)
		}
	}
	r.click(t, ActionQuit)
	if !r.ended() {
		t.Error("Quit in the tray did not end the agent")
	}
}

func TestClosingTheWindowQuitsOnlyWhenNoTrayCanBringItBack(t *testing.T) {
	for _, c := range []struct {
		name     string
		trayHost bool
		exit     WindowExit
		quits    bool
	}{
		{"closed, no tray host", false, WindowExit{}, true},
		{"closed, tray host", true, WindowExit{}, false},
		{"crashed, no tray host", false, WindowExit{Err: errKilled}, false},
		{"crashed, tray host", true, WindowExit{Err: errKilled}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := startAgent(t, newFakeService(), c.trayHost)
			r.windows.exits <- c.exit
			if got := r.ended(); got != c.quits {
				t.Errorf("agent ended: %v, want %v", got, c.quits)
			}
			// However it ended, main hears of it (it trims the agent's memory).
			if n := len(r.windowsEnded); n != 1 {
				t.Errorf("WindowEnded called %d times, want 1", n)
			}
		})
	}
}

func TestATickReRendersTheTray(t *testing.T) {
	r := startAgent(t, newFakeService(), true)
	r.svc.setState(relay.State{Kind: relay.Offline})
	r.tick <- time.Now()
	if menu := r.tray.last(t); menu.Status != "LiveRoute — Offline" {
		t.Errorf("tray after a tick: %q", menu.Status)
	}
}

func TestTheTraySaysNothingIsWatchedBeforeAnAccountIsConnected(t *testing.T) {
	svc := newFakeService()
	svc.connected = false
	r := startAgent(t, svc, true)
	r.tick <- time.Now()
	if menu := r.tray.last(t); menu.Status != "LiveRoute — Not connected" || menu.PauseEnabled {
		t.Errorf("tray with no account: %+v", menu)
	}
}

func TestAKeychainProblemFoundAtStartStaysInTheTray(t *testing.T) {
	svc := newFakeService()
	svc.keychainProblem = store.ErrNoKeychain
	r := startAgent(t, svc, true)
	// A healthy engine does not hide it: nothing can connect until the
	// keychain is fixed and LiveRoute restarted.
	r.publish(t, relay.StateChanged{From: relay.State{Kind: relay.Offline}, To: relay.State{Kind: relay.Healthy}})
	r.tick <- time.Now()
	want := MenuFor(service.KeychainHealth(store.ErrNoKeychain), false, false)
	if menu := r.tray.last(t); menu != want {
		t.Errorf("tray with no keychain:\n got %+v\nwant %+v", menu, want)
	}
}
