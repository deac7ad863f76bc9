package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/store"
)

// The keychain can take seconds to answer: Connect with no secret typed
// asks it off the UI goroutine, and the form says what it waits for. Were
// the look-up on the UI goroutine, the tap would never return while the
// fake keychain holds its answer back.
func TestConnectLooksForTheSavedSecretOffTheUIGoroutine(t *testing.T) {
	f := newFakeService(relay.State{Kind: relay.Healthy})
	f.lookupGate = make(chan struct{})
	g, _ := newTestGUI(t, f, true)
	c := g.view.connect
	c.appID.SetText("1234567890123456")

	test.Tap(c.connect)
	if !c.connect.Disabled() || !strings.Contains(c.progress.Text, "Looking for your App secret in the keychain") {
		t.Errorf("while the keychain is asked: Connect disabled %v, progress %q", c.connect.Disabled(), c.progress.Text)
	}
	close(f.lookupGate)
	c.waitForSecretLookup()
	if !strings.Contains(c.problem.Text, "Paste your App secret") || c.connect.Disabled() || c.progress.Text != "" {
		t.Errorf("with no saved secret: problem %q, Connect disabled %v, progress %q", c.problem.Text, c.connect.Disabled(), c.progress.Text)
	}

	f.mu.Lock()
	f.secrets["1234567890123456"] = true
	f.mu.Unlock()
	c.finished = make(chan error, 1)
	test.Tap(c.connect)
	c.waitForSecretLookup()
	if err := <-c.finished; !errors.Is(err, errNotFaked) {
		t.Errorf("with a saved secret the login did not start: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.secretLookups != 2 || f.connects != 1 {
		t.Errorf("%d keychain look-ups and %d connects, want 2 and 1", f.secretLookups, f.connects)
	}
}

// The reset wizard reads the saved app (its secret is in the keychain)
// off the UI goroutine, with Reconnect off until it knows.
func TestResetWizardReadsTheSavedAppOffTheUIGoroutine(t *testing.T) {
	f := connectedFake(relay.State{Kind: relay.NeedsReconnect})
	st, _ := f.Settings()
	st.AppID = "1234567890123456"
	must(t, f.PutSettings(st))
	f.secrets[st.AppID] = true
	g, _ := newTestGUI(t, f, true)
	r := g.newResetWizard()
	t.Cleanup(r.w.close)
	r.w.show(resetReconnect)
	r.w.wait()
	if r.reconnect.Disabled() || !strings.Contains(r.appLine.Text, "One click: LiveRoute reconnects with your Meta app 1234567890123456") {
		t.Errorf("reconnect step: %q, Reconnect disabled %v", r.appLine.Text, r.reconnect.Disabled())
	}
}

// openDemoService is the demo's real service (fake Facebook, bbolt file,
// secrets in memory), not started.
func openDemoService(t *testing.T) *service.Service {
	t.Helper()
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	svc, err := service.Open(context.Background(), service.Options{Paths: paths, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// seedGroupShare records a live of a route waiting to be shared by hand
// to the group "Choir friends", as the engine does when the live starts.
func seedGroupShare(t *testing.T, svc *service.Service, message string) store.LedgerKey {
	t.Helper()
	must(t, svc.DB.PutDestination(store.Destination{ID: "choirfriends", Name: "Choir friends", Kind: store.KindGroup}))
	route, err := svc.DB.PutRoute(store.Route{SourceID: "200000000000001", SourceName: "Demo Church Live", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "choirfriends", Mode: store.ModeAssisted, Message: message}}})
	must(t, err)
	key := store.LedgerKey{RouteID: route.ID, VideoID: "v1", DestinationID: "choirfriends"}
	entry, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoURL: "https://www.facebook.com/200000000000001/videos/v1/",
		VideoTitle: "Sunday service", VideoDescription: "Hymns and a sermon"})
	must(t, err)
	entry.State = store.LedgerAssistedOpen
	must(t, svc.DB.LedgerPut(entry))
	return key
}

// A group share marked by another caller of the service (the command
// line's "groups shared" through the running app) reaches the window:
// the engine publishes it, and the window refreshes on the event.
func TestAGroupShareMarkedElsewhereReachesTheWindowsActivity(t *testing.T) {
	svc := openDemoService(t)
	key := seedGroupShare(t, svc, "Join us: {title} {url}")
	g := New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: svc})
	if !strings.Contains(allText(g.view.routes), "Choir friends — Sunday service") {
		t.Fatalf("the waiting share is not listed:\n%s", allText(g.view.routes))
	}
	events, stop := svc.Subscribe(8)
	defer stop()

	must(t, svc.MarkAssistedDone(key)) // not the window: another caller
	g.handle(shareResultFor(t, events, key))

	if n := strings.Count(allText(g.view.activity), "You shared “Sunday service” to the group Choir friends"); n != 1 {
		t.Errorf("the Activity tab shows the mark %d times, want once:\n%s", n, allText(g.view.activity))
	}
	if strings.Contains(allText(g.view.routes), "Choir friends — Sunday service") {
		t.Error("the share marked elsewhere is still listed as waiting")
	}
}

// shareResultFor waits for the engine's word on key.
func shareResultFor(t *testing.T, events <-chan relay.Event, key store.LedgerKey) relay.Event {
	t.Helper()
	deadline := time.After(10 * time.Second) // a failsafe, not a wait: the event is published before MarkAssistedDone returns
	for {
		select {
		case ev := <-events:
			if r, ok := ev.(relay.ShareResult); ok && r.Key == key && r.State == store.LedgerAssistedDone {
				return ev
			}
		case <-deadline:
			t.Fatal("the engine said nothing of the marked share")
		}
	}
}

// The message copied for a group share is the one the engine renders for
// a post, {description} included.
func TestTheGroupShareMessageRendersTheDescription(t *testing.T) {
	svc := openDemoService(t)
	seedGroupShare(t, svc, "{title}: {description} on {source} {url}")
	a := &recordingApp{desktopApp: &desktopApp{App: test.NewTempApp(t)}}
	g := New(Options{App: a, Service: svc})
	for _, b := range buttons(g.view.routes) {
		if b.Text == "Copy message" {
			test.Tap(b)
		}
	}
	want := "Sunday service: Hymns and a sermon on Demo Church Live https://www.facebook.com/200000000000001/videos/v1/"
	if got := a.Clipboard().Content(); got != want {
		t.Errorf("copied %q, want %q", got, want)
	}
}
