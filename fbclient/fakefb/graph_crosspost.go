package fakefb

import "encoding/json"

// AddCrosspostPartners makes two Pages crossposting partners, as if both
// had agreed to the handshake.
func (s *Server) AddCrosspostPartners(pageA, pageB string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partnerLocked(pageA, pageB)
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
		if s.graph.partners[pageID][pid] {
			items = append(items, object{"id": pid, "name": s.pages[pid].Name})
		}
	}
	s.mu.Unlock()
	return s.listReply(c, a, items)
}

// handshake answers POST /{page-id}?begin_/accept_crossposting_handshake=[…].
func (s *Server) handshake(c call, a auth, pageID string, accept bool) reply {
	param := "begin_crossposting_handshake"
	if accept {
		param = "accept_crossposting_handshake"
	}
	var items []struct {
		PartnerPageID string `json:"partner_page_id"`
	}
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
			if !s.graph.handshakes[it.PartnerPageID][pageID] {
				return oauthErr(100, "(#100) No crossposting request from "+it.PartnerPageID)
			}
			s.partnerLocked(pageID, it.PartnerPageID)
			continue
		}
		if s.graph.handshakes[pageID] == nil {
			s.graph.handshakes[pageID] = map[string]bool{}
		}
		s.graph.handshakes[pageID][it.PartnerPageID] = true
	}
	r := okReply(object{"success": true})
	r.write = true
	return r
}

// crosspostActions answers POST /{video-id}?crossposting_actions=[…] made
// with the token of the Page that owns the video.
func (s *Server) crosspostActions(c call, a auth, id string) reply {
	var actions []struct {
		PageID string `json:"page_id"`
		Action string `json:"action"`
	}
	if err := json.Unmarshal([]byte(c.params.Get("crossposting_actions")), &actions); err != nil || len(actions) == 0 {
		return oauthErr(100, "(#100) Param crossposting_actions must be an array of {page_id, action}")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var video *liveVideo
	for _, v := range s.graph.lives {
		if v.ID == id || v.VideoID == id {
			video = v
		}
	}
	if video == nil || a.rec == nil || a.rec.Kind != PageToken || a.rec.PageID != video.SourceID {
		return unsupported(c)
	}
	if !a.hasScope("publish_video") {
		return oauthErr(200, "(#200) Requires the publish_video permission")
	}
	for _, act := range actions {
		switch {
		case !s.graph.partners[video.SourceID][act.PageID]:
			return oauthErr(100, "(#100) Page "+act.PageID+" is not a crossposting partner of this Page")
		case act.Action != "enable_crossposting_and_create_post" && act.Action != "enable_crossposting" && act.Action != "disable_crossposting":
			return oauthErr(100, "(#100) Unknown crossposting action "+act.Action)
		}
	}
	for _, act := range actions {
		if act.Action == "enable_crossposting_and_create_post" {
			s.storePostLocked(act.PageID, a.appID, video.Title, "https://www.facebook.com"+video.PermalinkURL, true)
		}
	}
	r := okReply(object{"success": true})
	r.write = true
	return r
}

func (s *Server) partnerLocked(a, b string) {
	for _, pair := range [][2]string{{a, b}, {b, a}} {
		if s.graph.partners[pair[0]] == nil {
			s.graph.partners[pair[0]] = map[string]bool{}
		}
		s.graph.partners[pair[0]][pair[1]] = true
	}
}
