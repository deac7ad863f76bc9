package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestSettingsDefaultUntilPut(t *testing.T) {
	db := openTest(t, newClock())
	s, err := db.Settings()
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	if s != want || s.PollInterval != 30*time.Second || s.APIVersion != "v27.0" || s.PKCE || !s.Notifications || s.LoginPort() != 28761 {
		t.Fatalf("fresh settings = %+v, want the defaults %+v", s, want)
	}
	s.PollInterval, s.Autostart, s.AppID = time.Minute, true, "1234567890"
	if err := db.PutSettings(s); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Settings(); got != s {
		t.Errorf("settings = %+v, want %+v", got, s)
	}
}

func TestPutSettingsRefusesBadValuesAndWritesNothing(t *testing.T) {
	db := openTest(t, newClock())
	with := func(edit func(*Settings)) Settings { s := DefaultSettings(); edit(&s); return s }
	cases := []struct {
		name string
		s    Settings
		want string
	}{
		{"poll too fast", with(func(s *Settings) { s.PollInterval = 4 * time.Second }), "poll interval"},
		{"poll too slow", with(func(s *Settings) { s.PollInterval = 2 * time.Hour }), "poll interval"},
		{"bad API version", with(func(s *Settings) { s.APIVersion = "27" }), "like v27.0"},
		{"bad App ID", with(func(s *Settings) { s.AppID = "my-app" }), ErrAppIDFormat.Error()},
		{"bad Configuration ID", with(func(s *Settings) { s.ConfigID = "x1" }), ErrConfigIDFormat.Error()},
		{"port below 1024", with(func(s *Settings) { s.LoopbackPort = 80 }), "from 1024 to 65535"},
		{"port above 65535", with(func(s *Settings) { s.LoopbackPort = 70000 }), "from 1024 to 65535"},
		{"unknown transport", with(func(s *Settings) { s.Transport = "carrier-pigeon" }), "login transport"},
		{"relay without address", with(func(s *Settings) { s.Transport = TransportRedirectPage }), "relay page's address"},
		{"relay over http", with(func(s *Settings) { s.Transport, s.RelayURL = TransportRedirectPage, "http://relay.example" }), "https://"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.PutSettings(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "my-app") {
				t.Fatalf("PutSettings: %v, want an error saying %q", err, tc.want)
			}
			if got, _ := db.Settings(); got != DefaultSettings() {
				t.Errorf("refused settings were written: %+v", got)
			}
		})
	}
}

func TestUpgradeReadsTheOldPKCEDefaultAsOff(t *testing.T) {
	db := openTest(t, newClock())
	// What earlier versions saved: PKCE on as their default, no port.
	old := map[string]any{"poll_interval": int64(15 * time.Second), "api_version": "v27.0", "pkce": true,
		"notifications": true, "transport": "loopback"}
	if err := db.update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketSettings), keySettings, old) }); err != nil {
		t.Fatal(err)
	}
	s, err := db.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if s.PKCE || s.LoginPort() != DefaultLoopbackPort {
		t.Fatalf("upgraded settings %+v: want PKCE off and the default port", s)
	}
}

func TestPKCEOptInAndChosenPortAreRemembered(t *testing.T) {
	db := openTest(t, newClock())
	s := DefaultSettings()
	s.PKCE, s.LoopbackPort = true, 40123
	if err := db.PutSettings(s); err != nil {
		t.Fatal(err)
	}
	got, err := db.Settings()
	if err != nil || !got.PKCE || got.LoginPort() != 40123 {
		t.Fatalf("settings = %+v, %v; want the opt-in and port 40123", got, err)
	}
}

func TestZeroPortMeansTheDefault(t *testing.T) {
	if got := (Settings{}).LoginPort(); got != DefaultLoopbackPort {
		t.Fatalf("LoginPort of an imported file without a port = %d, want %d", got, DefaultLoopbackPort)
	}
}

// TestARedirectPageTransportIsStillStoredAsRelay: databases and exports
// written before the rename say "relay"; they must keep working.
func TestARedirectPageTransportIsStillStoredAsRelay(t *testing.T) {
	if TransportRedirectPage != "relay" {
		t.Fatalf("TransportRedirectPage = %q: older databases store \"relay\"", TransportRedirectPage)
	}
	s := DefaultSettings()
	s.Transport, s.RelayURL = "relay", "https://me.github.io/relay.html"
	if err := ValidateSettings(s); err != nil {
		t.Errorf("a stored relay transport is refused: %v", err)
	}
}

func TestIsDigitsIDIsOneToThirtyTwoDigits(t *testing.T) {
	for id, ok := range map[string]bool{"1": true, strings.Repeat("9", 32): true, strings.Repeat("9", 33): false,
		"": false, "12a": false, " 12": false, "١٢": false} {
		if IsDigitsID(id) != ok {
			t.Errorf("IsDigitsID(%q) = %v, want %v", id, !ok, ok)
		}
	}
}

// The relay page's address rule never repeats the address (it may carry
// a password) and says what is wrong with it.
func TestTheRelayAddressRuleNeverQuotesACredential(t *testing.T) {
	s := DefaultSettings()
	s.Transport, s.RelayURL = TransportRedirectPage, "https://user:hunter2@relay.example/x"
	err := ValidateSettings(s)
	if !errors.Is(err, ErrRelayURLUserInfo) || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "user name or password") {
		t.Errorf("ValidateSettings with a password in the relay address: %v", err)
	}
	for raw, want := range map[string]error{
		"":                              ErrRelayURLMissing,
		"http://relay.example/x":        ErrRelayURLNotHTTPS,
		"https://%zz:hunter2@relay/x":   ErrRelayURLNotHTTPS,
		"https://relay.example/x":       nil,
		"https://hunter2@relay.example": ErrRelayURLUserInfo,
		"https://me.github.io/r.html#x": ErrRelayURLFragment,
		"https://me.github.io/r.html#":  ErrRelayURLFragment,
	} {
		if err := CheckRelayURL(raw); !errors.Is(err, want) || err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("CheckRelayURL(%q) = %v, want %v", raw, err, want)
		}
	}
	for port, ok := range map[int]bool{0: false, 1023: false, 1024: true, 65535: true, 65536: false} {
		if err := CheckLoopbackPort(port); (err == nil) != ok {
			t.Errorf("CheckLoopbackPort(%d) = %v", port, err)
		}
	}
}

// The settings' sentences fit both faces: the window's wizard and
// Connection tab show them as the command line does, so none names a
// command (the command line adds its own pointer).
func TestSettingsSentencesNameNoCommand(t *testing.T) {
	for _, err := range []error{ErrRelayURLMissing, ErrRelayURLNotHTTPS, ErrRelayURLUserInfo, ErrRelayURLFragment,
		ErrPKCEWithConfiguration, ErrLoopbackPort} {
		if strings.Contains(err.Error(), "liveroute") || strings.Contains(err.Error(), "`") {
			t.Errorf("%q names a command", err)
		}
	}
}

// A Page's missing-access reasons are shown by the window (beside "Add
// Pages…") and the command line (`check`): they name no button and no
// command.
func TestPageAccessReasonsNameNoButtonOrCommand(t *testing.T) {
	for _, s := range []string{ReasonPageNotGranted, ReasonNoPageAccess, PagesDialogSentence} {
		if strings.Contains(s, "Add Pages") || strings.Contains(s, "press") || strings.Contains(s, "liveroute") {
			t.Errorf("%q names a button or a command", s)
		}
	}
}
