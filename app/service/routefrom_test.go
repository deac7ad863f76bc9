package service

import (
	"errors"
	"testing"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// RouteFrom is the one reading of a described route, the window's editor's
// and `routes add`'s: the profile as "me", a group made assisted, a Page a
// link post unless it says crosspost, and what LiveRoute does not know
// refused as not found.
func TestRouteFromReadsTheSourceAndTheTargetsModes(t *testing.T) {
	svc := openDemo(t) // connected, with its demo Pages and group
	acct, _, _ := svc.DB.Account()
	pages, _ := svc.Pages()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.DB.PutDestination(store.Destination{ID: "choirfriends", Name: "Choir friends", Kind: store.KindGroup}))

	r, err := svc.RouteFrom(store.Route{SourceID: relay.SourceMe, Targets: []store.Target{
		{DestinationID: pages[0].ID}, {DestinationID: "choirfriends", Mode: store.ModeCrosspost}}})
	must(err)
	if r.SourceID != acct.UserID || r.SourceKind != store.SourceProfile || r.SourceName != acct.Name {
		t.Errorf("source %s %s %q, want the connected profile", r.SourceID, r.SourceKind, r.SourceName)
	}
	if r.Targets[0].Mode != store.ModePost || r.Targets[1].Mode != store.ModeAssisted {
		t.Errorf("modes %s, %s; want post for the Page, assisted for the group", r.Targets[0].Mode, r.Targets[1].Mode)
	}

	var re *relay.RouteError
	if _, err := svc.RouteFrom(store.Route{SourceID: "choirfriends", Targets: []store.Target{{DestinationID: pages[0].ID}}}); !errors.As(err, &re) || re.NotFound {
		t.Errorf("a group as source: %v, want an invalid route", err)
	}
	if _, err := svc.RouteFrom(store.Route{SourceID: pages[0].ID, Targets: []store.Target{{DestinationID: "999"}}}); !errors.As(err, &re) || !re.NotFound {
		t.Errorf("an unknown destination: %v, want not found", err)
	}
	if _, err := svc.RouteFrom(store.Route{SourceID: pages[0].ID, Targets: []store.Target{{DestinationID: "choirfriends", Mode: store.ModePost}}}); err == nil {
		t.Error("a mode for groups alone was taken")
	}

	// An edited route keeps a source no longer connected.
	saved, err := svc.SaveRoute(store.Route{SourceID: "555", SourceKind: store.SourcePage, SourceName: "Old Page", Enabled: true,
		Targets: []store.Target{{DestinationID: pages[0].ID, Mode: store.ModePost}}})
	must(err)
	saved.Targets = []store.Target{{DestinationID: pages[0].ID, Mode: store.ModeCrosspost}}
	if r, err := svc.RouteFrom(saved); err != nil || r.SourceName != "Old Page" || r.SourceKind != store.SourcePage {
		t.Errorf("editing a route with a source no longer known: %+v, %v", r, err)
	}
}
