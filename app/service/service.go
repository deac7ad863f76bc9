// Package service is LiveRoute without its face: the database, the
// keychain, the Facebook client and the engine of one profile, wired
// together. The GUI, the headless runner and the CLI's connect all stand
// on it, so they behave alike.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// Options say which profile to open and how.
type Options struct {
	Paths store.Paths
	// DB is a database the caller already opened (the CLI's); nil: Open
	// opens the profile's own and Close closes it.
	DB     *store.DB
	Demo   bool // run against an in-process fake Facebook, secrets in memory
	Logger *slog.Logger
	// Getenv reads LIVEROUTE_FACEBOOK_URL and LIVEROUTE_GRAPH_URL; default os.Getenv.
	Getenv func(string) string
	// OpenBrowser shows the login dialog; default the system browser.
	OpenBrowser func(url string) error
	// DemoSetup leaves a demo profile that was never connected unconnected,
	// so the desktop's first start walks the setup wizard (DemoApp offers
	// the demo's keys); once connected, the demo reconnects itself as
	// without it. The command line and `run --headless` leave it off: their
	// demo is connected for them.
	DemoSetup bool
}

// Service is one open profile.
type Service struct {
	Paths   store.Paths
	DB      *store.DB
	Secrets Secrets
	Engine  *relay.Engine

	opts        Options
	ownDB       bool
	graph       *graph
	facebookURL string
	graphURL    string
	fake        *fakefb.Server
	demoInfo    fakefb.DemoInfo
	log         *slog.Logger

	// keychainOnce probes the keychain once per process: Health asks on
	// every tray and window refresh, and a probe writes to the keychain
	// (a locked one may prompt each time). The fix it names ends with a
	// restart anyway.
	keychainOnce    sync.Once
	keychainProblem error
}

// Open opens the profile's database and secrets and builds the engine;
// Start runs it. With Demo it also starts the fake Facebook and, on the
// first run, connects the demo account and adds a demo route.
func Open(ctx context.Context, opts Options) (*Service, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if err := opts.Paths.Ensure(); err != nil {
		return nil, err
	}
	db, ownDB := opts.DB, false
	if db == nil {
		var err error
		db, err = store.Open(opts.Paths.DatabaseFile(), control.StoreOptions())
		if err != nil {
			return nil, err
		}
		ownDB = true
		if r := db.Recovered(); r != nil {
			// The sentence is for the person (store also puts it in the
			// activity log); the cause is for support and holds no secret.
			opts.Logger.Warn("database recovered", "what", r.Error(), "cause", r.Cause)
		}
	}
	s := &Service{
		ownDB:       ownDB,
		Paths:       opts.Paths,
		DB:          db,
		opts:        opts,
		log:         opts.Logger,
		facebookURL: opts.Getenv(fbclient.EnvFacebookURL),
		graphURL:    opts.Getenv(fbclient.EnvGraphURL),
		graph:       &graph{},
	}
	if err := s.checkFacebookURLs(); err != nil {
		s.Close()
		return nil, err
	}
	if opts.Demo {
		s.Secrets = &memorySecrets{m: map[string]string{}}
		if err := s.startFake(); err != nil {
			s.Close()
			return nil, err
		}
	} else {
		s.Secrets = store.Keychain{Service: opts.Paths.KeychainService()}
	}
	client, err := s.newClient()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.graph.set(client)
	s.Engine = relay.New(relay.Config{Graph: s.graph, Store: db, Secrets: s.Secrets, Logger: opts.Logger})
	if opts.Demo {
		if err := s.seedDemo(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// checkFacebookURLs vets LIVEROUTE_FACEBOOK_URL and LIVEROUTE_GRAPH_URL:
// they redirect the App secret and every token, so they must be HTTPS unless
// they point at this computer (a fake Facebook), and a run that uses them
// says so in its log.
func (s *Service) checkFacebookURLs() error {
	for name, raw := range map[string]string{fbclient.EnvFacebookURL: s.facebookURL, fbclient.EnvGraphURL: s.graphURL} {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("%s=%q is not an http(s) address", name, raw)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return fmt.Errorf("%s must be an https:// address unless it points at this computer: tokens and the App secret would cross the network unencrypted", name)
		}
		s.log.Warn("talking to another Facebook than facebook.com", "variable", name, "url", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Start runs the engine until Close.
func (s *Service) Start(ctx context.Context) error { return s.Engine.Start(ctx) }

// Close stops the engine and closes everything the service opened.
func (s *Service) Close() error {
	if s.Engine != nil {
		s.Engine.Stop()
	}
	if s.fake != nil {
		s.fake.Close()
	}
	if !s.ownDB {
		return nil
	}
	return s.DB.Close()
}

// AssistedShareURL opens Facebook's own share dialog for a video, where
// the person picks the group.
func (s *Service) AssistedShareURL(videoURL string) string {
	return s.graph.AssistedShareURL(videoURL)
}

// KeychainProblem checks the keychain with a probe value, once per
// process; nil when it works. Without a keychain LiveRoute keeps no secret
// at all (there is no plaintext fallback), so the window and the tray show
// this and how to fix it (then restart LiveRoute).
func (s *Service) KeychainProblem() error {
	s.keychainOnce.Do(func() {
		if k, ok := s.Secrets.(store.Keychain); ok { // the demo keeps its fake tokens in memory
			s.keychainProblem = k.Check()
		}
	})
	return s.keychainProblem
}

// Fake is the demo's fake Facebook; nil outside the demo.
func (s *Service) Fake() *fakefb.Server { return s.fake }

// Binder binds logins to this profile.
func (s *Service) Binder() account.Binder {
	settings, _ := s.DB.Settings()
	return account.Binder{Graph: s.graph, DB: s.DB, Secrets: s.Secrets, AppID: settings.AppID}
}

// ConnectRequest is one "connect my account" as the wizard or the CLI asks it.
type ConnectRequest struct {
	AppID, ConfigID string
	Secret          fbclient.Token // empty: reuse the secret saved for AppID
	Transport       string         // store.TransportLoopback, TransportPaste or TransportRedirectPage
	RelayURL        string
	Rerequest       bool // ask again for declined permissions and new Pages ("Add Pages…")
	// Port is the loopback redirect URI's port (loopback and relay); 0
	// keeps the saved one. A login that works remembers it.
	Port int
	// PKCE opts in to PKCE for this login and the next ones. Facebook drops
	// the challenge outside OpenID Connect and then refuses the login, so it
	// is off unless the person turns it on.
	PKCE bool
	// Paste, for paste-back, shows the person the login address and returns
	// the address they landed on. problem is why the last paste was refused
	// (nil the first time): the person may paste again.
	Paste func(ctx context.Context, loginURL string, problem error) (string, error)
	// Progress hears each step, for a wizard's progress line.
	Progress func(fbclient.LoginStep)
	// OnLoginURL hears the login dialog's address as the login starts, to
	// offer it again if the browser did not open, and the sentence naming
	// the redirect URI to register if Facebook's dialog says "URL blocked"
	// (Facebook never comes back then, so say it up front).
	OnLoginURL func(loginURL, urlBlockedHint string)
}

// Connect logs in through Facebook's dialog with the person's own Meta
// app, binds the result (account, Pages, tokens) and rebinds the engine so
// every route resumes in place.
func (s *Service) Connect(ctx context.Context, req ConnectRequest) (account.Result, error) {
	settings, err := s.DB.Settings()
	if err != nil {
		return account.Result{}, err
	}
	secret := req.Secret
	if secret.IsZero() {
		saved, err := s.Secrets.Get(store.AppSecretKey(req.AppID))
		if err != nil {
			if errors.Is(err, store.ErrSecretNotFound) {
				return account.Result{}, fmt.Errorf("paste the App secret of app %s: LiveRoute has none saved for it", req.AppID)
			}
			return account.Result{}, err
		}
		secret = fbclient.Token(saved)
	}
	// Every face checks the form first; the use case is the last word.
	if err := fbclient.CheckAppSecretForm(secret.Reveal()); err != nil {
		return account.Result{}, err
	}
	next := settings
	next.AppID, next.ConfigID, next.Transport, next.RelayURL, next.PKCE = req.AppID, req.ConfigID, req.Transport, req.RelayURL, req.PKCE
	if req.Port != 0 {
		next.LoopbackPort = req.Port
	}
	if err := store.ValidateSettings(next); err != nil {
		return account.Result{}, err
	}
	client := fbclient.New(s.clientConfig(next, secret))
	if err := client.VerifyApp(ctx); err != nil {
		return account.Result{}, err
	}

	opts := fbclient.DefaultLoginOptions(transportOf(req.Transport))
	opts.ConfigID, opts.RedirectPageURL, opts.Rerequest = req.ConfigID, req.RelayURL, req.Rerequest
	opts.PKCE, opts.Port = next.PKCE, next.LoginPort()
	s.registerDemoRedirect(req.AppID, opts.Port)
	opts.Progress = req.Progress
	if s.opts.OpenBrowser != nil {
		opts.OpenBrowser = s.opts.OpenBrowser
	}
	session, err := client.StartLogin(ctx, opts)
	if err != nil {
		return account.Result{}, err
	}
	defer session.Close()
	if req.OnLoginURL != nil {
		req.OnLoginURL(session.AuthURL(), session.URLBlockedHint())
	}
	var login fbclient.LoginResult
	if opts.Transport == fbclient.PasteBack {
		if req.Paste == nil {
			return account.Result{}, errors.New("paste-back needs a way to ask for the pasted address")
		}
		var problem error
		for {
			address, err := req.Paste(ctx, session.AuthURL(), problem)
			if err != nil {
				return account.Result{}, err
			}
			login, err = session.Paste(ctx, address)
			// A wrong paste changes nothing: the person may paste again.
			if errors.Is(err, fbclient.ErrBadPaste) || errors.Is(err, fbclient.ErrStateMismatch) {
				problem = err
				continue
			}
			if err != nil {
				return account.Result{}, err
			}
			break
		}
	} else {
		if err := session.Open(); err != nil {
			s.log.Warn("could not open the browser", "err", err)
		}
		login, err = session.Wait(ctx)
		if err != nil {
			return account.Result{}, err
		}
	}

	// The login worked: keep the app's settings and secret, then bind.
	if err := s.Secrets.Set(store.AppSecretKey(req.AppID), secret.Reveal()); err != nil {
		return account.Result{}, fmt.Errorf("save the App secret: %w", err)
	}
	if err := s.DB.PutSettings(next); err != nil {
		return account.Result{}, err
	}
	s.graph.set(client)
	binder := account.Binder{Graph: s.graph, DB: s.DB, Secrets: s.Secrets, AppID: req.AppID}
	res, err := binder.Connect(ctx, login.UserToken, login.Declined)
	if err != nil {
		return account.Result{}, err
	}
	if err := s.Engine.Rebind(ctx); err != nil {
		s.log.Warn("rebind after connect", "err", err)
	}
	return res, nil
}

// Disconnect forgets the connection — every token in the keychain — and
// tells the engine; routes, Pages and groups are kept for the next Connect.
func (s *Service) Disconnect(ctx context.Context) error {
	if err := s.Binder().Disconnect(); err != nil {
		return err
	}
	return s.Engine.Rebind(ctx)
}

// AddPage adds a Page missing from the login's list, by ID or username.
func (s *Service) AddPage(ctx context.Context, ref string) (store.Destination, error) {
	d, err := s.Binder().AddPage(ctx, ref)
	if err != nil {
		return d, err
	}
	// Rebind, not just reload: the engine caches tokens, and this Page's
	// token is new.
	if err := s.Engine.Rebind(ctx); err != nil {
		s.log.Warn("rebind after adding a Page", "err", err)
	}
	return d, nil
}

// newClient builds the Facebook client of the stored settings; with no app
// configured yet it is one that can only fail with a clear error.
func (s *Service) newClient() (*fbclient.Client, error) {
	settings, err := s.DB.Settings()
	if err != nil {
		return nil, err
	}
	var secret fbclient.Token
	if settings.AppID != "" {
		v, err := s.Secrets.Get(store.AppSecretKey(settings.AppID))
		switch {
		case errors.Is(err, store.ErrSecretNotFound):
			s.log.Warn("the App secret is not in the keychain; reconnect to give it again", "app_id", settings.AppID)
		case err != nil:
			// The window says what is wrong (KeychainProblem); the app
			// still opens, with routes and history readable.
			s.log.Error("read the App secret", "err", err)
		}
		secret = fbclient.Token(v)
	}
	return fbclient.New(s.clientConfig(settings, secret)), nil
}

func (s *Service) clientConfig(settings store.Settings, secret fbclient.Token) fbclient.Config {
	return fbclient.Config{
		GraphURL:    s.graphURL,
		FacebookURL: s.facebookURL,
		Version:     settings.APIVersion,
		AppID:       settings.AppID,
		AppSecret:   secret,
		HTTPClient:  nil,
		Now:         time.Now,
	}
}

func transportOf(name string) fbclient.Transport {
	switch name {
	case store.TransportPaste:
		return fbclient.PasteBack
	case store.TransportRedirectPage:
		return fbclient.RedirectPage
	}
	return fbclient.Loopback
}

// PurgeSecrets deletes every keychain secret of the profile at paths: the
// App secret, the user token and every Page token. `uninstall --purge`
// calls it while LiveRoute is not running.
func PurgeSecrets(paths store.Paths) error {
	db, err := store.Open(paths.DatabaseFile(), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	acct, _, err := db.Account()
	if err != nil {
		return err
	}
	settings, err := db.Settings()
	if err != nil {
		return err
	}
	dests, err := db.Destinations()
	if err != nil {
		return err
	}
	var pageIDs []string
	for _, d := range dests {
		if d.Kind == store.KindPage {
			pageIDs = append(pageIDs, d.ID)
		}
	}
	appID := settings.AppID
	if appID == "" {
		appID = acct.AppID
	}
	k := store.Keychain{Service: paths.KeychainService()}
	if err := k.DeleteAccountSecrets(appID, acct.UserID, pageIDs); err != nil {
		return err
	}
	// And whatever else the profile ever kept: earlier Meta apps' secrets,
	// a probe left by an interrupted check.
	return k.DeleteAll()
}
