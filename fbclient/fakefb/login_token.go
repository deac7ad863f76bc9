package fakefb

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// handleAccessToken serves /oauth/access_token: the code exchange and the
// long-lived exchange (grant_type=fb_exchange_token), with Facebook's
// validation and error objects.
func (s *Server) handleAccessToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		loginWriteError(w, ErrorBody{Code: 100, Type: "OAuthException", Message: "Invalid parameter"})
		return
	}
	v := r.Form
	app, ok := s.app(v.Get("client_id"))
	switch {
	case !ok:
		loginWriteError(w, ErrorBody{Code: 101, Type: "OAuthException", Message: "Error validating application. Invalid application ID."})
		return
	case subtle.ConstantTimeCompare([]byte(v.Get("client_secret")), []byte(app.Secret)) != 1:
		loginWriteError(w, s.echo(ErrorBody{Code: 1, Type: "OAuthException", Message: "Error validating client secret."},
			"client_secret", v.Get("client_secret")))
		return
	}
	if v.Get("grant_type") == "fb_exchange_token" {
		s.exchangeLongLived(w, app, v.Get("fb_exchange_token"))
		return
	}
	s.exchangeCode(w, app, v.Get("code"), v.Get("redirect_uri"), v.Get("code_verifier"))
}

// exchangeCode trades an authorization code for a short-lived user token.
// https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
// A code is good once, for ten minutes, for the app and the exact redirect
// URI it was issued to, and with the verifier of its PKCE challenge.
func (s *Server) exchangeCode(w http.ResponseWriter, app App, code, redirectURI, verifier string) {
	if code == "" {
		loginWriteError(w, ErrorBody{Code: 100, Type: "OAuthException", Message: "Missing authorization code"})
		return
	}
	s.mu.Lock()
	c, ok := s.login.codes[code]
	var problem *ErrorBody
	param, value := "code", code
	switch {
	case !ok || c.appID != app.ID:
		problem = &ErrorBody{Code: 100, Type: "OAuthException", Message: "Invalid verification code format."}
	case c.used:
		problem = &ErrorBody{Code: 100, ErrorSubcode: 36009, Type: "OAuthException", Message: "This authorization code has been used."}
	case !s.now().Before(c.expiresAt):
		problem = &ErrorBody{Code: 100, ErrorSubcode: 36007, Type: "OAuthException", Message: "This authorization code has expired."}
	case c.redirectURI != redirectURI:
		problem = &ErrorBody{Code: 100, ErrorSubcode: 36008, Type: "OAuthException",
			Message: "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"}
	case c.challenge == "" && verifier != "":
		// The dialog dropped the challenge (not OIDC): Facebook refuses the verifier.
		problem = &ErrorBody{Code: 1, Type: "OAuthException", Message: VerifierWithoutChallenge}
		param, value = "code_verifier", verifier
	case c.challenge != "" && !verifierMatches(verifier, c.challenge):
		problem = &ErrorBody{Code: 100, Type: "OAuthException", Message: "Invalid code verifier"}
		param, value = "code_verifier", verifier
	default:
		c.used = true
	}
	var rec *TokenRecord
	if problem != nil {
		*problem = s.echoLocked(*problem, param, value)
	} else {
		rec = s.mintLocked(TokenRecord{Kind: UserToken, AppID: app.ID, UserID: c.userID, Scopes: c.scopes, GrantedPages: c.pages}, ShortTokenLifetime)
	}
	s.mu.Unlock()
	if problem != nil {
		loginWriteError(w, *problem)
		return
	}
	ans := tokenAnswer{AccessToken: rec.Value, TokenType: "bearer", ExpiresIn: int64(ShortTokenLifetime.Seconds())}
	if c.oidc {
		ans.IDToken = s.idToken(app, c)
	}
	loginWriteJSON(w, http.StatusOK, ans)
}

// idToken is the OIDC exchange's id_token: a JWT whose claims name the app
// and the person and echo the dialog's nonce. The fake does not sign it
// (its signature part is empty): a client must not rely on the signature
// of a token it got straight from the token endpoint.
// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
func (s *Server) idToken(app App, c *authCode) string {
	now := s.now()
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{"iss": "https://www.facebook.com", "aud": app.ID, "sub": c.userID,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": c.nonce})
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "."
}

// exchangeLongLived trades a valid user token for a 60-day one. An expired
// or ended token cannot be exchanged: it gets the same 190 error a Graph
// call would.
func (s *Server) exchangeLongLived(w http.ResponseWriter, app App, value string) {
	rec, problem := s.checkToken(value)
	if problem != nil {
		loginWriteError(w, s.echo(*problem, "fb_exchange_token", value))
		return
	}
	if rec.AppID != app.ID || rec.Kind != UserToken {
		loginWriteError(w, s.echo(ErrorBody{Code: 100, Type: "OAuthException", Message: "Invalid fb_exchange_token: the token does not belong to this app."},
			"fb_exchange_token", value))
		return
	}
	s.mu.Lock()
	long := s.mintLocked(TokenRecord{Kind: UserToken, AppID: app.ID, UserID: rec.UserID, Scopes: rec.Scopes,
		GrantedPages: rec.GrantedPages, LongLived: true}, LongTokenLifetime)
	s.mu.Unlock()
	loginWriteJSON(w, http.StatusOK, tokenAnswer{AccessToken: long.Value, TokenType: "bearer", ExpiresIn: int64(LongTokenLifetime.Seconds())})
}

// VerifierWithoutChallenge is Facebook's answer (code 1, HTTP 400) to a
// code_verifier for a code whose dialog kept no challenge.
const VerifierWithoutChallenge = "code_verifier param is provided without a code_challenge in authorization request."

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in,omitempty"`
	IDToken     string `json:"id_token,omitempty"` // OIDC logins only
}

// verifierMatches checks a PKCE verifier against an S256 challenge (RFC 7636).
func verifierMatches(verifier, challenge string) bool {
	if verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

func loginWriteError(w http.ResponseWriter, e ErrorBody) {
	if e.FBTraceID == "" {
		e.FBTraceID = "A" + randomHex(22)
	}
	loginWriteJSON(w, http.StatusBadRequest, struct {
		Error ErrorBody `json:"error"`
	}{e})
}

func loginWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
