package relay

import (
	"context"
	"errors"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// offlineAfter is how many network failures in a row mean Offline: one
// dropped request is a glitch, not a state the person must hear about.
const offlineAfter = 2

// anyToken is the refused-key entry of a refusal that names no token: only
// a check of every token can tell which one died.
const anyToken = ""

// maxSuspicionGap caps the wait between suspicion checks of a token that
// debug_token keeps calling valid: about one check of it an hour.
const maxSuspicionGap = time.Hour

// checkScope is what one token check asks debug_token about: the user
// token always, and every Page token in use (full) or only the refused ones.
type checkScope struct {
	full bool
	keys map[string]bool
	// seq orders checks by their start. debug_token may vouch for a token
	// just before Facebook ends it, so an answer from a check begun before
	// the newest answer already taken is stale and changes nothing (else
	// "sharing again" would follow "Reconnect" for a token that is dead).
	seq uint64
}

// covers reports whether a refusal of key is answered by this check
// (a nil scope is no check under way).
func (c *checkScope) covers(key, userKey string) bool {
	return c != nil && (c.full || key == userKey || c.keys[key])
}

// runHealth checks every token at start and every HealthEvery; on a
// refusal, when suspicionDueLocked allows, only the refused tokens (and
// the user token); when offline, the
// user token every poll interval to learn when Facebook is back. It also
// ends timed pauses and applies reloads.
func (e *Engine) runHealth(ctx context.Context) {
	e.checkHealth(ctx)
	lastFull := e.cfg.Clock.Now()
	last := lastFull
	for {
		e.mu.Lock()
		now := e.cfg.Clock.Now()
		next := lastFull.Add(e.cfg.HealthEvery)
		if e.machine.offline {
			next = earliest(next, last.Add(e.interval())) // find out soon whether it is back
		}
		if len(e.refused) > 0 {
			next = earliest(next, e.suspicionDueLocked())
		}
		if e.machine.paused && !e.machine.pauseUntil.IsZero() && e.machine.pauseUntil.Before(next) {
			next = e.machine.pauseUntil
		}
		e.mu.Unlock()
		if until := e.pacer.until(); until.After(next) {
			// Throttled: Facebook counts calls made while throttled too,
			// so even health checks wait for the limit to lift.
			next = until
		}
		timer := e.cfg.Clock.NewTimer(next.Sub(now))
		p := &parking{timer: timer, changed: nil, wakes: []chan struct{}{e.healthWake, e.reloadWake}}
		e.idle.park(p)
		var reload bool
		select {
		case <-ctx.Done():
		case <-timer.C():
		case <-e.healthWake:
		case <-e.reloadWake:
			reload = true
		}
		e.idle.unpark(p)
		timer.Stop()
		if ctx.Err() != nil {
			return
		}
		if reload {
			if err := e.load(); err != nil {
				e.cfg.Logger.Error("reload routes", "err", err)
			}
			e.mu.Lock()
			e.syncSourcesLocked()
			e.checkNowLocked()
			e.broadcastLocked()
			e.mu.Unlock()
			continue
		}
		now = e.cfg.Clock.Now()
		e.mu.Lock()
		expired := e.machine.paused && !e.machine.pauseUntil.IsZero() && !now.Before(e.machine.pauseUntil)
		paused := e.machine.paused || e.machine.damaged
		e.mu.Unlock()
		if expired {
			e.Resume()
			paused = false
		}
		if paused {
			continue // no calls while paused; Resume checks
		}
		full, due := e.checkDue(now, lastFull, last)
		if !due {
			continue // a suspicion the last check answered, or one that must wait its gap
		}
		e.checkTokens(ctx, full)
		last = e.cfg.Clock.Now()
		if full {
			lastFull = last
		}
	}
}

// checkDue decides whether a check runs now and whether it is a full one.
func (e *Engine) checkDue(now, lastFull, last time.Time) (full, due bool) {
	if !now.Before(lastFull.Add(e.cfg.HealthEvery)) {
		return true, true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	suspected := len(e.refused) > 0 && !now.Before(e.suspicionDueLocked())
	retry := e.machine.offline && !now.Before(last.Add(e.interval()))
	return suspected && e.refused[anyToken], suspected || retry
}

// suspicionDueLocked is when the refused tokens may be checked: at once
// for the first suspicion, then no sooner than a poll interval after the
// last suspicion check, four times longer for each time in a row
// debug_token called a refused token valid (up to maxSuspicionGap or
// HealthEvery), so a token Facebook refuses on posts but vouches for on
// debug_token cannot spend the app-token budget (200 calls an hour per
// person, https://developers.facebook.com/docs/graph-api/overview/rate-limiting/).
func (e *Engine) suspicionDueLocked() time.Time {
	if e.lastSuspicionCheck.IsZero() {
		return e.cfg.Clock.Now()
	}
	streak := 0
	for k := range e.refused {
		streak = max(streak, e.vouched[k])
	}
	gap := e.interval() << (2 * min(streak, 8))
	gap = min(gap, maxSuspicionGap, e.cfg.HealthEvery)
	return e.lastSuspicionCheck.Add(gap)
}

// checkHealth asks debug_token about the user token and every Page token
// in use (at start and after a reconnect).
func (e *Engine) checkHealth(ctx context.Context) { e.checkTokens(ctx, true) }

// checkTokens asks debug_token about the user token and the Page tokens in
// use (every one when full, else those refused since the last check), and
// sets the account state and destination flags from the answers.
func (e *Engine) checkTokens(ctx context.Context, full bool) {
	e.mu.Lock()
	userID := e.account.UserID
	scope := e.beginCheckLocked(full)
	keys := e.pageKeysLocked()
	e.mu.Unlock()
	ok := false
	defer func() { e.endCheck(scope, ok) }()

	if userID == "" {
		ok = true // the answer needs no call
		e.setDead(scope, "No Facebook account is connected. Connect one to start sharing.")
		return
	}
	userKey := store.UserTokenKey(userID)
	userTok, err := e.token(userKey)
	if err != nil {
		ok = true // the answer needs no call
		e.setDead(scope, "LiveRoute's Facebook connection is missing from the keychain. Reconnect to resume sharing.")
		e.cfg.Logger.Warn("user token", "err", err)
		return
	}
	for destID, key := range keys {
		if !scope.covers(key, userKey) {
			delete(keys, destID)
		}
	}
	// Facebook never says when a token died; debug_token is how an app asks:
	// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging
	info, err := e.cfg.Graph.DebugToken(ctx, userTok)
	e.afterCall(ctx, err)
	if err != nil {
		return // offline or throttled: the next check decides
	}
	expires := earliest(info.ExpiresAt, info.DataAccessExpiresAt)
	pageDead := map[string]string{}
	complete := scope.full // every token's state is known after this check
	if !info.Valid && !pageTokensOutlive(info) {
		complete = true
		// The Page tokens died with the user token: asking about each
		// one would spend an app-token call per Page (200 an hour per
		// person, https://developers.facebook.com/docs/graph-api/overview/rate-limiting/)
		// to learn nothing.
		e.mu.Lock()
		keys = e.pageKeysLocked()
		e.mu.Unlock()
		for _, key := range keys {
			pageDead[key] = tokenReason(info)
		}
		keys = nil
	}
	for destID, key := range keys {
		tok, err := e.token(key)
		if err != nil {
			continue // flagged when a share needs it
		}
		pi, err := e.cfg.Graph.DebugToken(ctx, tok)
		e.afterCall(ctx, err)
		if err != nil {
			return
		}
		if !pi.Valid {
			if pi.Error != nil && pi.Error.Subcode == 492 {
				e.flag(destID, store.StatusRoleLost, pi.Error.Reason())
				continue
			}
			pageDead[key] = tokenReason(pi)
			continue
		}
		expires = earliest(expires, pi.ExpiresAt)
		e.clearTokenFlag(destID)
	}
	ok = true

	now := e.cfg.Clock.Now()
	e.mu.Lock()
	if e.staleLocked(scope) {
		// The newer answer stands. It answered this check's refusals too
		// if it asked about every token; else they wait for the next.
		ok = e.answeredFull
		e.mu.Unlock()
		return
	}
	if complete {
		for k := range e.dead {
			delete(e.dead, k)
		}
	} else {
		delete(e.dead, userKey)
		for _, key := range keys {
			delete(e.dead, key)
		}
	}
	for k, why := range pageDead {
		e.dead[k] = why
	}
	if info.Valid {
		e.machine.dead, e.machine.deadReason = false, ""
		if scope.full || e.machine.expiresAt.IsZero() {
			e.machine.expiresAt = expires
		} else {
			e.machine.expiresAt = earliest(e.machine.expiresAt, expires)
		}
	} else {
		e.dead[userKey] = tokenReason(info)
		e.machine.dead, e.machine.deadReason = true, tokenReason(info)
	}
	e.vouchLocked(scope)
	e.stepLocked(now)
	e.broadcastLocked()
	e.mu.Unlock()
	e.poke(e.shareWake)
}

// beginCheckLocked takes the refusals so far into the check about to run.
// A partial check after the user token was found dead runs full: Page
// tokens marked dead with it must be asked about again.
func (e *Engine) beginCheckLocked(full bool) *checkScope {
	e.checksBegun++
	scope := &checkScope{full: full || e.machine.dead, keys: e.refused, seq: e.checksBegun}
	if len(e.refused) > 0 {
		now := e.cfg.Clock.Now()
		if now.Sub(e.lastSuspicionCheck) > 2*maxSuspicionGap {
			e.vouched = map[string]int{} // refused again after quiet hours: a new story
		}
		e.lastSuspicionCheck = now
	}
	e.refused = map[string]bool{}
	e.checking = scope
	return scope
}

// endCheck closes a check: an unfinished one (offline, throttled) gives its
// refusals back for the next; then shares are held only while a refusal
// the check did not answer waits for one.
func (e *Engine) endCheck(scope *checkScope, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.checking == scope {
		e.checking = nil
	}
	if !ok {
		for k := range scope.keys {
			e.refused[k] = true
		}
		if scope.full {
			e.refused[anyToken] = true
		}
	}
	held := false
	for k := range e.refused {
		held = held || e.vouched[k] == 0
	}
	if e.suspect != held {
		e.suspect = held
		e.broadcastLocked()
	}
}

// vouchLocked counts, for each refused token the check found valid, one
// more time in a row debug_token vouched for it; a dead one starts over.
func (e *Engine) vouchLocked(scope *checkScope) {
	for k := range scope.keys {
		_, dead := e.dead[k]
		if k == anyToken {
			dead = len(e.dead) > 0
		}
		if dead {
			delete(e.vouched, k)
			continue
		}
		e.vouched[k]++
	}
}

// pageTokensOutlive reports whether the Page tokens may still work while
// the user token does not: only when it merely expired (190/463). A removed
// app, a changed password, a checkpoint or an ended session (458, 459, 460,
// 464, 467) end every token derived from the login (FACEBOOK.md's error table).
func pageTokensOutlive(info fbclient.TokenInfo) bool {
	return info.Error == nil || info.Error.Subcode == 463 || info.Error.Subcode == 0
}

// pageKeysLocked maps each Page in use (destination or source) to its token key.
func (e *Engine) pageKeysLocked() map[string]string {
	keys := map[string]string{}
	for _, r := range e.routes {
		if !r.Enabled {
			continue
		}
		if r.SourceKind != store.SourceProfile {
			keys[r.SourceID] = store.PageTokenKey(r.SourceID)
		}
		for _, t := range r.Targets {
			if d, ok := e.dests[t.DestinationID]; ok && !isAssisted(t, d) {
				keys[t.DestinationID] = store.PageTokenKey(t.DestinationID)
			}
		}
	}
	return keys
}

// clearTokenFlag lifts a flag that a valid token disproves (after a reconnect).
func (e *Engine) clearTokenFlag(destID string) {
	e.mu.Lock()
	d, ok := e.dests[destID]
	lift := ok && (d.Status == store.StatusRoleLost || d.Status == store.StatusMissing) && e.rebinding
	e.mu.Unlock()
	if lift {
		e.flag(destID, "", "")
	}
}

// staleLocked reports whether a newer check has answered since scope's
// began; if not, scope's answer becomes the newest.
func (e *Engine) staleLocked(scope *checkScope) bool {
	if scope.seq <= e.answeredSeq {
		return true
	}
	e.answeredSeq, e.answeredFull = scope.seq, scope.full
	return false
}

func (e *Engine) setDead(scope *checkScope, reason string) {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	if e.staleLocked(scope) {
		e.mu.Unlock()
		return
	}
	e.machine.dead, e.machine.deadReason = true, reason
	e.suspect = false
	e.stepLocked(now)
	e.broadcastLocked()
	e.mu.Unlock()
}

// afterCall updates pacing, the Offline state and token suspicion from the
// outcome of one Graph call; keys name the token(s) the call went with,
// if known, so that a refusal checks only those (afterItem).
func (e *Engine) afterCall(ctx context.Context, err error, keys ...string) {
	if ctx.Err() != nil {
		return
	}
	now := e.cfg.Clock.Now()
	if ev, ok := e.pacer.observe(e.cfg.Graph.Usage(), now); ok {
		e.mu.Lock()
		e.usage = ev
		e.mu.Unlock()
		e.publish(ev)
	}
	var fe *fbclient.Error
	network := err != nil && !errors.As(err, &fe) && fbclient.Classify(err) == fbclient.ClassTransient
	e.mu.Lock()
	if network {
		e.netFails++
		if e.netFails >= offlineAfter && !e.machine.offline {
			e.machine.offline = true
			e.machine.offReason = "Facebook cannot be reached. LiveRoute keeps trying and shares what is still live when it can."
		}
	} else {
		e.netFails = 0
		e.machine.offline = false
	}
	e.stepLocked(now)
	e.mu.Unlock()
	if err != nil {
		e.afterItem(err, keys...)
	}
}

// afterItem reacts to an error that says something of the account: a
// refused token (keys, if known; else any) is asked about with debug_token;
// a rate limit stops calls until Facebook allows them again.
func (e *Engine) afterItem(err error, keys ...string) {
	var fe *fbclient.Error
	errors.As(err, &fe)
	switch fbclient.Classify(err) {
	case fbclient.ClassNeedsReconnect:
		e.suspectTokens(keys...)
	case fbclient.ClassRateLimited:
		var after time.Duration
		if fe != nil {
			after = fe.RetryAfter
		}
		ev := e.pacer.rateLimited(after, e.cfg.Clock.Now())
		e.mu.Lock()
		e.usage = ev
		e.broadcastLocked()
		e.mu.Unlock()
		e.publish(ev)
	}
}

func tokenReason(info fbclient.TokenInfo) string {
	if info.Error != nil {
		return info.Error.Reason()
	}
	return "Facebook ended LiveRoute's connection. Reconnect to resume sharing."
}

// earliest returns the earlier of two times, a zero time meaning never.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}
