package fakefb

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// dialogRequest is a login dialog request that passed Facebook's checks.
type dialogRequest struct {
	params      url.Values // the dialog's own parameters, echoed into its form
	app         App
	userID      string
	redirectURI string
	state       string
	challenge   string
	nonce       string // OIDC: goes into the id_token
	configID    string
	asked       []string // permissions the dialog asks for
	rerequest   bool
}

// dialogProblem is an error page the dialog shows instead of itself, as
// Facebook does for a bad app, redirect URI or configuration: nothing is
// redirected, so the app never hears of it.
type dialogProblem struct {
	Status         int
	Title, Message string
}

// dialogParams are the parameters the dialog reads and its form echoes.
var dialogParams = []string{"client_id", "redirect_uri", "state", "scope", "config_id",
	"response_type", "code_challenge", "code_challenge_method", "auth_type", "nonce"}

// handleDialog serves GET /{version}/dialog/oauth: the page where the person
// approves or refuses the app, or an immediate redirect when a switch or an
// earlier grant answers for them.
func (s *Server) handleDialog(w http.ResponseWriter, r *http.Request) {
	req, problem := s.parseDialog(r, r.URL.Query())
	if problem != nil {
		renderDialogProblem(w, problem)
		return
	}
	s.mu.Lock()
	d := s.login.dialog
	prior, hadGrant := s.login.grants[grantKey{req.app.ID, req.userID}]
	var priorCopy Grant
	if hadGrant {
		priorCopy = *prior
	}
	s.mu.Unlock()

	asked := req.stillAsked(priorCopy)
	switch {
	case d.AutoDeny:
		redirectDenied(w, r, req)
	case d.AutoApprove:
		granted := asked
		if req.configID == "" {
			granted = scopeWithout(asked, d.DeclineScopes)
		}
		pages := d.Pages
		if pages == nil {
			pages = s.userPageIDs(req.userID)
		}
		s.approve(w, r, req, granted, asked, pages)
	case hadGrant && scopeSubset(asked, priorCopy.Granted):
		// Facebook answers at once when everything asked was granted before:
		// the one-click renewal.
		s.approve(w, r, req, asked, asked, priorCopy.PageIDs)
	default:
		s.renderDialog(w, r.URL.Path, req, asked)
	}
}

// handleDialogAnswer serves the dialog form's Continue and Cancel buttons.
// The form's parameters are checked again: a browser form is not trusted.
func (s *Server) handleDialogAnswer(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		renderDialogProblem(w, &dialogProblem{http.StatusBadRequest, "Something went wrong", "The form could not be read."})
		return
	}
	req, problem := s.parseDialog(r, r.PostForm)
	if problem != nil {
		renderDialogProblem(w, problem)
		return
	}
	if r.PostForm.Get("__action") != "approve" {
		redirectDenied(w, r, req)
		return
	}
	s.mu.Lock()
	var prior Grant
	if g, ok := s.login.grants[grantKey{req.app.ID, req.userID}]; ok {
		prior = *g
	}
	s.mu.Unlock()
	asked := req.stillAsked(prior)
	granted := asked
	if req.configID == "" {
		granted = scopeIntersect(asked, r.PostForm["perm"])
	}
	s.approve(w, r, req, granted, asked, scopeIntersect(s.userPageIDs(req.userID), r.PostForm["page"]))
}

// parseDialog applies the dialog's checks in Facebook's order: app, redirect
// URI, response type, PKCE method, configuration or scope, logged-in user.
func (s *Server) parseDialog(r *http.Request, v url.Values) (dialogRequest, *dialogProblem) {
	if version := r.PathValue("version"); version != "" {
		if got, _ := pathVersion("/" + version + "/x"); got == "" {
			return dialogRequest{}, &dialogProblem{http.StatusNotFound, "This page isn't available", "The link you followed may be broken."}
		}
	}
	app, ok := s.app(v.Get("client_id"))
	if !ok {
		return dialogRequest{}, &dialogProblem{http.StatusBadRequest, "Invalid App ID", "The provided app ID does not look like a valid app ID."}
	}
	req := dialogRequest{
		params:      url.Values{},
		app:         app,
		redirectURI: v.Get("redirect_uri"),
		state:       v.Get("state"),
		challenge:   v.Get("code_challenge"),
		nonce:       v.Get("nonce"),
		configID:    v.Get("config_id"),
		rerequest:   v.Get("auth_type") == "rerequest",
	}
	for _, k := range dialogParams {
		if v.Has(k) {
			req.params.Set(k, v.Get(k))
		}
	}
	if p := s.checkRedirectURI(app, req.redirectURI); p != nil {
		return dialogRequest{}, p
	}
	if rt := v.Get("response_type"); rt != "code" {
		return dialogRequest{}, &dialogProblem{http.StatusBadRequest, "Something went wrong", "Unsupported response_type " + strconv.Quote(rt) + ": this dialog answers with response_type=code."}
	}
	if req.challenge != "" && v.Get("code_challenge_method") != "S256" {
		return dialogRequest{}, &dialogProblem{http.StatusBadRequest, "Something went wrong", "Invalid code_challenge_method: only S256 is supported."}
	}
	switch {
	case req.configID != "":
		perms, ok := app.Configs[req.configID]
		if !ok {
			return dialogRequest{}, &dialogProblem{http.StatusBadRequest, "Invalid Configuration ID",
				"This configuration isn't available for this app. Check the Configuration ID under Facebook Login for Business → Configurations."}
		}
		req.asked = sortedCopy(perms)
	case len(app.Configs) > 0:
		// A Facebook Login for Business app given only scope= refuses itself.
		return dialogRequest{}, &dialogProblem{http.StatusBadRequest, "It looks like this app isn't available",
			"This app needs at least one supported permission."}
	default:
		req.asked = splitScope(v.Get("scope"))
		if len(req.asked) == 0 {
			req.asked = []string{"public_profile"}
		}
	}
	s.mu.Lock()
	userID := s.login.dialog.UserID
	if userID == "" && len(s.users) == 1 {
		for id := range s.users {
			userID = id
		}
	}
	_, known := s.users[userID]
	s.mu.Unlock()
	if !known {
		return dialogRequest{}, &dialogProblem{http.StatusUnauthorized, "Log in to Facebook", "You must log in to continue."}
	}
	req.userID = userID
	if req.isOIDC() && req.nonce == "" {
		// The OIDC guide's dialog carries a nonce; whether Facebook
		// insists is not written, so the fake does.
		// https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
		return dialogRequest{}, &dialogProblem{http.StatusBadRequest, "Something went wrong", "An OpenID Connect login (scope openid) needs a nonce."}
	}
	if !s.keepsChallenge(req) {
		req.challenge = ""
	}
	return req, nil
}

// checkRedirectURI applies Facebook's redirect rules. Strict Mode matches a
// registered URI exactly, port included, and Facebook's own
// login_success.html is no exception; a Live app may not redirect over
// plain HTTP at all. A refused URI gets an error page and no redirect.
// Strict Mode: https://developers.facebook.com/docs/facebook-login/security/#strict_mode
func (s *Server) checkRedirectURI(app App, uri string) *dialogProblem {
	blocked := &dialogProblem{http.StatusBadRequest, URLBlockedTitle,
		"This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings. " +
			"Make sure Client and Web OAuth Login are on and add all your app domains as Valid OAuth Redirect URIs."}
	insecure := &dialogProblem{http.StatusBadRequest, "Insecure Login Blocked",
		"You can't get an access token or log in to this app from an insecure page. Try re-loading the page as https://"}
	s.mu.Lock()
	lenient := s.login.leniency
	s.mu.Unlock()
	if uri == s.LoginSuccessURL() {
		// The fake serves it over plain HTTP; it stands for Facebook's HTTPS page.
		if lenient.LoginSuccessUnregistered || slices.Contains(app.RedirectURIs, uri) {
			return nil
		}
		return blocked
	}
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return blocked
	}
	if u.Scheme == "http" && app.Mode == Live {
		return insecure
	}
	switch {
	case slices.Contains(app.RedirectURIs, uri):
		return nil
	case lenient.AnyLocalhostInDevelopment && app.Mode == Development && u.Scheme == "http" && u.Hostname() == "localhost":
		return nil
	}
	return blocked
}

// URLBlockedTitle is the heading of the page Facebook's dialog shows for a
// redirect URI the app did not register.
const URLBlockedTitle = "URL blocked"

// keepsChallenge says whether Facebook binds a PKCE challenge to the code:
// only for an OIDC login (scope with openid); a plain code flow or a
// configuration drops it silently.
// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
func (s *Server) keepsChallenge(req dialogRequest) bool {
	s.mu.Lock()
	lenient := s.login.leniency.KeepPKCEOutsideOIDC
	s.mu.Unlock()
	return lenient || req.isOIDC()
}

// isOIDC says whether the login is OpenID Connect: classic Login (never a
// configuration) with openid in its scope.
// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
func (req dialogRequest) isOIDC() bool {
	return req.configID == "" && slices.Contains(req.asked, "openid")
}

// stillAsked drops permissions the person declined before unless the
// dialog says auth_type=rerequest: Facebook does not ask again otherwise.
func (req dialogRequest) stillAsked(prior Grant) []string {
	if req.rerequest || req.configID != "" {
		return req.asked
	}
	return scopeWithout(req.asked, prior.Declined)
}

// approve records the grant, issues a code bound to the request and
// redirects to the app with it.
func (s *Server) approve(w http.ResponseWriter, r *http.Request, req dialogRequest, granted, asked, pages []string) {
	s.mu.Lock()
	key := grantKey{req.app.ID, req.userID}
	prior := s.login.grants[key]
	g := &Grant{PageIDs: sortedCopy(pages)}
	declinedNow := scopeWithout(asked, granted)
	if prior != nil {
		g.Granted = scopeUnion(scopeWithout(prior.Granted, declinedNow), granted)
		g.Declined = scopeWithout(scopeUnion(prior.Declined, declinedNow), g.Granted)
	} else {
		g.Granted, g.Declined = sortedCopy(granted), sortedCopy(declinedNow)
	}
	s.login.grants[key] = g
	code := "AQ" + randomHex(64)
	s.login.codes[code] = &authCode{
		appID:       req.app.ID,
		userID:      req.userID,
		redirectURI: req.redirectURI,
		challenge:   req.challenge,
		nonce:       req.nonce,
		oidc:        req.isOIDC(),
		scopes:      append([]string(nil), g.Granted...),
		pages:       append([]string{}, g.PageIDs...),
		expiresAt:   s.now().Add(CodeLifetime),
	}
	s.mu.Unlock()
	redirectWith(w, r, req.redirectURI, url.Values{"code": {code}, "state": {req.state}})
}

// redirectDenied sends the person back with Facebook's access_denied answer.
func redirectDenied(w http.ResponseWriter, r *http.Request, req dialogRequest) {
	redirectWith(w, r, req.redirectURI, url.Values{
		"error":             {"access_denied"},
		"error_code":        {"200"},
		"error_description": {"Permissions error"},
		"error_reason":      {"user_denied"},
		"state":             {req.state},
	})
}

// redirectWith redirects to uri with params added to its query. Facebook
// appends the "#_=_" fragment to every login redirect.
func redirectWith(w http.ResponseWriter, r *http.Request, uri string, params url.Values) {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	http.Redirect(w, r, uri+sep+params.Encode()+"#_=_", http.StatusFound)
}

// userPageIDs lists the Pages userID holds a role on.
func (s *Server) userPageIDs(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, p := range s.pages {
		if _, ok := p.Roles[userID]; ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

type dialogPage struct {
	ID, Name string
}

type dialogView struct {
	AppName, UserName string
	Action            string
	Params            url.Values
	Perms             []string
	Config            bool
	Pages             []dialogPage
}

var dialogTemplate = template.Must(template.New("dialog").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Log in With Facebook</title></head><body>
<h1>{{.AppName}} is requesting access to:</h1>
<p>Logged in as {{.UserName}}</p>
<form method="post" action="{{.Action}}" id="dialog">
{{range $k, $vs := .Params}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">
{{end}}{{end}}
<fieldset><legend>Permissions</legend>
{{range .Perms}}<label>{{if $.Config}}<input type="hidden" name="perm" value="{{.}}">{{.}}{{else}}<input type="checkbox" name="perm" value="{{.}}" checked> {{.}}{{end}}</label><br>
{{end}}</fieldset>
<fieldset><legend>Choose the Pages you want {{.AppName}} to access</legend>
{{range .Pages}}<label><input type="checkbox" name="page" value="{{.ID}}" checked> {{.Name}}</label><br>
{{end}}</fieldset>
<button type="submit" name="__action" value="approve" id="continue">Continue</button>
<button type="submit" name="__action" value="cancel" id="cancel">Cancel</button>
</form></body></html>
`))

// renderDialog shows the dialog: the app's name, the permissions (with
// checkboxes for classic Login; a configuration is granted whole), the
// person's Pages to grant, and Continue / Cancel.
func (s *Server) renderDialog(w http.ResponseWriter, action string, req dialogRequest, asked []string) {
	ids := s.userPageIDs(req.userID)
	s.mu.Lock()
	view := dialogView{AppName: req.app.Name, UserName: s.users[req.userID].Name, Action: action,
		Params: req.params, Perms: asked, Config: req.configID != ""}
	for _, id := range ids {
		view.Pages = append(view.Pages, dialogPage{ID: id, Name: s.pages[id].Name})
	}
	s.mu.Unlock()
	if view.AppName == "" {
		view.AppName = req.app.ID
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = dialogTemplate.Execute(w, view)
}

var problemTemplate = template.Must(template.New("problem").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head><body>
<h1>{{.Title}}</h1><p>{{.Message}}</p></body></html>
`))

func renderDialogProblem(w http.ResponseWriter, p *dialogProblem) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(p.Status)
	_ = problemTemplate.Execute(w, p)
}

// splitScope reads a scope parameter; Facebook accepts commas or spaces.
func splitScope(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func scopeWithout(list, drop []string) []string {
	var out []string
	for _, x := range list {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

func scopeIntersect(list, keep []string) []string {
	var out []string
	for _, x := range list {
		if slices.Contains(keep, x) {
			out = append(out, x)
		}
	}
	return out
}

func scopeUnion(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func scopeSubset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
