package relay

import (
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

// A group share keeps the video's description, so the message the person
// pastes later renders {description} as a post does; marking it done is
// published, so every face (the window, the command line's) hears it.
func TestAGroupShareKeepsTheDescriptionAndItsMarkIsPublished(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, groups: 1, template: "{title}: {description}"})
	w.start()
	b := w.live("Assisted")
	w.advance(15 * time.Second)
	evs := w.eventsOf(func(ev Event) bool { _, ok := ev.(AssistedSharesPending); return ok })
	if len(evs) != 1 || len(evs[0].(AssistedSharesPending).Shares) != 1 {
		t.Fatalf("assisted share events %+v", evs)
	}
	a := evs[0].(AssistedSharesPending).Shares[0]
	if e := w.ledger(b.ID, a.DestinationID); e.VideoDescription != "desc of Assisted" || a.Message != "Assisted: desc of Assisted" {
		t.Fatalf("ledger keeps description %q; the engine's message %q", e.VideoDescription, a.Message)
	}
	must(t, w.engine.MarkAssistedDone(a.Key))
	done := w.eventsOf(func(ev Event) bool {
		r, ok := ev.(ShareResult)
		return ok && r.Key == a.Key && r.State == store.LedgerAssistedDone
	})
	if len(done) != 1 {
		t.Errorf("%d ShareResult events for the mark, want 1", len(done))
	}
}
