package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

func TestPasteBackConnectsPublishedAppWithConfigID(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, flfb: true})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.ConfigID = testConfigID
	s := env.start(t, opts)

	if got, want := s.RedirectURI(), env.fb.URL+"/connect/login_success.html"; got != want {
		t.Fatalf("RedirectURI = %q, want %q", got, want)
	}
	if authParam(t, s, "config_id") != testConfigID || authParam(t, s, "scope") != "" {
		t.Fatalf("dialog address %s: want config_id and no scope", s.AuthURL())
	}
	res, err := s.Paste(context.Background(), env.finalAddress(t, s.AuthURL()))
	if err != nil {
		t.Fatalf("Paste: %v", err)
	}
	env.assertTokenIsLongLived(t, res)
	if !equalStrings(res.Granted, sorted(fbclient.DefaultScopes())) || len(res.Declined) != 0 {
		t.Fatalf("granted %v declined %v, want the whole configuration and none declined", res.Granted, res.Declined)
	}
}

func TestPasteBackWithScopeReportsDeclinedPermissions(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, DeclineScopes: []string{"publish_video"}})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	if got := authParam(t, s, "scope"); got != strings.Join(fbclient.DefaultScopes(), ",") {
		t.Fatalf("scope = %q, want the default permissions", got)
	}
	res, err := s.Paste(context.Background(), env.finalAddress(t, s.AuthURL()))
	if err != nil {
		t.Fatalf("Paste: %v", err)
	}
	if !equalStrings(res.Declined, []string{"publish_video"}) || len(res.Granted) != len(fbclient.DefaultScopes())-1 {
		t.Fatalf("granted %v declined %v, want publish_video declined", res.Granted, res.Declined)
	}
	// Facebook itself lists the declined permission, as the client relies
	// on for a Login for Business configuration.
	_, body := env.get(t, env.fb.URL+"/v27.0/me/permissions?access_token="+url.QueryEscape(res.UserToken.Reveal()))
	if !strings.Contains(body, `{"permission":"publish_video","status":"declined"}`) {
		t.Errorf("/me/permissions = %s, want publish_video listed as declined", body)
	}
}

func TestDeclinedPermissionIsAskedAgainOnlyWithRerequest(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	login := func(rerequest bool) fbclient.LoginResult {
		t.Helper()
		opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
		opts.Rerequest = rerequest
		s := env.start(t, opts)
		if got := authParam(t, s, "auth_type"); (got == "rerequest") != rerequest {
			t.Fatalf("auth_type = %q with Rerequest %v", got, rerequest)
		}
		res, err := s.Paste(context.Background(), env.finalAddress(t, s.AuthURL()))
		if err != nil {
			t.Fatalf("Paste: %v", err)
		}
		return res
	}
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, DeclineScopes: []string{"publish_video"}})
	login(false)
	// The person would now tick everything, but Facebook does not show a
	// declined permission again unless asked to.
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	if res := login(false); !equalStrings(res.Declined, []string{"publish_video"}) {
		t.Fatalf("without rerequest: declined %v, want publish_video still declined", res.Declined)
	}
	if res := login(true); len(res.Declined) != 0 || !equalStrings(res.Granted, sorted(fbclient.DefaultScopes())) {
		t.Fatalf("with rerequest: granted %v declined %v, want every default permission granted", res.Granted, res.Declined)
	}
}

func TestPasteBackReportsDeniedAccess(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoDeny: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	addr := env.finalAddress(t, s.AuthURL())
	if !strings.Contains(addr, "error=access_denied") {
		t.Fatalf("final address %q has no access_denied", addr)
	}
	_, err := s.Paste(context.Background(), addr)
	wantErr(t, err, fbclient.ErrLoginDenied)
}

func TestPasteOfAnotherLoginsAddressIsRefusedAndChangesNothing(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	older := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	olderAddr := env.finalAddress(t, older.AuthURL())
	current := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))

	_, err := current.Paste(context.Background(), olderAddr)
	wantErr(t, err, fbclient.ErrStateMismatch)
	// The older login's code was not spent by the refused paste.
	if _, err := older.Paste(context.Background(), olderAddr); err != nil {
		t.Fatalf("the older login still finishes: %v", err)
	}
	if _, err := current.Paste(context.Background(), env.finalAddress(t, current.AuthURL())); err != nil {
		t.Fatalf("the current login still finishes: %v", err)
	}
}

func TestBadPasteSaysWhatIsWrongAndKeepsTheLoginOpen(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	good := env.finalAddress(t, s.AuthURL())
	cut, _, _ := strings.Cut(good, "&state=") // the code comes first: code=…&state=…
	noCode := strings.Replace(good, "code=", "kode=", 1)

	for _, tc := range []struct {
		name, paste, says string
	}{
		{"empty", "   ", "Nothing was pasted"},
		{"not an address", "hello there", "not a web address"},
		{"another page", "https://example.com/?code=x&state=y", "another page, not"},
		{"no code", noCode, "no login code"},
		{"cut off before state", cut, "no login state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Paste(context.Background(), tc.paste)
			var pe *fbclient.PasteError
			if !errors.As(err, &pe) || !errors.Is(err, fbclient.ErrBadPaste) {
				t.Fatalf("error = %v, want a *PasteError", err)
			}
			if !strings.Contains(pe.Problem, tc.says) || !strings.Contains(pe.Problem, "login_success.html") {
				t.Fatalf("problem %q: want it to say %q and where to copy from", pe.Problem, tc.says)
			}
		})
	}
	// Pasted with surrounding spaces and without the scheme the browser hid.
	if _, err := s.Paste(context.Background(), "  "+strings.TrimPrefix(good, "http://")+"\n"); err != nil {
		t.Fatalf("the good paste after bad ones: %v", err)
	}
	_, err := s.Paste(context.Background(), good)
	wantErr(t, err, fbclient.ErrLoginFinished)
}

func TestPasteAfterCodeExpiredAsksToLogInAgain(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.Timeout = time.Hour // the session outlives the code
	s := env.start(t, opts)
	addr := env.finalAddress(t, s.AuthURL())
	env.clock.Advance(fakefb.CodeLifetime + time.Second)
	_, err := s.Paste(context.Background(), addr)
	wantErr(t, err, fbclient.ErrCodeRejected)
}

func TestPasteAfterTimeoutIsRefused(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	addr := env.finalAddress(t, s.AuthURL())
	env.clock.Advance(fbclient.DefaultLoginTimeout)
	_, err := s.Paste(context.Background(), addr)
	wantErr(t, err, fbclient.ErrLoginTimeout)
}

func TestDefaultLoginSendsNoPKCEAndConnects(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, flfb: true})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.ConfigID = testConfigID
	s := env.start(t, opts)
	if authParam(t, s, "code_challenge") != "" || authParam(t, s, "code_challenge_method") != "" {
		t.Fatalf("default login: dialog address %s carries a PKCE challenge", s.AuthURL())
	}
	if _, err := s.Paste(context.Background(), env.finalAddress(t, s.AuthURL())); err != nil {
		t.Fatalf("Paste with the default options: %v", err)
	}
}

func TestPKCEOnWithClassicLoginBecomesOIDCAndConnects(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.PKCE = true
	s := env.start(t, opts)
	if authParam(t, s, "code_challenge_method") != "S256" {
		t.Fatalf("PKCE on: dialog address %s lacks an S256 challenge", s.AuthURL())
	}
	if scope := strings.Split(authParam(t, s, "scope"), ","); !slices.Contains(scope, "openid") {
		t.Fatalf("PKCE on: scope %v lacks openid, so Facebook would drop the challenge", scope)
	}
	if len(authParam(t, s, "nonce")) < 32 {
		t.Fatalf("PKCE on: dialog address %s has no random nonce", s.AuthURL())
	}
	res, err := s.Paste(context.Background(), env.finalAddress(t, s.AuthURL()))
	if err != nil {
		t.Fatalf("an OIDC login with PKCE against Facebook's default behaviour: %v", err)
	}
	if slices.Contains(res.Declined, "openid") {
		t.Fatalf("openid is not a permission, yet it is reported declined: %v", res.Declined)
	}
}

func TestPKCEWithConfigurationIsRefusedBeforeTheDialog(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, flfb: true})
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.ConfigID, opts.PKCE = testConfigID, true
	s, err := env.client.StartLogin(context.Background(), opts)
	if s != nil {
		s.Close()
	}
	wantErr(t, err, fbclient.ErrPKCEWithConfiguration)
}

func TestDefaultLoginIsNotOIDC(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	for _, key := range []string{"nonce", "code_challenge"} {
		if v := authParam(t, s, key); v != "" {
			t.Errorf("default login sends %s=%q", key, v)
		}
	}
	if scope := strings.Split(authParam(t, s, "scope"), ","); slices.Contains(scope, "openid") {
		t.Errorf("default login asks for openid: %v", scope)
	}
}

func TestOIDCScopeKeepsPKCEAndConnects(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := fbclient.DefaultLoginOptions(fbclient.PasteBack)
	opts.Scopes = append(opts.Scopes, "openid")
	s := env.start(t, opts)
	if authParam(t, s, "code_challenge_method") != "S256" {
		t.Fatalf("openid scope: dialog address %s lacks an S256 challenge", s.AuthURL())
	}
	if _, err := s.Paste(context.Background(), env.finalAddress(t, s.AuthURL())); err != nil {
		t.Fatalf("an OIDC login with PKCE: %v", err)
	}
}

func TestWrongSecretAtTheExchangeStillSaysWrongSecret(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	wrong := fbclient.New(fbclient.Config{GraphURL: env.fb.URL, FacebookURL: env.fb.URL, AppID: testAppID,
		AppSecret: "not-the-app-secret", HTTPClient: env.http, Now: env.clock.Now})
	s, err := wrong.StartLogin(context.Background(), fbclient.DefaultLoginOptions(fbclient.PasteBack))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Paste(context.Background(), env.finalAddress(t, s.AuthURL()))
	wantErr(t, err, fbclient.ErrAppCredentials)
	if strings.Contains(err.Error(), "not-the-app-secret") {
		t.Fatalf("the error shows the secret: %v", err)
	}
}

func TestStateIsFreshAndLongForEveryLogin(t *testing.T) {
	env := newLoginEnv(t, envOptions{})
	seen := map[string]bool{}
	for range 20 {
		s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
		st := authParam(t, s, "state")
		if len(st) < 43 || seen[st] {
			t.Fatalf("state %q is short or repeated", st)
		}
		seen[st] = true
	}
}

func TestStartLoginNeedsTheMetaApp(t *testing.T) {
	c := fbclient.New(fbclient.Config{})
	_, err := c.StartLogin(context.Background(), fbclient.DefaultLoginOptions(fbclient.PasteBack))
	wantErr(t, err, fbclient.ErrAppNotConfigured)
}

func sorted(in []string) []string { return slices.Sorted(slices.Values(in)) }

// TestBadPasteNeverRepeatsWhatWasPasted pastes, by mistake, addresses and
// text that carry a secret: the refusal must not show it on the screen,
// in a log or in a terminal's scrollback.
func TestBadPasteNeverRepeatsWhatWasPasted(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	const secret = "EAAGsecretTOKENxyz123"
	good := env.finalAddress(t, s.AuthURL())
	for _, paste := range []string{
		"https://example.com/" + secret + "?code=" + secret + "&state=" + secret,
		"https://" + secret + ".example.com/callback#access_token=" + secret,
		"http://[" + secret + "]/",
		secret,
		"https://www.facebook.com/connect/login_success.html?state=" + secret + "#access_token=" + secret,
		strings.Replace(good, "state=", "state="+secret, 1),
	} {
		_, err := s.Paste(context.Background(), paste)
		if err == nil {
			t.Fatalf("paste %q was accepted", paste)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), secret) {
			t.Errorf("the refusal of a paste repeats it: %v", err)
		}
	}
}
