package app

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/store"
)

// editorGUI is the window alone, on a fake service with an account, two
// Pages and a group.
func editorGUI(t *testing.T) *GUI {
	t.Helper()
	f := connectedFake(relay.State{Kind: relay.Healthy})
	f.putDestination(store.Destination{ID: "9001", Name: "Ada Live", Kind: store.KindPage})
	f.putDestination(store.Destination{ID: "9002", Name: "Ada's Choir", Kind: store.KindPage})
	f.putDestination(store.Destination{ID: "choirfriends", Name: "Choir friends", Kind: store.KindGroup})
	return New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: f})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *routeEditor) row(id string) *targetRow {
	for _, r := range e.targets {
		if r.dest.ID == id {
			return r
		}
	}
	return nil
}

func TestRouteEditorSavesAPageAndAGroupRoute(t *testing.T) {
	g := editorGUI(t)
	g.view.showRouteEditor(nil)
	e := g.view.editor
	e.name.SetText("Evening show")
	e.source.SetSelected("Page: Ada Live")
	if len(e.list.Objects) != 2 {
		t.Errorf("the source is offered as a destination: %d rows", len(e.list.Objects))
	}
	e.row("9002").check.SetChecked(true)
	e.row("9002").mode.SetSelected(modeLabelCrosspost)
	e.row("choirfriends").check.SetChecked(true)
	e.message.SetText("Live: {title} {url}")
	test.Tap(e.save)

	routes, err := fakeOf(g).Routes()
	if err != nil || len(routes) != 1 {
		t.Fatalf("routes: %v %v; problem %q", routes, err, e.problem.Text)
	}
	r := routes[0]
	if r.Name != "Evening show" || r.SourceID != "9001" || r.SourceKind != store.SourcePage || !r.Enabled {
		t.Errorf("route %+v", r)
	}
	modes := map[string]store.Mode{}
	for _, tg := range r.Targets {
		modes[tg.DestinationID] = tg.Mode
		if tg.Message != "Live: {title} {url}" {
			t.Errorf("message %q", tg.Message)
		}
	}
	if modes["9002"] != store.ModeCrosspost || modes["choirfriends"] != store.ModeAssisted || len(modes) != 2 {
		t.Errorf("targets %v: want 9002 crosspost and the group assisted", modes)
	}
	if !strings.Contains(allText(g.view.routes), "Evening show") {
		t.Error("the routes tab does not show the new route")
	}

	// Editing keeps the ID and changes what was changed.
	g.view.showRouteEditor(&r)
	e = g.view.editor
	e.row("choirfriends").check.SetChecked(false)
	test.Tap(e.save)
	routes, _ = fakeOf(g).Routes()
	if len(routes) != 1 || routes[0].ID != r.ID || len(routes[0].Targets) != 1 {
		t.Errorf("after editing: %+v", routes)
	}
}

func TestRouteEditorRefusesABadMessageAndSavesNothing(t *testing.T) {
	g := editorGUI(t)
	g.view.showRouteEditor(nil)
	e := g.view.editor
	e.source.SetSelected("Page: Ada Live")
	e.row("9002").check.SetChecked(true)
	e.message.SetText("Watch {titel}")
	if !strings.Contains(e.problem.Text, "titel") {
		t.Errorf("problem %q does not name the bad placeholder", e.problem.Text)
	}
	test.Tap(e.save)
	if routes, _ := fakeOf(g).Routes(); len(routes) != 0 {
		t.Errorf("a route with a bad message was saved: %+v", routes)
	}

	e.message.SetText("Watch {title}")
	e.row("9002").check.SetChecked(false)
	test.Tap(e.save)
	if !strings.Contains(e.problem.Text, "at least one") {
		t.Errorf("a route with no destination: problem %q", e.problem.Text)
	}
}

func TestDeletingARouteKeepsTheOthers(t *testing.T) {
	g := editorGUI(t)
	a, err := fakeOf(g).PutRoute(store.Route{SourceID: "9001", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	b, err := fakeOf(g).PutRoute(store.Route{SourceID: "9002", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9001", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	must(t, g.view.deleteRoute(a.ID))
	routes, _ := fakeOf(g).Routes()
	if len(routes) != 1 || routes[0].ID != b.ID {
		t.Errorf("after deleting one route: %+v", routes)
	}
}

func TestAddGroupDialogStoresTheGroupOrSaysWhy(t *testing.T) {
	g := editorGUI(t)
	g.view.showAddGroup()
	d := g.view.addGroup
	d.address.SetText("https://example.com/nope")
	test.Tap(d.add)
	if !strings.Contains(d.problem.Text, "facebook.com") || !strings.HasPrefix(d.problem.Text, strings.ToUpper(d.problem.Text[:1])) {
		t.Errorf("problem %q", d.problem.Text)
	}
	d.address.SetText("https://www.facebook.com/groups/youth.team/")
	d.name.SetText("Youth team")
	test.Tap(d.add)
	got, ok, _ := fakeOf(g).Destination("youth.team")
	if !ok || got.Kind != store.KindGroup || got.Name != "Youth team" {
		t.Errorf("group stored as %+v (%v)", got, ok)
	}
}

// recordingApp remembers the addresses the app opened.
type recordingApp struct {
	*desktopApp
	opened []string
}

func (a *recordingApp) OpenURL(u *url.URL) error { a.opened = append(a.opened, u.String()); return nil }

// An open assisted share is listed with Facebook's share dialog, the
// message on the clipboard, and "Mark shared" that closes it in the ledger.
func TestAssistedShareOpensTheShareDialogAndIsMarkedDone(t *testing.T) {
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	svc, err := service.Open(context.Background(), service.Options{Paths: paths, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	must(t, svc.DB.PutDestination(store.Destination{ID: "choirfriends", Name: "Choir friends", Kind: store.KindGroup}))
	route, err := svc.DB.PutRoute(store.Route{SourceID: "200000000000001", SourceName: "Demo Church Live", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "choirfriends", Mode: store.ModeAssisted, Message: "Join us: {title} {url}"}}})
	must(t, err)
	// What the engine writes when a live starts on an assisted route.
	key := store.LedgerKey{RouteID: route.ID, VideoID: "v1", DestinationID: "choirfriends"}
	entry, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoURL: "https://www.facebook.com/200000000000001/videos/v1/", VideoTitle: "Sunday service"})
	must(t, err)
	entry.State = store.LedgerAssistedOpen
	must(t, svc.DB.LedgerPut(entry))

	a := &recordingApp{desktopApp: &desktopApp{App: test.NewTempApp(t)}}
	g := New(Options{App: a, Service: svc})
	var open, done *widgetButton
	for _, b := range buttons(g.view.routes) {
		switch b.Text {
		case "Open share dialog":
			open = b
		case "Mark shared":
			done = b
		}
	}
	if open == nil || done == nil {
		t.Fatalf("no assisted share row in %q", allText(g.view.routes))
	}
	test.Tap(open)
	if len(a.opened) != 1 || !strings.Contains(a.opened[0], "/sharer/sharer.php?u=") || !strings.Contains(a.opened[0], url.QueryEscape(entry.VideoURL)) {
		t.Errorf("opened %v, want Facebook's share dialog for the video", a.opened)
	}
	if clip := a.Clipboard().Content(); clip != "Join us: Sunday service "+entry.VideoURL {
		t.Errorf("clipboard %q", clip)
	}
	test.Tap(done)
	got, _, _ := svc.DB.LedgerGet(key)
	if got.State != store.LedgerAssistedDone {
		t.Errorf("ledger state %s after Mark shared", got.State)
	}
	if strings.Contains(allText(g.view.routes), "Share to your groups") {
		t.Error("the done share is still listed")
	}
	if acts, _ := svc.DB.Activities(5); len(acts) == 0 || !strings.HasPrefix(acts[0].Message, "You shared to ") {
		t.Errorf("activity after Mark shared: %+v", acts)
	}
	// The Activity tab says it once, as `liveroute history` does: with the
	// video's title (the activity line above is the log's).
	if n := strings.Count(allText(g.view.activity), "You shared “Sunday service” to the group Choir friends"); n != 1 {
		t.Errorf("the Activity tab lists the mark %d times, want once:\n%s", n, allText(g.view.activity))
	}
}

// A route whose source is no longer connected keeps that source when it
// is edited; it is never swapped for the first Page in the list.
func TestEditingARouteNeverSwapsADisconnectedSource(t *testing.T) {
	g := editorGUI(t)
	r, err := fakeOf(g).PutRoute(store.Route{Name: "From my profile", SourceID: "777", SourceName: "Old profile", SourceKind: store.SourceProfile, Enabled: true,
		Targets: []store.Target{{DestinationID: "9001", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	g.view.showRouteEditor(&r)
	e := g.view.editor
	if got := e.source.Selected; got != "Old profile (not connected)" {
		t.Fatalf("source shown as %q", got)
	}
	e.name.SetText("Renamed")
	test.Tap(e.save)
	got, _, _ := fakeOf(g).Route(r.ID)
	if got.SourceID != "777" || got.SourceKind != store.SourceProfile || len(got.Targets) != 1 || got.Name != "Renamed" {
		t.Errorf("after renaming: %+v", got)
	}
}

// "Try it" asks the real engine (on the demo's fake Facebook) what a route
// would share, and says it per destination without posting anything.
func TestTryingARouteShowsWhatItWouldShare(t *testing.T) {
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	svc, err := service.Open(context.Background(), service.Options{Paths: paths, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	routes, err := svc.DB.Routes()
	if err != nil || len(routes) != 1 {
		t.Fatalf("demo routes: %v %v", routes, err)
	}
	before := svc.Fake().RequestCount()
	posts := len(svc.Fake().Posts("200000000000002"))
	g := New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: svc})
	g.view.dryRunDone = make(chan error, 1)
	g.view.showDryRun(routes[0])
	if err := <-g.view.dryRunDone; err != nil {
		t.Fatal(err)
	}
	text := g.view.dryRun
	for _, want := range []string{"Demo Youth Group — a link post", "Message: We're live on Demo Church Live:", "Demo Prayer Circle — a share you make"} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run says:\n%s\nwant %q", text, want)
		}
	}
	if len(svc.Fake().Posts("200000000000002")) != posts {
		t.Error("trying a route posted something")
	}
	if svc.Fake().RequestCount() == before {
		t.Error("trying a route did not ask Facebook whether the source is live")
	}
}

func TestAnUnconfirmedShareIsShownWithMarkSharedAndShareAgain(t *testing.T) {
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	svc, err := service.Open(context.Background(), service.Options{Paths: paths, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	must(t, svc.DB.PutDestination(store.Destination{ID: "9002", Name: "Ada's Choir", Kind: store.KindPage}))
	key := store.LedgerKey{RouteID: "r1", VideoID: "77", DestinationID: "9002"}
	_, _, err = svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Vespers"})
	must(t, err)
	must(t, svc.DB.LedgerPut(store.LedgerEntry{LedgerKey: key, State: store.LedgerUnconfirmed, VideoTitle: "Vespers"}))

	g := New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: svc})
	if text := allText(g.view.routes); !strings.Contains(text, "Vespers — "+relay.UnconfirmedSentence("Ada's Choir")) {
		t.Fatalf("the window does not say the share is unconfirmed:\n%s", text)
	}
	var shared, again *widgetButton
	for _, b := range buttons(g.view.routes) {
		switch b.Text {
		case "Mark shared":
			shared = b
		case "Share again":
			again = b
		}
	}
	if shared == nil || again == nil {
		t.Fatalf("no Mark shared / Share again in %q", allText(g.view.routes))
	}
	test.Tap(shared)
	if got, _, _ := svc.DB.LedgerGet(key); got.State != store.LedgerDone {
		t.Errorf("ledger state %s after Mark shared, want done", got.State)
	}
	if strings.Contains(allText(g.view.routes), "Vespers — ") {
		t.Error("the settled share is still listed")
	}
}
