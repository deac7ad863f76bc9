package relay

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// partnersTTL is how long a source Page's crossposting partners are
// trusted: they change rarely (a handshake on facebook.com), and asking
// before every share would spend the Page's call budget.
const partnersTTL = time.Hour

// sendCrossposts crossposts each job's live to its destination and
// finishes the jobs Facebook crossposted; it returns the jobs that should
// be shared as a link post instead, each with a note saying why.
func (e *Engine) sendCrossposts(ctx context.Context, jobs []*job) (linkPosts []*job) {
	for _, j := range jobs {
		// Crossposting is asked of the Page that owns the live.
		tok, err := e.token(store.PageTokenKey(j.sourceID))
		if err != nil {
			e.linkPostInstead(j, "LiveRoute has no access to "+sourceOf(j)+" in the keychain to crosspost from it")
			linkPosts = append(linkPosts, j)
			continue
		}
		j.lastTry = tryCrosspost
		broadcastID, err := e.cfg.Graph.Crosspost(ctx, tok, j.video.ID, j.key.DestinationID)
		e.afterCall(ctx, err)
		switch {
		case err == nil:
			// Done only when the partner is in crossposted_broadcasts; the
			// ID kept is that broadcast's, on the destination.
			e.finish(j, store.LedgerDone, broadcastID, "")
		case fbclient.IsAmbiguous(err):
			// The crosspost may have been made (an answer that does not say,
			// a cut-off list, a broadcast not published yet): look for it
			// before anything else, never a link post at once.
			// https://developers.facebook.com/docs/live-video-api/guides/crossposting
			j.crosspostUnsure = true
			e.failed(ctx, j, err, true)
		case errors.Is(err, fbclient.ErrNotCrossposted):
			e.linkPostInstead(j, "Facebook did not crosspost to "+nameOf(j.dest))
			linkPosts = append(linkPosts, j)
		case fbclient.Classify(err) == fbclient.ClassPermissionMissing:
			e.linkPostInstead(j, "Crossposting needs the pages_manage_engagement permission — reconnect and allow it")
			linkPosts = append(linkPosts, j)
		default:
			j.crosspostUnsure = true // failed with lookFirst: it may have landed
			e.failed(ctx, j, err, true)
		}
	}
	return linkPosts
}

// tryKind is what a crosspost-mode share's last try sent.
type tryKind int

const (
	tryUnknown   tryKind = iota // none yet in this run (a share resumed from an earlier run may have sent either)
	tryCrosspost                // a crosspost
	tryLinkPost                 // a link post in place of a crosspost
)

// mayHaveCrossposted reports whether an earlier try of j may have been a
// crosspost, so that a look must read the live's crossposted broadcasts.
func (e *Engine) mayHaveCrossposted(j *job) bool {
	return j.target.Mode == store.ModeCrosspost && j.lastTry != tryLinkPost && j.video.IsLiveVideoObject()
}

// findEarlierCrosspost looks for j's crosspost in the live's crossposted
// broadcasts, read with the source Page's token: Meta documents that list
// as where a crosspost shows, and nothing about how one appears in the
// destination's posts.
// https://developers.facebook.com/docs/graph-api/reference/live-video/
func (e *Engine) findEarlierCrosspost(ctx context.Context, j *job) (string, bool, error) {
	tok, err := e.token(store.PageTokenKey(j.sourceID))
	if err != nil {
		return "", false, err
	}
	id, found, err := e.cfg.Graph.CrosspostedTo(ctx, tok, j.video.ID, j.key.DestinationID)
	callErr := err
	if fbclient.IsAmbiguous(err) {
		callErr = nil // Facebook answered; the answer just cannot tell
	}
	e.afterCall(ctx, callErr)
	return id, found, err
}

// shareWay is how a crosspost-mode share goes out this round.
type shareWay int

const (
	viaLinkPost  shareWay = iota
	viaCrosspost          // the partners allow it
	notNow                // put back: retried later
)

// crosspostOrLinkPost decides how j's live goes to its destination: a
// crosspost when the source Page and the destination agreed to crosspost
// lives without approving each one. When not, it notes why on j, which
// then goes out as a link post. When the partners cannot be read and an
// earlier crosspost of j may exist, j is put back instead: a link post
// could land on top of that crosspost.
func (e *Engine) crosspostOrLinkPost(ctx context.Context, j *job) shareWay {
	if !j.video.IsLiveVideoObject() {
		e.linkPostInstead(j, "Facebook gave this live without the live-video ID that crossposting needs")
		return viaLinkPost
	}
	partners, err := e.crosspostPartners(ctx, j.sourceID)
	if err != nil && j.crosspostUnsure {
		e.activity("crosspost", "LiveRoute could not read the crossposting partners of "+sourceOf(j)+" ("+trimPeriod(reasonOf(err))+"); it tries again later.", j.key)
		e.retryLater(j)
		return notNow
	}
	if err != nil {
		e.linkPostInstead(j, "LiveRoute could not read the crossposting partners of "+sourceOf(j)+" ("+trimPeriod(reasonOf(err))+")")
		return viaLinkPost
	}
	p, ok := partners[j.key.DestinationID]
	switch {
	case !ok:
		e.linkPostInstead(j, nameOf(j.dest)+" is not a crossposting partner of "+sourceOf(j))
		return viaLinkPost
	case !p.AllowsLive:
		// Facebook would accept the request and silently not crosspost.
		e.linkPostInstead(j, "Crossposting to "+nameOf(j.dest)+" needs its approval each time")
		return viaLinkPost
	}
	return viaCrosspost
}

// crosspostPartners returns the source Page's partners, from the cache
// while it is fresh.
func (e *Engine) crosspostPartners(ctx context.Context, sourceID string) (map[string]fbclient.CrosspostPartner, error) {
	now := e.cfg.Clock.Now()
	if partners, ok := e.partners.get(sourceID, now); ok {
		return partners, nil
	}
	tok, err := e.token(store.PageTokenKey(sourceID))
	if err != nil {
		return nil, err
	}
	list, err := e.cfg.Graph.CrosspostPartners(ctx, tok, sourceID)
	e.afterCall(ctx, err)
	if err != nil {
		return nil, err
	}
	return e.partners.put(sourceID, list, now), nil
}

// linkPostInstead records why a crosspost became a link post: in the
// activity now, and with the share's outcome (the route card shows it).
func (e *Engine) linkPostInstead(j *job, why string) {
	j.lastTry = tryLinkPost
	j.note = why + "; shared as a link post instead."
	e.activity("crosspost", why+"; sharing it as a link post instead.", j.key)
}

// sourceOf names a job's source Page for a sentence.
func sourceOf(j *job) string {
	if j.sourceName != "" {
		return j.sourceName
	}
	return "the source Page"
}

func trimPeriod(s string) string {
	for len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// partnerCache keeps each source Page's crossposting partners for
// partnersTTL; forget empties it (a reconnect may change what Facebook
// says). The zero value is ready to use and safe for concurrent use.
type partnerCache struct {
	mu       sync.Mutex
	bySource map[string]partnerList
}

type partnerList struct {
	byID    map[string]fbclient.CrosspostPartner
	fetched time.Time
}

// get returns sourceID's partners if they were read less than partnersTTL ago.
func (c *partnerCache) get(sourceID string, now time.Time) (map[string]fbclient.CrosspostPartner, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.bySource[sourceID]
	if !ok || now.Sub(l.fetched) >= partnersTTL || now.Before(l.fetched) {
		return nil, false
	}
	return l.byID, true
}

// put stores sourceID's partners as read at now and returns them by ID.
func (c *partnerCache) put(sourceID string, partners []fbclient.CrosspostPartner, now time.Time) map[string]fbclient.CrosspostPartner {
	byID := make(map[string]fbclient.CrosspostPartner, len(partners))
	for _, p := range partners {
		byID[p.ID] = p
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bySource == nil {
		c.bySource = map[string]partnerList{}
	}
	c.bySource[sourceID] = partnerList{byID: byID, fetched: now}
	return byID
}

// forget drops every cached list.
func (c *partnerCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySource = nil
}
