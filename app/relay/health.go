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

// runHealth checks the tokens at start, every HealthEvery and whenever an
// auth error asks for it; it also ends timed pauses and applies reloads.
func (e *Engine) runHealth(ctx context.Context) {
	e.checkHealth(ctx)
	last := e.cfg.Clock.Now()
	for {
		e.mu.Lock()
		now := e.cfg.Clock.Now()
		next := last.Add(e.cfg.HealthEvery)
		if e.machine.offline || e.suspect {
			next = last.Add(e.interval()) // find out soon whether it is back
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
		e.checkHealth(ctx)
		last = e.cfg.Clock.Now()
	}
}

// checkHealth asks debug_token about the user token and every Page token in
// use, and sets the account state and destination flags from the answers.
func (e *Engine) checkHealth(ctx context.Context) {
	e.mu.Lock()
	userID := e.account.UserID
	keys := e.pageKeysLocked()
	e.mu.Unlock()

	if userID == "" {
		e.setDead("No Facebook account is connected. Connect one to start sharing.")
		return
	}
	userKey := store.UserTokenKey(userID)
	userTok, err := e.token(userKey)
	if err != nil {
		e.setDead("LiveRoute's Facebook connection is missing from the keychain. Reconnect to resume sharing.")
		e.cfg.Logger.Warn("user token", "err", err)
		return
	}
	info, err := e.cfg.Graph.DebugToken(ctx, userTok)
	e.afterCall(ctx, err)
	if err != nil {
		return // offline or throttled: the next check decides
	}
	expires := earliest(info.ExpiresAt, info.DataAccessExpiresAt)
	pageDead := map[string]string{}
	if !info.Valid && !pageTokensOutlive(info) {
		// The Page tokens died with the user token: asking about each
		// one would spend an app-token call per Page (200 an hour per
		// person, https://developers.facebook.com/docs/graph-api/overview/rate-limiting/)
		// to learn nothing.
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
				e.flag(destID, "role_lost", pi.Error.Reason())
				continue
			}
			pageDead[key] = tokenReason(pi)
			continue
		}
		expires = earliest(expires, pi.ExpiresAt)
		e.clearTokenFlag(destID)
	}

	now := e.cfg.Clock.Now()
	e.mu.Lock()
	for k := range e.dead {
		delete(e.dead, k)
	}
	for k, why := range pageDead {
		e.dead[k] = why
	}
	if info.Valid {
		e.machine.dead, e.machine.deadReason = false, ""
		e.machine.expiresAt = expires
	} else {
		e.dead[userKey] = tokenReason(info)
		e.machine.dead, e.machine.deadReason = true, tokenReason(info)
	}
	e.suspect = false
	e.stepLocked(now)
	e.broadcastLocked()
	e.mu.Unlock()
	e.poke(e.shareWake)
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
	lift := ok && (d.Status == "role_lost" || d.Status == "missing") && e.rebinding
	e.mu.Unlock()
	if lift {
		e.flag(destID, "", "")
	}
}

func (e *Engine) setDead(reason string) {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	e.machine.dead, e.machine.deadReason = true, reason
	e.suspect = false
	e.stepLocked(now)
	e.broadcastLocked()
	e.mu.Unlock()
}

// afterCall updates pacing, the Offline state and token suspicion from the
// outcome of one Graph call.
func (e *Engine) afterCall(ctx context.Context, err error) {
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
		e.afterItem(err)
	}
}

// afterItem reacts to an error that says something of the account: a dead
// token holds every share until debug_token says which token died; a rate
// limit stops calls until Facebook allows them again.
func (e *Engine) afterItem(err error) {
	var fe *fbclient.Error
	errors.As(err, &fe)
	switch fbclient.Classify(err) {
	case fbclient.ClassNeedsReconnect:
		e.suspectTokens()
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
