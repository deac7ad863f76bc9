// Package fbclient talks to Facebook: Facebook Login for a desktop app and a
// typed Graph API client. It knows nothing of storage or the UI.
package fbclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults for a Config's zero fields.
const (
	DefaultGraphURL    = "https://graph.facebook.com"
	DefaultFacebookURL = "https://www.facebook.com"
	DefaultVersion     = "v27.0"
)

// Environment variables that point LiveRoute at another Facebook (fakefb).
const (
	EnvFacebookURL = "LIVEROUTE_FACEBOOK_URL"
	EnvGraphURL    = "LIVEROUTE_GRAPH_URL"
)

// Config says which Facebook to talk to and as which Meta app.
// The zero value of every field means the real Facebook's default.
type Config struct {
	GraphURL    string // Graph API base, without version
	FacebookURL string // www base: login dialog, share dialog
	Version     string // Graph API version, e.g. "v27.0"
	AppID       string
	AppSecret   Token
	HTTPClient  *http.Client     // default: 30 s timeout
	Now         func() time.Time // default: time.Now
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.GraphURL == "" {
		c.GraphURL = DefaultGraphURL
	}
	if c.FacebookURL == "" {
		c.FacebookURL = DefaultFacebookURL
	}
	if c.Version == "" {
		c.Version = DefaultVersion
	}
	c.GraphURL = strings.TrimRight(c.GraphURL, "/")
	c.FacebookURL = strings.TrimRight(c.FacebookURL, "/")
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Client calls the Graph API as one Meta app. It is safe for concurrent use.
type Client struct {
	cfg Config

	mu    sync.Mutex
	usage Usage // merged from the usage headers of recent answers

	refusedLive refusedEdges // sources whose live_videos edge Facebook refused
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	return &Client{cfg: cfg.withDefaults()}
}

// Config returns the client's configuration with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// String names the client's app and Facebook for logs, without its secret.
// It is needed: fmt prints the unexported cfg field by reflection and
// cannot call Token's Format there, so the default would show the secret.
func (c *Client) String() string {
	if c == nil {
		return "fbclient.Client(nil)"
	}
	return fmt.Sprintf("fbclient.Client{app %s, graph %s, www %s, %s}", c.cfg.AppID, c.cfg.GraphURL, c.cfg.FacebookURL, c.cfg.Version)
}

// GoString is String for %#v, which would otherwise show the secret too.
func (c *Client) GoString() string { return c.String() }

// ErrSecretFormat: what was typed cannot be an App secret.
var ErrSecretFormat = errors.New("that does not look like an App secret (32 letters and digits): copy it again from App settings → Basic")

// CheckAppSecretForm says whether secret has the form of an App secret
// (Meta shows 32 hex digits; 16 to 64 characters without blanks is
// accepted): ErrSecretFormat if not. The error never quotes the secret.
func CheckAppSecretForm(secret string) error {
	if len(secret) < 16 || len(secret) > 64 || strings.ContainsAny(secret, " \t") {
		return ErrSecretFormat
	}
	return nil
}
