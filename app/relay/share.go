package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// job is one share on its way: (video, destination), begun by the route
// in key, with a pending ledger entry already on disk. The engine holds
// at most one job per share (key.Share()), whatever the routes.
type job struct {
	key        store.LedgerKey
	sourceID   string
	sourceName string
	target     store.Target
	dest       store.Destination
	video      fbclient.LiveVideo
	due        time.Time // not before: the target's delay, or the backoff
	since      time.Time // when the share began, for the existing-post search
	attempts   int
	check      bool               // the outcome of an earlier try is unknown: look for the post before posting
	checks     int                // looks that failed in a row; bounded by Config.MaxChecks
	forced     bool               // the person asked to share again: post even if the live ended, without a look
	ended      bool               // the live is over (as of the last poll)
	latest     fbclient.LiveVideo // the video as the last poll saw it; guarded by Engine.mu
	inflight   bool
	holds      int     // holds in a row for a refused request token; spaces them out
	saveFails  int     // ledger writes of the outcome that failed in a row; spaces them out
	note       string  // said with the outcome: why a crosspost became a link post
	lastTry    tryKind // what the last try of a crosspost-mode share sent
	// crosspostUnsure: a crosspost of this share may exist (an unsure try,
	// or a run that stopped mid-share): never a link post on top of it
	// for want of the partner list.
	crosspostUnsure bool
}

// id is the job's place in Engine.jobs: the share, without the route.
func (j *job) id() store.LedgerKey { return j.key.Share() }

// resumePendingLocked queues a share left pending by a previous run. Its
// outcome is unknown, so it is checked before any retry (unless the person
// asked to share it again), and it waits for its source's first poll to
// learn whether the live is still on. A share whose route is gone is taken
// up by another enabled route to its destination (the route was remade,
// imported or the Page moved): left alone, a share of a live that ended
// meanwhile would stay pending, unseen, for ever. With no such route it
// stays pending until one sees the live (LedgerBegin hands it the entry).
func (e *Engine) resumePendingLocked(p store.LedgerEntry) {
	route := routeFor(p, e.routes)
	if route == nil {
		return
	}
	for _, t := range route.Targets {
		if t.DestinationID != p.DestinationID {
			continue
		}
		v := fbclient.LiveVideo{ID: p.VideoID, PermalinkURL: p.VideoURL, Title: p.VideoTitle, Status: "LIVE"}
		j := &job{key: p.LedgerKey, sourceID: route.SourceID, sourceName: route.SourceName,
			target: t, dest: e.dests[t.DestinationID], video: v, due: e.cfg.Clock.Now(), since: p.CreatedAt,
			attempts: p.Attempts, check: !p.NoCheck, forced: p.NoCheck}
		e.jobs[j.id()] = j
	}
}

// runSharer sends due shares: everything due at once goes out together,
// posts in Graph batches. It sends nothing while paused, throttled, or
// while an auth error is being checked.
func (e *Engine) runSharer(ctx context.Context) {
	for {
		now := e.cfg.Clock.Now()
		e.mu.Lock()
		changed := e.changed
		var ready []*job
		var next time.Time
		gated := e.machine.paused || e.suspect || e.machine.damaged
		if !gated {
			ready, next = e.collectLocked(now)
		}
		e.mu.Unlock()
		if len(ready) > 0 {
			if until := e.pacer.until(); until.After(now) {
				e.release(ready)
				next = until
			} else {
				e.send(ctx, ready)
				if ctx.Err() != nil {
					return
				}
				continue
			}
		}
		var fire <-chan time.Time
		var timer Timer
		if !next.IsZero() {
			timer = e.cfg.Clock.NewTimer(next.Sub(now))
			fire = timer.C()
		}
		p := &parking{timer: timer, changed: changed, wakes: []chan struct{}{e.shareWake}}
		e.idle.park(p)
		select {
		case <-ctx.Done():
		case <-fire:
		case <-e.shareWake:
		case <-changed:
		}
		e.idle.unpark(p)
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// collectLocked marks and returns the jobs that can go now, and the time
// the next one falls due (zero: none waiting on time).
func (e *Engine) collectLocked(now time.Time) (ready []*job, next time.Time) {
	stale := time.Duration(2 * float64(e.interval()) * e.pacer.multiplier())
	for _, j := range e.jobs {
		if j.inflight {
			continue
		}
		src := e.sources[j.sourceID]
		if src == nil || !src.polled {
			continue // wait for the source's poll to say whether the live is on
		}
		if now.Sub(src.lastOK) > stale {
			// Asleep, offline or throttled since the last poll: the live
			// may have ended. Share only once a poll says it is still on.
			e.poke(src.now)
			continue
		}
		if _, dead := e.dead[store.PageTokenKey(j.key.DestinationID)]; dead {
			continue // held until a reconnect; nothing is lost
		}
		// An ended live with nothing to look up is settled at once; a look
		// (or a share the person asked for) keeps its backoff.
		if j.due.After(now) && (!j.ended || j.check || j.forced) {
			if next.IsZero() || j.due.Before(next) {
				next = j.due
			}
			continue
		}
		j.inflight = true
		if d, ok := e.dests[j.key.DestinationID]; ok {
			j.dest = d
		}
		if j.latest.ID != "" {
			j.video = j.latest
		}
		ready = append(ready, j)
	}
	return ready, next
}

func (e *Engine) release(jobs []*job) {
	e.mu.Lock()
	for _, j := range jobs {
		j.inflight = false
	}
	e.mu.Unlock()
}

// send carries one round of due shares through: each job is readied
// (settled if it needs no post), crossposts go first, and the link posts
// go out in one Graph batch, each job decided by its own result.
func (e *Engine) send(ctx context.Context, jobs []*job) {
	var round postRound
	var crossposts []*job
	for _, j := range jobs {
		tok, ok := e.ready(ctx, j)
		if !ok {
			continue
		}
		j.attempts++
		if j.target.Mode == store.ModeCrosspost {
			switch e.crosspostOrLinkPost(ctx, j) {
			case viaCrosspost:
				crossposts = append(crossposts, j)
				continue
			case notNow:
				continue
			}
		}
		round.add(j, tok, e.message(j))
	}
	for _, j := range e.sendCrossposts(ctx, crossposts) {
		// Facebook did not crosspost: a link post carries the live instead.
		tok, err := e.token(store.PageTokenKey(j.key.DestinationID))
		if err != nil {
			e.retryLater(j)
			continue
		}
		round.add(j, tok, e.message(j))
	}
	e.postBatch(ctx, round)
}

// postRound is the link posts of one round, in batch order.
type postRound struct {
	jobs []*job
	ops  []fbclient.BatchOp
}

func (r *postRound) add(j *job, tok fbclient.Token, message string) {
	r.jobs = append(r.jobs, j)
	r.ops = append(r.ops, fbclient.PostLinkOp(tok, j.key.DestinationID, message, j.video.PermalinkURL))
}

// ready settles a job that needs no post (a group share, a flagged
// destination, an earlier post found, a live that ended) and returns the
// Page token to post with when it does need one.
func (e *Engine) ready(ctx context.Context, j *job) (fbclient.Token, bool) {
	if isAssisted(j.target, j.dest) {
		e.reopenAssisted(j)
		return "", false
	}
	if j.dest.Status != store.StatusOK {
		e.settleUnusable(j, flagSentence(j.dest))
		return "", false
	}
	tok, ok := e.pageToken(j)
	if !ok {
		return "", false
	}
	if !e.checkEarlierPost(ctx, tok, j) {
		return "", false
	}
	if e.settleIfEnded(j) {
		return "", false
	}
	if j.forced && !e.clearForced(j) {
		return "", false
	}
	return tok, true
}

// reopenAssisted opens a group share left pending by a run that died
// before opening it for the person.
func (e *Engine) reopenAssisted(j *job) {
	a, err := e.openAssisted(j)
	if err != nil {
		e.saveFailed(j, err, false)
		return
	}
	e.mu.Lock()
	delete(e.jobs, j.id())
	e.mu.Unlock()
	e.publish(AssistedSharesPending{RouteID: j.key.RouteID, Video: j.video, Shares: []AssistedShare{a}})
}

// settleUnusable ends a share whose destination cannot be used (flagged,
// or without a token): failed when nothing was posted, but unconfirmed
// when an earlier try may have posted it, as no look can tell and only the
// person can.
func (e *Engine) settleUnusable(j *job, why string) {
	e.mu.Lock()
	unknown := j.check
	e.mu.Unlock()
	if unknown {
		e.unconfirm(j)
		return
	}
	e.finish(j, store.LedgerFailed, "", why)
}

// pageToken returns the destination's Page token; without one the job is
// put back (keychain trouble) or failed (no token: the Page must be granted
// again).
func (e *Engine) pageToken(j *job) (fbclient.Token, bool) {
	tok, err := e.token(store.PageTokenKey(j.key.DestinationID))
	if err != nil && !errors.Is(err, store.ErrSecretNotFound) {
		// The keychain is locked or slow: nothing is wrong with the Page.
		e.cfg.Logger.Warn("keychain", "err", err)
		e.retryLater(j)
		return "", false
	}
	if err != nil {
		e.flag(j.key.DestinationID, store.StatusMissing, "LiveRoute has no access to "+nameOf(j.dest)+" in the keychain; use Add Pages… to grant it again.")
		e.settleUnusable(j, "LiveRoute has no access to "+nameOf(j.dest)+".")
		return "", false
	}
	return tok, true
}

// checkEarlierPost looks for the post an earlier, unsure try may have
// made, when there was one. It reports whether the job should go on to be
// posted: false when the post was found (the share is done) or the look
// failed (see checkFailed).
func (e *Engine) checkEarlierPost(ctx context.Context, tok fbclient.Token, j *job) bool {
	e.mu.Lock()
	check := j.check
	e.mu.Unlock()
	if !check {
		return true
	}
	id, found, err := e.findEarlierPost(ctx, tok, j)
	switch {
	case err != nil:
		e.checkFailed(ctx, j, err)
		return false
	case found:
		e.finish(j, store.LedgerDone, id, "")
		return false
	}
	e.mu.Lock()
	j.check = false
	j.checks = 0
	e.mu.Unlock()
	return true
}

// settleIfEnded records a share of a live that ended before it could be
// posted as missed, unless the person asked to share it anyway.
func (e *Engine) settleIfEnded(j *job) bool {
	e.mu.Lock()
	ended := j.ended && !j.forced // the watcher updates ended
	e.mu.Unlock()
	if !ended {
		return false
	}
	if err := e.missed(j.key, j.video, "The live ended before LiveRoute could share it."); err != nil {
		e.saveFailed(j, err, false) // kept until the outcome is on disk
		return true
	}
	e.mu.Lock()
	delete(e.jobs, j.id())
	e.mu.Unlock()
	return true
}

// clearForced makes the person's "share again" durable as an ordinary
// pending share before the post goes out: if LiveRoute stops after the
// post, the next start looks for it instead of posting a second time.
func (e *Engine) clearForced(j *job) bool {
	err := e.cfg.Store.LedgerPut(store.LedgerEntry{LedgerKey: j.key, State: store.LedgerPending, Attempts: j.attempts,
		VideoURL: j.video.PermalinkURL, VideoTitle: j.video.Title})
	if err != nil {
		e.saveFailed(j, err, false)
		return false
	}
	return true
}

// postBatch sends the round's link posts in Graph batches and decides each
// job from its own result: a batch of more than fbclient.MaxBatch goes as
// several requests, and one request's failure says nothing of another's
// posts.
func (e *Engine) postBatch(ctx context.Context, round postRound) {
	if len(round.ops) == 0 {
		return
	}
	results, err := e.cfg.Graph.Batch(ctx, e.batchToken(round.ops[0].Token), round.ops)
	e.afterCall(ctx, err, e.requestTokenKeys()...)
	for i, j := range round.jobs {
		if i >= len(results) {
			e.failed(ctx, j, fmt.Errorf("batch answer is missing item %d: %w", i, fbclient.ErrAmbiguous), true)
			continue
		}
		e.decidePost(ctx, j, results[i])
	}
}

// batchToken is the token the batch request itself goes with: the user
// token (every item carries its own Page token), as a Page token would
// make one Page's trouble every item's. Without a usable user token,
// fallback (the first Page's) serves.
func (e *Engine) batchToken(fallback fbclient.Token) fbclient.Token {
	e.mu.Lock()
	userKey := store.UserTokenKey(e.account.UserID)
	_, userDead := e.dead[userKey]
	e.mu.Unlock()
	if !userDead {
		if tok, err := e.token(userKey); err == nil {
			return tok
		}
	}
	return fallback
}

// decidePost settles one job from its batch result.
func (e *Engine) decidePost(ctx context.Context, j *job, r fbclient.BatchResult) {
	if r.Whole && !fbclient.IsAmbiguous(r.Err) && ctx.Err() == nil {
		switch c := fbclient.Classify(r.Err); {
		case isAuthClass(c):
			// The request's own token was refused, or the request was never
			// sent after one was: this item was not tried. Hold it until
			// debug_token says which token died.
			e.hold(j)
			return
		case c == fbclient.ClassRateLimited:
			e.waitOutRateLimit(j) // not tried: Facebook asked to slow down
			return
		}
	}
	id, err := fbclient.PostIDFromResult(r)
	if err != nil {
		if !r.Whole {
			e.afterItem(err, store.PageTokenKey(j.key.DestinationID)) // the request's own error went to afterCall
		}
		e.failed(ctx, j, err, true)
		return
	}
	e.finish(j, store.LedgerDone, id, j.note)
}

// hold puts back a job whose batch request was refused for its token,
// uncounted (the item was not tried), and asks for a health check. Holds
// in a row are spaced by the backoff: when debug_token finds every token
// valid, the next try must not follow at once.
// Facebook never says when a token died; a refused call is how an app learns:
// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging
func (e *Engine) hold(j *job) {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	j.attempts--
	j.holds++
	j.due = now.Add(e.backoff(j.holds))
	j.inflight = false
	e.mu.Unlock()
	e.suspectTokens(e.requestTokenKeys()...)
}

// requestTokenKeys names the token a batch request goes with (batchToken):
// the user token while it is not known dead; otherwise a Page token, which
// names no key here, so a refusal asks for a full check.
func (e *Engine) requestTokenKeys() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	userKey := store.UserTokenKey(e.account.UserID)
	if _, dead := e.dead[userKey]; dead {
		return nil
	}
	return []string{userKey}
}

// waitOutRateLimit puts back a job Facebook did not take because of a rate
// limit, uncounted: a throttled live share waits (for the pacer, which
// afterItem or afterCall told), it does not fail.
// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
func (e *Engine) waitOutRateLimit(j *job) {
	now := e.cfg.Clock.Now()
	due := now.Add(e.backoff(1))
	if until := e.pacer.until(); until.After(due) {
		due = until
	}
	e.mu.Lock()
	j.attempts--
	j.due = due
	j.inflight = false
	e.counts.Retries++
	e.mu.Unlock()
}

// suspectTokens notes the refused token keys (none: a refusal that names
// no token) and wakes the health check to ask debug_token about them:
// every path that sets suspect goes through here, or the check may already
// sleep for HealthEvery while shares wait on it. A refusal the check under
// way already covers collapses into it. Shares are held only for a token
// debug_token has not just vouched for: when it keeps calling a refused
// token valid, holding everything would stall every Page for one, and a
// refusal then counts like any other (failed).
// debug_token is an app-token call, 200 an hour per person:
// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
func (e *Engine) suspectTokens(keys ...string) {
	if len(keys) == 0 {
		keys = []string{anyToken}
	}
	e.mu.Lock()
	userKey := store.UserTokenKey(e.account.UserID)
	hold := false
	for _, k := range keys {
		if e.checking.covers(k, userKey) {
			continue
		}
		e.refused[k] = true
		hold = hold || e.vouched[k] == 0
	}
	if hold && !e.suspect {
		e.suspect = true
		e.broadcastLocked()
	}
	e.mu.Unlock()
	e.poke(e.healthWake)
}

// failed decides what an error means for one share: done (duplicate),
// retry later (transient, rate limit; after a check if the write may have
// landed), hold (dead token), or fail this destination only.
func (e *Engine) failed(ctx context.Context, j *job, err error, wrote bool) {
	if ctx.Err() != nil {
		e.release([]*job{j}) // stopping: the ledger entry stays pending for the next start
		return
	}
	class := fbclient.Classify(err)
	ambiguous := wrote && mayHaveLanded(err)
	switch class {
	case fbclient.ClassDuplicate:
		e.finish(j, store.LedgerDone, "", "Facebook already had this post.")
		return
	case fbclient.ClassRateLimited:
		e.waitOutRateLimit(j)
		return
	case fbclient.ClassPageRoleLost:
		e.flag(j.key.DestinationID, store.StatusRoleLost, "You are no longer an admin of "+nameOf(j.dest)+".")
		e.finish(j, store.LedgerFailed, "", reasonOf(err))
		return
	case fbclient.ClassPermissionMissing:
		e.flag(j.key.DestinationID, store.StatusPermission, reasonOf(err))
		e.finish(j, store.LedgerFailed, "", reasonOf(err))
		return
	case fbclient.ClassBlocked:
		e.flag(j.key.DestinationID, store.StatusBlocked, reasonOf(err))
		e.finish(j, store.LedgerFailed, "", reasonOf(err))
		return
	case fbclient.ClassInvalid:
		e.finish(j, store.LedgerFailed, "", reasonOf(err))
		return
	}
	// A refused token (ClassNeedsReconnect, #190: "get a new access token",
	// https://developers.facebook.com/docs/graph-api/guides/error-handling)
	// retries like any passing error, counted and after a backoff: afterItem asked debug_token, and
	// a dead token holds the share (collectLocked) until a reconnect, while
	// a token debug_token finds valid makes this a refusal like another.
	e.retryAfterError(j, err, ambiguous)
}

// retryAfterError puts back a share whose try failed for a passing
// reason (transient, rate limited, unknown), looking first when the write
// may have landed; after MaxAttempts clean refusals it fails.
func (e *Engine) retryAfterError(j *job, err error, ambiguous bool) {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	j.check = j.check || ambiguous
	if j.attempts >= e.cfg.MaxAttempts && !j.check {
		e.mu.Unlock()
		e.finish(j, store.LedgerFailed, "", fmt.Sprintf("Facebook did not take the share after %d tries: %s", j.attempts, reasonOf(err)))
		return
	}
	j.due = now.Add(e.backoff(j.attempts))
	j.inflight = false
	e.counts.Retries++
	e.mu.Unlock()
	_ = e.cfg.Store.LedgerPut(store.LedgerEntry{LedgerKey: j.key, State: store.LedgerPending, Attempts: j.attempts,
		Reason: reasonOf(err), VideoURL: j.video.PermalinkURL, VideoTitle: j.video.Title})
}

// mayHaveLanded reports whether Facebook may have applied a write that
// failed with err, so it must be looked up before any retry. Only a clear
// refusal says nothing was written: a rate limit (#4, #17, #32, #613,
// #80001…), an invalid parameter (#100), a dead token or missing
// permission, a policy block, a duplicate. A 5xx, is_transient, code 1 or
// 2, a timeout, a dropped connection, a null batch item or anything not
// understood may have landed.
// https://developers.facebook.com/docs/graph-api/guides/error-handling/
// https://developers.facebook.com/docs/graph-api/batch-requests/
func mayHaveLanded(err error) bool {
	if fbclient.IsAmbiguous(err) {
		return true
	}
	switch fbclient.Classify(err) {
	case fbclient.ClassTransient, fbclient.ClassUnknown:
		return true
	}
	return false
}

// retryLater puts a job back for one backoff step without counting a try.
func (e *Engine) retryLater(j *job) {
	e.mu.Lock()
	j.inflight = false
	j.due = e.cfg.Clock.Now().Add(e.backoff(1))
	e.mu.Unlock()
}

// isAuthClass reports whether an error class says a token is unusable.
func isAuthClass(c fbclient.Class) bool {
	switch c {
	case fbclient.ClassNeedsReconnect, fbclient.ClassPageRoleLost, fbclient.ClassPermissionMissing:
		return true
	}
	return false
}

// backoff is RetryBase·2^(n-1), capped at RetryMax, jittered.
func (e *Engine) backoff(attempts int) time.Duration {
	d := e.cfg.RetryBase
	for i := 1; i < attempts && d < e.cfg.RetryMax; i++ {
		d *= 2
	}
	if d > e.cfg.RetryMax {
		d = e.cfg.RetryMax
	}
	return time.Duration(float64(d) * e.jitter())
}

// finish writes the outcome to the ledger, then drops the job, then tells
// subscribers; in that order, so a crash never loses an outcome.
func (e *Engine) finish(j *job, state store.LedgerState, postID, reason string) {
	err := e.cfg.Store.LedgerPut(store.LedgerEntry{LedgerKey: j.key, State: state, PostID: postID, Reason: reason,
		Attempts: j.attempts, VideoURL: j.video.PermalinkURL, VideoTitle: j.video.Title})
	if err != nil {
		// The outcome is not on disk: look for the post before anything else.
		e.saveFailed(j, err, true)
		return
	}
	e.mu.Lock()
	delete(e.jobs, j.id())
	switch state {
	case store.LedgerDone:
		e.counts.Shared++
	case store.LedgerFailed:
		e.counts.Failed++
	}
	e.mu.Unlock()
	if state == store.LedgerDone {
		e.activity("shared", "Shared to "+nameOf(j.dest), j.key)
	} else {
		e.activity("failed", "Not shared to "+nameOf(j.dest)+": "+reason, j.key)
	}
	e.publish(ShareResult{Key: j.key, State: state, PostID: postID, Reason: reason})
}

// saveFailed puts back a job whose ledger write failed, after a backoff
// that grows with each failure in a row, so a failing disk costs a few
// calls an hour, not one every RetryBase; with lookFirst (an outcome that
// may be on Facebook but not on disk) it looks for its post again first. A
// damaged database stops sharing visibly (see stopForDamage).
func (e *Engine) saveFailed(j *job, err error, lookFirst bool) {
	e.cfg.Logger.Error("ledger", "err", err)
	if errors.Is(err, store.ErrDamaged) {
		e.stopForDamage()
	}
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	j.inflight = false
	j.check = j.check || lookFirst
	j.saveFails++
	j.due = now.Add(e.backoff(j.saveFails))
	e.mu.Unlock()
}

// stopForDamage stops sharing when the database turned out damaged: no
// outcome can be kept, so nothing more is posted, and the account state
// says what to do (the store repairs the file at the next start).
func (e *Engine) stopForDamage() {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.machine.damaged {
		return
	}
	e.machine.damaged = true
	e.machine.damageReason = reasonOf(store.ErrDamaged) + " Sharing has stopped until then."
	e.stepLocked(now)
	e.broadcastLocked()
}

// flag marks one destination as unusable, in the store and for the GUI;
// the other destinations carry on.
func (e *Engine) flag(destID, flag, reason string) {
	e.mu.Lock()
	d, ok := e.dests[destID]
	if !ok || (d.Status == flag && d.StatusReason == reason) {
		e.mu.Unlock()
		return
	}
	d.Status, d.StatusReason = flag, reason
	e.dests[destID] = d
	e.mu.Unlock()
	if err := e.cfg.Store.PutDestination(d); err != nil {
		e.cfg.Logger.Warn("flag destination", "err", err)
	}
	e.activity("destination", reason, store.LedgerKey{DestinationID: destID})
	e.publish(DestinationFlagged{DestinationID: destID, Flag: flag, Reason: reason})
}

// findEarlierPost looks on the destination for the share an earlier,
// unsure try may have made. A crosspost is looked for in the live's
// crossposted broadcasts (see findEarlierCrosspost), a link post among the
// destination's posts; a share resumed from an earlier run may have been
// either, so both are looked for.
func (e *Engine) findEarlierPost(ctx context.Context, tok fbclient.Token, j *job) (string, bool, error) {
	if e.mayHaveCrossposted(j) {
		j.crosspostUnsure = true
		id, found, err := e.findEarlierCrosspost(ctx, j)
		if err != nil || found || j.lastTry == tryCrosspost {
			return id, found, err
		}
	}
	id, found, err := e.cfg.Graph.FindPostLinking(ctx, tok, j.key.DestinationID, j.video.PermalinkURL, j.since.Add(-time.Hour))
	e.afterCall(ctx, err)
	return id, found, err
}

// message renders the target's template for this job.
func (e *Engine) message(j *job) string {
	return Render(j.target.Message, TemplateVars{Title: j.video.Title, Description: j.video.Description,
		URL: j.video.PermalinkURL, Page: j.dest.Name, Source: j.sourceName})
}

// isAssisted reports whether a target is shared by the person: Facebook
// lets no app post to a Group.
func isAssisted(t store.Target, d store.Destination) bool {
	return store.ShareMode(t.Mode, d.Kind) == store.ModeAssisted
}

// openAssisted records a Group share as waiting for the person.
func (e *Engine) openAssisted(j *job) (AssistedShare, error) {
	err := e.cfg.Store.LedgerPut(store.LedgerEntry{LedgerKey: j.key, State: store.LedgerAssistedOpen,
		VideoURL: j.video.PermalinkURL, VideoTitle: j.video.Title, VideoDescription: j.video.Description})
	if err != nil {
		return AssistedShare{}, err
	}
	e.mu.Lock()
	e.counts.Assisted++
	e.mu.Unlock()
	return AssistedShare{Key: j.key, DestinationID: j.key.DestinationID, Name: nameOf(j.dest),
		ShareURL: e.cfg.Graph.AssistedShareURL(j.video.PermalinkURL), Message: e.message(j)}, nil
}

// MarkAssistedDone records that the person shared to a Group by hand.
func (e *Engine) MarkAssistedDone(key store.LedgerKey) error {
	entry, ok, err := e.cfg.Store.LedgerGet(key)
	if err != nil {
		return err
	}
	if !ok || entry.State != store.LedgerAssistedOpen {
		return fmt.Errorf("mark %s shared: there is no open assisted share", key)
	}
	entry.State = store.LedgerAssistedDone
	if err := e.cfg.Store.LedgerPut(entry); err != nil {
		return err
	}
	e.activity(ActivityAssistedDone, "You shared to "+e.storedDestName(key.DestinationID), key)
	// Every face hears it: a mark from the command line reaches the window.
	e.publish(ShareResult{Key: key, State: store.LedgerAssistedDone})
	return nil
}

// ActivityAssistedDone is the kind of the activity line MarkAssistedDone
// writes; the ledger's own entry says the same with the video's title, so
// a history that lists both skips this one.
const ActivityAssistedDone = "assisted-done"

func nameOf(d store.Destination) string {
	if d.Name != "" {
		return d.Name
	}
	return d.ID
}

func flagSentence(d store.Destination) string {
	if d.StatusReason != "" {
		return d.StatusReason
	}
	return nameOf(d) + " cannot be shared to until it is fixed (" + d.Status + ")."
}

// reasonOf turns any error into a sentence for the person.
func reasonOf(err error) string {
	var fe *fbclient.Error
	if errors.As(err, &fe) {
		return fe.Reason()
	}
	if fbclient.Classify(err) == fbclient.ClassTransient {
		return "Facebook could not be reached; LiveRoute will retry."
	}
	s := err.Error()
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
