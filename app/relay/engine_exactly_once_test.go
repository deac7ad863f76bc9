package relay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

func TestAFailedSecondBatchRequestLeavesTheFirstRequestsPostsDone(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 60})
	w.start()
	w.faults.failBatch(2, refusedInvalid)
	b := w.live("Sixty Pages")
	w.advance(15 * time.Second)
	w.advance(5 * time.Minute)
	var done, failed int
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n > 1 {
			t.Fatalf("%s got %d posts", id, n)
		}
		switch e := w.ledger(b.ID, id); {
		case e.State == store.LedgerDone && w.postsLinking(id, b) == 1:
			done++
		case e.State == store.LedgerFailed && w.postsLinking(id, b) == 0:
			failed++
		default:
			t.Errorf("%s: ledger %s with %d posts", id, e.State, w.postsLinking(id, b))
		}
	}
	if done != 50 || failed != 10 {
		t.Errorf("%d done and %d failed, want the first request's 50 done and the refused request's 10 failed", done, failed)
	}
}

func TestARateLimitedSecondBatchRequestRetriesOnlyItsOwnShares(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 60})
	w.start()
	w.faults.failBatch(2, refusedRateLimit)
	b := w.live("Sixty Pages")
	w.advance(15 * time.Second)
	w.advance(10 * time.Minute)
	for _, id := range w.dests {
		looks, posts := w.faults.callsOf(id)
		if n := w.postsLinking(id, b); n != 1 || w.ledger(b.ID, id).State != store.LedgerDone {
			t.Fatalf("%s: %d posts, ledger %s; want one, done", id, n, w.ledger(b.ID, id).State)
		}
		if looks != 0 || posts > 2 {
			t.Errorf("%s: %d looks and %d posts sent; a refused request needs no look", id, looks, posts)
		}
	}
}

func TestASecondBatchRequestThatFailedAfterFacebookAppliedItIsLookedUpNotReposted(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 60})
	w.start()
	w.faults.failBatch(2, failedAfterApply)
	b := w.live("Sixty Pages")
	w.advance(15 * time.Second)
	w.advance(5 * time.Minute)
	looked := 0
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 || w.ledger(b.ID, id).State != store.LedgerDone {
			t.Fatalf("%s: %d posts, ledger %s; want one, done", id, n, w.ledger(b.ID, id).State)
		}
		switch looks, _ := w.faults.callsOf(id); looks {
		case 0:
		case 1:
			looked++
		default:
			t.Errorf("%s: %d looks, want at most one", id, looks)
		}
	}
	if looked != 10 {
		t.Errorf("%d shares were looked up, want the failed request's 10", looked)
	}
}

func TestARouteDeletedAndMadeAgainMidLiveDoesNotPostAgain(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2})
	w.start()
	b := w.live("Two routes")
	w.advance(15 * time.Second)
	// The person deletes the route and makes an equivalent one mid-live.
	must(t, w.db.DeleteRoute(w.route.ID))
	again := w.route
	again.ID = ""
	_, err := w.db.PutRoute(again)
	must(t, err)
	w.engine.ReloadRoutes()
	w.advance(2 * time.Minute)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Errorf("%s has %d posts of the live, want 1", id, n)
		}
	}
}

func TestAPageMovedToAnotherRouteMidShareIsNotPostedTwice(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.fake.DropAfterWrite(1) // the first post lands, its answer is lost
	b := w.live("Moved")
	w.advance(15 * time.Second)
	// The Page moves to a new route of the same source before the retry.
	must(t, w.db.DeleteRoute(w.route.ID))
	moved := w.route
	moved.ID, moved.Name = "", "Moved here"
	_, err := w.db.PutRoute(moved)
	must(t, err)
	w.engine.ReloadRoutes()
	w.advance(5 * time.Minute)
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Fatalf("%d posts of the live, want 1", n)
	}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerDone {
		t.Errorf("ledger %+v, want done", e)
	}
}

func TestAFailingLookBacksOffAndEndsUnconfirmedForThePerson(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.fake.DropAfterWrite(1)
	w.faults.refuseLooks(-1)
	b := w.live("Unverifiable")
	w.advance(15 * time.Second)
	must(t, w.fake.StopLive(b.ID)) // once the live ends, the backoff must still hold
	w.advance(3 * time.Hour)
	id := w.dests[0]
	looks, posts := w.faults.callsOf(id)
	if looks == 0 || looks > DefaultMaxChecks || posts != 1 {
		t.Errorf("%d looks and %d posts; want at most %d looks and the one post", looks, posts, DefaultMaxChecks)
	}
	e := w.ledger(b.ID, id)
	if e.State != store.LedgerUnconfirmed || !strings.Contains(e.Reason, "Could not confirm the share to") {
		t.Fatalf("ledger %+v, want unconfirmed with a sentence", e)
	}
	acts, err := w.db.Activities(0)
	must(t, err)
	if !hasActivity(acts, "unconfirmed", b.ID, id) {
		t.Errorf("no unconfirmed activity for the person: %+v", acts)
	}
	if n := len(w.eventsOf(func(ev Event) bool {
		r, ok := ev.(ShareResult)
		return ok && r.State == store.LedgerUnconfirmed
	})); n != 1 {
		t.Errorf("%d unconfirmed ShareResults, want 1", n)
	}
	// The person opens the Page, sees the post, and marks it shared.
	must(t, w.engine.MarkShared(e.LedgerKey))
	if got := w.ledger(b.ID, id); got.State != store.LedgerDone {
		t.Errorf("after Mark shared: %+v", got)
	}
	if n := w.postsLinking(id, b); n != 1 {
		t.Errorf("%d posts, want the one", n)
	}
}

func TestShareAgainPostsAnUnconfirmedShareOnceWithoutALook(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.faults.failBatch(1, batchFault{status: 500, body: "<html>500</html>"}) // ambiguous, and nothing landed
	w.faults.refuseLooks(-1)
	b := w.live("Lost")
	w.advance(15 * time.Second)
	w.advance(time.Hour)
	id := w.dests[0]
	e := w.ledger(b.ID, id)
	if e.State != store.LedgerUnconfirmed || w.postsLinking(id, b) != 0 {
		t.Fatalf("ledger %s with %d posts, want unconfirmed and none", e.State, w.postsLinking(id, b))
	}
	looks, _ := w.faults.callsOf(id)
	must(t, w.engine.ShareAgain(e.LedgerKey))
	w.advance(time.Minute)
	if n := w.postsLinking(id, b); n != 1 {
		t.Fatalf("%d posts after Share again, want 1", n)
	}
	if after, _ := w.faults.callsOf(id); after != looks {
		t.Errorf("Share again looked %d more times; the person already looked", after-looks)
	}
	if got := w.ledger(b.ID, id); got.State != store.LedgerDone || got.NoCheck {
		t.Errorf("ledger after Share again: %+v", got)
	}
	if err := w.engine.MarkShared(e.LedgerKey); err != nil {
		t.Errorf("Mark shared after it was shared again: %v", err)
	}
}

// cannotVerify is a Graph whose look for an earlier post is refused as
// fbclient.FindPostLinking reports a refusal of the look itself.
type cannotVerify struct {
	Graph
	looks int
}

func (g *cannotVerify) FindPostLinking(context.Context, fbclient.Token, string, string, time.Time) (string, bool, error) {
	g.looks++
	return "", false, fmt.Errorf("look for an earlier post: %w", fbclient.ErrCannotVerify)
}

func TestALookFacebookRefusesGoesStraightToUnconfirmed(t *testing.T) {
	var g *cannotVerify
	w := newWorld(t, worldOpts{dests: 1, wrapGraph: func(c Graph) Graph { g = &cannotVerify{Graph: c}; return g }})
	w.start()
	w.fake.DropAfterWrite(1)
	b := w.live("Refused look")
	w.advance(15 * time.Second)
	w.advance(time.Hour)
	if g.looks != 1 {
		t.Errorf("%d looks, want exactly one: a refused look is not retried", g.looks)
	}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerUnconfirmed {
		t.Errorf("ledger %+v, want unconfirmed", e)
	}
}

// transientItem is a Graph whose batch items answer code 2 (is_transient)
// with HTTP 400 after Facebook applied them: not a 5xx, yet the write may
// have landed.
type transientItem struct {
	Graph
	left int
}

func (g *transientItem) Batch(ctx context.Context, tok fbclient.Token, ops []fbclient.BatchOp) ([]fbclient.BatchResult, error) {
	res, err := g.Graph.Batch(ctx, tok, ops)
	for i := range res {
		if g.left > 0 && res[i].Err == nil {
			g.left--
			res[i] = fbclient.BatchResult{Code: 400, Err: &fbclient.Error{HTTPStatus: 400, Code: 2, Transient: true,
				Message: "An unexpected error has occurred. Please retry your request later."}}
		}
	}
	return res, err
}

func TestATransientItemErrorIsLookedUpBeforeARetry(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2, wrapGraph: func(c Graph) Graph { return &transientItem{Graph: c, left: 2} }})
	w.start()
	b := w.live("Transient")
	w.advance(15 * time.Second)
	w.advance(5 * time.Minute)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Errorf("%s has %d posts, want 1: a transient error may have posted", id, n)
		}
		if e := w.ledger(b.ID, id); e.State != store.LedgerDone {
			t.Errorf("%s: ledger %+v, want done", id, e)
		}
	}
}

func TestMayHaveLandedTellsRefusalsFromUnknownOutcomes(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&fbclient.Error{HTTPStatus: 403, Code: 4, Transient: true}, false},
		{&fbclient.Error{HTTPStatus: 403, Code: 17}, false},
		{&fbclient.Error{HTTPStatus: 403, Code: 32}, false},
		{&fbclient.Error{HTTPStatus: 403, Code: 613}, false},
		{&fbclient.Error{HTTPStatus: 400, Code: 100}, false},
		{&fbclient.Error{HTTPStatus: 400, Code: 190, Subcode: 460}, false},
		{&fbclient.Error{HTTPStatus: 400, Code: 1}, true},
		{&fbclient.Error{HTTPStatus: 400, Code: 2}, true},
		{&fbclient.Error{HTTPStatus: 400, Code: 9999, Transient: true}, true},
		{&fbclient.Error{HTTPStatus: 502}, true},
		{&fbclient.Error{Message: "timed out", Ambiguous: true}, true},
		{fmt.Errorf("POST /: %w", fbclient.ErrAmbiguous), true},
		{fmt.Errorf("something odd"), true},
	}
	for _, c := range cases {
		if got := mayHaveLanded(c.err); got != c.want {
			t.Errorf("mayHaveLanded(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func hasActivity(acts []store.Activity, kind, videoID, destID string) bool {
	for _, a := range acts {
		if a.Kind == kind && a.VideoID == videoID && a.DestinationID == destID {
			return true
		}
	}
	return false
}
