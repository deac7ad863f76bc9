package fakefb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
)

// auth is who a call acts as.
type auth struct {
	rec      *TokenRecord // a copy; nil for an app token
	app      *App         // a copy; nil when the token's app is unknown to the fake
	appID    string
	appToken bool // APPID|APPSECRET
}

// meID is the object "me" stands for: the person, the Page of a Page token, or the app.
func (a auth) meID() string {
	switch {
	case a.rec == nil:
		return a.appID
	case a.rec.Kind == PageToken:
		return a.rec.PageID
	}
	return a.rec.UserID
}

func (a auth) userID() string {
	if a.rec == nil {
		return ""
	}
	return a.rec.UserID
}

func (a auth) hasScope(scope string) bool {
	return a.rec != nil && slices.Contains(a.rec.Scopes, scope)
}

// Proof computes appsecret_proof: hex HMAC-SHA256 of the token keyed by the app secret.
func Proof(token, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// authorize finds the caller of c and checks its token and appsecret_proof.
func (s *Server) authorize(c call) (auth, reply, bool) {
	if id, secret, ok := strings.Cut(c.token, "|"); ok {
		s.mu.Lock()
		app, known := s.apps[id]
		var cp App
		if known {
			cp = *app
		}
		s.mu.Unlock()
		bad := ErrorBody{Code: 190, Type: "OAuthException"}
		switch {
		case !known:
			bad.Message = "Invalid OAuth access token - Cannot parse access token"
		case cp.Secret != secret:
			bad.Message = "Invalid OAuth access token signature."
		}
		if bad.Message != "" {
			return auth{}, errReply(http.StatusBadRequest, s.echo(bad, "access_token", c.token)), false
		}
		if rep, ok := s.checkProof(c, &cp); !ok {
			return auth{}, rep, false
		}
		return auth{app: &cp, appID: id, appToken: true}, reply{}, true
	}
	rec, eb := s.checkToken(c.token)
	if eb != nil {
		return auth{}, errReply(http.StatusBadRequest, s.echo(*eb, "access_token", c.token)), false
	}
	s.mu.Lock()
	var app *App
	if a, ok := s.apps[rec.AppID]; ok {
		cp := *a
		app = &cp
	}
	roleLost := rec.Kind == PageToken && !s.hasRoleLocked(rec.PageID, rec.UserID)
	s.mu.Unlock()
	if rep, ok := s.checkProof(c, app); !ok {
		return auth{}, rep, false
	}
	if roleLost {
		return auth{}, errReply(http.StatusBadRequest, ErrorBody{Code: 190, ErrorSubcode: 492, Type: "OAuthException", Message: invalidMessage(492)}), false
	}
	return auth{rec: rec, app: app, appID: rec.AppID}, reply{}, true
}

// checkProof refuses a wrong appsecret_proof always, and a missing one when
// the app has "Require App Secret" on.
func (s *Server) checkProof(c call, app *App) (reply, bool) {
	if app == nil {
		return reply{}, true
	}
	bad := ErrorBody{Code: 100, Type: "GraphMethodException"}
	switch {
	case c.proof == "" && app.RequireProof:
		bad.Message = "API calls from the server require an appsecret_proof argument"
	case c.proof != "" && !hmac.Equal([]byte(c.proof), []byte(Proof(c.token, app.Secret))):
		bad.Message = "Invalid appsecret_proof provided in the API argument"
	default:
		return reply{}, true
	}
	return errReply(http.StatusBadRequest, s.echo(bad, "appsecret_proof", c.proof)), false
}

func (s *Server) hasRoleLocked(pageID, userID string) bool {
	p, ok := s.pages[pageID]
	if !ok {
		return false
	}
	_, ok = p.Roles[userID]
	return ok
}

// grantedLocked reports whether a user token lets the app see pageID:
// the person holds a role there and granted that Page at login.
func (s *Server) grantedLocked(rec *TokenRecord, pageID string) bool {
	if rec == nil || !s.hasRoleLocked(pageID, rec.UserID) {
		return false
	}
	return rec.GrantedPages == nil || slices.Contains(rec.GrantedPages, pageID)
}

// canActOnPage reports whether a caller may read or write as pageID: its
// Page token, or a user token of a granted role holder.
func (s *Server) canActOnPageLocked(a auth, pageID string) bool {
	if a.rec == nil {
		return false
	}
	if a.rec.Kind == PageToken {
		return a.rec.PageID == pageID
	}
	return s.grantedLocked(a.rec, pageID)
}
