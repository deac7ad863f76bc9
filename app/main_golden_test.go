package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// newGoldenWindow builds the main window over db, with an engine that
// reports state. It is the one place that knows how the window is wired:
// when the window takes a service.API instead of a database and an
// engine, only this function changes.
func newGoldenWindow(t *testing.T, svc *fakeService, state relay.State) *GUI {
	t.Helper()
	svc.mu.Lock()
	svc.status.State = state
	svc.mu.Unlock()
	a := &desktopApp{App: test.NewTempApp(t)}
	return New(Options{App: a, Service: svc, TrayHost: func() bool { return true },
		Autostart: startsAtLogin{}})
}

// startsAtLogin is an installed LiveRoute that starts at login, as a
// person's is after the setup.
type startsAtLogin struct{}

func (startsAtLogin) Enabled() (bool, error) { return true, nil }
func (startsAtLogin) Set(bool) error         { return nil }

// goldenNow is the fixed moment of the golden data. It is a wall time in
// the machine's own zone, because the window shows times in local time:
// the images then read the same in every time zone.
var goldenNow = time.Date(2026, time.November, 29, 10, 30, 0, 0, time.Local)

// goldenDB is a profile with fixed names and times: Ada connected, a
// Sunday-service route from her live Page to two Pages and a group, one
// share done, one group share waiting, and a few lines of activity.
func goldenDB(t *testing.T) *fakeService {
	t.Helper()
	db := newFakeService(relay.State{Kind: relay.Healthy})
	db.account = &store.Account{UserID: "501", Name: "Ada Lovelace", AppID: "31415926535",
		IssuedAt: goldenNow.AddDate(0, 0, -3), ExpiresAt: goldenNow.AddDate(0, 0, 57)}
	settings := store.DefaultSettings()
	settings.AppID, settings.ConfigID = "31415926535", "27182818284"
	must(t, db.PutSettings(settings))
	for _, d := range []store.Destination{
		{ID: "9001", Name: "Ada Live", Kind: store.KindPage},
		{ID: "9002", Name: "Ada Choir", Kind: store.KindPage},
		{ID: "9003", Name: "Ada Youth", Kind: store.KindPage},
		{ID: "ada-prayer-circle", Name: "Ada Prayer Circle", Kind: store.KindGroup, URL: "https://www.facebook.com/groups/ada-prayer-circle"},
	} {
		must(t, db.PutDestination(d))
	}
	const message = "We're live on {source}: {title} — {url}"
	route, err := db.PutRoute(store.Route{Name: "Sunday service", SourceID: "9001", SourceName: "Ada Live",
		SourceKind: store.SourcePage, Enabled: true, Targets: []store.Target{
			{DestinationID: "9002", Mode: store.ModePost, Message: message},
			{DestinationID: "9003", Mode: store.ModePost, Message: message},
			{DestinationID: "ada-prayer-circle", Mode: store.ModeAssisted, Message: message},
		}})
	must(t, err)
	video := "https://www.facebook.com/watch/live/?v=7001"
	for _, e := range []store.LedgerEntry{
		{LedgerKey: store.LedgerKey{RouteID: route.ID, VideoID: "7001", DestinationID: "9002"}, State: store.LedgerDone, PostID: "9002_1"},
		{LedgerKey: store.LedgerKey{RouteID: route.ID, VideoID: "7001", DestinationID: "9003"}, State: store.LedgerDone, PostID: "9003_1"},
		{LedgerKey: store.LedgerKey{RouteID: route.ID, VideoID: "7001", DestinationID: "ada-prayer-circle"}, State: store.LedgerAssistedOpen},
	} {
		e.VideoURL, e.VideoTitle, e.UpdatedAt = video, "Sunday service", goldenNow
		must(t, db.LedgerPut(e))
	}
	for i, msg := range []string{
		"Connected as Ada Lovelace: 3 Pages ready.",
		"Ada Live went live: Sunday service.",
		"Shared Sunday service to Ada Choir.",
		"Shared Sunday service to Ada Youth.",
	} {
		db.activity = append(db.activity, store.Activity{Time: goldenNow.Add(time.Duration(i-30) * time.Minute), Kind: "info", Message: msg})
	}
	return db
}

// TestMainTabsLookAsDesigned compares every tab of the main window, in the
// light and dark themes, with the images under testdata/main/.
func TestMainTabsLookAsDesigned(t *testing.T) {
	g := newGoldenWindow(t, goldenDB(t), relay.State{Kind: relay.Healthy})
	g.win.Resize(fyne.NewSize(820, 620))
	tabs := g.view.tabs
	if len(tabs.Items) < 4 {
		t.Fatalf("the window has %d tabs, want at least Routes, Activity, Connection and Settings", len(tabs.Items))
	}
	for i, item := range tabs.Items {
		tabs.SelectIndex(i)
		for _, v := range goldenVariants {
			fyne.CurrentApp().Settings().SetTheme(variantTheme{theme.DefaultTheme(), v.variant})
			name := fmt.Sprintf("main/%s_%s.png", goldenFileName(item.Text), v.name)
			test.AssertImageMatches(t, name, g.win.Canvas().Capture())
		}
	}
}

// TestMainWindowNeedingAReconnectLooksAsDesigned is the window a person
// sees when Facebook ended the connection: the banner and its button.
func TestMainWindowNeedingAReconnectLooksAsDesigned(t *testing.T) {
	g := newGoldenWindow(t, goldenDB(t), relay.State{Kind: relay.NeedsReconnect, Reason: "Your Facebook password changed: reconnect to resume sharing."})
	g.win.Resize(fyne.NewSize(820, 620))
	for _, v := range goldenVariants {
		fyne.CurrentApp().Settings().SetTheme(variantTheme{theme.DefaultTheme(), v.variant})
		test.AssertImageMatches(t, "main/needs_reconnect_"+v.name+".png", g.win.Canvas().Capture())
	}
}

// goldenFileName turns a tab's label into a file name: "Pages & groups"
// becomes "pages_groups".
func goldenFileName(label string) string {
	var out []rune
	for _, r := range label {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		case len(out) > 0 && out[len(out)-1] != '_':
			out = append(out, '_')
		}
	}
	for len(out) > 0 && out[len(out)-1] == '_' {
		out = out[:len(out)-1]
	}
	return string(out)
}
