package fbclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// LiveVideo is a live broadcast on a Page or profile.
type LiveVideo struct {
	ID           string // the live video's ID (the video's ID when read through the fallback)
	Status       string // LIVE, SCHEDULED_UNPUBLISHED, LIVE_STOPPED, VOD, …
	Title        string
	Description  string
	PermalinkURL string // absolute: Facebook's relative permalink joined to FacebookURL
	VideoID      string // the video object's ID
	CreatedAt    time.Time
	StartedAt    time.Time // zero until the broadcast starts
}

// IsLive reports whether the broadcast is on air now.
func (v LiveVideo) IsLive() bool { return v.Status == "LIVE" }

// IsLiveVideoObject reports whether ID is a LiveVideo's own ID, which
// crossposting needs; the /videos fallback gives only the Video's.
func (v LiveVideo) IsLiveVideoObject() bool {
	return v.ID != "" && v.VideoID != "" && v.ID != v.VideoID
}

// ProfileLiveVideosUnsupported is the sentence for a profile source:
// Facebook does not let apps read a person's live videos.
const ProfileLiveVideosUnsupported = "Facebook does not let apps see live videos on a personal profile, so LiveRoute cannot share them. Go live on a Page you manage and make that Page the route's source."

// IsScheduled reports whether the broadcast is announced but not yet on air.
func (v LiveVideo) IsScheduled() bool { return strings.HasPrefix(v.Status, "SCHEDULED_") }

// watchStatuses are the broadcast statuses a watcher asks for.
var watchStatuses = []string{"LIVE", "SCHEDULED_UNPUBLISHED", "SCHEDULED_LIVE"}

const liveFields = "id,status,title,description,permalink_url,creation_time,broadcast_start_time,video{id}"

// LiveVideos lists the live and scheduled broadcasts of a source: a Page ID
// or "me" (the profile). If Facebook refuses the live_videos edge, it falls
// back to the first page of /{id}/videos and reads live_status; if that is
// refused too, the error is ClassPermissionMissing and its Reason says so
// plainly. A refusal is remembered per source: for liveEdgeRetryAfter the
// source goes straight to the fallback, so each poll costs one call.
func (c *Client) LiveVideos(ctx context.Context, tok Token, sourceID string) ([]LiveVideo, error) {
	if err := checkID(sourceID); err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	if !c.refusedLive.recently(sourceID, now) {
		out, err := c.liveVideosEdge(ctx, tok, sourceID)
		if err == nil {
			c.refusedLive.forget(sourceID)
			return out, nil
		}
		if !edgeRefused(err) {
			return nil, fmt.Errorf("list live videos of %s: %w", sourceID, err)
		}
		c.refusedLive.remember(sourceID, now)
	}
	return c.liveVideosFromVideos(ctx, tok, sourceID)
}

// liveVideosEdge reads the live_videos edge, filtered to the statuses a
// watcher needs, so it is short.
func (c *Client) liveVideosEdge(ctx context.Context, tok Token, sourceID string) ([]LiveVideo, error) {
	statuses := `["` + strings.Join(watchStatuses, `","`) + `"]`
	got, err := listAll[wireLive](ctx, c, tok, sourceID+"/live_videos",
		url.Values{"broadcast_status": {statuses}, "fields": {liveFields}, "limit": {"25"}})
	if err != nil {
		return nil, err
	}
	out := make([]LiveVideo, 0, len(got))
	for _, w := range got {
		out = append(out, w.toLive(c.cfg.FacebookURL))
	}
	return out, nil
}

// liveVideosFromVideos is the fallback for a refused live_videos edge.
//
// Reading /{user}/live_videos is not supported ("You can't perform this
// operation on this endpoint"):
// https://developers.facebook.com/docs/graph-api/reference/user/live_videos/
// /{id}/videos with live_status is the fallback
// (https://developers.facebook.com/docs/graph-api/reference/page/videos/);
// for a profile it needs user_videos and may answer an empty list rather
// than an error, so an empty answer there proves nothing (the engine says
// so; FACEBOOK.md). Only its first page is read: the edge lists every
// video the source ever posted, and walking it all on every poll would
// spend the source's hourly budget many times over. A live is among the
// newest videos; the reference does not document the order (its guide's
// sample is not sorted either way), and Graph has answered newest first.
func (c *Client) liveVideosFromVideos(ctx context.Context, tok Token, sourceID string) ([]LiveVideo, error) {
	vids, err := firstPage[wireVideo](ctx, c, tok, sourceID+"/videos",
		url.Values{"fields": {"id,live_status,permalink_url,title,created_time"}, "limit": {"25"}})
	if err == nil {
		var out []LiveVideo
		for _, w := range vids {
			if slices.Contains(watchStatuses, w.LiveStatus) {
				out = append(out, w.toLive(c.cfg.FacebookURL))
			}
		}
		return out, nil
	}
	if !edgeRefused(err) {
		return nil, fmt.Errorf("list videos of %s: %w", sourceID, err)
	}
	var fe *Error
	errors.As(err, &fe)
	refused := *fe
	refused.class = ClassPermissionMissing
	refused.reason = ProfileLiveVideosUnsupported
	if sourceID != "me" {
		refused.reason = "Facebook does not let LiveRoute read this Page's live videos — reconnect and allow every permission it asks for."
	}
	return nil, fmt.Errorf("list live videos of %s: %w", sourceID, &refused)
}

// liveEdgeRetryAfter is how long a source whose live_videos edge Facebook
// refused goes straight to the /videos fallback before the edge is asked
// again (a permission granted since, a Page that gained the capability).
const liveEdgeRetryAfter = time.Hour

// refusedEdges remembers, per source ID, when Facebook last refused its
// live_videos edge. Safe for concurrent use; the zero value is empty.
type refusedEdges struct {
	mu sync.Mutex
	at map[string]time.Time
}

// recently reports whether sourceID's edge was refused less than
// liveEdgeRetryAfter before now.
func (r *refusedEdges) recently(sourceID string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.at[sourceID]
	return ok && now.Sub(at) < liveEdgeRetryAfter
}

func (r *refusedEdges) remember(sourceID string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = map[string]time.Time{}
	}
	r.at[sourceID] = now
}

func (r *refusedEdges) forget(sourceID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.at, sourceID)
}

// LiveVideo reads one live video by ID.
func (c *Client) LiveVideo(ctx context.Context, tok Token, id string) (LiveVideo, error) {
	if err := checkID(id); err != nil {
		return LiveVideo{}, err
	}
	var w wireLive
	if err := c.get(ctx, tok, id, url.Values{"fields": {liveFields}}, &w); err != nil {
		return LiveVideo{}, fmt.Errorf("read live video %s: %w", id, err)
	}
	return w.toLive(c.cfg.FacebookURL), nil
}

// edgeRefused reports whether Facebook refused an edge itself (no such
// field, no permission, no capability) rather than failing the call.
func edgeRefused(err error) bool {
	var fe *Error
	if !errors.As(err, &fe) {
		return false
	}
	switch fe.Class() {
	case ClassPermissionMissing, ClassInvalid: // ClassInvalid holds 12 (removed) too
		return true
	}
	return fe.Code == 3 // no such capability
}

type wireLive struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	PermalinkURL string `json:"permalink_url"`
	CreationTime string `json:"creation_time"`
	StartTime    string `json:"broadcast_start_time"`
	Video        struct {
		ID string `json:"id"`
	} `json:"video"`
}

func (w wireLive) toLive(fbURL string) LiveVideo {
	return LiveVideo{ID: w.ID, Status: w.Status, Title: w.Title, Description: w.Description,
		PermalinkURL: absPermalink(fbURL, w.PermalinkURL), VideoID: w.Video.ID,
		CreatedAt: parseTime(w.CreationTime), StartedAt: parseTime(w.StartTime)}
}

type wireVideo struct {
	ID           string `json:"id"`
	LiveStatus   string `json:"live_status"`
	Title        string `json:"title"`
	PermalinkURL string `json:"permalink_url"`
	CreatedTime  string `json:"created_time"`
}

func (w wireVideo) toLive(fbURL string) LiveVideo {
	return LiveVideo{ID: w.ID, Status: w.LiveStatus, Title: w.Title, VideoID: w.ID,
		PermalinkURL: absPermalink(fbURL, w.PermalinkURL), CreatedAt: parseTime(w.CreatedTime)}
}

// absPermalink joins Facebook's relative permalinks ("/page/videos/1/") to
// the www address.
func absPermalink(fbURL, p string) string {
	if strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
		return fbURL + p
	}
	return p
}

// parseTime reads Graph's times ("2026-11-29T10:00:00+0000"); zero if absent or odd.
func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
