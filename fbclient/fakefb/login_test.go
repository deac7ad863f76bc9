package fakefb

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

const (
	loginApp    = "555"
	loginSecret = "s3cret"
	loginUser   = "100001"
	loginPage   = "200001"
	loginConfig = "777"
)

// fixtureRedirectURIs are the fixture app's Valid OAuth Redirect URIs.
var fixtureRedirectURIs = []string{"https://ana.example/relay.html", "http://ana.example/plain.html",
	"http://localhost:5000/callback", "http://localhost:1/callback"}

// useClassicLogin replaces the fixture's app by one without configurations
// (classic Facebook Login, scope=).
func (f *loginFixture) useClassicLogin(mode AppMode) {
	f.s.AddApp(App{ID: loginApp, Secret: loginSecret, Name: "LiveRoute – Ana", Mode: mode, RedirectURIs: fixtureRedirectURIs})
}

type loginFixture struct {
	s     *Server
	clock *ManualClock
	hc    *http.Client // does not follow redirects
}

func newLoginFixture(t *testing.T, mode AppMode) *loginFixture {
	t.Helper()
	// Registered first, so it runs after the server and its connections are closed.
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })
	clock := NewManualClock(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	s, err := New(Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s.AddApp(App{ID: loginApp, Secret: loginSecret, Name: "LiveRoute – Ana", Mode: mode,
		Configs:      map[string][]string{loginConfig: {"pages_manage_posts", "pages_show_list"}},
		RedirectURIs: fixtureRedirectURIs})
	s.AddUser(User{ID: loginUser, Name: "Ana"})
	s.AddPage(Page{ID: loginPage, Name: "Ana's Kitchen"}, loginUser)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		hc.CloseIdleConnections()
		s.Close()
	})
	return &loginFixture{s: s, clock: clock, hc: hc}
}

func (f *loginFixture) dialogURL(redirect string, extra url.Values) string {
	v := url.Values{"client_id": {loginApp}, "redirect_uri": {redirect}, "state": {"st"},
		"response_type": {"code"}, "config_id": {loginConfig}}
	for k, vs := range extra {
		v[k] = vs
	}
	for k, vs := range v {
		if len(vs) == 1 && vs[0] == "" {
			delete(v, k)
		}
	}
	return f.s.URL + "/v27.0/dialog/oauth?" + v.Encode()
}

func (f *loginFixture) do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := f.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (f *loginFixture) get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return f.do(t, req)
}

// codeFrom reads the code from a dialog redirect.
func codeFrom(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302", resp.StatusCode)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("code")
}

func (f *loginFixture) exchange(t *testing.T, q url.Values) (int, map[string]any) {
	t.Helper()
	resp, body := f.get(t, f.s.URL+"/v27.0/oauth/access_token?"+q.Encode())
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
	return resp.StatusCode, m
}

func errorOf(m map[string]any) (code, subcode float64, msg string) {
	e, _ := m["error"].(map[string]any)
	code, _ = e["code"].(float64)
	subcode, _ = e["error_subcode"].(float64)
	msg, _ = e["message"].(string)
	return code, subcode, msg
}

func TestDialogChecksAppRedirectAndConfigurationLikeFacebook(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     AppMode
		redirect string
		extra    url.Values
		want     string // "" means the dialog page shows
	}{
		{"development allows a registered localhost URI", Development, "http://localhost:5000/callback", nil, ""},
		{"development refuses an unregistered localhost port", Development, "http://localhost:49152/callback", nil, "URL blocked"},
		{"development refuses another path", Development, "http://localhost:5000/other", nil, "URL blocked"},
		{"development refuses 127.0.0.1", Development, "http://127.0.0.1:5000/callback", nil, "URL blocked"},
		{"live refuses localhost", Live, "http://localhost:49152/callback", nil, "Insecure Login Blocked"},
		{"live refuses a registered http URI", Live, "http://ana.example/plain.html", nil, "Insecure Login Blocked"},
		{"live allows a registered https URI", Live, "https://ana.example/relay.html", nil, ""},
		{"live needs an exact match", Live, "https://ana.example/relay.html?x=1", nil, "URL blocked"},
		{"login_success needs registering in a live app", Live, "LOGIN_SUCCESS", nil, "URL blocked"},
		{"login_success needs registering in a development app", Development, "LOGIN_SUCCESS", nil, "URL blocked"},
		{"unknown app", Development, "http://localhost:1/callback", url.Values{"client_id": {"999"}}, "Invalid App ID"},
		{"unknown configuration", Development, "http://localhost:1/callback", url.Values{"config_id": {"1"}}, "Invalid Configuration ID"},
		{"business login app with scope only", Development, "http://localhost:1/callback", url.Values{"config_id": {""}, "scope": {"pages_show_list"}}, "needs at least one supported permission"},
		{"token response type", Development, "http://localhost:1/callback", url.Values{"response_type": {"token"}}, "Unsupported response_type"},
		{"plain PKCE method", Development, "http://localhost:1/callback", url.Values{"code_challenge": {"abc"}, "code_challenge_method": {"plain"}}, "code_challenge_method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLoginFixture(t, tc.mode)
			redirect := strings.Replace(tc.redirect, "LOGIN_SUCCESS", f.s.LoginSuccessURL(), 1)
			resp, body := f.get(t, f.dialogURL(redirect, tc.extra))
			if tc.want == "" {
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="continue"`) {
					t.Fatalf("status %d, want the dialog:\n%s", resp.StatusCode, body)
				}
				return
			}
			if resp.StatusCode == http.StatusFound || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d, want an error page saying %q:\n%s", resp.StatusCode, tc.want, body)
			}
		})
	}
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// submitDialog plays the person: it reads the dialog's form and presses
// action ("approve" or "cancel") with the given permissions and Pages ticked.
func (f *loginFixture) submitDialog(t *testing.T, dialogURL, action string, perms, pages []string) *http.Response {
	t.Helper()
	resp, body := f.get(t, dialogURL)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dialog: %d\n%s", resp.StatusCode, body)
	}
	form := url.Values{"__action": {action}, "perm": perms, "page": pages}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		if m[1] != "perm" {
			form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
		}
	}
	u, _ := url.Parse(dialogURL)
	req, _ := http.NewRequest(http.MethodPost, f.s.URL+u.Path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	answer, _ := f.do(t, req)
	return answer
}

func TestDialogPageGrantsTickedPermissionsAndPages(t *testing.T) {
	f := newLoginFixture(t, Development)
	f.useClassicLogin(Development)
	f.s.AddPage(Page{ID: "200002", Name: "Ana's Band"}, loginUser)
	dialog := f.dialogURL("http://localhost:5000/callback", url.Values{"config_id": {""}, "scope": {"pages_show_list,publish_video"}})

	_, body := f.get(t, dialog)
	for _, want := range []string{"LiveRoute – Ana", `value="pages_show_list" checked`, `value="publish_video" checked`, "Ana&#39;s Kitchen", "Ana&#39;s Band"} {
		if !strings.Contains(body, want) {
			t.Fatalf("dialog lacks %q:\n%s", want, body)
		}
	}
	resp := f.submitDialog(t, dialog, "approve", []string{"pages_show_list"}, []string{"200002"})
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "http://localhost:5000/callback?code=") || !strings.HasSuffix(loc, "&state=st#_=_") {
		t.Fatalf("approve redirects to %q", loc)
	}
	g, ok := f.s.GrantOf(loginApp, loginUser)
	if !ok || strings.Join(g.Granted, ",") != "pages_show_list" || strings.Join(g.Declined, ",") != "publish_video" || strings.Join(g.PageIDs, ",") != "200002" {
		t.Fatalf("grant = %+v", g)
	}
	status, m := f.exchange(t, url.Values{"client_id": {loginApp}, "client_secret": {loginSecret},
		"redirect_uri": {"http://localhost:5000/callback"}, "code": {codeFrom(t, resp)}})
	if status != 200 {
		t.Fatalf("exchange: %d %v", status, m)
	}
	rec, _ := f.s.Token(m["access_token"].(string))
	if strings.Join(rec.Scopes, ",") != "pages_show_list" || strings.Join(rec.GrantedPages, ",") != "200002" || rec.LongLived {
		t.Fatalf("token %+v: want the ticked scope and Page, short-lived", rec)
	}
}

func TestDialogCancelRedirectsWithFacebooksDenial(t *testing.T) {
	f := newLoginFixture(t, Development)
	resp := f.submitDialog(t, f.dialogURL("http://localhost:5000/callback", nil), "cancel", nil, nil)
	want := "http://localhost:5000/callback?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=st#_=_"
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("cancel: %d %q, want %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
}

func TestDialogFormIsCheckedAgainOnSubmit(t *testing.T) {
	f := newLoginFixture(t, Live)
	form := url.Values{"__action": {"approve"}, "client_id": {loginApp}, "redirect_uri": {"http://localhost:5000/callback"},
		"response_type": {"code"}, "config_id": {loginConfig}, "state": {"st"}}
	req, _ := http.NewRequest(http.MethodPost, f.s.URL+"/v27.0/dialog/oauth", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := f.do(t, req)
	if resp.StatusCode == http.StatusFound || !strings.Contains(body, "Insecure Login Blocked") {
		t.Fatalf("a forged form for a blocked redirect: %d\n%s", resp.StatusCode, body)
	}
}

func TestCodeExchangeValidatesLikeFacebook(t *testing.T) {
	const redirect = "http://localhost:5000/callback"
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	for _, tc := range []struct {
		name    string
		pkce    bool
		before  func(t *testing.T, f *loginFixture, code string)
		change  url.Values
		code    float64
		subcode float64
		message string
	}{
		{name: "wrong secret", change: url.Values{"client_secret": {"nope"}}, code: 1, message: "Error validating client secret."},
		{name: "unknown app", change: url.Values{"client_id": {"999"}}, code: 101, message: "Invalid application ID"},
		{name: "missing code", change: url.Values{"code": {""}}, code: 100, message: "Missing authorization code"},
		{name: "unknown code", change: url.Values{"code": {"AQnope"}}, code: 100, message: "Invalid verification code format."},
		{name: "other redirect URI", change: url.Values{"redirect_uri": {"http://localhost:5001/callback"}}, code: 100, subcode: 36008,
			message: "Please make sure your redirect_uri is identical"},
		{name: "expired code", before: func(_ *testing.T, f *loginFixture, _ string) { f.clock.Advance(CodeLifetime) }, code: 100, subcode: 36007,
			message: "This authorization code has expired."},
		{name: "used code", before: func(t *testing.T, f *loginFixture, code string) {
			f.exchangeOK(t, code, redirect, verifier)
		}, pkce: true, code: 100, subcode: 36009, message: "This authorization code has been used."},
		{name: "missing verifier", pkce: true, change: url.Values{"code_verifier": {""}}, code: 100, message: "Invalid code verifier"},
		{name: "wrong verifier", pkce: true, change: url.Values{"code_verifier": {strings.Repeat("w", 43)}}, code: 100, message: "Invalid code verifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLoginFixture(t, Development)
			f.s.SetLoginDialog(LoginDialog{AutoApprove: true})
			extra := url.Values{}
			if tc.pkce {
				// Facebook keeps a challenge only for OIDC: classic Login with openid.
				f.useClassicLogin(Development)
				extra = url.Values{"config_id": {""}, "scope": {"openid,pages_show_list"},
					"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "nonce": {"n-123"}}
			}
			resp, _ := f.get(t, f.dialogURL(redirect, extra))
			code := codeFrom(t, resp)
			if tc.before != nil {
				tc.before(t, f, code)
			}
			q := url.Values{"client_id": {loginApp}, "client_secret": {loginSecret}, "redirect_uri": {redirect}, "code": {code}, "code_verifier": {verifier}}
			for k, v := range tc.change {
				q[k] = v
			}
			status, m := f.exchange(t, q)
			c, sc, msg := errorOf(m)
			if status != 400 || c != tc.code || sc != tc.subcode || !strings.Contains(msg, tc.message) {
				t.Fatalf("got %d %v, want code %v/%v %q", status, m, tc.code, tc.subcode, tc.message)
			}
		})
	}
}

func TestDialogDropsPKCEOutsideOIDCAndTheExchangeRefusesTheVerifier(t *testing.T) {
	const redirect = "http://localhost:5000/callback"
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	pkce := url.Values{"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	for _, tc := range []struct {
		name    string
		classic bool
		scope   string
	}{
		{"configuration", false, ""},
		{"classic scope without openid", true, "pages_show_list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLoginFixture(t, Development)
			f.s.SetLoginDialog(LoginDialog{AutoApprove: true})
			extra := url.Values{"code_challenge": pkce["code_challenge"], "code_challenge_method": pkce["code_challenge_method"]}
			if tc.classic {
				f.useClassicLogin(Development)
				extra.Set("config_id", "")
				extra.Set("scope", tc.scope)
			}
			q := url.Values{"client_id": {loginApp}, "client_secret": {loginSecret}, "redirect_uri": {redirect}, "code_verifier": {verifier}}

			resp, _ := f.get(t, f.dialogURL(redirect, extra))
			q.Set("code", codeFrom(t, resp))
			status, m := f.exchange(t, q)
			c, sc, msg := errorOf(m)
			if status != 400 || c != 1 || sc != 0 || msg != VerifierWithoutChallenge {
				t.Fatalf("verifier after a dropped challenge: %d %v, want 400 code 1 %q", status, m, VerifierWithoutChallenge)
			}
			if e := m["error"].(map[string]any); e["type"] != "OAuthException" || strings.Contains(fmt.Sprint(m), verifier) {
				t.Fatalf("error object %v: want an OAuthException that does not echo the verifier", e)
			}

			resp, _ = f.get(t, f.dialogURL(redirect, extra))
			q.Set("code", codeFrom(t, resp))
			q.Del("code_verifier")
			if status, m := f.exchange(t, q); status != 200 {
				t.Fatalf("the same login without a verifier: %d %v, want a token", status, m)
			}
		})
	}
}

func TestOIDCDialogNeedsANonceAndTheExchangeEchoesItInTheIDToken(t *testing.T) {
	const redirect = "http://localhost:5000/callback"
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	oidc := url.Values{"config_id": {""}, "scope": {"openid,pages_show_list"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	f := newLoginFixture(t, Development)
	f.s.SetLoginDialog(LoginDialog{AutoApprove: true})
	f.useClassicLogin(Development)

	resp, body := f.get(t, f.dialogURL(redirect, oidc))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "nonce") {
		t.Fatalf("OIDC dialog without a nonce: %d %s", resp.StatusCode, body)
	}
	oidc.Set("nonce", "the-nonce")
	resp, _ = f.get(t, f.dialogURL(redirect, oidc))
	status, m := f.exchange(t, url.Values{"client_id": {loginApp}, "client_secret": {loginSecret},
		"redirect_uri": {redirect}, "code": {codeFrom(t, resp)}, "code_verifier": {verifier}})
	idToken, _ := m["id_token"].(string)
	parts := strings.Split(idToken, ".")
	if status != http.StatusOK || len(parts) != 3 {
		t.Fatalf("OIDC exchange: %d %v, want an id_token", status, m)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || !strings.Contains(string(payload), `"nonce":"the-nonce"`) {
		t.Fatalf("id_token claims %s (%v) do not echo the nonce", payload, err)
	}
}

func TestLoginLeniencySwitchesRestoreTheOldAcceptingFake(t *testing.T) {
	const redirect = "http://localhost:5000/callback"
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	f := newLoginFixture(t, Development)
	f.s.SetLoginDialog(LoginDialog{AutoApprove: true})
	f.s.SetLoginLeniency(LoginLeniency{KeepPKCEOutsideOIDC: true, AnyLocalhostInDevelopment: true, LoginSuccessUnregistered: true})

	resp, _ := f.get(t, f.dialogURL(redirect, url.Values{"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}))
	q := url.Values{"client_id": {loginApp}, "client_secret": {loginSecret}, "redirect_uri": {redirect}, "code": {codeFrom(t, resp)}, "code_verifier": {verifier}}
	if status, m := f.exchange(t, q); status != 200 {
		t.Fatalf("KeepPKCEOutsideOIDC: %d %v, want the verifier accepted", status, m)
	}
	for _, uri := range []string{"http://localhost:49152/callback", f.s.LoginSuccessURL()} {
		if resp, body := f.get(t, f.dialogURL(uri, nil)); resp.StatusCode != http.StatusFound {
			t.Fatalf("lenient dialog for unregistered %s: %d\n%s", uri, resp.StatusCode, body)
		}
	}
}

func TestLoginSuccessIsAcceptedOnceRegistered(t *testing.T) {
	f := newLoginFixture(t, Live)
	f.s.SetLoginDialog(LoginDialog{AutoApprove: true})
	f.s.AddRedirectURI(loginApp, f.s.LoginSuccessURL())
	resp, body := f.get(t, f.dialogURL(f.s.LoginSuccessURL(), nil))
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), f.s.LoginSuccessURL()+"?code=") {
		t.Fatalf("registered login_success.html: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func (f *loginFixture) exchangeOK(t *testing.T, code, redirect, verifier string) {
	t.Helper()
	q := url.Values{"client_id": {loginApp}, "client_secret": {loginSecret}, "redirect_uri": {redirect}, "code": {code}, "code_verifier": {verifier}}
	if status, m := f.exchange(t, q); status != 200 {
		t.Fatalf("first exchange: %d %v", status, m)
	}
}

func TestLongLivedExchangeMintsSixtyDayTokenAndRefusesExpiredOne(t *testing.T) {
	f := newLoginFixture(t, Development)
	short := f.s.MintUserToken(loginApp, loginUser, []string{"pages_show_list"}, ShortTokenLifetime, false)
	q := url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {loginApp}, "client_secret": {loginSecret}, "fb_exchange_token": {short.Value}}
	status, m := f.exchange(t, q)
	if status != 200 || m["expires_in"].(float64) != LongTokenLifetime.Seconds() || m["token_type"] != "bearer" {
		t.Fatalf("exchange: %d %v", status, m)
	}
	rec, _ := f.s.Token(m["access_token"].(string))
	if !rec.LongLived || !rec.ExpiresAt.Equal(f.clock.Now().Add(LongTokenLifetime)) || strings.Join(rec.Scopes, ",") != "pages_show_list" {
		t.Fatalf("long-lived token %+v", rec)
	}

	f.clock.Advance(ShortTokenLifetime)
	status, m = f.exchange(t, q)
	if c, sc, _ := errorOf(m); status != 400 || c != 190 || sc != 463 {
		t.Fatalf("expired token exchange: %d %v, want 190/463", status, m)
	}
}

func TestLoginSuccessPageSaysSuccess(t *testing.T) {
	f := newLoginFixture(t, Live)
	resp, body := f.get(t, f.s.LoginSuccessURL()+"?code=x&state=y")
	if resp.StatusCode != 200 || !strings.Contains(body, "Success") {
		t.Fatalf("login_success.html: %d %s", resp.StatusCode, body)
	}
}

func TestPostAudienceFollowsAppMode(t *testing.T) {
	f := newLoginFixture(t, Development)
	if got := f.s.PostAudience(loginApp); got != AudienceRoleHolders {
		t.Fatalf("Development: %q, want role holders only", got)
	}
	f.s.SetAppMode(loginApp, Live)
	if got := f.s.PostAudience(loginApp); got != AudiencePublic {
		t.Fatalf("Live: %q, want public", got)
	}
}

func TestDemoAppRegistersTheRedirectURIsLiveRouteUses(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })
	s, info, err := NewDemo()
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() { hc.CloseIdleConnections(); s.Close() })
	s.SetLoginDialog(LoginDialog{AutoApprove: true})
	for uri, want := range map[string]int{
		DemoLoopbackRedirectURI:          http.StatusFound,
		s.LoginSuccessURL():              http.StatusFound,
		"http://localhost:1234/callback": http.StatusBadRequest,
	} {
		q := url.Values{"client_id": {info.AppID}, "redirect_uri": {uri}, "state": {"st"}, "response_type": {"code"}, "scope": {"pages_show_list"}}
		resp, err := hc.Get(s.URL + "/v27.0/dialog/oauth?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("demo dialog for %s: %d, want %d", uri, resp.StatusCode, want)
		}
	}
}
