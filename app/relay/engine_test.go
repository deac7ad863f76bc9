package relay

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

func TestLiveIsSharedOnceToEveryDestinationWithTheRenderedMessage(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 3, template: "{source} is live: {title} {url}"})
	w.start()
	b := w.live("Sunday service")
	w.advance(15 * time.Second)
	w.advance(2 * time.Minute) // later polls must not post again
	for _, id := range w.dests {
		posts := w.fake.Posts(id)
		if len(posts) != 1 {
			t.Fatalf("%s has %d posts, want 1", id, len(posts))
		}
		if want := "Source Page is live: Sunday service " + posts[0].Link; posts[0].Message != want {
			t.Errorf("message %q, want %q", posts[0].Message, want)
		}
		if !strings.HasSuffix(posts[0].Link, b.PermalinkURL) {
			t.Errorf("link %q does not point at %q", posts[0].Link, b.PermalinkURL)
		}
		if e := w.ledger(b.ID, id); e.State != store.LedgerDone || e.PostID != posts[0].ID {
			t.Errorf("ledger %+v, want done with post %s", e, posts[0].ID)
		}
	}
	if n := len(w.eventsOf(func(ev Event) bool { _, ok := ev.(LiveDetected); return ok })); n != 1 {
		t.Errorf("%d LiveDetected events, want 1", n)
	}
	if n := len(w.eventsOf(func(ev Event) bool { r, ok := ev.(ShareResult); return ok && r.State == store.LedgerDone })); n != 3 {
		t.Errorf("%d done ShareResults, want 3", n)
	}
}

func TestDestinationsOfOneTickGoOutInOneBatch(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 5})
	w.start()
	w.live("Batch")
	before := len(w.fake.Requests())
	w.advance(15 * time.Second)
	var batches, feedPosts int
	for _, r := range w.fake.Requests()[before:] {
		if r.Batch {
			batches++
		}
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/feed") {
			feedPosts++
		}
	}
	if batches != 1 || feedPosts != 0 {
		t.Fatalf("%d batch requests and %d single posts, want 1 and 0", batches, feedPosts)
	}
}

func TestBadTemplateIsRejectedWhenTheRouteIsSaved(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, noRoute: true})
	_, err := w.db.PutRoute(store.Route{Name: "x", SourceID: sourcePageID, SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: w.dests[0], Mode: store.ModePost, Message: "Live: {titel}"}}})
	if err == nil || !strings.Contains(err.Error(), "{titel}") {
		t.Fatalf("PutRoute with a bad template: %v, want an error naming {titel}", err)
	}
}

func TestPerDestinationDelayIsHonoured(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, delay: 2 * time.Minute})
	w.start()
	w.live("Delayed")
	w.advance(15 * time.Second)
	if n := len(w.fake.Posts(w.dests[0])); n != 0 {
		t.Fatalf("posted %d before the 2 minute delay", n)
	}
	w.advance(2 * time.Minute)
	if n := len(w.fake.Posts(w.dests[0])); n != 1 {
		t.Fatalf("%d posts after the delay, want 1", n)
	}
}

func TestRateLimitStopsEveryCallUntilFacebookAllowsThemAgain(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.fake.FailNext(1, fakefb.FailPageRateLimit)
	w.advance(15 * time.Second) // this poll is refused
	throttled := w.eventsOf(func(ev Event) bool { u, ok := ev.(UsageChanged); return ok && !u.ThrottledTil.IsZero() })
	if len(throttled) == 0 {
		t.Fatal("no UsageChanged announcing the throttle")
	}
	until := throttled[len(throttled)-1].(UsageChanged).ThrottledTil
	b := w.live("During throttle")
	n := w.fake.RequestCount()
	w.engine.CheckNow()
	w.advance(until.Sub(w.clock.Now()) - time.Second)
	if got := w.fake.RequestCount(); got != n {
		t.Fatalf("%d calls were sent while throttled", got-n)
	}
	w.advance(30 * time.Second)
	if c := w.postsLinking(w.dests[0], b); c != 1 {
		t.Fatalf("%d posts after the throttle ended, want 1", c)
	}
}

func TestHighUsageSlowsPolling(t *testing.T) {
	if Slowdown(90) <= 1 {
		t.Fatal("no slowdown at 90 %")
	}
	w := newWorld(t, worldOpts{dests: 1})
	// A small app budget puts usage above 75 % after a few calls.
	w.fake.SetRateLimits(fakefb.RateLimits{AppCallsPerHour: 20})
	w.start()
	w.advance(5 * time.Minute)
	calls := w.fake.RequestCount()
	// At 15 s without slowdown 5 minutes would be 20 polls plus the start.
	if calls >= 20 {
		t.Fatalf("%d calls in 5 minutes: no slowdown at high usage", calls)
	}
	if st := w.engine.Status(); st.Usage.Slowdown <= 1 {
		t.Fatalf("status shows slowdown %v at usage %d%%", st.Usage.Slowdown, st.Usage.Usage.Max())
	}
}

func TestEveryTokenDeathSubcodeNeedsReconnectOnceAndLosesNothing(t *testing.T) {
	for _, sub := range []int{458, 459, 460, 463, 464, 467} {
		t.Run(strconv.Itoa(sub), func(t *testing.T) {
			w := newWorld(t, worldOpts{dests: 2})
			w.start()
			w.fake.InvalidateUser(testUserID, sub)
			b := w.live("While dead")
			w.advance(15 * time.Second)
			w.advance(time.Minute)
			changes := w.stateChanges()
			if len(changes) != 1 || changes[0].To.Kind != NeedsReconnect {
				t.Fatalf("state changes %+v, want exactly one to NeedsReconnect", changes)
			}
			want := (&fbclient.Error{Code: 190, Subcode: sub}).Reason()
			if changes[0].To.Reason != want {
				t.Errorf("reason %q, want %q", changes[0].To.Reason, want)
			}
			for _, id := range w.dests {
				if n := w.postsLinking(id, b); n != 0 {
					t.Fatalf("posted %d times on a dead token", n)
				}
			}
			// Reconnect: new tokens, Rebind; the live still on is shared.
			w.mintTokens()
			must(t, w.engine.Rebind(context.Background()))
			w.advance(15 * time.Second)
			for _, id := range w.dests {
				if n := w.postsLinking(id, b); n != 1 {
					t.Fatalf("%s: %d posts after reconnect, want 1", id, n)
				}
			}
			changes = w.stateChanges()
			if len(changes) != 2 || changes[1].To.Kind != Healthy {
				t.Fatalf("state changes %+v, want one more to Healthy", changes)
			}
		})
	}
}

func TestTokenDeathInTheMiddleOfABatchHoldsOnlyTheDeadShares(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 3})
	w.start()
	deadTok, _ := w.secrets.Get(store.PageTokenKey(w.dests[1]))
	w.fake.InvalidateToken(deadTok, 460)
	b := w.live("Mid-batch death")
	w.advance(15 * time.Second)
	w.advance(time.Minute)
	if w.postsLinking(w.dests[0], b) != 1 || w.postsLinking(w.dests[2], b) != 1 {
		t.Fatal("the destinations with live tokens were not shared to")
	}
	if w.postsLinking(w.dests[1], b) != 0 {
		t.Fatal("posted with a dead token")
	}
	if e := w.ledger(b.ID, w.dests[1]); e.State != store.LedgerPending {
		t.Fatalf("the held share is %s, want still pending", e.State)
	}
	if st := w.engine.Status(); st.QueuedShares != 1 {
		t.Fatalf("%d shares queued, want the held one", st.QueuedShares)
	}
	w.mintTokens()
	must(t, w.engine.Rebind(context.Background()))
	w.advance(15 * time.Second)
	if n := w.postsLinking(w.dests[1], b); n != 1 {
		t.Fatalf("%d posts on the healed destination, want 1", n)
	}
}

func TestShareSkipsDestinationWhoseRoleWasLost(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 3})
	w.start()
	w.fake.RevokePageRole(w.dests[1], testUserID)
	b := w.live("Role lost")
	w.advance(15 * time.Second)
	w.advance(time.Minute)
	if w.postsLinking(w.dests[0], b) != 1 || w.postsLinking(w.dests[2], b) != 1 {
		t.Fatal("the other destinations were not shared to")
	}
	if e := w.ledger(b.ID, w.dests[1]); e.State != store.LedgerFailed {
		t.Fatalf("share to the lost Page is %s, want failed", e.State)
	}
	flags := w.eventsOf(func(ev Event) bool { f, ok := ev.(DestinationFlagged); return ok && f.DestinationID == w.dests[1] })
	if len(flags) != 1 || flags[0].(DestinationFlagged).Flag != store.StatusRoleLost {
		t.Fatalf("flag events %+v, want one role_lost", flags)
	}
	if d, _, _ := w.dbDest(w.dests[1]); d.Status != store.StatusRoleLost {
		t.Fatalf("stored destination status %q", d.Status)
	}
	for _, c := range w.stateChanges() {
		if c.To.Kind == NeedsReconnect {
			t.Fatal("a Page-level loss put the whole account in NeedsReconnect")
		}
	}
}

func TestSleepWakeSharesLivesStillOnAndReportsEndedOnesMissed(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2, delay: 10 * time.Minute})
	w.start()
	early, err := w.fake.StartLive(sourcePageID, fakefb.LiveSpec{Title: "Short", StopAt: w.clock.Now().Add(5 * time.Minute)})
	must(t, err)
	w.advance(15 * time.Second) // detected; the delay holds the shares
	later, err := w.fake.StartLive(sourcePageID, fakefb.LiveSpec{Title: "Long", StartAt: w.clock.Now().Add(20 * time.Minute)})
	must(t, err)
	// The laptop sleeps an hour: every timer fires late, at once.
	w.idle()
	w.clock.Jump(time.Hour)
	w.advance(time.Minute)
	for _, id := range w.dests {
		if n := w.postsLinking(id, early); n != 0 {
			t.Fatalf("the ended live was shared late to %s", id)
		}
		if e := w.ledger(early.ID, id); e.State != store.LedgerMissed {
			t.Fatalf("ended live on %s is %s, want missed", id, e.State)
		}
	}
	w.advance(11 * time.Minute) // the delay of the live still on
	for _, id := range w.dests {
		if n := w.postsLinking(id, later); n != 1 {
			t.Fatalf("the live still on was shared %d times to %s, want 1", n, id)
		}
	}
	if n := len(w.eventsOf(func(ev Event) bool { _, ok := ev.(Missed); return ok })); n != 2 {
		t.Fatalf("%d Missed events, want 2", n)
	}
}

func TestPauseMakesNoCallsAndResumeCatchesUp(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.engine.Pause(10 * time.Minute)
	n := w.fake.RequestCount()
	b := w.live("While paused")
	w.advance(10*time.Minute - time.Second)
	if got := w.fake.RequestCount(); got != n {
		t.Fatalf("%d calls while paused", got-n)
	}
	w.advance(30 * time.Second)
	if c := w.postsLinking(w.dests[0], b); c != 1 {
		t.Fatalf("%d posts after the pause ended, want 1", c)
	}
	kinds := []StateKind{}
	for _, c := range w.stateChanges() {
		kinds = append(kinds, c.To.Kind)
	}
	if len(kinds) != 2 || kinds[0] != Paused || kinds[1] != Healthy {
		t.Fatalf("state changes %v, want Paused then Healthy", kinds)
	}
}

func TestExpiringWarnsAtSevenDaysAndOneDay(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, pollInterval: time.Hour})
	user := w.fake.MintUserToken(testAppID, testUserID, testScopes, 8*24*time.Hour, true)
	w.secrets.Set(store.UserTokenKey(testUserID), user.Value)
	w.start()
	w.advance(2 * 24 * time.Hour)
	w.advance(5*24*time.Hour + 12*time.Hour)
	var got []time.Duration
	for _, c := range w.stateChanges() {
		if c.To.Kind == Expiring {
			got = append(got, c.To.Window)
		}
	}
	if len(got) != 2 || got[0] != 7*24*time.Hour || got[1] != 24*time.Hour {
		t.Fatalf("Expiring windows %v, want [7 days, 1 day]", got)
	}
}

func TestGroupDestinationsRaiseOneAssistedShareEvent(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, groups: 2, template: "Join us: {title}"})
	w.start()
	b := w.live("Assisted")
	w.advance(15 * time.Second)
	evs := w.eventsOf(func(ev Event) bool { _, ok := ev.(AssistedSharesPending); return ok })
	if len(evs) != 1 {
		t.Fatalf("%d AssistedSharesPending events, want 1", len(evs))
	}
	a := evs[0].(AssistedSharesPending)
	if len(a.Shares) != 2 || a.Shares[0].Message != "Join us: Assisted" || !strings.Contains(a.Shares[0].ShareURL, "sharer") {
		t.Fatalf("assisted shares %+v", a.Shares)
	}
	must(t, w.engine.MarkAssistedDone(a.Shares[0].Key))
	if e := w.ledger(b.ID, a.Shares[0].DestinationID); e.State != store.LedgerAssistedDone {
		t.Fatalf("ledger %s after MarkAssistedDone", e.State)
	}
}

func TestPendingShareFromACrashIsCheckedBeforeRetrying(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2})
	b := w.live("Crash")
	// The previous run wrote pending, posted to dest 0, and died.
	for _, id := range w.dests {
		_, _, err := w.db.LedgerBegin(store.LedgerEntry{LedgerKey: store.LedgerKey{RouteID: w.route.ID, VideoID: b.ID, DestinationID: id},
			VideoURL: w.fake.URL + b.PermalinkURL, VideoTitle: b.Title})
		must(t, err)
	}
	tok, _ := w.secrets.Get(store.PageTokenKey(w.dests[0]))
	_, err := w.client.PostLink(context.Background(), fbclient.Token(tok), w.dests[0], "from the crashed run", w.fake.URL+b.PermalinkURL)
	must(t, err)
	w.start()
	w.advance(15 * time.Second)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Fatalf("%s has %d posts, want 1", id, n)
		}
		if e := w.ledger(b.ID, id); e.State != store.LedgerDone {
			t.Fatalf("%s: ledger %s", id, e.State)
		}
	}
}

func TestDryRunRendersEveryDestinationAndPostsNothing(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2, groups: 1, template: "{title} on {page}"})
	w.start()
	w.live("Dry")
	w.fake.RevokePageRole(w.dests[1], testUserID)
	plan, err := w.engine.DryRun(context.Background(), w.route.ID)
	must(t, err)
	if plan.Sample || plan.Video.Title != "Dry" || len(plan.Steps) != 3 {
		t.Fatalf("plan %+v", plan)
	}
	if plan.Steps[0].Message != "Dry on "+plan.Steps[0].Name || plan.Steps[2].Mode != store.ModeAssisted {
		t.Fatalf("steps %+v", plan.Steps)
	}
	for _, id := range w.dests {
		if n := len(w.fake.Posts(id)); n != 0 {
			t.Fatal("DryRun posted")
		}
	}
}

func (w *world) dbDest(id string) (store.Destination, bool, error) { return w.db.Destination(id) }
