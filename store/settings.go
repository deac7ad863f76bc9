package store

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Settings are the app's preferences. The App secret is not here: it lives
// in the keychain under AppSecretKey(AppID).
type Settings struct {
	PollInterval time.Duration `json:"poll_interval"`
	APIVersion   string        `json:"api_version"`
	// PKCE is the person's opt-in to PKCE for a login that is not OIDC.
	// Its JSON name is new on purpose: older versions saved "pkce": true as
	// their default, and Facebook refuses that login, so an upgrade must
	// read it as off unless the person turns it on again.
	PKCE bool `json:"pkce_opt_in,omitempty"`
	// LoopbackPort is the port of the loopback redirect URI
	// http://localhost:PORT/callback, registered in the Meta app; 0 means
	// DefaultLoopbackPort.
	LoopbackPort   int    `json:"loopback_port,omitempty"`
	Autostart      bool   `json:"autostart"`
	StartMinimised bool   `json:"start_minimised"`
	Notifications  bool   `json:"notifications"`
	ShareReplay    bool   `json:"share_replay"`
	AppID          string `json:"app_id,omitempty"`
	ConfigID       string `json:"config_id,omitempty"`
	Transport      string `json:"transport"` // TransportLoopback, TransportPaste or TransportRedirectPage
	// RelayURL is the redirect page's address (TransportRedirectPage).
	// The field keeps its name while package app uses it.
	RelayURL string `json:"relay_url,omitempty"`
}

// The login transports (see META_APP_SETUP): a loopback redirect, pasting
// the final address back, or an HTTPS redirect page for a published Meta
// app. The values are stored and exported: never change one.
const (
	TransportLoopback = "loopback"
	TransportPaste    = "paste"
	// TransportRedirectPage is the HTTPS redirect page the person hosts
	// (fbclient/redirectpage; "relay page" on screen). Its stored value
	// is still "relay", so older databases and exports keep working.
	TransportRedirectPage = "relay"
)

// DefaultLoopbackPort is the loopback redirect URI's port of a fresh
// install (fbclient.DefaultLoopbackPort; store does not import fbclient).
const DefaultLoopbackPort = 28761

// The ports a person may choose for the loopback redirect: below 1024 a
// port needs the administrator.
const (
	MinLoopbackPort = 1024
	MaxLoopbackPort = 65535
)

// LoginPort is the loopback redirect URI's port: the chosen one, or the
// default.
func (s Settings) LoginPort() int {
	if s.LoopbackPort == 0 {
		return DefaultLoopbackPort
	}
	return s.LoopbackPort
}

// The bounds of Settings.PollInterval: faster would spend the rate limit,
// slower would share a live long after it started.
const (
	MinPollInterval = 5 * time.Second
	// DefaultPollInterval is 120 polls an hour: 60 % of a Page's budget
	// (4,800 calls a day, 200 an hour), the rest left for shares and checks.
	DefaultPollInterval = 30 * time.Second
	MaxPollInterval     = time.Hour
)

var (
	keySettings  = []byte("settings")
	apiVersionRE = regexp.MustCompile(`^v[1-9][0-9]?\.[0-9]$`)
	digitsOnlyRE = regexp.MustCompile(`^[0-9]{1,32}$`)
)

// IsDigitsID says whether id has the form of an ID Facebook gives as a
// number — an App ID, a Configuration ID, a Page's or a profile's: 1 to 32
// digits. Every face checks IDs with this one rule.
func IsDigitsID(id string) bool { return digitsOnlyRE.MatchString(id) }

// The sentences for an ID of the wrong form, the same in every face. They
// never quote what was typed: a secret pasted in the wrong field must not
// be repeated.
var (
	ErrAppIDFormat    = errors.New("the App ID is the number at the top of your app's dashboard (App settings → Basic)")
	ErrConfigIDFormat = errors.New("the Configuration ID is a number (Facebook Login for Business → Configurations); leave it empty for classic Facebook Login")
)

// CheckIDForms is the one rule for the IDs a login needs: an App ID and
// a Configuration ID (empty for classic Facebook Login) of IsDigitsID's
// form, each refused with its sentence.
func CheckIDForms(appID, configID string) error {
	if !IsDigitsID(appID) {
		return ErrAppIDFormat
	}
	if configID != "" && !IsDigitsID(configID) {
		return ErrConfigIDFormat
	}
	return nil
}

// DefaultSettings are the settings of a fresh install.
func DefaultSettings() Settings {
	return Settings{
		PollInterval:  DefaultPollInterval,
		APIVersion:    "v27.0",
		Notifications: true,
		Transport:     TransportLoopback,
		LoopbackPort:  DefaultLoopbackPort,
	}
}

// Settings returns the stored settings, or DefaultSettings when none are stored.
func (db *DB) Settings() (Settings, error) {
	s := DefaultSettings()
	err := db.view(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketSettings), keySettings, &s)
		return err
	})
	return s, err
}

// PutSettings validates and stores s; bad input returns a clear error and
// writes nothing.
func (db *DB) PutSettings(s Settings) error {
	if err := ValidateSettings(s); err != nil {
		return err
	}
	return db.update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketSettings), keySettings, s)
	})
}

// ValidateSettings returns a sentence naming the first bad setting, or nil.
func ValidateSettings(s Settings) error {
	if s.PollInterval < MinPollInterval || s.PollInterval > MaxPollInterval {
		return fmt.Errorf("the poll interval %s must be between %s and %s", s.PollInterval, MinPollInterval, MaxPollInterval)
	}
	if !apiVersionRE.MatchString(s.APIVersion) {
		return fmt.Errorf("the Graph API version %q is not valid; write it like v27.0", s.APIVersion)
	}
	if s.AppID != "" && !IsDigitsID(s.AppID) {
		return ErrAppIDFormat
	}
	if s.ConfigID != "" && !IsDigitsID(s.ConfigID) {
		return ErrConfigIDFormat
	}
	if err := CheckPKCE(s.PKCE, s.ConfigID); err != nil {
		return err
	}
	if s.LoopbackPort != 0 {
		if err := CheckLoopbackPort(s.LoopbackPort); err != nil {
			return err
		}
	}
	switch s.Transport {
	case TransportLoopback, TransportPaste:
	case TransportRedirectPage:
		if err := CheckRelayURL(s.RelayURL); err != nil {
			return err
		}
	default:
		return fmt.Errorf("the login transport %q is not valid; it must be %q, %q or %q", s.Transport, TransportLoopback, TransportPaste, TransportRedirectPage)
	}
	return nil
}

// ErrPKCEWithConfiguration: PKCE was asked for with a Configuration ID.
var ErrPKCEWithConfiguration = errors.New("PKCE works only with classic Facebook Login, without a Configuration ID: " +
	"with one, Facebook never uses OpenID Connect, drops PKCE and refuses the login; turn PKCE off or clear the Configuration ID")

// CheckPKCE is the one rule for PKCE with a Configuration ID: a Facebook
// Login for Business login is never OpenID Connect, so Facebook would drop
// the challenge and refuse the login. ValidateSettings applies it to every
// stored or imported setting; the CLI's connect and the connect form ask it
// first.
func CheckPKCE(pkce bool, configID string) error {
	if pkce && strings.TrimSpace(configID) != "" {
		return ErrPKCEWithConfiguration
	}
	return nil
}

// ErrLoopbackPort: the port chosen for the loopback redirect is outside
// MinLoopbackPort–MaxLoopbackPort (or not a number).
var ErrLoopbackPort = fmt.Errorf("the port for Facebook's answer must be a number from %d to %d (the default is %d), "+
	"the port of the http://localhost:PORT/callback address registered in your Meta app", MinLoopbackPort, MaxLoopbackPort, DefaultLoopbackPort)

// CheckLoopbackPort is the one rule for a chosen loopback port: the
// settings, the CLI's --port and the connect form's port ask it.
func CheckLoopbackPort(port int) error {
	if port < MinLoopbackPort || port > MaxLoopbackPort {
		return ErrLoopbackPort
	}
	return nil
}

// The relay page's address mistakes. None quotes the address: it may
// carry a password. None names a command or a button: each face adds its
// own way to get the page.
var (
	ErrRelayURLMissing  = errors.New("the relay transport needs the relay page's address: the https://… address where you host LiveRoute's relay page")
	ErrRelayURLNotHTTPS = errors.New("the relay page's address must be an https:// address with a host, as Facebook requires for a published app")
	ErrRelayURLUserInfo = errors.New("the relay page's address must not contain a user name or password: Facebook sends the login's answer there, and the address is stored and shown")
	ErrRelayURLFragment = errors.New("the relay page's address must not end in a #fragment: Facebook puts the login's answer after the address and refuses a redirect address with one")
)

// CheckRelayURL is the one rule for the relay page's address: the
// settings, the CLI's --via relay=URL and the connect form ask it.
func CheckRelayURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return ErrRelayURLMissing
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "":
		return ErrRelayURLNotHTTPS // url's error quotes the address
	case u.User != nil:
		return ErrRelayURLUserInfo
	case u.Fragment != "" || strings.HasSuffix(raw, "#"):
		return ErrRelayURLFragment
	}
	return nil
}
