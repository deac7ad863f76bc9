package store

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Settings are the app's preferences. The App secret is not here: it lives
// in the keychain under AppSecretKey(AppID).
type Settings struct {
	PollInterval   time.Duration `json:"poll_interval"`
	APIVersion     string        `json:"api_version"`
	PKCE           bool          `json:"pkce"`
	Autostart      bool          `json:"autostart"`
	StartMinimised bool          `json:"start_minimised"`
	Notifications  bool          `json:"notifications"`
	ShareReplay    bool          `json:"share_replay"`
	AppID          string        `json:"app_id,omitempty"`
	ConfigID       string        `json:"config_id,omitempty"`
	Transport      string        `json:"transport"` // TransportLoopback, TransportPaste or TransportRelay
	RelayURL       string        `json:"relay_url,omitempty"`
}

// The login transports (see META_APP_SETUP): a loopback redirect, pasting
// the final address back, or an HTTPS relay for a published Meta app.
const (
	TransportLoopback = "loopback"
	TransportPaste    = "paste"
	TransportRelay    = "relay"
)

// The bounds of Settings.PollInterval: faster would spend the rate limit,
// slower would share a live long after it started.
const (
	MinPollInterval = 5 * time.Second
	MaxPollInterval = time.Hour
)

var (
	keySettings  = []byte("settings")
	apiVersionRE = regexp.MustCompile(`^v[1-9][0-9]?\.[0-9]$`)
	digitsOnlyRE = regexp.MustCompile(`^[0-9]{1,32}$`)
)

// DefaultSettings are the settings of a fresh install.
func DefaultSettings() Settings {
	return Settings{
		PollInterval:  30 * time.Second, // 120 polls an hour: 60 % of a Page's budget (200/h), the rest for shares
		APIVersion:    "v27.0",
		PKCE:          true,
		Notifications: true,
		Transport:     TransportLoopback,
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
	if s.AppID != "" && !digitsOnlyRE.MatchString(s.AppID) {
		return fmt.Errorf("the App ID %q is not valid: copy the number from your Meta app's dashboard", s.AppID)
	}
	if s.ConfigID != "" && !digitsOnlyRE.MatchString(s.ConfigID) {
		return fmt.Errorf("the Configuration ID %q is not valid: copy the number from Facebook Login for Business, Configurations", s.ConfigID)
	}
	switch s.Transport {
	case TransportLoopback, TransportPaste:
	case TransportRelay:
		u, err := url.Parse(s.RelayURL)
		if s.RelayURL == "" {
			return errors.New("the relay transport needs the relay's address (https://…)")
		}
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return fmt.Errorf("the relay address %q is not valid: it must be an https:// address", s.RelayURL)
		}
	default:
		return fmt.Errorf("the login transport %q is not valid; it must be %q, %q or %q", s.Transport, TransportLoopback, TransportPaste, TransportRelay)
	}
	return nil
}
