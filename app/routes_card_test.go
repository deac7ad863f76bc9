package app

import (
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

func putProfileRoute(t *testing.T, db *fakeService) store.Route {
	t.Helper()
	must(t, db.PutDestination(store.Destination{ID: "9002", Name: "Choir", Kind: store.KindPage}))
	r, err := db.PutRoute(store.Route{SourceID: "501", SourceName: "Ada", SourceKind: store.SourceProfile, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	return r
}

func TestRouteCardSaysAProfileSourceCannotShare(t *testing.T) {
	g := editorGUI(t) // no engine running: the rule for the source's kind
	putProfileRoute(t, fakeOf(g))
	g.view.refresh()
	if text := allText(g.view.routes); !strings.Contains(text, "⚠ "+fbclient.ProfileLiveVideosUnsupported) {
		t.Errorf("route card of a profile route: %q", text)
	}
}

func TestRouteCardTakesTheEnginesWordOnItsSource(t *testing.T) {
	engine := connectedFake(relay.State{Kind: relay.Healthy})
	g, _ := newTestGUI(t, engine, true)
	putProfileRoute(t, fakeOf(g))
	for _, tc := range []struct {
		state relay.SourceState
		warn  bool
	}{{relay.SourceUnsupported, true}, {relay.SourceWatching, false}} {
		source := relay.SourceStatus{SourceID: "501", State: tc.state}
		if tc.warn {
			source.Reason = "the engine's sentence"
		}
		engine.setSources([]relay.SourceStatus{source})
		g.view.refresh()
		text := allText(g.view.routes)
		if got := strings.Contains(text, "⚠ the engine's sentence"); got != tc.warn {
			t.Errorf("source %s: warning shown %v, want %v: %q", tc.state, got, tc.warn, text)
		}
		if strings.Contains(text, fbclient.ProfileLiveVideosUnsupported) {
			t.Errorf("source %s: the card ignores the engine: %q", tc.state, text)
		}
	}
}

func TestRouteCardSaysWhyACrosspostBecameALinkPost(t *testing.T) {
	g := editorGUI(t)
	r, err := fakeOf(g).PutRoute(store.Route{SourceID: "9001", SourceName: "Ada Live", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModeCrosspost, Message: "{url}"}}})
	must(t, err)
	must(t, fakeOf(g).LedgerPut(store.LedgerEntry{LedgerKey: store.LedgerKey{RouteID: r.ID, VideoID: "v1", DestinationID: "9002"},
		State: store.LedgerDone, PostID: "9002_1",
		Reason: "Crossposting to Ada's Choir needs its approval each time; shared as a link post instead."}))
	g.view.refresh()
	text := allText(g.view.routes)
	if !strings.Contains(text, "Ada's Choir (crosspost) — ✓ shared") || !strings.Contains(text, "needs its approval each time; shared as a link post instead.") {
		t.Errorf("route card: %q", text)
	}
	if strings.Contains(text, "⚠") {
		t.Errorf("a Page source warned about: %q", text)
	}
}

func TestRouteEditorWarnsWhenTheProfileIsTheSource(t *testing.T) {
	g := editorGUI(t)
	g.view.showRouteEditor(nil)
	e := g.view.editor
	profile := ""
	for _, s := range e.sources {
		if s.kind == store.SourceProfile {
			profile = s.label
		}
	}
	if !strings.Contains(profile, "Facebook does not show its lives to apps") {
		t.Fatalf("the profile is offered as %q", profile)
	}
	e.source.SetSelected(profile)
	if e.sourceNote.Text != fbclient.ProfileLiveVideosUnsupported {
		t.Errorf("with the profile chosen the editor says %q", e.sourceNote.Text)
	}
	e.source.SetSelected("Page: Ada Live")
	if e.sourceNote.Text != "" {
		t.Errorf("with a Page chosen the editor says %q", e.sourceNote.Text)
	}
}
