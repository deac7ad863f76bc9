package relay

import (
	"context"
	"errors"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// SourceState is what the engine knows about watching one source. The
// window's route cards and `liveroute status` both read it.
type SourceState string

// Source states.
const (
	SourceStarting    SourceState = "starting"    // not polled yet
	SourceWatching    SourceState = "watching"    // the last poll answered: a live there will be shared
	SourceFailing     SourceState = "failing"     // the last poll failed; the reason says why
	SourceUnsupported SourceState = "unsupported" // Facebook does not show this source's lives to apps
)

// UnsupportedSourceReason says why a kind of source can never fire, or ""
// when it can. Facebook does not let apps read a person's live videos
// (https://developers.facebook.com/docs/graph-api/reference/user/live_videos/),
// and the /me/videos fallback answers an empty list rather than an error.
func UnsupportedSourceReason(kind store.SourceKind) string {
	if kind == store.SourceProfile {
		return fbclient.ProfileLiveVideosUnsupported
	}
	return ""
}

// unsupportedPollEvery is the shortest interval between two polls of a
// source Facebook does not show: often enough to notice if Facebook ever
// shows it (then it is watched like any other), rarely enough to leave the
// person's hourly call budget to the shares.
const unsupportedPollEvery = 5 * time.Minute

// source is one watched Page or profile, shared by every route on it.
type source struct {
	id       string // the route's SourceID
	graphID  string // what to ask Graph: the Page ID, or "me" for the profile
	name     string
	tokenKey string // keychain key of the token that reads it
	now      chan struct{}
	cancel   context.CancelFunc

	// unsupported is why Facebook will not show this source's lives ("":
	// it does). It holds until a poll lists a video there after all.
	unsupported string
	polled      bool                          // at least one poll answered since Start
	lastOK      time.Time                     // last answered poll
	lastErr     string                        // "" when the last poll worked
	live        map[string]fbclient.LiveVideo // videos live (or shareable) at the last poll
	settled     map[string]bool               // ended videos already accounted for
}

// syncSourcesLocked starts a watcher for every source of an enabled route
// and stops the watchers of sources no route needs any more.
func (e *Engine) syncSourcesLocked() {
	if !e.running || e.ctx == nil {
		return
	}
	want := map[string]store.Route{}
	for _, r := range e.routes {
		if r.Enabled && r.SourceID != "" {
			want[r.SourceID] = r
		}
	}
	for id, s := range e.sources {
		if _, ok := want[id]; !ok {
			s.cancel()
			delete(e.sources, id)
		}
	}
	for id, r := range want {
		if _, ok := e.sources[id]; ok {
			continue
		}
		s := &source{id: id, graphID: id, name: r.SourceName, now: make(chan struct{}, 1),
			live: map[string]fbclient.LiveVideo{}, settled: map[string]bool{}}
		s.tokenKey = store.PageTokenKey(id)
		if r.SourceKind == store.SourceProfile {
			s.graphID = "me"
			s.tokenKey = store.UserTokenKey(e.account.UserID)
		}
		s.unsupported = UnsupportedSourceReason(r.SourceKind)
		ctx, cancel := context.WithCancel(e.ctx)
		s.cancel = cancel
		e.sources[id] = s
		e.spawn(func() { e.runWatcher(ctx, s) })
	}
}

// runWatcher polls one source: at once, then every interval (stretched by
// pacing, spread by jitter), or sooner on CheckNow. It makes no call while
// paused or throttled, and at most one per tick.
func (e *Engine) runWatcher(ctx context.Context, s *source) {
	next := e.cfg.Clock.Now()
	for {
		e.mu.Lock()
		now := e.cfg.Clock.Now()
		paused := e.machine.paused || e.machine.damaged // no call that could not be recorded
		changed := e.changed
		interval := e.interval()
		if s.unsupported != "" {
			interval = max(interval, unsupportedPollEvery)
		}
		e.mu.Unlock()

		var wait time.Duration
		if !paused {
			if until := e.pacer.until(); until.After(now) {
				wait = until.Sub(now)
			} else if next.After(now) {
				wait = next.Sub(now)
			} else {
				e.poll(ctx, s)
				if ctx.Err() != nil {
					return
				}
				mult := e.pacer.multiplier() * e.jitter()
				next = e.cfg.Clock.Now().Add(time.Duration(float64(interval) * mult))
				continue
			}
		}
		var timer Timer
		var fire <-chan time.Time
		if !paused {
			timer = e.cfg.Clock.NewTimer(wait)
			fire = timer.C()
		}
		p := &parking{timer: timer, changed: changed, wakes: []chan struct{}{s.now}}
		e.idle.park(p)
		select {
		case <-ctx.Done():
		case <-fire:
		case <-s.now:
			next = time.Time{}
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

// poll asks Facebook for the source's live videos once and acts on them.
func (e *Engine) poll(ctx context.Context, s *source) {
	e.mu.Lock()
	why, dead := e.dead[s.tokenKey]
	e.mu.Unlock()
	if dead {
		e.setSourceError(s, why)
		return
	}
	tok, err := e.token(s.tokenKey)
	if err != nil {
		e.setSourceError(s, "LiveRoute has no Facebook access to this source in the keychain; reconnect or use Add Pages… to grant it.")
		e.cfg.Logger.Warn("source token", "source", s.id, "err", err)
		return
	}
	videos, err := e.cfg.Graph.LiveVideos(ctx, tok, s.graphID)
	e.afterCall(ctx, err)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		e.cfg.Logger.Debug("poll", "source", s.id, "err", err)
		e.setSourceError(s, reasonOf(err))
		return
	}
	e.cfg.Logger.Debug("poll", "source", s.id, "videos", len(videos))
	e.observe(s, videos)
}

func (e *Engine) setSourceError(s *source, why string) {
	e.mu.Lock()
	s.lastErr = why
	e.mu.Unlock()
}

// observe turns one poll's answer into share jobs: a video live for the
// first time is shared; one that ended unshared is reported missed.
func (e *Engine) observe(s *source, videos []fbclient.LiveVideo) {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	var routes []store.Route
	for _, r := range e.routes {
		if r.Enabled && r.SourceID == s.id {
			routes = append(routes, r)
		}
	}
	replayAll := e.settings.ShareReplay
	startedAt := e.startedAt
	e.mu.Unlock()

	live := map[string]fbclient.LiveVideo{}
	var failed error
	for _, v := range videos {
		for _, r := range routes {
			var err error
			switch {
			case v.IsLive(), v.IsScheduled() && r.ShareScheduled:
				live[v.ID] = v
				err = e.detect(r, v, now)
			case isEnded(v) && (r.ShareReplay || replayAll) && !videoStart(v).Before(startedAt):
				live[v.ID] = v
				err = e.detect(r, v, now)
			case isEnded(v):
				err = e.settleEnded(s, r, v, startedAt)
			}
			if failed == nil {
				failed = err
			}
		}
	}

	e.mu.Lock()
	s.polled = true
	s.lastOK = now
	s.lastErr = ""
	if failed != nil {
		s.lastErr = failed.Error()
	}
	s.live = live
	if len(videos) > 0 {
		s.unsupported = "" // Facebook shows this source's lives after all
	}
	replay := map[string]bool{}
	for _, r := range routes {
		replay[r.ID] = r.ShareReplay || replayAll
	}
	for _, j := range e.jobs {
		if j.sourceID == s.id {
			// Facebook lists only what is on air or announced: a video
			// missing from the answer has ended.
			v, on := live[j.key.VideoID]
			j.ended = !on && !replay[j.key.RouteID]
			if on {
				j.latest = v // a share resumed from the ledger learns the rest of its video
			}
		}
	}
	e.mu.Unlock()
	e.poke(e.shareWake)
}

// stateLocked says how watching s goes, and why when it does not.
func (s *source) stateLocked() (SourceState, string) {
	switch {
	case s.unsupported != "":
		return SourceUnsupported, s.unsupported
	case s.lastErr != "":
		return SourceFailing, s.lastErr
	case !s.polled:
		return SourceStarting, ""
	}
	return SourceWatching, ""
}

// isEnded reports whether a live video is over (stopped, processing, replay).
func isEnded(v fbclient.LiveVideo) bool {
	switch v.Status {
	case "LIVE_STOPPED", "PROCESSING", "VOD":
		return true
	}
	return false
}

func videoStart(v fbclient.LiveVideo) time.Time {
	if !v.StartedAt.IsZero() {
		return v.StartedAt
	}
	return v.CreatedAt
}

// settleEnded reports an ended video as missed on every destination it
// never reached, if it went live while the engine ran (asleep, offline,
// paused, or too short for one poll). Videos from before Start are history.
func (e *Engine) settleEnded(s *source, r store.Route, v fbclient.LiveVideo, startedAt time.Time) error {
	e.mu.Lock()
	memo := r.ID + "\x00" + v.ID
	done := s.settled[memo]
	s.settled[memo] = true
	e.mu.Unlock()
	if done || videoStart(v).Before(startedAt) {
		return nil
	}
	for _, t := range r.Targets {
		key := store.LedgerKey{RouteID: r.ID, VideoID: v.ID, DestinationID: t.DestinationID}
		e.mu.Lock()
		_, queued := e.jobs[key.Share()]
		e.mu.Unlock()
		if queued {
			continue // the sharer settles it: check, then missed
		}
		_, ok, err := e.cfg.Store.LedgerGet(key)
		if err == nil && !ok {
			err = e.missed(key, v, "The live ended before LiveRoute could share it.")
		}
		if err != nil {
			// Not recorded: the next poll tries again, and says why meanwhile.
			e.mu.Lock()
			delete(s.settled, memo)
			e.mu.Unlock()
			return e.storeFailed(err)
		}
	}
	return nil
}

// missed records and announces a share that will not happen because the
// live ended. On error nothing was recorded: the caller keeps the share.
func (e *Engine) missed(key store.LedgerKey, v fbclient.LiveVideo, why string) error {
	// One transaction: a crash can never leave a missed share unsaid.
	err := e.cfg.Store.LedgerPutNoted(store.LedgerEntry{LedgerKey: key, State: store.LedgerMissed, Reason: why,
		VideoURL: v.PermalinkURL, VideoTitle: v.Title}, e.note("missed", why, key))
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.counts.Missed++
	e.mu.Unlock()
	e.publish(Missed{Key: key, Video: v})
	return nil
}

// detect begins a share for every target of r that has none yet: a
// pending ledger entry first, durable before any request.
func (e *Engine) detect(r store.Route, v fbclient.LiveVideo, now time.Time) error {
	var assisted []AssistedShare
	var failed error
	fresh := false
	for _, t := range r.Targets {
		key := store.LedgerKey{RouteID: r.ID, VideoID: v.ID, DestinationID: t.DestinationID}
		e.mu.Lock()
		_, queued := e.jobs[key.Share()]
		dest := e.dests[t.DestinationID]
		e.mu.Unlock()
		if queued {
			continue
		}
		entry, created, err := e.cfg.Store.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoURL: v.PermalinkURL, VideoTitle: v.Title})
		if err != nil {
			// No share begins without its pending entry on disk; the next
			// poll tries again (nothing is queued, nothing is settled).
			failed = e.storeFailed(err)
			continue
		}
		if !created && entry.State != store.LedgerPending {
			continue
		}
		fresh = fresh || created
		j := &job{key: key, sourceID: r.SourceID, sourceName: r.SourceName, target: t, dest: dest, video: v,
			due: now.Add(t.Delay), check: !created, since: entry.CreatedAt, attempts: entry.Attempts}
		if isAssisted(t, dest) {
			a, err := e.openAssisted(j)
			if err != nil {
				failed = e.storeFailed(err) // still pending: the next poll opens it
				continue
			}
			assisted = append(assisted, a)
			continue
		}
		e.mu.Lock()
		e.jobs[key.Share()] = j
		e.mu.Unlock()
	}
	if fresh {
		e.mu.Lock()
		e.counts.Detected++
		e.mu.Unlock()
		e.activity("live", "Live detected: "+v.Title, store.LedgerKey{RouteID: r.ID, VideoID: v.ID})
		e.publish(LiveDetected{RouteID: r.ID, Video: v})
	}
	if len(assisted) > 0 {
		e.publish(AssistedSharesPending{RouteID: r.ID, Video: v, Shares: assisted})
	}
	return failed
}

// storeFailed logs a database error met while watching, stops sharing if
// the database is damaged, and returns the error as a sentence for the
// source's status.
func (e *Engine) storeFailed(err error) error {
	e.cfg.Logger.Error("ledger", "err", err)
	if errors.Is(err, store.ErrDamaged) {
		e.stopForDamage()
		return errors.New(reasonOf(store.ErrDamaged))
	}
	return errors.New("LiveRoute could not record a live in its database; it tries again at the next check")
}
