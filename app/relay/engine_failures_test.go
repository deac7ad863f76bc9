package relay

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Failures the engine must come through without a storm, a silent loop,
// a wrong "failed" or a share hidden from the person.

// tokenRefused is what Facebook answers for a token it ended (190/467).
func tokenRefused() *fbclient.Error {
	return &fbclient.Error{HTTPStatus: 400, Code: 190, Subcode: 467, Message: "Error validating access token"}
}

// refusingGraph refuses what the test says, while debug_token (passed
// through to fakefb) finds every token valid; it counts the calls.
type refusingGraph struct {
	Graph
	mu          sync.Mutex
	postErr     func(n int) error // the n-th post item's error (from 1); nil: pass through
	lookErr     error             // the refused looks' error; nil: pass through
	lookRefuses int               // how many looks are refused; negative: all
	posts       int
	looks       int
	debugTokens int
}

func (g *refusingGraph) Batch(ctx context.Context, tok fbclient.Token, ops []fbclient.BatchOp) ([]fbclient.BatchResult, error) {
	g.mu.Lock()
	out := make([]fbclient.BatchResult, len(ops))
	refused := false
	for i := range ops {
		g.posts++
		if g.postErr == nil {
			continue
		}
		if err := g.postErr(g.posts); err != nil {
			out[i] = fbclient.BatchResult{Code: 400, Err: err}
			refused = true
		}
	}
	g.mu.Unlock()
	if !refused {
		return g.Graph.Batch(ctx, tok, ops)
	}
	return out, nil
}

func (g *refusingGraph) FindPostLinking(ctx context.Context, tok fbclient.Token, pageID, link string, since time.Time) (string, bool, error) {
	g.mu.Lock()
	g.looks++
	err := g.lookErr
	if g.lookRefuses == 0 {
		err = nil
	} else if g.lookRefuses > 0 {
		g.lookRefuses--
	}
	g.mu.Unlock()
	if err != nil {
		return "", false, err
	}
	return g.Graph.FindPostLinking(ctx, tok, pageID, link, since)
}

func (g *refusingGraph) DebugToken(ctx context.Context, tok fbclient.Token) (fbclient.TokenInfo, error) {
	g.mu.Lock()
	g.debugTokens++
	g.mu.Unlock()
	return g.Graph.DebugToken(ctx, tok)
}

func (g *refusingGraph) counts() (posts, looks, debugTokens int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.posts, g.looks, g.debugTokens
}

func TestATokenRefusedOnTheSecondBatchRequestHoldsSharesOnlyUntilTheHealthCheck(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 60})
	w.start()
	w.faults.failBatch(2, batchFault{status: 400,
		body: `{"error":{"message":"Error validating access token: The user has not authorized application","type":"OAuthException","code":190,"error_subcode":458}}`})
	b := w.live("Second request refused")
	w.advance(15 * time.Second)
	w.advance(10 * time.Minute)
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Errorf("%d posts on %s ten minutes after a refused second batch request (debug_token finds the token valid), want 1", n, id)
		}
	}
}

func TestAPostRefusedForATokenDebugTokenFindsValidIsRetriedWithBackoffThenFails(t *testing.T) {
	g := &refusingGraph{postErr: func(int) error { return tokenRefused() }}
	w := newWorld(t, worldOpts{dests: 1, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	w.start()
	b := w.live("Refused post")
	w.advance(15 * time.Second)
	w.advance(2 * time.Second)
	// One health check (user, source and destination tokens) at start and
	// one per refusal.
	if posts, _, debugs := g.counts(); posts > 2 || debugs > 3*(posts+1) {
		t.Errorf("%d posts and %d debug_token calls in 2 s: a refused token the health check finds valid must not loop", posts, debugs)
	}
	w.advance(time.Hour)
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerFailed {
		t.Errorf("ledger %+v, want failed after %d refusals", e, DefaultMaxAttempts)
	}
	if posts, _, _ := g.counts(); posts > DefaultMaxAttempts {
		t.Errorf("%d posts, want at most %d", posts, DefaultMaxAttempts)
	}
}

func TestALookRefusedForATokenDebugTokenFindsValidCountsAndEndsUnconfirmed(t *testing.T) {
	g := &refusingGraph{lookErr: tokenRefused(), lookRefuses: -1}
	w := newWorld(t, worldOpts{dests: 1, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	w.start()
	w.fake.DropAfterWrite(1)
	b := w.live("Refused look")
	w.advance(15 * time.Second)
	w.advance(2 * time.Second)
	if _, looks, debugs := g.counts(); looks > 2 || debugs > 3*(looks+1) {
		t.Errorf("%d looks and %d debug_token calls in 2 s: a refused look must not loop", looks, debugs)
	}
	w.advance(time.Hour)
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerUnconfirmed {
		t.Errorf("ledger %+v, want unconfirmed after %d refused looks", e, DefaultMaxChecks)
	}
	if _, looks, _ := g.counts(); looks > DefaultMaxChecks {
		t.Errorf("%d looks, want at most %d", looks, DefaultMaxChecks)
	}
}

// throttledPosts answers the first n posts with the Page's rate limit (#32):
// nothing is posted.
func throttledPosts(n int) func(int) error {
	return func(i int) error {
		if i > n {
			return nil
		}
		return &fbclient.Error{HTTPStatus: 403, Code: 32, RetryAfter: 5 * time.Minute, Message: "(#32) Page request limit reached"}
	}
}

func TestARateLimitedShareWaitsWhileTheLiveIsOnInsteadOfFailing(t *testing.T) {
	g := &refusingGraph{postErr: throttledPosts(DefaultMaxAttempts + 2)}
	w := newWorld(t, worldOpts{dests: 1, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	w.start()
	b := w.live("Throttled")
	w.advance(15 * time.Second)
	for i := 0; i < 20; i++ {
		w.advance(5 * time.Minute)
	}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerDone {
		t.Errorf("ledger %+v, want done: a live still on waits out rate limits", e)
	}
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestARateLimitedLookIsNotCountedAsAFailedLook(t *testing.T) {
	g := &refusingGraph{lookRefuses: DefaultMaxChecks + 2,
		lookErr: &fbclient.Error{HTTPStatus: 403, Code: 32, RetryAfter: 5 * time.Minute, Message: "(#32) Page request limit reached"}}
	w := newWorld(t, worldOpts{dests: 1, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	w.start()
	w.fake.DropAfterWrite(1)
	b := w.live("Throttled look")
	w.advance(15 * time.Second)
	for i := 0; i < 20; i++ {
		w.advance(5 * time.Minute)
	}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerDone {
		t.Errorf("ledger %+v, want done: the look waits out the rate limit, then finds the post", e)
	}
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestARateLimitedBatchRequestIsNotCountedAsATry(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2})
	w.start()
	for i := 1; i <= DefaultMaxAttempts+1; i++ {
		w.faults.failBatch(i, refusedRateLimit)
	}
	b := w.live("Throttled request")
	w.advance(15 * time.Second)
	for i := 0; i < 2*DefaultMaxAttempts; i++ {
		w.advance(10 * time.Minute)
	}
	for _, id := range w.dests {
		if e := w.ledger(b.ID, id); e.State != store.LedgerDone {
			t.Errorf("%s: ledger %+v, want done", id, e)
		}
	}
}

// ledgerWrites fails LedgerPut and LedgerPutNoted (after the shares began) with err.
type ledgerWrites struct {
	*store.DB
	mu    sync.Mutex
	err   error
	begin error // LedgerBegin's error, while set
}

func (s *ledgerWrites) LedgerPut(e store.LedgerEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return s.DB.LedgerPut(e)
}

func (s *ledgerWrites) LedgerPutNoted(e store.LedgerEntry, note store.Activity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return s.DB.LedgerPutNoted(e, note)
}

func (s *ledgerWrites) LedgerBegin(e store.LedgerEntry) (store.LedgerEntry, bool, error) {
	s.mu.Lock()
	err := s.begin
	s.mu.Unlock()
	if err != nil {
		return store.LedgerEntry{}, false, err
	}
	return s.DB.LedgerBegin(e)
}

func (s *ledgerWrites) set(put, begin error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err, s.begin = put, begin
}

// useStore replaces the world's (not yet started) engine by one on st.
func (w *world) useStore(st Store) {
	w.engine = New(Config{Graph: w.graph, Store: st, Secrets: w.secrets, Clock: w.clock,
		Rand: w.rng.Float64, Logger: testLogger(), PollInterval: 15 * time.Second, Jitter: -1,
		RetryBase: time.Second, RetryMax: 30 * time.Second})
}

func TestAFailingLedgerWriteIsRetriedWithAGrowingBackoff(t *testing.T) {
	g := &refusingGraph{}
	w := newWorld(t, worldOpts{dests: 1, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	st := &ledgerWrites{DB: w.db, err: errors.New("disk full")}
	w.useStore(st)
	w.start()
	b := w.live("Disk full")
	w.advance(15 * time.Second)
	w.advance(10 * time.Minute)
	if posts, looks, _ := g.counts(); posts != 1 || looks > 30 {
		t.Errorf("%d posts and %d looks in 10 minutes of failing ledger writes, want 1 post and a few looks", posts, looks)
	}
	st.set(nil, nil)
	w.advance(time.Minute)
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerDone {
		t.Errorf("ledger %+v once writes work again, want done", e)
	}
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestADamagedDatabaseStopsSharingWithASentence(t *testing.T) {
	g := &refusingGraph{}
	w := newWorld(t, worldOpts{dests: 2, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	st := &ledgerWrites{DB: w.db, err: store.ErrDamaged}
	w.useStore(st)
	w.start()
	w.live("Damaged")
	w.advance(15 * time.Second)
	posts, looks, _ := g.counts()
	w.advance(10 * time.Minute)
	state := w.engine.Status().State
	if state.Kind != DatabaseDamaged || !strings.Contains(state.Reason, "restart LiveRoute") {
		t.Errorf("state %v, want DatabaseDamaged saying to restart LiveRoute", state)
	}
	if p, l, _ := g.counts(); p != posts || l != looks {
		t.Errorf("%d posts and %d looks after the database turned out damaged, want none", p-posts, l-looks)
	}
}

func TestALiveThatCannotBeRecordedIsRetriedAtTheNextPollAndSaidSo(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	st := &ledgerWrites{DB: w.db, begin: errors.New("disk full")}
	w.useStore(st)
	w.start()
	b := w.live("Not recorded")
	w.advance(15 * time.Second)
	srcs := w.engine.Status().Sources
	if len(srcs) != 1 || !strings.Contains(srcs[0].LastError, "could not record") {
		t.Errorf("sources %+v, want the source to say the live could not be recorded", srcs)
	}
	st.set(nil, nil)
	w.advance(time.Minute)
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Errorf("%d posts once the database works again, want 1", n)
	}
	if srcs := w.engine.Status().Sources; srcs[0].LastError != "" {
		t.Errorf("source still says %q", srcs[0].LastError)
	}
}

func TestShareAgainWithNoRouteLeftKeepsTheShareUnconfirmed(t *testing.T) {
	var g *cannotVerify
	w := newWorld(t, worldOpts{dests: 2, wrapGraph: func(c Graph) Graph { g = &cannotVerify{Graph: c}; return g }})
	w.start()
	w.fake.DropAfterWrite(1)
	b := w.live("No route")
	w.advance(15 * time.Second)
	w.advance(time.Hour)
	key := store.LedgerKey{RouteID: w.route.ID, VideoID: b.ID, DestinationID: w.dests[0]}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerUnconfirmed {
		t.Fatalf("ledger %+v, want unconfirmed before the person acts", e)
	}
	r := w.route
	r.Targets = r.Targets[1:]
	_, err := w.db.PutRoute(r)
	must(t, err)
	w.engine.ReloadRoutes()
	w.advance(time.Second)
	if err := w.engine.ShareAgain(key); err == nil || !strings.Contains(err.Error(), "add it to a route") {
		t.Errorf("ShareAgain: %v, want an error saying to add the Page to a route", err)
	}
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerUnconfirmed {
		t.Errorf("ledger %+v after a refused Share again, want still unconfirmed (shown, with its choices)", e)
	}
}

func TestAnUnknownOutcomeOnAPageFlaggedMeanwhileEndsUnconfirmedNotFailed(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.fake.DropAfterWrite(1)
	b := w.live("Flagged")
	w.advance(15 * time.Second)
	dests, err := w.db.Destinations()
	must(t, err)
	var d store.Destination
	for _, d = range dests {
		if d.ID == w.dests[0] {
			break
		}
	}
	d.Status, d.StatusReason = store.StatusBlocked, "Facebook blocked posting to "+d.Name+" for a while."
	must(t, w.db.PutDestination(d))
	w.engine.ReloadRoutes()
	w.advance(time.Hour)
	if e := w.ledger(b.ID, w.dests[0]); e.State != store.LedgerUnconfirmed {
		t.Errorf("ledger %+v, want unconfirmed: the post may be on the Page and no look can tell", e)
	}
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Errorf("%d posts, want the one that landed", n)
	}
}

func TestAGroupShareThatCannotBeRecordedIsSaidSoAndOpenedOnceItCan(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, groups: 1})
	st := &ledgerWrites{DB: w.db, err: errors.New("disk full")}
	w.useStore(st)
	w.start()
	w.live("Group")
	w.advance(15 * time.Second)
	if srcs := w.engine.Status().Sources; len(srcs) != 1 || !strings.Contains(srcs[0].LastError, "could not record") {
		t.Errorf("sources %+v, want the source to say the live could not be recorded", srcs)
	}
	st.set(nil, nil)
	w.advance(time.Minute)
	opened := w.eventsOf(func(ev Event) bool { _, ok := ev.(AssistedSharesPending); return ok })
	if len(opened) != 1 {
		t.Errorf("%d assisted shares opened once the database works again, want 1", len(opened))
	}
}

func TestAPendingShareWhoseRouteWasRemadeIsSettledAfterARestartWhenTheLiveEnded(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1, delay: time.Minute})
	w.start()
	b := w.live("Remade route")
	w.advance(15 * time.Second) // detected; the post waits for the delay
	w.stop()
	must(t, w.db.DeleteRoute(w.route.ID))
	r := w.route
	r.ID = ""
	_, err := w.db.PutRoute(r)
	must(t, err)
	must(t, w.fake.StopLive(b.ID))
	w.engine = w.newEngine(15 * time.Second)
	w.start()
	w.advance(2 * time.Minute)
	e, ok, err := w.db.LedgerGet(store.LedgerKey{VideoID: b.ID, DestinationID: w.dests[0]})
	must(t, err)
	if !ok || e.State != store.LedgerMissed {
		t.Errorf("ledger %v %s, want missed: a share left pending is settled by the route that replaced its own", ok, e.State)
	}
}
