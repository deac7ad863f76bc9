// Package fakefb is a fake Facebook for tests and --demo: a real net/http
// server that speaks the documented wire formats of Facebook Login (the
// dialog, code and token exchange) and of the Graph API, with switches for
// the faults the real one shows (latency, dead tokens, rate limits, dropped
// connections). One server plays both www.facebook.com and
// graph.facebook.com; point fbclient's FacebookURL and GraphURL at its URL.
package fakefb

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value is a server on a random
// loopback port with the wall clock.
type Options struct {
	Addr string           // listen address; default "127.0.0.1:0"
	Now  func() time.Time // the fake's clock for expiry and rate windows
}

// Server is a running fake Facebook. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL (scheme://host:port) of both the www and Graph sides.
	URL string

	ln   net.Listener
	http *http.Server
	mux  *http.ServeMux
	now  func() time.Time

	mu     sync.Mutex
	apps   map[string]*App
	users  map[string]*User
	pages  map[string]*Page
	tokens map[string]*TokenRecord
	nextID int
	graph  graphState // owned by graph*.go
	login  loginState // owned by login*.go
}

// New starts a fake Facebook.
func New(opts Options) (*Server, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fakefb: listen: %w", err)
	}
	s := &Server{
		URL:    "http://" + ln.Addr().String(),
		ln:     ln,
		mux:    http.NewServeMux(),
		now:    now,
		apps:   map[string]*App{},
		users:  map[string]*User{},
		pages:  map[string]*Page{},
		tokens: map[string]*TokenRecord{},
		nextID: 100000000000001,
	}
	s.registerGraph()
	s.registerLogin()
	s.http = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("fakefb: serve: %v", err))
		}
	}()
	return s, nil
}

// Close stops the server and closes every connection. It returns once every
// Graph handler has ended, so no goroutine of the fake outlives it.
func (s *Server) Close() error {
	s.stopGraph()
	err := s.http.Close()
	s.graph.inflight.Wait()
	return err
}

// Now is the fake's current time.
func (s *Server) Now() time.Time { return s.now() }

// AppMode is a Meta app's mode.
type AppMode int

// A Development app accepts registered http://localhost redirects and shows what it
// posts only to role holders; a Live one needs HTTPS redirects.
const (
	Development AppMode = iota
	Live
)

// App is a Meta app as its owner configured it.
type App struct {
	ID, Secret, Name string
	Mode             AppMode
	RequireProof     bool                // "Require App Secret": calls without appsecret_proof are refused
	Configs          map[string][]string // Facebook Login for Business: config_id → permissions
	RedirectURIs     []string            // Valid OAuth Redirect URIs, matched exactly (Strict Mode)
}

// User is a Facebook account.
type User struct {
	ID, Name string
}

// Page is a Facebook Page. Roles maps a user ID to that user's tasks on it.
// Username is the name in its facebook.com address (facebook.com/DemoChoir);
// the Graph API takes it in place of the ID. Empty: the Page has none.
type Page struct {
	ID, Name, Category string
	Username           string
	Roles              map[string][]string
}

// TokenKind says what an access token stands for.
type TokenKind string

// Token kinds, as debug_token names them.
const (
	UserToken TokenKind = "USER"
	PageToken TokenKind = "PAGE"
	AppToken  TokenKind = "APP"
)

// TokenRecord is what the fake knows of an access token it issued.
type TokenRecord struct {
	Value          string
	Kind           TokenKind
	AppID          string
	UserID         string
	PageID         string // for page tokens
	Scopes         []string
	IssuedAt       time.Time
	ExpiresAt      time.Time // zero: never
	DataAccessEnds time.Time // zero: never
	LongLived      bool
	InvalidSubcode int  // with Invalid: the error_subcode calls get (0: none)
	Invalid        bool // revoked, logged out, password changed …
	// GrantedPages lists the Pages the person granted the app at login
	// (Facebook asks which Pages); nil means every Page they hold a role on.
	// me/accounts and Page lookups show only these.
	GrantedPages []string
}

// AddApp registers a Meta app, replacing one with the same ID.
func (s *Server) AddApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := a
	s.apps[a.ID] = &cp
}

// app returns a copy of the registered app id.
func (s *Server) app(id string) (App, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		return App{}, false
	}
	return *a, true
}

// SetAppMode switches an app between Development and Live.
func (s *Server) SetAppMode(appID string, mode AppMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.Mode = mode
	}
}

// AddUser registers a Facebook account.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := u
	s.users[u.ID] = &cp
}

// AddPage registers a Page with adminID holding tasks on it (all tasks when none are given).
func (s *Server) AddPage(p Page, adminID string, tasks ...string) {
	if len(tasks) == 0 {
		tasks = []string{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := p
	if cp.Roles == nil {
		cp.Roles = map[string][]string{}
	}
	if adminID != "" {
		cp.Roles[adminID] = append([]string(nil), tasks...)
	}
	s.pages[p.ID] = &cp
}

// NewID returns a fresh numeric object ID, as Facebook's look.
func (s *Server) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked()
}

func (s *Server) newIDLocked() string {
	s.nextID++
	return fmt.Sprint(s.nextID)
}

// MintUserToken issues a user access token for appID and userID with scopes,
// living ttl (0: never expires). Long-lived tokens carry a 90-day data
// access window as Facebook's do.
func (s *Server) MintUserToken(appID, userID string, scopes []string, ttl time.Duration, longLived bool) *TokenRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mintLocked(TokenRecord{Kind: UserToken, AppID: appID, UserID: userID, Scopes: scopes, LongLived: longLived}, ttl)
}

// MintPageToken issues a Page access token on behalf of userID. Derived from
// a long-lived user token it has no scheduled expiry (ttl 0).
func (s *Server) MintPageToken(appID, userID, pageID string, scopes []string, ttl time.Duration) *TokenRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mintLocked(TokenRecord{Kind: PageToken, AppID: appID, UserID: userID, PageID: pageID, Scopes: scopes, LongLived: true}, ttl)
}

func (s *Server) mintLocked(rec TokenRecord, ttl time.Duration) *TokenRecord {
	now := s.now()
	rec.Value = "EAA" + randomHex(40)
	rec.IssuedAt = now
	if ttl > 0 {
		rec.ExpiresAt = now.Add(ttl)
	}
	if rec.Kind == UserToken || rec.Kind == PageToken {
		rec.DataAccessEnds = now.Add(90 * 24 * time.Hour)
	}
	rec.Scopes = sortedCopy(rec.Scopes)
	cp := rec
	s.tokens[rec.Value] = &cp
	return &cp
}

// Token returns a copy of what the fake knows of an access token.
func (s *Server) Token(value string) (TokenRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.tokens[value]
	if !ok {
		return TokenRecord{}, false
	}
	return *rec, true
}

// InvalidateToken ends one token: later calls with it get error 190 with subcode.
func (s *Server) InvalidateToken(value string, subcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.tokens[value]; ok {
		rec.Invalid, rec.InvalidSubcode = true, subcode
	}
}

// InvalidateUser ends every token of userID (user and Page tokens), as a
// password change or removing the app does.
func (s *Server) InvalidateUser(userID string, subcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.tokens {
		if rec.UserID == userID {
			rec.Invalid, rec.InvalidSubcode = true, subcode
		}
	}
}

// ErrorBody is Facebook's error object.
type ErrorBody struct {
	Message        string `json:"message"`
	Type           string `json:"type"`
	Code           int    `json:"code"`
	ErrorSubcode   int    `json:"error_subcode,omitempty"`
	ErrorUserTitle string `json:"error_user_title,omitempty"`
	ErrorUserMsg   string `json:"error_user_msg,omitempty"`
	FBTraceID      string `json:"fbtrace_id"`
	IsTransient    bool   `json:"is_transient,omitempty"`
}

// checkToken finds an access token and says why it cannot be used, as the
// Graph API would (error code 190 with the subcode of its death).
func (s *Server) checkToken(value string) (*TokenRecord, *ErrorBody) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.tokens[value]
	switch {
	case value == "":
		return nil, &ErrorBody{Code: 104, Type: "OAuthException", Message: "An access token is required to request this resource."}
	case !ok:
		return nil, &ErrorBody{Code: 190, Type: "OAuthException", Message: "Invalid OAuth access token - Cannot parse access token"}
	case rec.Invalid:
		return rec, &ErrorBody{Code: 190, ErrorSubcode: rec.InvalidSubcode, Type: "OAuthException", Message: invalidMessage(rec.InvalidSubcode)}
	case !rec.ExpiresAt.IsZero() && !s.now().Before(rec.ExpiresAt):
		return rec, &ErrorBody{Code: 190, ErrorSubcode: 463, Type: "OAuthException",
			Message: fmt.Sprintf("Error validating access token: Session has expired on %s.", rec.ExpiresAt.UTC().Format(time.RFC1123))}
	}
	cp := *rec
	return &cp, nil
}

func invalidMessage(subcode int) string {
	switch subcode {
	case 458:
		return "Error validating access token: The user has not authorized application."
	case 459:
		return "Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given."
	case 460:
		return "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."
	case 464:
		return "Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user."
	case 492:
		return "Error validating access token: The user is not an administrator of the page."
	default:
		return "Error validating access token: The session is invalid because the user logged out."
	}
}

// pathVersion splits an optional "/vNN.N" prefix from a request path.
func pathVersion(p string) (version, rest string) {
	trimmed := strings.TrimPrefix(p, "/")
	first, after, _ := strings.Cut(trimmed, "/")
	if len(first) > 1 && first[0] == 'v' && strings.Contains(first, ".") {
		return first, "/" + after
	}
	return "", p
}

func randomHex(n int) string {
	b := make([]byte, n/2)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}
