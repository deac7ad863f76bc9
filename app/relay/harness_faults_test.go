package relay

import (
	"context"
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

// TestBatchInFlightAtAKillLandsBeforeTheNextEngineLooks: a batch request
// the engine abandons when it is killed reaches Facebook before the kill
// returns, so the next engine's looks find its posts and nothing is sent
// twice. (When the fake applied the abandoned batch whenever the scheduler
// got to it, it landed between the new engine's looks on a loaded machine,
// and the fault test counted the posts sent again as duplicates.)
func TestBatchInFlightAtAKillLandsBeforeTheNextEngineLooks(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 5})
	held := make(chan struct{})
	w.faults.beforeBatch = func(ctx context.Context) {
		close(held)
		<-ctx.Done() // the engine is stopped while its batch is on the way
	}
	w.start()
	b := w.live("video 1")
	w.clock.Advance(15 * time.Second) // the poll sees the live; the sharer sends its batch
	<-held
	w.faults.beforeBatch = nil // the sharer's only batch is held; later ones go through
	w.stop()
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Fatalf("%s has %d posts of the live once the killed engine stopped, want 1 (the batch it sent)", id, n)
		}
	}
	w.reopen(15 * time.Second)
	w.advance(2 * time.Minute)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Errorf("%s has %d posts of the live, want 1", id, n)
		}
		if e := w.ledger(b.ID, id); e.State != store.LedgerDone {
			t.Errorf("%s: ledger %s, want done", id, e.State)
		}
	}
	if identical, _ := w.faults.graphCalls(); identical != 0 {
		t.Errorf("%d posts were sent a second time (refused as identical), want 0", identical)
	}
}

// TestInjectedTimeoutsKeepFakefbsMeaning: a timed-out batch item is
// applied and answered null, a timed-out plain call never reaches the fake,
// and neither waits on the wall clock.
func TestInjectedTimeoutsKeepFakefbsMeaning(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2, timeout: time.Hour})
	w.start()
	b := w.live("video 1")
	before := w.fake.RequestCount()
	w.faults.timeoutNext(1)
	w.engine.CheckNow() // the poll times out
	w.idle()
	if got := w.fake.RequestCount(); got != before {
		t.Fatalf("the timed-out poll reached the fake (%d requests, want %d)", got, before)
	}
	if n := w.postsLinking(w.dests[0], b); n != 0 {
		t.Fatalf("shared after a poll that timed out: %d posts", n)
	}
	armed := false
	w.faults.beforeBatch = func(context.Context) {
		if !armed {
			armed = true
			w.faults.timeoutNext(1) // the first batch's first item
		}
	}
	w.advance(2 * time.Minute)
	looks := 0
	for _, id := range w.dests {
		n, _ := w.faults.callsOf(id)
		looks += n
	}
	if looks != 1 {
		t.Errorf("%d looks for an earlier post, want 1: for the item answered null", looks)
	}
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Errorf("%s has %d posts of the live, want 1", id, n)
		}
		if e := w.ledger(b.ID, id); e.State != store.LedgerDone {
			t.Errorf("%s: ledger %s, want done", id, e.State)
		}
	}
	if identical, _ := w.faults.graphCalls(); identical != 0 {
		t.Errorf("%d posts were sent a second time, want 0", identical)
	}
}
