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
	if fbclient.Classify(err) == fbclient.ClassRateLimited {
		// Not an answer about the post: the look waits for the limit to
		// lift, uncounted (afterCall told the pacer).
		// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
		e.lookLater(j)
		return
	}
	// Any other failed look counts, a refused token too: afterCall asked
	// debug_token, and a token it finds dead holds the share (collectLocked)
	// before the next look, while one it finds valid must not make a loop.
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

// lookLater puts a look back until the rate limit lifts, without counting it.
func (e *Engine) lookLater(j *job) {
	due := e.cfg.Clock.Now().Add(e.checkBackoff(1))
	if until := e.pacer.until(); until.After(due) {
		due = until
	}
	e.mu.Lock()
	j.due = due
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
	// One transaction: a crash can never leave the person untold of a
	// share only they can settle.
	err := e.cfg.Store.LedgerPutNoted(store.LedgerEntry{LedgerKey: j.key, State: store.LedgerUnconfirmed, Reason: why,
		Attempts: j.attempts, VideoURL: j.video.PermalinkURL, VideoTitle: j.video.Title}, e.note(activityUnconfirmed, why, j.key))
	if err != nil {
		e.saveFailed(j, err, true)
		return
	}
	e.mu.Lock()
	delete(e.jobs, j.id())
	e.counts.Unconfirmed++
	e.mu.Unlock()
	e.publish(ShareResult{Key: j.key, State: store.LedgerUnconfirmed, Reason: why})
}

// UnconfirmedSentence is what the person reads about a share LiveRoute
// could not confirm on the Page named page. It names no button and no
// command: the window's row has Mark shared and Share again beside it,
// `liveroute history` prints its two commands under it.
func UnconfirmedSentence(page string) string {
	return "Could not confirm the share to " + page + ": open the Page to check whether the post is there."
}

// ConfirmedShareSentence is the activity line of an unconfirmed share to
// the Page named page that the person marked shared.
func ConfirmedShareSentence(page string) string { return "You confirmed the share to " + page }

// SharingAgainSentence is the activity line of an unconfirmed share to
// the Page named page that the person asked to share again.
func SharingAgainSentence(page string) string { return "Sharing again to " + page }

// SettledShareLine is the history line of an unconfirmed share the person
// just settled (shared: marked shared; else shared again): the line
// MarkShared or ShareAgain wrote, for a face to answer with.
func SettledShareLine(e store.LedgerEntry, names map[string]string, shared bool) HistoryLine {
	h := HistoryLine{Time: e.UpdatedAt.UTC(), Kind: "shared", State: string(e.State),
		Message: ConfirmedShareSentence(nameOr(names, e.DestinationID)),
		RouteID: e.RouteID, VideoID: e.VideoID, DestinationID: e.DestinationID}
	if !shared {
		h.Kind, h.Message = "retry", SharingAgainSentence(nameOr(names, e.DestinationID))
	}
	return h
}

// MarkShared records that the person found the post of an unconfirmed
// share on the Page.
func (e *Engine) MarkShared(key store.LedgerKey) error {
	entry, err := e.cfg.Store.LedgerResolve(key, true)
	if err != nil {
		return err
	}
	e.activity("shared", ConfirmedShareSentence(e.storedDestName(key.DestinationID)), entry.LedgerKey)
	e.publish(ShareResult{Key: entry.LedgerKey, State: store.LedgerDone, PostID: entry.PostID})
	return nil
}

// ShareAgain posts an unconfirmed share once more, without a look first,
// as the person asked after finding no post on the Page. It goes out even
// if the live has ended. A stopped engine posts it at its next start.
// When no enabled route shares to the Page any more, the share stays
// unconfirmed (still shown, with its choices) and the error says what to do.
func (e *Engine) ShareAgain(key store.LedgerKey) error {
	if err := e.checkRouteFor(key); err != nil {
		return err
	}
	entry, err := e.cfg.Store.LedgerResolve(key, false)
	if err != nil {
		return err
	}
	e.activity("retry", SharingAgainSentence(e.destName(key.DestinationID)), entry.LedgerKey)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.running {
		return nil
	}
	if _, queued := e.jobs[entry.LedgerKey.Share()]; queued {
		return nil
	}
	if route := routeFor(entry, e.routes); route != nil {
		entry.RouteID = route.ID
	}
	e.resumePendingLocked(entry)
	e.poke(e.shareWake)
	return nil
}

// checkRouteFor says, before anything changes, whether a route would take
// up the share key: the running engine's routes, or the stored ones.
func (e *Engine) checkRouteFor(key store.LedgerKey) error {
	e.mu.Lock()
	running, routes := e.running, e.routes
	e.mu.Unlock()
	if !running {
		var err error
		if routes, err = e.cfg.Store.Routes(); err != nil {
			return fmt.Errorf("read routes: %w", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if routeFor(store.LedgerEntry{LedgerKey: key}, routes) == nil {
		return errors.New(noRouteSentence(e.destNameLocked(key.DestinationID)))
	}
	return nil
}

// noRouteSentence is ShareAgain's refusal when no enabled route shares to
// the Page named page any more; like UnconfirmedSentence, it names no
// button and no command.
func noRouteSentence(page string) string {
	return "no enabled route shares to " + page + " any more: add it to a route, then share again"
}

// routeFor is the route of routes that takes up a share: the one that began
// it, or else any enabled route with its destination.
func routeFor(entry store.LedgerEntry, routes []store.Route) *store.Route {
	for i := range routes {
		if routes[i].ID == entry.RouteID && routes[i].Enabled && hasTarget(routes[i], entry.DestinationID) {
			return &routes[i]
		}
	}
	for i := range routes {
		if routes[i].Enabled && hasTarget(routes[i], entry.DestinationID) {
			return &routes[i]
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

// destName names a destination for the activity log: from the engine's
// own copy, or, when it has none (an engine not started, which the
// command line on a stopped app drives), from the database, so the log
// reads the same whichever ran the command.
func (e *Engine) destName(id string) string {
	e.mu.Lock()
	d, ok := e.dests[id]
	e.mu.Unlock()
	if ok {
		return nameOf(d)
	}
	dests, err := e.cfg.Store.Destinations()
	if err != nil {
		return id
	}
	for _, d := range dests {
		if d.ID == id {
			return nameOf(d)
		}
	}
	return id
}

// storedDestName is destName, asking the database when the engine has
// not loaded the destination (it is not started: the person settles a
// share from the command line with LiveRoute stopped).
func (e *Engine) storedDestName(id string) string {
	if name := e.destName(id); name != id {
		return name
	}
	if dests, err := e.cfg.Store.Destinations(); err == nil {
		for _, d := range dests {
			if d.ID == id {
				return nameOf(d)
			}
		}
	}
	return id
}

func (e *Engine) destNameLocked(id string) string {
	if d, ok := e.dests[id]; ok {
		return nameOf(d)
	}
	return id
}
