package relay

import (
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

func TestCrosspostGoesThroughTheRelationshipAndFallsBackWithoutOne(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2, template: "{title}"})
	w.fake.AddCrosspostPartners(sourcePageID, w.dests[0])
	r := w.route
	for i := range r.Targets {
		r.Targets[i].Mode = store.ModeCrosspost
	}
	r, err := w.db.PutRoute(r)
	must(t, err)
	w.route = r
	w.start()
	w.live("Crossposted")
	w.advance(15 * time.Second)
	p0, p1 := w.fake.Posts(w.dests[0]), w.fake.Posts(w.dests[1])
	if len(p0) != 1 || !p0[0].Crosspost {
		t.Fatalf("partner Page posts %+v, want one crosspost", p0)
	}
	if len(p1) != 1 || p1[0].Crosspost {
		t.Fatalf("non-partner Page posts %+v, want one link post", p1)
	}
}

func TestMissingCreateContentFlagsOnlyThatDestination(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2})
	w.fake.SetPageTasks(w.dests[0], testUserID, "ANALYZE", "MODERATE")
	w.start()
	b := w.live("No create content")
	w.advance(15 * time.Second)
	if w.postsLinking(w.dests[1], b) != 1 {
		t.Fatal("the healthy destination was not shared to")
	}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerFailed {
		t.Fatalf("share without CREATE_CONTENT is %s, want failed", e.State)
	}
	if d, _, _ := w.db.Destination(w.dests[0]); d.Status == "" {
		t.Fatal("the destination without CREATE_CONTENT was not flagged")
	}
	for _, c := range w.stateChanges() {
		t.Fatalf("account state changed (%v) for a Page-level problem", c.To)
	}
}

func TestNetworkLossIsOfflineOnceAndRecovers(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, timeout: 100 * time.Millisecond})
	w.start()
	w.fake.FailNext(3, fakefb.FailTimeout) // three polls hang until the client gives up
	b := w.live("After the outage")
	w.advance(45 * time.Second)
	w.advance(30 * time.Second)
	var kinds []StateKind
	for _, c := range w.stateChanges() {
		kinds = append(kinds, c.To.Kind)
	}
	if len(kinds) != 2 || kinds[0] != Offline || kinds[1] != Healthy {
		t.Fatalf("state changes %v, want Offline then Healthy", kinds)
	}
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Fatalf("%d posts after the network came back, want 1", n)
	}
}

func TestReloadRoutesWatchesANewSource(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, noRoute: true})
	w.start()
	if n := len(w.engine.Status().Sources); n != 0 {
		t.Fatalf("%d sources before any route", n)
	}
	r, err := w.db.PutRoute(store.Route{Name: "late", SourceID: sourcePageID, SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: w.dests[0], Mode: store.ModePost}}})
	must(t, err)
	w.route = r
	w.engine.ReloadRoutes()
	w.idle()
	b := w.live("After reload")
	w.advance(15 * time.Second)
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Fatalf("%d posts from a route added while running, want 1", n)
	}
}

func TestScheduledLiveIsSharedOnlyWhenTheRouteAsks(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	b, err := w.fake.StartLive(sourcePageID, fakefb.LiveSpec{Title: "Announced", Announce: true, StartAt: w.clock.Now().Add(time.Hour)})
	must(t, err)
	w.advance(time.Minute)
	if n := w.postsLinking(w.dests[0], b); n != 0 {
		t.Fatal("a scheduled live was shared though the route did not ask")
	}
	r := w.route
	r.ShareScheduled = true
	_, err = w.db.PutRoute(r)
	must(t, err)
	w.engine.ReloadRoutes()
	w.advance(time.Minute)
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Fatalf("%d posts of the scheduled live, want 1", n)
	}
}

func TestStopEndsEveryGoroutineAndStartResumesFromTheLedger(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2, delay: time.Minute})
	w.start()
	b := w.live("Across restart")
	w.advance(15 * time.Second)
	w.stop() // goleak in TestMain checks nothing is left running
	w.engine = w.newEngine(15 * time.Second)
	w.start()
	w.advance(2 * time.Minute)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Fatalf("%d posts on %s after a restart, want 1", n, id)
		}
	}
}

func TestAssistedSharePendingFromACrashIsOpenedNotPosted(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, groups: 1, template: "{title}"})
	b := w.live("Crash before assisted")
	group := w.route.Targets[1].DestinationID
	_, _, err := w.db.LedgerBegin(store.LedgerEntry{LedgerKey: store.LedgerKey{RouteID: w.route.ID, VideoID: b.ID, DestinationID: group},
		VideoURL: w.fake.URL + b.PermalinkURL, VideoTitle: b.Title})
	must(t, err)
	w.start()
	w.advance(15 * time.Second)
	if e := w.ledger(b.ID, group); e.State != store.LedgerAssistedOpen {
		t.Fatalf("the Group share is %s, want assisted-open", e.State)
	}
	if n := len(w.eventsOf(func(ev Event) bool { _, ok := ev.(AssistedSharesPending); return ok })); n != 1 {
		t.Fatalf("%d AssistedSharesPending events, want 1", n)
	}
}
