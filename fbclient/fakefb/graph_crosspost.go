package fakefb

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// Live crossposting as Meta documents it:
// https://developers.facebook.com/docs/live-video-api/guides/crossposting
// https://developers.facebook.com/docs/graph-api/reference/live-video/
// https://developers.facebook.com/docs/graph-api/reference/page/crosspost_whitelisted_pages/

// partnership is one direction of a crossposting relationship: what the
// Page that owns a live may do on its partner.
type partnership struct {
	// allowsLive: lives go to the partner without its approval. When false
	// the partner approves each one by hand, so an app's crosspost is
	// silently not made.
	allowsLive bool
}

// partnerMap is Page → partner Page → the terms of crossposting there.
type partnerMap map[string]map[string]partnership

// AddCrosspostPartners makes two Pages crossposting partners, as if both
// had agreed to the handshake with allow_live true.
func (s *Server) AddCrosspostPartners(pageA, pageB string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partnerLocked(pageA, pageB, true)
	s.partnerLocked(pageB, pageA, true)
}

// SetAllowsLiveCrossposts sets whether from's lives reach its partner to
// without to's approval of each one (allows_live_crossposts). It does
// nothing unless the two are partners.
func (s *Server) SetAllowsLiveCrossposts(from, to string, allow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.graph.partners[from][to]; ok {
		s.partnerLocked(from, to, allow)
	}
}

// RefuseCrosspostOptionsNext makes the next n crossposting_actions answer
// Facebook's "invalid crossposting options" error (code -1, subcode 1363103).
func (s *Server) RefuseCrosspostOptionsNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.badCrosspostOptions = n
}

// AnswerCrosspostsWithoutBroadcasts makes crossposting_actions answer
// {"success":true} instead of the LiveVideo with the fields asked, as an
// update of a node may: the answer then says nothing about what was
// crossposted, and the client must read the live video back before
// deciding. The crossposts themselves are made as usual.
func (s *Server) AnswerCrosspostsWithoutBroadcasts(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.bareCrosspostAnswer = on
}

// crosspostPartners answers GET /{page-id}/crosspost_whitelisted_pages.
func (s *Server) crosspostPartners(c call, a auth, pageID string) reply {
	s.mu.Lock()
	if !s.canActOnPageLocked(a, pageID) {
		s.mu.Unlock()
		return unsupported(c)
	}
	var items []object
	for _, pid := range s.sortedPageIDsLocked() {
		if terms, ok := s.graph.partners[pageID][pid]; ok {
			items = append(items, object{"id": pid, "name": s.pages[pid].Name, "allows_live_crossposts": terms.allowsLive})
		}
	}
	s.mu.Unlock()
	return s.listReply(c, a, items)
}

// handshakeItem is one entry of begin_/accept_crossposting_handshake.
type handshakeItem struct {
	PartnerPageID string `json:"partner_page_id"`
	AllowLive     bool   `json:"allow_live"` // absent: false, the stricter reading
}

// handshake answers POST /{page-id}?begin_/accept_crossposting_handshake=[…].
// A Page's allow_live says whether its partner's lives reach it without
// approval.
func (s *Server) handshake(c call, a auth, pageID string, accept bool) reply {
	param := "begin_crossposting_handshake"
	if accept {
		param = "accept_crossposting_handshake"
	}
	var items []handshakeItem
	if err := json.Unmarshal([]byte(c.params.Get(param)), &items); err != nil || len(items) == 0 {
		return oauthErr(100, "(#100) Param "+param+" must be an array of objects with partner_page_id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.rec == nil || a.rec.Kind != PageToken || a.rec.PageID != pageID {
		return oauthErr(200, "(#200) Crossposting needs the Page's own access token")
	}
	for _, it := range items {
		if _, ok := s.pages[it.PartnerPageID]; !ok {
			return oauthErr(100, "(#100) Unknown partner_page_id "+it.PartnerPageID)
		}
		if accept {
			askerAllows, asked := s.graph.handshakes[it.PartnerPageID][pageID]
			if !asked {
				return oauthErr(100, "(#100) No crossposting request from "+it.PartnerPageID)
			}
			s.partnerLocked(it.PartnerPageID, pageID, it.AllowLive)
			s.partnerLocked(pageID, it.PartnerPageID, askerAllows)
			continue
		}
		if s.graph.handshakes[pageID] == nil {
			s.graph.handshakes[pageID] = map[string]bool{}
		}
		s.graph.handshakes[pageID][it.PartnerPageID] = it.AllowLive
	}
	r := okReply(object{"success": true})
	r.write = true
	return r
}

// crosspostAction is one entry of crossposting_actions.
type crosspostAction struct {
	PageID string `json:"page_id"`
	Action string `json:"action"`
}

// crosspostActions answers POST /{live-video-id}?crossposting_actions=[…]
// made with the token of the Page that owns the live. Only a LiveVideo
// takes the parameter; the answer is the LiveVideo, with the fields asked.
// A crosspost Facebook does not make (no partnership, or one whose partner
// approves each live) raises no error: it is missing from
// crossposted_broadcasts.
func (s *Server) crosspostActions(c call, a auth, id string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	video, ok := s.graph.lives[id]
	if !ok || a.rec == nil || a.rec.Kind != PageToken || a.rec.PageID != video.SourceID {
		// A Video (or anything else) has no crossposting_actions parameter.
		return unsupported(c)
	}
	if _, isPage := s.pages[video.SourceID]; !isPage {
		return unsupported(c) // not available for personal profiles
	}
	for _, scope := range []string{"publish_video", "pages_manage_engagement"} {
		if !a.hasScope(scope) {
			return oauthErr(200, "(#200) Requires the "+scope+" permission")
		}
	}
	actions, valid := parseCrosspostActions(c.params.Get("crossposting_actions"))
	if !valid || s.graph.badCrosspostOptions > 0 {
		if s.graph.badCrosspostOptions > 0 {
			s.graph.badCrosspostOptions--
		}
		return invalidCrosspostOptions()
	}
	for _, act := range actions {
		terms, partner := s.graph.partners[video.SourceID][act.PageID]
		if !partner || !terms.allowsLive || act.Action == "disable_crossposting" {
			continue
		}
		if act.Action == "enable_crossposting_and_create_post" && !video.crosspostedTo(act.PageID) {
			s.storePostLocked(act.PageID, a.appID, video.Title, "https://www.facebook.com"+video.PermalinkURL, true)
			video.crossposts = append(video.crossposts, crossposted{ID: s.newIDLocked(), PageID: act.PageID})
		}
	}
	r := okReply(firstPageOfEdges(pick(s.liveObjectLocked(video), parseFields(c.params.Get("fields"))), c.params.Get("fields")))
	if s.graph.bareCrosspostAnswer {
		r = okReply(object{"success": true})
	}
	r.write = true
	return r
}

// parseCrosspostActions reads crossposting_actions; ok is false for
// anything Facebook calls invalid options.
func parseCrosspostActions(p string) ([]crosspostAction, bool) {
	var actions []crosspostAction
	if err := json.Unmarshal([]byte(p), &actions); err != nil || len(actions) == 0 {
		return nil, false
	}
	for _, act := range actions {
		switch act.Action {
		case "enable_crossposting_and_create_post", "enable_crossposting", "disable_crossposting":
		default:
			return nil, false
		}
		if act.PageID == "" {
			return nil, false
		}
	}
	return actions, true
}

func invalidCrosspostOptions() reply {
	return errReply(http.StatusBadRequest, ErrorBody{Code: -1, ErrorSubcode: 1363103, Type: "FacebookApiException",
		Message: "Invalid crossposting options", ErrorUserTitle: "Invalid Crossposting Options",
		ErrorUserMsg: "The crossposting options for this video are not valid."})
}

// crossposted is a live's broadcast on a partner Page.
type crossposted struct {
	ID     string
	PageID string
	Status string // "": the live's own status
}

// SetCrosspostStatus gives the broadcast liveID was crossposted as on
// pageID its own status (UNPUBLISHED, SCHEDULED_UNPUBLISHED, …) instead
// of the live's, as a partner's unpublished copy has. It does nothing
// unless liveID was crossposted to pageID.
func (s *Server) SetCrosspostStatus(liveID, pageID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.graph.lives[liveID]; ok {
		for i := range v.crossposts {
			if v.crossposts[i].PageID == pageID {
				v.crossposts[i].Status = status
			}
		}
	}
}

// AddCrosspostElsewhere records liveID as crossposted to pageID (which
// need not exist), ahead of the crossposts made so far: it fills the
// first page of crossposted_broadcasts for tests of a cut-off list.
func (s *Server) AddCrosspostElsewhere(liveID, pageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.graph.lives[liveID]; ok {
		v.crossposts = append([]crossposted{{ID: s.newIDLocked(), PageID: pageID}}, v.crossposts...)
	}
}

func (v *liveVideo) crosspostedTo(pageID string) bool {
	for _, cp := range v.crossposts {
		if cp.PageID == pageID {
			return true
		}
	}
	return false
}

// crosspostedEdge is the crossposted_broadcasts edge of a live, all of it
// (see firstPageOfEdges).
func (v *liveVideo) crosspostedEdge(status string) object {
	data := []object{}
	for _, cp := range v.crossposts {
		st := status
		if cp.Status != "" {
			st = cp.Status
		}
		data = append(data, object{"id": cp.ID, "from": object{"id": cp.PageID}, "status": st})
	}
	return object{"data": data}
}

// firstPageOfEdges cuts the crossposted_broadcasts edge of an answer to
// its first page, as Facebook gives an edge asked inside fields: .limit(n)
// sets the page's size (default 25, at most 100), and paging.next is set
// when more remains.
// https://developers.facebook.com/docs/graph-api/guides/field-expansion
func firstPageOfEdges(o object, fieldsParam string) object {
	edge, ok := o["crossposted_broadcasts"].(object)
	if !ok {
		return o
	}
	data, _ := edge["data"].([]object)
	limit := edgeLimit(fieldsParam, "crossposted_broadcasts")
	if len(data) <= limit {
		return o
	}
	out := maps.Clone(o)
	out["crossposted_broadcasts"] = object{"data": data[:limit], "paging": object{
		"cursors": object{"after": encodeCursor('o', limit)},
		"next":    "https://graph.facebook.com/crossposted_broadcasts?after=" + encodeCursor('o', limit),
	}}
	return out
}

// edgeLimit reads name.limit(n) in a fields parameter.
func edgeLimit(fieldsParam, name string) int {
	_, rest, ok := strings.Cut(fieldsParam, name+".limit(")
	if !ok {
		return 25
	}
	n, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, ')'), 0)])
	if err != nil || n <= 0 {
		return 25
	}
	return min(n, 100)
}

func (s *Server) partnerLocked(from, to string, allowsLive bool) {
	if s.graph.partners[from] == nil {
		s.graph.partners[from] = map[string]partnership{}
	}
	s.graph.partners[from][to] = partnership{allowsLive: allowsLive}
}

// Crossposts lists the broadcasts liveID was crossposted as: partner Page
// ID → the crossposted broadcast's ID.
func (s *Server) Crossposts(liveID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	if v, ok := s.graph.lives[liveID]; ok {
		for _, cp := range v.crossposts {
			out[cp.PageID] = cp.ID
		}
	}
	return out
}
