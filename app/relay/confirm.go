package relay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Looking for an earlier post (after a try whose outcome is unknown) has
// its own bounded, growing backoff: each look reads the Page's posts, and
// a look that keeps failing must neither hammer Facebook (a throttled
// Page's requests all fail, its real posts too:
// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/)
// nor loop silently. After MaxChecks failed looks, or at once when
// Facebook refuses the look itself, the share is left unconfirmed for the
// person to settle.

// checkFailed decides what a failed look means for one share.
func (e *Engine) checkFailed(ctx context.Context, j *job, err error) {
	if ctx.Err() != nil {
		e.release([]*job{j}) // stopping: still pending, looked for at the next start
		return
	}
	if errors.Is(err, fbclient.ErrCannotVerify) {
		// Facebook refused the look itself: asking again answers nothing.
		e.unconfirm(j)
		return
	}
	if fbclient.Classify(err) == fbclient.ClassNeedsReconnect {
		e.release([]*job{j}) // held until a reconnect, as a post would be
		return
	}
	e.mu.Lock()
	j.checks++
	if j.checks >= e.cfg.MaxChecks {
		e.mu.Unlock()
		e.unconfirm(j)
		return
	}
	j.due = e.cfg.Clock.Now().Add(e.checkBackoff(j.checks))
	j.inflight = false
	e.counts.Retries++
	e.mu.Unlock()
}

// checkBackoff is CheckBase·2^(n-1), capped at CheckMax, jittered.
func (e *Engine) checkBackoff(failures int) time.Duration {
	d := e.cfg.CheckBase
	for i := 1; i < failures && d < e.cfg.CheckMax; i++ {
		d *= 2
	}
	return time.Duration(float64(min(d, e.cfg.CheckMax)) * e.jitter())
}

// unconfirm leaves a share whose outcome cannot be learned to the person:
// in the ledger, the activity log and an event, never retried by itself.
func (e *Engine) unconfirm(j *job) {
	why := UnconfirmedSentence(nameOf(j.dest))
	err := e.cfg.Store.LedgerPut(store.LedgerEntry{LedgerKey: j.key, State: store.LedgerUnconfirmed, Reason: why,
		Attempts: j.attempts, VideoURL: j.video.PermalinkURL, VideoTitle: j.video.Title})
	if err != nil {
		e.cfg.Logger.Error("ledger", "err", err)
		e.retryLater(j)
		return
	}
	e.mu.Lock()
	delete(e.jobs, j.id())
	e.counts.Unconfirmed++
	e.mu.Unlock()
	e.activity("unconfirmed", why, j.key)
	e.publish(ShareResult{Key: j.key, State: store.LedgerUnconfirmed, Reason: why})
}

// UnconfirmedSentence is what the person reads about a share LiveRoute
// could not confirm on the Page named page.
func UnconfirmedSentence(page string) string {
	return "Could not confirm the share to " + page + ": open the Page to check, then choose Mark shared or Share again."
}

// MarkShared records that the person found the post of an unconfirmed
// share on the Page.
func (e *Engine) MarkShared(key store.LedgerKey) error {
	entry, err := e.cfg.Store.LedgerResolve(key, true)
	if err != nil {
		return err
	}
	e.activity("shared", "You confirmed the share to "+e.destName(key.DestinationID), entry.LedgerKey)
	e.publish(ShareResult{Key: entry.LedgerKey, State: store.LedgerDone, PostID: entry.PostID})
	return nil
}

// ShareAgain posts an unconfirmed share once more, without a look first,
// as the person asked after finding no post on the Page. It goes out even
// if the live has ended. A stopped engine posts it at its next start.
func (e *Engine) ShareAgain(key store.LedgerKey) error {
	entry, err := e.cfg.Store.LedgerResolve(key, false)
	if err != nil {
		return err
	}
	e.activity("retry", "Sharing again to "+e.destName(key.DestinationID), entry.LedgerKey)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.running {
		return nil
	}
	if _, queued := e.jobs[entry.LedgerKey.Share()]; queued {
		return nil
	}
	route := e.routeForLocked(entry)
	if route == nil {
		return fmt.Errorf("no enabled route shares to %s any more: add it to a route, then choose Share again", e.destNameLocked(key.DestinationID))
	}
	entry.RouteID = route.ID
	e.resumePendingLocked(entry)
	e.poke(e.shareWake)
	return nil
}

// routeForLocked is the route that takes up a share: the one that began
// it, or else any enabled route with its destination.
func (e *Engine) routeForLocked(entry store.LedgerEntry) *store.Route {
	if r := e.routeLocked(entry.RouteID); r != nil && r.Enabled && hasTarget(*r, entry.DestinationID) {
		return r
	}
	for i := range e.routes {
		if e.routes[i].Enabled && hasTarget(e.routes[i], entry.DestinationID) {
			return &e.routes[i]
		}
	}
	return nil
}

func hasTarget(r store.Route, destID string) bool {
	for _, t := range r.Targets {
		if t.DestinationID == destID {
			return true
		}
	}
	return false
}

func (e *Engine) destName(id string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.destNameLocked(id)
}

func (e *Engine) destNameLocked(id string) string {
	if d, ok := e.dests[id]; ok {
		return nameOf(d)
	}
	return id
}
