package store

import (
	"strings"
	"testing"
	"time"
)

func TestSettingsDefaultUntilPut(t *testing.T) {
	db := openTest(t, newClock())
	s, err := db.Settings()
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	if s != want || s.PollInterval != 30*time.Second || s.APIVersion != "v27.0" || !s.PKCE || !s.Notifications {
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
		{"bad App ID", with(func(s *Settings) { s.AppID = "my-app" }), "App ID"},
		{"bad Configuration ID", with(func(s *Settings) { s.ConfigID = "x1" }), "Configuration ID"},
		{"unknown transport", with(func(s *Settings) { s.Transport = "carrier-pigeon" }), "login transport"},
		{"relay without address", with(func(s *Settings) { s.Transport = TransportRelay }), "relay's address"},
		{"relay over http", with(func(s *Settings) { s.Transport, s.RelayURL = TransportRelay, "http://relay.example" }), "https://"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.PutSettings(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("PutSettings: %v, want an error saying %q", err, tc.want)
			}
			if got, _ := db.Settings(); got != DefaultSettings() {
				t.Errorf("refused settings were written: %+v", got)
			}
		})
	}
}
