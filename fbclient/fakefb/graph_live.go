package fakefb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// LiveSpec scripts a live video on the fake's clock.
type LiveSpec struct {
	Title, Description string
	StartAt            time.Time // zero: now
	StopAt             time.Time // zero: live until StopLive
	Announce           bool      // listed as SCHEDULED_UNPUBLISHED before StartAt
}

// Broadcast is a live video the fake holds.
type Broadcast struct {
	ID           string // the live video's ID
	VideoID      string // the video object's ID
	SourceID     string // Page or person broadcasting
	PermalinkURL string // relative, as Facebook gives it: /{source}/videos/{video-id}/
	Title        string
	StartAt      time.Time
	StopAt       time.Time
}

// Facebook's time layout in Graph answers.
const graphTime = "2006-01-02T15:04:05-0700"

type liveVideo struct {
	Broadcast
	Description string
	Announce    bool
	Created     time.Time
	crossposts  []crossposted // broadcasts on partner Pages, oldest first
}

// StartLive makes sourceID (a Page or person ID) broadcast as spec says,
// now or at spec.StartAt on the fake's clock.
func (s *Server) StartLive(sourceID string, spec LiveSpec) (Broadcast, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, isPage := s.pages[sourceID]
	_, isUser := s.users[sourceID]
	if !isPage && !isUser {
		return Broadcast{}, fmt.Errorf("fakefb: start live: no Page or person %q", sourceID)
	}
	now := s.now()
	if spec.StartAt.IsZero() {
		spec.StartAt = now
	}
	v := &liveVideo{Description: spec.Description, Announce: spec.Announce, Created: now}
	v.ID, v.VideoID, v.SourceID = s.newIDLocked(), s.newIDLocked(), sourceID
	v.Title, v.StartAt, v.StopAt = spec.Title, spec.StartAt, spec.StopAt
	v.PermalinkURL = "/" + sourceID + "/videos/" + v.VideoID + "/"
	if !spec.Announce {
		v.Created = spec.StartAt
	}
	s.graph.lives[v.ID] = v
	s.graph.liveOrder = append(s.graph.liveOrder, v.ID)
	return v.Broadcast, nil
}

// StopLive ends a live video now.
func (s *Server) StopLive(liveID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.graph.lives[liveID]
	if !ok {
		return fmt.Errorf("fakefb: stop live: no live video %q", liveID)
	}
	v.StopAt = s.now()
	return nil
}

// LiveStatus is the status Graph reports for a live video now ("" before an
// unannounced start).
func (s *Server) LiveStatus(liveID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.graph.lives[liveID]; ok {
		return v.status(s.now())
	}
	return ""
}

func (v *liveVideo) status(now time.Time) string {
	switch {
	case now.Before(v.StartAt):
		if v.Announce {
			return "SCHEDULED_UNPUBLISHED"
		}
		return ""
	case v.StopAt.IsZero() || now.Before(v.StopAt):
		return "LIVE"
	case now.Before(v.StopAt.Add(time.Minute)):
		return "LIVE_STOPPED"
	}
	return "VOD"
}

// AllowProfileLiveVideos is a leniency switch: /{user}/live_videos answers
// as older Graph versions and Meta's own older SDKs assumed, instead of
// refusing as the current reference says.
func (s *Server) AllowProfileLiveVideos(allow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.allowProfileLive = allow
}

// liveVideosEdge answers GET /{source}/live_videos. A person's edge is
// refused by default: "Reading: You can't perform this operation on this
// endpoint." https://developers.facebook.com/docs/graph-api/reference/user/live_videos/
func (s *Server) liveVideosEdge(c call, a auth, id string, viaMe bool) reply {
	s.mu.Lock()
	_, isUser := s.users[id]
	refuseProfile := s.graph.refuseProfileLive || !s.graph.allowProfileLive
	refuse := s.graph.refuseLive || isUser && refuseProfile
	visible := s.canSeeSourceLocked(a, id)
	s.mu.Unlock()
	switch {
	case refuse && isUser:
		return errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "OAuthException",
			Message: "(#100) Tried accessing nonexisting field (live_videos) on node type (User)"})
	case refuse:
		return errReply(http.StatusForbidden, ErrorBody{Code: 200, Type: "OAuthException", Message: "(#200) Permissions error"})
	case !visible:
		return unsupported(c)
	}
	want, err := parseStatuses(c.params.Get("broadcast_status"))
	if err != nil {
		return oauthErr(100, "(#100) broadcast_status must be an array of live video statuses")
	}
	s.mu.Lock()
	now := s.now()
	var items []object
	for _, v := range s.livesOfLocked(id) {
		st := v.status(now)
		if st != "" && (want == nil || slices.Contains(want, st)) {
			items = append(items, s.liveObjectLocked(v))
		}
	}
	s.mu.Unlock()
	return s.listReply(c, a, items)
}

// videosEdge answers GET /{source}/videos, the fallback that shows
// live_status. A person's videos need user_videos; without it Facebook
// answers an empty list, not an error.
func (s *Server) videosEdge(c call, a auth, id string) reply {
	s.mu.Lock()
	_, isUser := s.users[id]
	refuse := isUser && s.graph.refuseProfileVideos
	visible := s.canSeeSourceLocked(a, id)
	s.mu.Unlock()
	switch {
	case refuse:
		return errReply(http.StatusForbidden, ErrorBody{Code: 10, Type: "OAuthException",
			Message: "(#10) Application does not have permission for this action"})
	case !visible:
		return unsupported(c)
	case isUser && !a.hasScope("user_videos"):
		return s.listReply(c, a, nil)
	}
	s.mu.Lock()
	var items []object
	for _, v := range s.livesOfLocked(id) {
		if v.status(s.now()) != "" {
			items = append(items, s.videoObjectLocked(v))
		}
	}
	s.mu.Unlock()
	return s.listReply(c, a, items)
}

// livesOfLocked lists a source's live videos, newest first.
func (s *Server) livesOfLocked(sourceID string) []*liveVideo {
	var out []*liveVideo
	for i := len(s.graph.liveOrder) - 1; i >= 0; i-- {
		if v := s.graph.lives[s.graph.liveOrder[i]]; v.SourceID == sourceID {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) canSeeSourceLocked(a auth, sourceID string) bool {
	if _, ok := s.pages[sourceID]; ok {
		return s.canActOnPageLocked(a, sourceID)
	}
	return a.rec != nil && a.rec.Kind == UserToken && a.rec.UserID == sourceID
}

func (s *Server) liveObjectLocked(v *liveVideo) object {
	now := s.now()
	o := object{
		"id": v.ID, "status": v.status(now), "title": v.Title, "description": v.Description,
		"permalink_url": v.PermalinkURL, "creation_time": v.Created.UTC().Format(graphTime),
		"video": object{"id": v.VideoID}, "crossposted_broadcasts": v.crosspostedEdge(v.status(now)),
	}
	if !now.Before(v.StartAt) {
		o["broadcast_start_time"] = v.StartAt.UTC().Format(graphTime)
	}
	return o
}

func (s *Server) videoObjectLocked(v *liveVideo) object {
	return object{"id": v.VideoID, "live_status": v.status(s.now()), "title": v.Title,
		"permalink_url": v.PermalinkURL, "created_time": v.Created.UTC().Format(graphTime)}
}

// parseStatuses reads broadcast_status: a JSON array, or a comma list.
func parseStatuses(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if strings.HasPrefix(strings.TrimSpace(p), "[") {
		var out []string
		if err := json.Unmarshal([]byte(p), &out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return strings.Split(p, ","), nil
}
