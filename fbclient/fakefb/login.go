package fakefb

import (
	"net/http"
	"slices"
	"time"
)

// LoginDialog sets how the fake's login dialog behaves. The zero value
// shows the dialog as an HTML page and waits for the person's click.
type LoginDialog struct {
	// UserID is the person logged in to the fake's www side. Empty means the
	// only registered user; with none or several the dialog asks to log in.
	UserID string
	// AutoApprove answers at once as if the person pressed Continue, still
	// through a 302 so a real browser follows it.
	AutoApprove bool
	// AutoDeny answers at once as if the person pressed Cancel.
	AutoDeny bool
	// DeclineScopes are unticked before an AutoApprove (classic Facebook
	// Login only: a configuration is granted whole or not at all).
	DeclineScopes []string
	// Pages are the Page IDs an AutoApprove grants; nil grants every Page
	// the user holds a role on.
	Pages []string
}

// LoginLeniency turns back on what older fakes accepted and Facebook
// refuses. The zero value is Facebook's behaviour; a test that needs a
// leniency names it.
type LoginLeniency struct {
	// KeepPKCEOutsideOIDC binds a code_challenge to the code for every
	// login. Facebook keeps it only for OIDC (scope with openid, never with
	// config_id) and otherwise drops it, then refuses the verifier.
	KeepPKCEOutsideOIDC bool
	// AnyLocalhostInDevelopment accepts http://localhost on any port for a
	// Development app without registering it. Meta's current docs do not
	// say so, and Strict Mode matches registered URIs exactly.
	AnyLocalhostInDevelopment bool
	// LoginSuccessUnregistered accepts login_success.html for every app
	// without registering it.
	LoginSuccessUnregistered bool
}

// SetLoginLeniency changes which of Facebook's refusals the login skips,
// from the next request on.
func (s *Server) SetLoginLeniency(l LoginLeniency) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.leniency = l
}

// AddRedirectURI registers uri under the app's Valid OAuth Redirect URIs,
// as the person does in the Meta app's Facebook Login settings.
func (s *Server) AddRedirectURI(appID, uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok && !slices.Contains(a.RedirectURIs, uri) {
		a.RedirectURIs = append(slices.Clone(a.RedirectURIs), uri)
	}
}

// Grant is what a person granted a Meta app in the login dialog.
type Grant struct {
	Granted  []string // permissions granted
	Declined []string // permissions asked for and declined
	PageIDs  []string // Pages the person chose to grant
}

// Audience is who can see what an app publishes.
type Audience string

// Audiences of an app's posts: Meta shows a Development app's posts only
// to people with a role on the app.
const (
	AudiencePublic      Audience = "public"
	AudienceRoleHolders Audience = "role_holders"
)

// Lifetimes of what the fake's login issues, as Facebook's documentation gives them.
const (
	CodeLifetime       = 10 * time.Minute
	ShortTokenLifetime = 2 * time.Hour
	LongTokenLifetime  = 60 * 24 * time.Hour
)

// SetLoginDialog changes how the login dialog behaves from the next request on.
func (s *Server) SetLoginDialog(d LoginDialog) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.DeclineScopes = append([]string(nil), d.DeclineScopes...)
	if d.Pages != nil {
		d.Pages = append([]string{}, d.Pages...)
	}
	s.login.dialog = d
}

// GrantOf returns what userID last granted appID in the login dialog.
func (s *Server) GrantOf(appID, userID string) (Grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.login.grants[grantKey{appID, userID}]
	if !ok {
		return Grant{}, false
	}
	return Grant{Granted: sortedCopy(g.Granted), Declined: sortedCopy(g.Declined), PageIDs: sortedCopy(g.PageIDs)}, true
}

// PostAudience says who sees what appID publishes: role holders only while
// the app is in Development mode, everyone once it is Live.
func (s *Server) PostAudience(appID string) Audience {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok && a.Mode == Live {
		return AudiencePublic
	}
	return AudienceRoleHolders
}

// loginState holds Facebook Login's data: pending codes, dialog switches.
type loginState struct {
	dialog   LoginDialog
	leniency LoginLeniency
	codes    map[string]*authCode
	grants   map[grantKey]*Grant
}

type grantKey struct{ appID, userID string }

// authCode is an authorization code the dialog handed out. Facebook binds a
// code to the app, the exact redirect URI and, with PKCE, the challenge.
type authCode struct {
	appID, userID string
	redirectURI   string
	challenge     string // S256 challenge; empty when none was sent
	oidc          bool   // the exchange answers with an id_token too
	nonce         string // the OIDC dialog's nonce, echoed in the id_token
	scopes        []string
	pages         []string // Pages granted in the dialog
	expiresAt     time.Time
	used          bool
}

// registerLogin adds Facebook Login's handlers to s.mux.
func (s *Server) registerLogin() {
	s.login.codes = map[string]*authCode{}
	s.login.grants = map[grantKey]*Grant{}
	for _, prefix := range []string{"/{version}", ""} {
		s.mux.HandleFunc("GET "+prefix+"/dialog/oauth", s.handleDialog)
		s.mux.HandleFunc("POST "+prefix+"/dialog/oauth", s.handleDialogAnswer)
		s.mux.HandleFunc("GET "+prefix+"/oauth/access_token", s.handleAccessToken)
		s.mux.HandleFunc("POST "+prefix+"/oauth/access_token", s.handleAccessToken)
	}
	s.mux.HandleFunc("GET /connect/login_success.html", s.handleLoginSuccess)
}

// LoginSuccessURL is the fake's stand-in for
// https://www.facebook.com/connect/login_success.html, Facebook's landing
// page for desktop logins. Like Facebook in Strict Mode, the fake accepts it
// only from an app that registered it (AddRedirectURI).
func (s *Server) LoginSuccessURL() string { return s.URL + "/connect/login_success.html" }

// handleLoginSuccess is Facebook's desktop landing page: the person copies
// its address, which carries the code, back into the app.
func (s *Server) handleLoginSuccess(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><title>Success</title></head><body>
<p>Success</p>
<p>SECURITY WARNING: Please treat the URL above as you would your password and do not share it with anyone.</p>
</body></html>`))
}
