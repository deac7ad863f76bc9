package relay

import (
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

// An ambiguous share (Facebook applied the batch, then the connection
// dropped) is settled by the look on /{page}/posts, which finds the post by
// its attachment: Facebook no longer serves a post's `link` (#12 since
// v3.3, https://developers.facebook.com/docs/graph-api/reference/post/),
// and fakefb refuses it by default, as here.
func TestAnAmbiguousShareIsFoundByItsAttachmentWithinTwoPolls(t *testing.T) {
	const poll = 30 * time.Second
	w := newWorld(t, worldOpts{dests: 3, pollInterval: poll})
	w.start()
	w.fake.DropAfterWrite(1)
	b := w.live("Dropped after the write")
	w.advance(poll)
	w.advance(poll)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Fatalf("%s has %d posts linking the live, want exactly 1", id, n)
		}
		e := w.ledger(b.ID, id)
		if e.State != store.LedgerDone || e.PostID == "" {
			t.Errorf("%s: ledger %s (post %q), want done with the post found", id, e.State, e.PostID)
		}
	}
	if n := len(w.eventsOf(func(ev Event) bool { r, ok := ev.(ShareResult); return ok && r.State == store.LedgerUnconfirmed })); n != 0 {
		t.Errorf("%d shares left unconfirmed, want none: the look can see the posts", n)
	}
}
