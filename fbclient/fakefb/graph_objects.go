package fakefb

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// getObject answers GET /{id} for an app, Page, person, live video, video or post.
func (s *Server) getObject(c call, a auth, id string) reply {
	fields := parseFields(c.params.Get("fields"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if app, ok := s.apps[id]; ok {
		return okReply(pick(object{"id": app.ID, "name": app.Name}, fields))
	}
	if p, ok := s.pages[id]; ok {
		o := object{"id": p.ID, "name": p.Name, "category": p.Category}
		if s.canActOnPageLocked(a, id) {
			o["tasks"] = append([]string{}, p.Roles[a.userID()]...)
			if a.rec.Kind == PageToken {
				o["access_token"] = a.rec.Value
			} else {
				o["access_token"] = s.pageTokenLocked(a.rec, id)
			}
		}
		return okReply(pick(o, fields))
	}
	if u, ok := s.users[id]; ok {
		return okReply(pick(object{"id": u.ID, "name": u.Name}, fields))
	}
	if v, ok := s.graph.lives[id]; ok && s.canSeeSourceLocked(a, v.SourceID) {
		return okReply(firstPageOfEdges(pick(s.liveObjectLocked(v), fields), c.params.Get("fields")))
	}
	for _, v := range s.graph.lives {
		if v.VideoID == id && s.canSeeSourceLocked(a, v.SourceID) {
			return okReply(pick(s.videoObjectLocked(v), fields))
		}
	}
	if pageID, _, ok := strings.Cut(id, "_"); ok {
		for _, p := range s.graph.posts[pageID] {
			if p.ID != id {
				continue
			}
			// The Post fields removed in v3.3 are refused on the post
			// itself too, not only on /feed:
			// https://developers.facebook.com/docs/graph-api/reference/post/
			if refusal, refused := s.refuseDeprecatedPostFieldsLocked(c); refused {
				return refusal
			}
			return okReply(pick(s.postJSONLocked(p), fields))
		}
	}
	return unsupported(c)
}

// postObject answers POST /{id}: crossposting on Pages and videos.
func (s *Server) postObject(c call, a auth, id string) reply {
	switch {
	case c.params.Has("crossposting_actions"):
		return s.crosspostActions(c, a, id)
	case c.params.Has("begin_crossposting_handshake"):
		return s.handshake(c, a, id, false)
	case c.params.Has("accept_crossposting_handshake"):
		return s.handshake(c, a, id, true)
	}
	return unsupported(c)
}

// accounts answers GET /me/accounts: the granted Pages with Page tokens.
func (s *Server) accounts(c call, a auth, id string) reply {
	if a.rec == nil || a.rec.Kind != UserToken || id != a.rec.UserID {
		return errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "OAuthException",
			Message: "(#100) Tried accessing nonexisting field (accounts)"})
	}
	s.mu.Lock()
	var items []object
	for _, pid := range s.sortedPageIDsLocked() {
		if !s.grantedLocked(a.rec, pid) {
			continue
		}
		p := s.pages[pid]
		items = append(items, object{"id": p.ID, "name": p.Name, "category": p.Category,
			"tasks": append([]string{}, p.Roles[a.rec.UserID]...), "access_token": s.pageTokenLocked(a.rec, pid)})
	}
	s.mu.Unlock()
	return s.listReply(c, a, items)
}

// debugToken answers GET /debug_token about input_token.
func (s *Server) debugToken(c call, a auth) reply {
	if a.rec != nil && a.rec.Kind != UserToken {
		return oauthErr(100, "(#100) The App_id in the input_token did not match the Viewing App")
	}
	input := c.params.Get("input_token")
	if input == "" {
		return oauthErr(100, "(#100) The parameter input_token is required")
	}
	if id, _, ok := strings.Cut(input, "|"); ok {
		s.mu.Lock()
		_, known := s.apps[id]
		s.mu.Unlock()
		return okReply(object{"data": object{"app_id": id, "type": string(AppToken), "is_valid": known}})
	}
	rec, eb := s.checkToken(input)
	s.mu.Lock()
	defer s.mu.Unlock()
	if eb != nil {
		*eb = s.echoLocked(*eb, "input_token", input)
	}
	if rec == nil {
		return okReply(object{"data": object{"is_valid": false, "scopes": []string{},
			"error": object{"code": eb.Code, "message": eb.Message}}})
	}
	if eb == nil && rec.Kind == PageToken && !s.hasRoleLocked(rec.PageID, rec.UserID) {
		eb = &ErrorBody{Code: 190, ErrorSubcode: 492, Message: invalidMessage(492)}
	}
	if rec.AppID != a.appID {
		return errReply(http.StatusBadRequest, s.echoLocked(ErrorBody{Code: 100, Type: "OAuthException",
			Message: "(#100) The App_id in the input_token did not match the Viewing App"}, "input_token", input))
	}
	d := object{
		"app_id": rec.AppID, "type": string(rec.Kind), "is_valid": eb == nil,
		"issued_at": rec.IssuedAt.Unix(), "expires_at": unixOrZero(rec.ExpiresAt),
		"data_access_expires_at": unixOrZero(rec.DataAccessEnds),
		"scopes":                 append([]string{}, rec.Scopes...), "granular_scopes": s.granularLocked(rec),
		"user_id": rec.UserID,
	}
	if app, ok := s.apps[rec.AppID]; ok {
		d["application"] = app.Name
	}
	if rec.Kind == PageToken {
		d["profile_id"] = rec.PageID
	}
	if eb != nil {
		e := object{"code": eb.Code, "message": eb.Message}
		if eb.ErrorSubcode != 0 {
			e["subcode"] = eb.ErrorSubcode
		}
		d["error"] = e
	}
	return okReply(object{"data": d})
}

// permissions answers GET and DELETE /me/permissions[/{name}].
func (s *Server) permissions(c call, a auth, id string, rest []string) reply {
	if a.rec == nil || a.rec.Kind != UserToken || id != a.rec.UserID || len(rest) > 1 {
		return unsupported(c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case c.method == http.MethodGet && len(rest) == 0:
		var data []object
		for _, sc := range a.rec.Scopes {
			data = append(data, object{"permission": sc, "status": "granted"})
		}
		// Facebook lists what the person declined in the dialog too.
		if g, ok := s.login.grants[grantKey{a.rec.AppID, a.rec.UserID}]; ok {
			for _, sc := range g.Declined {
				if !slices.Contains(a.rec.Scopes, sc) {
					data = append(data, object{"permission": sc, "status": "declined"})
				}
			}
		}
		return okReply(object{"data": data})
	case c.method == http.MethodDelete && len(rest) == 0:
		// Revoking everything removes the app: every token dies with 458.
		for _, t := range s.tokens {
			if t.UserID == a.rec.UserID && t.AppID == a.rec.AppID {
				t.Invalid, t.InvalidSubcode = true, 458
			}
		}
		r := okReply(object{"success": true})
		r.write = true
		return r
	case c.method == http.MethodDelete:
		for _, t := range s.tokens {
			if t.UserID == a.rec.UserID && t.AppID == a.rec.AppID {
				t.Scopes = slices.DeleteFunc(t.Scopes, func(sc string) bool { return sc == rest[0] })
			}
		}
		r := okReply(object{"success": true})
		r.write = true
		return r
	}
	return unsupported(c)
}

// pageTokenLocked hands out the Page token of user token rec for pageID,
// the same one while it lives. From a long-lived user token it never expires.
func (s *Server) pageTokenLocked(rec *TokenRecord, pageID string) string {
	key := rec.AppID + "|" + rec.UserID + "|" + pageID
	if v, ok := s.graph.pageTokens[key]; ok {
		if t, ok := s.tokens[v]; ok && !t.Invalid {
			return v
		}
	}
	var ttl time.Duration
	if !rec.LongLived && !rec.ExpiresAt.IsZero() {
		ttl = max(time.Second, rec.ExpiresAt.Sub(s.now()))
	}
	t := s.mintLocked(TokenRecord{Kind: PageToken, AppID: rec.AppID, UserID: rec.UserID, PageID: pageID,
		Scopes: rec.Scopes, LongLived: rec.LongLived}, ttl)
	s.graph.pageTokens[key] = t.Value
	return t.Value
}

// granularLocked lists Page-scoped permissions with the Pages they cover.
func (s *Server) granularLocked(rec *TokenRecord) []object {
	out := []object{}
	for _, sc := range rec.Scopes {
		g := object{"scope": sc}
		if strings.HasPrefix(sc, "pages_") || sc == "publish_video" {
			var ids []string
			for _, pid := range s.sortedPageIDsLocked() {
				if rec.Kind == PageToken && pid == rec.PageID || rec.Kind == UserToken && s.grantedLocked(rec, pid) {
					ids = append(ids, pid)
				}
			}
			g["target_ids"] = ids
		}
		out = append(out, g)
	}
	return out
}

func (s *Server) sortedPageIDsLocked() []string {
	ids := make([]string, 0, len(s.pages))
	for id := range s.pages {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
