package relay

import (
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

// debug_token is an app-token call: 200 an hour per person
// (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/).
// A refusal must cost a check of the refused token, not of every Page.

// debugTokenCalls counts the debug_token requests fakefb saw in [from, to).
func (w *world) debugTokenCalls(from, to time.Time) int {
	n := 0
	for _, r := range w.fake.Requests() {
		id, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		if id == "debug_token" && !r.At.Before(from) && r.At.Before(to) {
			n++
		}
	}
	return n
}

func TestARefusedBatchRequestChecksTheUserTokenNotEveryPage(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 60})
	w.start()
	begin := w.clock.Now()
	if n := w.debugTokenCalls(time.Time{}, begin.Add(time.Nanosecond)); n != 62 {
		t.Fatalf("%d debug_token calls at start, want 62 (the user token, the source Page and each destination)", n)
	}
	// The second of the two batch requests (60 posts, 50 a batch) is
	// refused for its own token, which debug_token then finds valid.
	w.faults.failBatch(2, batchFault{status: 400, body: `{"error":{"message":"Error validating access token: The user has not authorized application","type":"OAuthException","code":190,"error_subcode":458}}`})
	b := w.live("Refused request")
	w.advance(15 * time.Second)
	w.advance(10 * time.Minute)
	// Before the fix: 3 full checks, 183 calls in the first minute.
	if n := w.debugTokenCalls(begin.Add(time.Nanosecond), w.clock.Now()); n < 1 || n > 3 {
		t.Errorf("%d debug_token calls after one refused request, want 1 to 3 (the user token only)", n)
	}
	for _, id := range w.dests {
		if n := w.postsLinking(id, b); n != 1 {
			t.Fatalf("%d posts on %s after the refused request, want 1", n, id)
		}
	}
}

func TestADeadPageTokenIsFoundWithoutAskingAboutEveryPage(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 30})
	w.start()
	begin := w.clock.Now().Add(time.Nanosecond)
	deadTok, _ := w.secrets.Get(store.PageTokenKey(w.dests[7]))
	w.fake.InvalidateToken(deadTok, 460)
	b := w.live("One Page token died")
	w.advance(15 * time.Second)
	w.advance(time.Minute)
	if n := w.debugTokenCalls(begin, w.clock.Now()); n != 2 {
		t.Errorf("%d debug_token calls for one refused Page token, want 2 (it and the user token)", n)
	}
	if e := w.ledger(b.ID, w.dests[7]); e.State != store.LedgerPending {
		t.Errorf("the share to the Page with the dead token is %s, want held pending", e.State)
	}
	for i, id := range w.dests {
		if i != 7 && w.postsLinking(id, b) != 1 {
			t.Fatalf("no post on %s: one dead Page token held another Page's share", id)
		}
	}
}

func TestATokenDebugTokenKeepsVouchingForIsCheckedLessAndLess(t *testing.T) {
	g := &refusingGraph{postErr: func(int) error { return tokenRefused() }}
	w := newWorld(t, worldOpts{dests: 20, wrapGraph: func(c Graph) Graph { g.Graph = c; return g }})
	w.start()
	begin := w.clock.Now().Add(time.Nanosecond)
	w.live("Refused on every post")
	w.advance(15 * time.Second)
	w.advance(time.Hour)
	// Before the fix: a full check of 21 tokens per refusal, ~210 an hour.
	if n := w.debugTokenCalls(begin, w.clock.Now()); n > 100 {
		t.Errorf("%d debug_token calls in the hour every post was refused while debug_token said valid, want at most 100 of the 200 allowed", n)
	}
	g.mu.Lock()
	posts := g.posts
	g.mu.Unlock()
	if posts > 20*DefaultMaxAttempts {
		t.Errorf("%d post items for 20 Pages, want at most %d (MaxAttempts each)", posts, 20*DefaultMaxAttempts)
	}
}

// The wait between suspicion checks grows while debug_token vouches for
// the refused token, and starts over when it finds one dead.
func TestSuspicionGapGrowsWhileDebugTokenVouches(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	e := w.engine
	interval := e.interval()
	at := w.clock.Now()
	key := store.PageTokenKey(w.dests[0])
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refused[key] = true
	if due := e.suspicionDueLocked(); !due.Equal(at) {
		t.Fatalf("first suspicion due %v, want at once", due)
	}
	e.lastSuspicionCheck = at
	var gaps []time.Duration
	for streak := 0; streak < 7; streak++ {
		e.vouched[key] = streak
		gaps = append(gaps, e.suspicionDueLocked().Sub(at))
	}
	want := []time.Duration{interval, 4 * interval, 16 * interval, 64 * interval, maxSuspicionGap, maxSuspicionGap, maxSuspicionGap}
	for i := range want {
		want[i] = min(want[i], maxSuspicionGap)
		if gaps[i] != want[i] {
			t.Fatalf("gaps %v, want %v", gaps, want)
		}
	}
	scope := &checkScope{keys: map[string]bool{key: true}}
	e.dead[key] = "Facebook ended this Page's token."
	e.vouchLocked(scope)
	if e.vouched[key] != 0 {
		t.Fatalf("streak %d after debug_token found the token dead, want 0", e.vouched[key])
	}
}
