package relay

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// crosspostWorld is a world with one destination, shared by crossposting,
// that is a crossposting partner of the source taking lives.
func crosspostWorld(t *testing.T) (*world, string) {
	t.Helper()
	w := newWorld(t, worldOpts{dests: 1, template: "{title}"})
	partner := w.dests[0]
	w.fake.AddCrosspostPartners(sourcePageID, partner)
	r := w.route
	r.Targets[0].Mode = store.ModeCrosspost
	r, err := w.db.PutRoute(r)
	must(t, err)
	w.route = r
	return w, partner
}

// crosspostTries counts the crossposting requests made on a live.
func (w *world) crosspostTries(b fakefb.Broadcast) int {
	n := 0
	for _, r := range w.fake.Requests() {
		if r.Method == "POST" && (strings.HasSuffix(r.Path, "/"+b.ID) || strings.HasSuffix(r.Path, "/"+b.VideoID)) {
			n++
		}
	}
	return n
}

// linkPosts counts the link posts (not crossposts) on pageID that link to b.
func (w *world) linkPosts(pageID string, b fakefb.Broadcast) int {
	n := 0
	for _, p := range w.fake.Posts(pageID) {
		if !p.Crosspost && hasSuffix(p.Link, b.PermalinkURL) {
			n++
		}
	}
	return n
}

func (w *world) activityMentions(text string) bool {
	w.t.Helper()
	items, err := w.db.Activities(100)
	must(w.t, err)
	for _, a := range items {
		if strings.Contains(a.Message, text) {
			return true
		}
	}
	return false
}

func TestCrosspostRecordsTheCrosspostedBroadcastsID(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.start()
	b := w.live("Crossposted")
	w.advance(15 * time.Second)
	want := w.fake.Crossposts(b.ID)[partner]
	if want == "" {
		t.Fatal("Facebook has no crossposted broadcast on the partner")
	}
	e := w.ledger(b.ID, partner)
	if e.State != store.LedgerDone || e.PostID != want || e.Reason != "" {
		t.Fatalf("ledger %+v, want done with the crossposted broadcast %s", e, want)
	}
	if n := w.linkPosts(partner, b); n != 0 {
		t.Fatalf("%d link posts besides the crosspost", n)
	}
}

func TestSilentlyRefusedCrosspostFallsBackToOneLinkPostAndSaysSo(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.start()
	first := w.live("Partners then")
	w.advance(15 * time.Second)
	must(t, w.fake.StopLive(first.ID))
	// The partner changes its terms on facebook.com; LiveRoute's list of
	// partners is still fresh, so it asks, and Facebook declines silently.
	w.fake.SetAllowsLiveCrossposts(sourcePageID, partner, false)
	b := w.live("Declined now")
	w.advance(15 * time.Second)
	w.advance(2 * time.Minute)
	if n := w.crosspostTries(b); n != 1 {
		t.Fatalf("%d crosspost requests, want 1", n)
	}
	if n := w.linkPosts(partner, b); n != 1 {
		t.Fatalf("%d link posts, want exactly 1", n)
	}
	e := w.ledger(b.ID, partner)
	if e.State != store.LedgerDone || !strings.Contains(e.Reason, "did not crosspost") || !strings.Contains(e.Reason, "link post instead") {
		t.Fatalf("ledger %+v, want done with the reason", e)
	}
	if !w.activityMentions("Facebook did not crosspost to") {
		t.Error("the activity does not say the crosspost became a link post")
	}
}

func TestPartnerThatApprovesEachLiveGetsALinkPostWithoutACrosspostTry(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.fake.SetAllowsLiveCrossposts(sourcePageID, partner, false)
	w.start()
	b := w.live("Needs approval")
	w.advance(15 * time.Second)
	if n := w.crosspostTries(b); n != 0 {
		t.Fatalf("%d crosspost requests, want none", n)
	}
	if n := w.linkPosts(partner, b); n != 1 {
		t.Fatalf("%d link posts, want 1", n)
	}
	if e := w.ledger(b.ID, partner); !strings.Contains(e.Reason, "needs its approval each time") {
		t.Fatalf("ledger reason %q", e.Reason)
	}
	if !w.activityMentions("needs its approval each time; sharing it as a link post instead") {
		t.Error("the activity does not say why")
	}
}

func TestInvalidCrosspostOptionsFallBackToALinkPost(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.fake.RefuseCrosspostOptionsNext(1)
	w.start()
	b := w.live("Bad options")
	w.advance(15 * time.Second)
	w.advance(2 * time.Minute)
	if n := w.crosspostTries(b); n != 1 {
		t.Fatalf("%d crosspost requests, want 1 (terminal, no retry)", n)
	}
	if n := w.linkPosts(partner, b); n != 1 {
		t.Fatalf("%d link posts, want 1", n)
	}
	if e := w.ledger(b.ID, partner); e.State != store.LedgerDone || e.Reason == "" {
		t.Fatalf("ledger %+v", e)
	}
}

func TestPartnerCacheKeepsAListForItsTimeToLive(t *testing.T) {
	var c partnerCache
	now := t0
	if _, ok := c.get("src", now); ok {
		t.Fatal("an empty cache answered")
	}
	c.put("src", []fbclient.CrosspostPartner{{ID: "p", AllowsLive: true}}, now)
	if got, ok := c.get("src", now.Add(partnersTTL-time.Second)); !ok || !got["p"].AllowsLive {
		t.Fatalf("fresh list: %v, %v", got, ok)
	}
	if _, ok := c.get("src", now.Add(partnersTTL)); ok {
		t.Error("a list older than its time to live answered")
	}
	c.forget()
	if _, ok := c.get("src", now); ok {
		t.Error("a forgotten list answered")
	}
}

func TestACrosspostAnsweredWithoutBroadcastsIsDoneWithoutALinkPostOnTop(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.fake.AnswerCrosspostsWithoutBroadcasts(true)
	w.start()
	b := w.live("Answered bare")
	w.advance(15 * time.Second)
	w.advance(2 * time.Minute)
	want := w.fake.Crossposts(b.ID)[partner]
	if want == "" {
		t.Fatal("Facebook has no crossposted broadcast on the partner, so the test shows nothing")
	}
	if n := w.linkPosts(partner, b); n != 0 {
		t.Fatalf("%d link posts on top of the crosspost", n)
	}
	if e := w.ledger(b.ID, partner); e.State != store.LedgerDone || e.PostID != want {
		t.Fatalf("ledger %+v, want done with the crossposted broadcast %s", e, want)
	}
}

// unsureCrosspost makes the crosspost, then answers as if Facebook's answer
// did not say whether it did (no crossposted_broadcasts).
type unsureCrosspost struct {
	Graph
	left int
}

func (g *unsureCrosspost) Crosspost(ctx context.Context, tok fbclient.Token, liveVideoID, pageID string) (string, error) {
	id, err := g.Graph.Crosspost(ctx, tok, liveVideoID, pageID)
	if err != nil || g.left == 0 {
		return id, err
	}
	g.left--
	return "", fmt.Errorf("crosspost answer without crossposted_broadcasts: %w (%w)", fbclient.ErrAmbiguous, fbclient.ErrNotCrossposted)
}

func TestACrosspostWhoseAnswerDoesNotSayIsLookedForNotLinkPosted(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.graph = &unsureCrosspost{Graph: w.graph, left: 1}
	w.engine = w.newEngine(15 * time.Second)
	w.start()
	b := w.live("Unsure crosspost")
	w.advance(15 * time.Second)
	w.advance(10 * time.Minute)
	if n := w.linkPosts(partner, b); n != 0 {
		t.Errorf("%d link posts beside a crosspost that landed, want 0", n)
	}
	if n := w.crosspostTries(b); n != 1 {
		t.Errorf("%d crosspost requests, want 1: the look finds the first", n)
	}
	if e := w.ledger(b.ID, partner); e.State != store.LedgerDone {
		t.Errorf("ledger %+v, want done: the look finds the crosspost", e)
	}
}

// postsReads counts the reads of pageID's posts (the link-post look).
func (w *world) postsReads(pageID string) int {
	n := 0
	for _, r := range w.fake.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/"+pageID+"/posts") {
			n++
		}
	}
	return n
}

// An unsure crosspost is looked for in the live's crossposted broadcasts,
// which Meta documents, not among the destination's posts.
func TestAnUnsureCrosspostIsLookedForInTheCrosspostedBroadcasts(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.graph = &unsureCrosspost{Graph: w.graph, left: 1}
	w.engine = w.newEngine(15 * time.Second)
	w.start()
	b := w.live("Looked for in crossposted_broadcasts")
	w.advance(15 * time.Second)
	w.advance(10 * time.Minute)
	want := w.fake.Crossposts(b.ID)[partner]
	if e := w.ledger(b.ID, partner); e.State != store.LedgerDone || want == "" || e.PostID != want {
		t.Fatalf("ledger %+v, want done with the crossposted broadcast %q", e, want)
	}
	if n := w.postsReads(partner); n != 0 {
		t.Errorf("%d reads of the partner's posts; a crosspost is looked for in crossposted_broadcasts", n)
	}
	if n := w.crosspostTries(b); n != 1 {
		t.Errorf("%d crosspost requests, want 1", n)
	}
}

// unmadeCrosspost answers the first n crossposts as unsure without making
// them, and fails reading the partners while failPartners is set.
type unmadeCrosspost struct {
	Graph
	left         atomic.Int32
	failPartners atomic.Bool
}

func (g *unmadeCrosspost) Crosspost(ctx context.Context, tok fbclient.Token, liveVideoID, pageID string) (string, error) {
	if g.left.Add(-1) >= 0 {
		return "", fmt.Errorf("crosspost timed out: %w", fbclient.ErrAmbiguous)
	}
	return g.Graph.Crosspost(ctx, tok, liveVideoID, pageID)
}

func (g *unmadeCrosspost) CrosspostPartners(ctx context.Context, tok fbclient.Token, pageID string) ([]fbclient.CrosspostPartner, error) {
	if g.failPartners.Load() {
		return nil, &fbclient.Error{Code: 2, Message: "An unexpected error has occurred.", Transient: true}
	}
	return g.Graph.CrosspostPartners(ctx, tok, pageID)
}

// An unsure crosspost that the look finds was not made is crossposted
// again; while the partners cannot be read (the cached list expired), it
// waits instead of going out as a link post on top of a crosspost.
func TestAnUnsureCrosspostIsNeverFollowedByALinkPostForWantOfPartners(t *testing.T) {
	w, partner := crosspostWorld(t)
	g := &unmadeCrosspost{Graph: w.graph}
	g.left.Store(1)
	w.graph = g
	w.engine = w.newEngine(15 * time.Second)
	w.start()
	b := w.live("Unsure, partners unreadable")
	w.advance(15 * time.Second)
	if e := w.ledger(b.ID, partner); e.State != store.LedgerPending {
		t.Fatalf("ledger %+v, want pending after an unsure crosspost", e)
	}
	g.failPartners.Store(true)
	w.engine.partners.forget() // the cached list expired
	w.advance(5 * time.Minute)
	if n := w.linkPosts(partner, b); n != 0 {
		t.Fatalf("%d link posts after an unsure crosspost, want 0", n)
	}
	if e := w.ledger(b.ID, partner); e.State != store.LedgerPending {
		t.Fatalf("ledger %+v, want still pending while the partners cannot be read", e)
	}
	if !w.activityMentions("it tries again later") {
		t.Error("the activity does not say the share waits")
	}
	g.failPartners.Store(false)
	w.advance(5 * time.Minute)
	want := w.fake.Crossposts(b.ID)[partner]
	if e := w.ledger(b.ID, partner); e.State != store.LedgerDone || want == "" || e.PostID != want {
		t.Fatalf("ledger %+v, want done with the crosspost %q", e, want)
	}
	if n := w.linkPosts(partner, b); n != 0 {
		t.Errorf("%d link posts beside the crosspost", n)
	}
}

// unpublishedCrosspost makes each crosspost, then has the partner's copy
// turn out unpublished, as Facebook's answer then shows it.
type unpublishedCrosspost struct {
	Graph
	fake *fakefb.Server
}

func (g *unpublishedCrosspost) Crosspost(ctx context.Context, tok fbclient.Token, liveVideoID, pageID string) (string, error) {
	if _, err := g.Graph.Crosspost(ctx, tok, liveVideoID, pageID); err != nil {
		return "", err
	}
	g.fake.SetCrosspostStatus(liveVideoID, pageID, "UNPUBLISHED")
	return g.Graph.Crosspost(ctx, tok, liveVideoID, pageID)
}

// A crosspost whose broadcast on the destination is not published yet is
// neither done nor a reason for a link post: it is looked for until the
// person is asked.
func TestAnUnpublishedCrosspostedBroadcastGetsNoLinkPostOnTop(t *testing.T) {
	w, partner := crosspostWorld(t)
	w.graph = &unpublishedCrosspost{Graph: w.graph, fake: w.fake}
	w.engine = w.newEngine(15 * time.Second)
	w.start()
	b := w.live("Unpublished on the partner")
	w.advance(15 * time.Second)
	w.advance(30 * time.Minute)
	if w.fake.Crossposts(b.ID)[partner] == "" {
		t.Fatal("no crosspost was made, so the test shows nothing")
	}
	if n := w.linkPosts(partner, b); n != 0 {
		t.Fatalf("%d link posts on top of an unpublished crosspost, want 0", n)
	}
	if e := w.ledger(b.ID, partner); e.State == store.LedgerDone {
		t.Fatalf("ledger %+v: an unpublished crosspost counted as shared", e)
	}
}
