package fbclient

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkg/browser"
	"golang.org/x/oauth2"
)

// Transport is how the login dialog's answer comes back to LiveRoute.
type Transport int

const (
	// Loopback redirects to http://localhost:PORT/callback, served by
	// LiveRoute itself. Facebook allows it only while the Meta app is in
	// Development mode.
	Loopback Transport = iota
	// PasteBack redirects to Facebook's own login_success.html page; the
	// person copies the address they land on back into LiveRoute. Works for
	// a published app with nothing to host.
	PasteBack
	// RedirectPage redirects to the redirect page (package redirectpage) the person
	// hosts over HTTPS, which forwards the answer to the loopback listener.
	// Works for a published app with one click.
	RedirectPage
)

// String names the transport as the settings show it.
func (t Transport) String() string {
	switch t {
	case Loopback:
		return "loopback"
	case PasteBack:
		return "paste-back"
	case RedirectPage:
		return "relay"
	}
	return "Transport(" + strconv.Itoa(int(t)) + ")"
}

// DefaultLoginTimeout is how long a login waits for the person by default.
const DefaultLoginTimeout = 5 * time.Minute

// DefaultLoopbackPort is the fixed port of the loopback redirect URI
// http://localhost:28761/callback. Facebook's Strict Mode matches a
// redirect URI exactly, port included, so the person registers this one
// address once; below 32768 it stays out of the ports Linux, macOS and
// Windows hand out at random.
// Strict Mode: https://developers.facebook.com/docs/facebook-login/security/#strict_mode
const DefaultLoopbackPort = 28761

// DefaultScopes returns the permissions LiveRoute asks for with classic
// Facebook Login (FACEBOOK.md, "Permissions to ask"); pages_manage_engagement
// is what live crossposting needs.
func DefaultScopes() []string {
	return []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts", "pages_read_user_content", "publish_video", "pages_manage_engagement"}
}

// LoopbackRedirectURI is the redirect URI of a loopback login on port: the
// address to register under Valid OAuth Redirect URIs. Per-login data
// travels in state, never in this address, so it never changes.
func LoopbackRedirectURI(port int) string {
	return fmt.Sprintf("http://localhost:%d/callback", port)
}

// URLBlockedHint is what to tell the person while Facebook's dialog is
// open: when redirectURI is not registered, Facebook shows "URL blocked" in
// the browser and never comes back, so LiveRoute cannot notice by itself.
// configID says where the setting lives: a Facebook Login for Business app
// (with a Configuration ID) has its own product, a classic app has
// Facebook Login. The dialog is still waiting, so Cancel comes first.
// Manual flow: https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
func URLBlockedHint(redirectURI, configID string) string {
	product := "Facebook Login"
	if configID != "" {
		product = "Facebook Login for Business"
	}
	return "If Facebook says “URL blocked”, add " + redirectURI +
		" under Valid OAuth Redirect URIs (" + product + " → Settings in your Meta app), save, and press Cancel, then Connect again."
}

// LoginOptions configure one login. Start from DefaultLoginOptions: the
// zero value works but listens on a random port, which Facebook's Strict
// Mode refuses unless that very port is registered.
type LoginOptions struct {
	Transport Transport
	// ConfigID is the Facebook Login for Business configuration; when set
	// the dialog gets config_id instead of scope.
	ConfigID string
	// Scopes are asked for when ConfigID is empty; default DefaultScopes().
	Scopes []string
	// Rerequest asks again for permissions declined before and lets the
	// person grant Pages gained since (auth_type=rerequest).
	Rerequest bool
	// PKCE makes the login an OpenID Connect one with an S256 code
	// challenge: openid joins the scopes and a nonce is sent, because
	// Facebook keeps a challenge only for OIDC ("still in testing") and, in
	// a plain code flow, drops it and then refuses the verifier. Off unless
	// asked for here. A login with ConfigID is never OIDC, so StartLogin
	// refuses PKCE with one (ErrPKCEWithConfiguration). A scope list with
	// openid always uses it.
	// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
	PKCE bool
	// Port is the loopback listener's port (Loopback, RedirectPage); 0 lets the
	// system choose one, which only suits a test.
	Port int
	// RedirectPageURL is the HTTPS address of the hosted redirect page (RedirectPage only).
	RedirectPageURL string
	// Timeout bounds the whole login from StartLogin; default 5 minutes.
	Timeout time.Duration
	// OpenBrowser shows the dialog; default browser.OpenURL.
	OpenBrowser func(url string) error
	// Progress, when set, hears each step of the login as it starts. It is
	// called from the goroutine that calls Wait or Paste.
	Progress func(LoginStep)
}

// DefaultLoginOptions returns options for transport t without PKCE, on
// DefaultLoopbackPort, with the default scopes and timeout.
func DefaultLoginOptions(t Transport) LoginOptions {
	return LoginOptions{Transport: t, Port: DefaultLoopbackPort, Scopes: DefaultScopes(), Timeout: DefaultLoginTimeout}
}

// usesPKCE says whether the login is OIDC and sends a PKCE challenge: when
// asked, or for a classic scope list with openid. A configuration
// (config_id) is never OIDC.
func (o LoginOptions) usesPKCE() bool {
	return o.ConfigID == "" && (o.PKCE || containsString(o.Scopes, scopeOpenID))
}

// scopeOpenID is the scope that makes a classic login OpenID Connect. It
// names no permission: /me/permissions need not list it.
// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
const scopeOpenID = "openid"

// LoginStep is a stage of a login, for a wizard that shows progress.
type LoginStep int

// Steps of a login in the order they happen.
const (
	StepWaitingForDialog   LoginStep = iota // the person is in Facebook's dialog
	StepExchangingCode                      // Facebook answered; trading the code for a token
	StepExtendingToken                      // trading the short-lived token for a 60-day one
	StepReadingPermissions                  // reading what the person granted
)

// LoginResult is what a successful login yields.
type LoginResult struct {
	UserToken Token     // long-lived user access token
	ExpiresAt time.Time // zero when Facebook gives no expiry
	Granted   []string  // permissions the person granted
	Declined  []string  // permissions asked for and not granted
}

// LoginSession is one login in progress: the dialog's address, the state
// and PKCE verifier it carries, and for Loopback and RedirectPage the listener
// waiting for the browser. Finish it with Wait (Loopback, RedirectPage) or Paste
// (PasteBack); Close releases it early. Its methods are safe for
// concurrent use.
type LoginSession struct {
	c           *Client
	opts        LoginOptions
	redirectURI string
	state       string
	verifier    string // empty with PKCE off
	nonce       string // OIDC only: Facebook puts it in the id_token
	authURL     string
	deadline    time.Time
	loop        *loopback // nil for PasteBack

	mu       sync.Mutex
	finished bool
}

// StartLogin prepares a login: it checks the options, starts the loopback
// listener for Loopback and RedirectPage, and builds the dialog's address. Call
// Open to show the dialog in the browser.
func (c *Client) StartLogin(ctx context.Context, opts LoginOptions) (*LoginSession, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLoginCanceled, err)
	}
	if c.cfg.AppID == "" || c.cfg.AppSecret.IsZero() {
		return nil, ErrAppNotConfigured
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultLoginTimeout
	}
	if opts.PKCE && strings.TrimSpace(opts.ConfigID) != "" {
		// A guard against misuse: store.CheckPKCE is the rule the faces
		// and the settings apply before a login starts.
		return nil, ErrPKCEWithConfiguration
	}
	if opts.ConfigID == "" && len(opts.Scopes) == 0 {
		opts.Scopes = DefaultScopes()
	}
	if opts.usesPKCE() && !containsString(opts.Scopes, scopeOpenID) {
		opts.Scopes = append(slices.Clone(opts.Scopes), scopeOpenID)
	}
	if opts.OpenBrowser == nil {
		opts.OpenBrowser = browser.OpenURL
	}
	s := &LoginSession{c: c, opts: opts, deadline: c.cfg.Now().Add(opts.Timeout)}
	random, err := randomState()
	if err != nil {
		return nil, fmt.Errorf("login state: %w", err)
	}
	switch opts.Transport {
	case PasteBack:
		s.redirectURI = c.cfg.FacebookURL + "/connect/login_success.html"
		s.state = random
	case Loopback, RedirectPage:
		if opts.Transport == RedirectPage {
			if err := checkRedirectPageURL(opts.RedirectPageURL); err != nil {
				return nil, err
			}
		}
		lb, err := listenLoopback(opts.Port)
		if err != nil {
			return nil, err
		}
		s.loop = lb
		// The port travels in state so the relay page knows where to
		// forward; the listener checks the whole state before anything else.
		s.state = strconv.Itoa(lb.port) + "." + random
		lb.state = s.state
		s.redirectURI = LoopbackRedirectURI(lb.port)
		if opts.Transport == RedirectPage {
			s.redirectURI = opts.RedirectPageURL
		}
		lb.serve()
	default:
		return nil, fmt.Errorf("login: unknown transport %d", opts.Transport)
	}
	if opts.usesPKCE() {
		if s.nonce, err = randomState(); err != nil {
			return nil, fmt.Errorf("login nonce: %w", err)
		}
	}
	s.authURL = s.buildAuthURL()
	return s, nil
}

// AuthURL is the login dialog's address, to show the person when the
// browser cannot be opened (and for the CLI to print).
func (s *LoginSession) AuthURL() string { return s.authURL }

// RedirectURI is the address Facebook sends the person back to; the wizard
// shows it so the person can register it in the Meta app's settings.
func (s *LoginSession) RedirectURI() string { return s.redirectURI }

// URLBlockedHint names the redirect URI to register if Facebook's dialog
// says "URL blocked"; show it while the dialog is open.
func (s *LoginSession) URLBlockedHint() string {
	return URLBlockedHint(s.redirectURI, s.opts.ConfigID)
}

// String describes the login for logs without its PKCE verifier, its state
// or its client's App secret, which fmt would print from the unexported
// fields.
func (s *LoginSession) String() string {
	if s == nil {
		return "fbclient.LoginSession(nil)"
	}
	return "fbclient.LoginSession{redirect " + s.redirectURI + "}"
}

// GoString is String for %#v.
func (s *LoginSession) GoString() string { return s.String() }

// Open shows the login dialog through the injected browser opener.
func (s *LoginSession) Open() error {
	if err := s.opts.OpenBrowser(s.authURL); err != nil {
		return fmt.Errorf("%w: %w", ErrBrowserNotOpened, err)
	}
	return nil
}

// Wait waits for the browser to come back to the loopback listener
// (Loopback, RedirectPage), then exchanges the code for a long-lived token and
// reads the granted permissions. Callbacks whose state is wrong or missing
// are refused and do not end the wait. The listener is closed when Wait
// returns. It fails with ErrLoginTimeout once the session's time is up and
// with ErrLoginCanceled when ctx ends first.
func (s *LoginSession) Wait(ctx context.Context) (LoginResult, error) {
	if s.loop == nil {
		return LoginResult{}, fmt.Errorf("login: Wait needs the loopback or relay transport; use Paste for %v", s.opts.Transport)
	}
	if err := s.begin(); err != nil {
		return LoginResult{}, err
	}
	defer s.loop.close()
	s.progress(StepWaitingForDialog)
	ctx, cancel := context.WithTimeoutCause(ctx, s.remaining(), ErrLoginTimeout)
	defer cancel()
	var cb *callback
	select {
	case cb = <-s.loop.callbacks:
	case <-ctx.Done():
		return LoginResult{}, s.ctxError(ctx)
	case <-s.loop.closed:
		return LoginResult{}, ErrLoginCanceled
	}
	res, err := s.finish(ctx, cb.answer)
	cb.reply <- err
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return LoginResult{}, s.ctxError(ctx)
	}
	return LoginResult{}, err
}

// Paste finishes a PasteBack login with the address the person copied from
// the browser after Facebook's dialog. A paste that is not a usable answer
// (a *PasteError, or ErrStateMismatch for an address from another login)
// changes nothing: the person may paste again.
func (s *LoginSession) Paste(ctx context.Context, address string) (LoginResult, error) {
	if s.opts.Transport != PasteBack {
		return LoginResult{}, fmt.Errorf("login: Paste needs the paste-back transport, not %v", s.opts.Transport)
	}
	ans, err := parsePastedAddress(address, s.redirectURI)
	if err != nil {
		return LoginResult{}, err
	}
	if !stateEqual(ans.state, s.state) {
		return LoginResult{}, ErrStateMismatch
	}
	if s.remaining() <= 0 {
		return LoginResult{}, ErrLoginTimeout
	}
	if err := s.begin(); err != nil {
		return LoginResult{}, err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, s.remaining(), ErrLoginTimeout)
	defer cancel()
	res, err := s.finish(ctx, ans)
	if err != nil && ctx.Err() != nil {
		return LoginResult{}, s.ctxError(ctx)
	}
	return res, err
}

// Close ends the session and its listener. A Wait in progress returns
// ErrLoginCanceled. Close is safe to call more than once.
func (s *LoginSession) Close() error {
	s.mu.Lock()
	s.finished = true
	s.mu.Unlock()
	if s.loop != nil {
		s.loop.close()
	}
	return nil
}

// dialogAnswer is what the dialog sent back: a code, or an error.
type dialogAnswer struct {
	code, state                 string
	errCode, errReason, errDesc string
}

// begin marks the session used: one answer per login.
func (s *LoginSession) begin() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return ErrLoginFinished
	}
	s.finished = true
	return nil
}

// finish turns a dialog answer whose state was checked into a result.
func (s *LoginSession) finish(ctx context.Context, ans dialogAnswer) (LoginResult, error) {
	if ans.errCode != "" {
		if ans.errCode == "access_denied" {
			return LoginResult{}, ErrLoginDenied
		}
		return LoginResult{}, &DialogError{Code: ans.errCode, Reason: ans.errReason, Description: ans.errDesc}
	}
	s.progress(StepExchangingCode)
	short, err := s.c.exchangeCode(ctx, ans.code, s.redirectURI, s.verifier, s.nonce)
	if err != nil {
		return LoginResult{}, err
	}
	s.progress(StepExtendingToken)
	long, expiresAt, err := s.c.exchangeLongLived(ctx, short)
	if err != nil {
		return LoginResult{}, err
	}
	s.progress(StepReadingPermissions)
	granted, declined, err := s.c.loginPermissions(ctx, long)
	if err != nil {
		return LoginResult{}, err
	}
	if s.opts.ConfigID == "" {
		// Facebook lists a permission it never showed (not in the app's
		// use cases) nowhere: report it as not granted.
		for _, p := range s.opts.Scopes {
			if p != scopeOpenID && !containsString(granted, p) && !containsString(declined, p) {
				declined = append(declined, p)
			}
		}
	}
	return LoginResult{UserToken: long, ExpiresAt: expiresAt, Granted: granted, Declined: declined}, nil
}

func (s *LoginSession) buildAuthURL() string {
	cfg := oauth2.Config{
		ClientID:    s.c.cfg.AppID,
		Endpoint:    oauth2.Endpoint{AuthURL: s.c.cfg.FacebookURL + "/" + s.c.cfg.Version + "/dialog/oauth"},
		RedirectURL: s.redirectURI,
	}
	var params []oauth2.AuthCodeOption
	if s.opts.ConfigID != "" {
		// Facebook Login for Business: the configuration lists the
		// permissions, and scope= would make the dialog refuse itself.
		// https://developers.facebook.com/docs/facebook-login/facebook-login-for-business/
		params = append(params, oauth2.SetAuthURLParam("config_id", s.opts.ConfigID))
	} else {
		params = append(params, oauth2.SetAuthURLParam("scope", strings.Join(s.opts.Scopes, ",")))
	}
	// Declined permissions are asked again only with auth_type=rerequest.
	// https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
	if s.opts.Rerequest {
		params = append(params, oauth2.SetAuthURLParam("auth_type", "rerequest"))
	}
	if s.opts.usesPKCE() {
		s.verifier = oauth2.GenerateVerifier()
		params = append(params, oauth2.S256ChallengeOption(s.verifier))
		// The OIDC guide's dialog carries a nonce, which comes back in
		// the id_token and ties that token to this login.
		// https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
		params = append(params, oauth2.SetAuthURLParam("nonce", s.nonce))
	}
	return cfg.AuthCodeURL(s.state, params...)
}

func (s *LoginSession) remaining() time.Duration {
	return s.deadline.Sub(s.c.cfg.Now())
}

// ctxError tells the session's own timeout from the caller's cancellation.
func (s *LoginSession) ctxError(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), ErrLoginTimeout) {
		return ErrLoginTimeout
	}
	return fmt.Errorf("%w: %w", ErrLoginCanceled, context.Cause(ctx))
}

func (s *LoginSession) progress(step LoginStep) {
	if s.opts.Progress != nil {
		s.opts.Progress(step)
	}
}

// randomState returns 256 random bits, URL-safe.
func randomState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func stateEqual(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// checkRedirectPageURL is a guard against misuse, not the rule: the rule for
// the relay page's address is store.CheckRelayURL, asked by every face before
// a login starts (fbclient cannot import store). It accepts only an absolute
// HTTPS address without a #fragment: a published app may redirect nowhere else.
func checkRedirectPageURL(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Scheme != "https" || u.Host == "" || u.Fragment != "" {
		return ErrRedirectPageURL
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
