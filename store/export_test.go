package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestExportThenImportMovesRoutesDestinationsAndSettings(t *testing.T) {
	clock := newClock()
	from := openTest(t, clock)
	_ = from.PutAccount(Account{UserID: "100", Name: "Ana"})
	_ = from.PutDestination(Destination{ID: "p1", Name: "Church", Kind: KindPage, Status: StatusRoleLost})
	_ = from.PutDestination(Destination{ID: "g1", Name: "Youth", Kind: KindGroup})
	r := pageRoute("src", "p1")
	r.Targets = append(r.Targets, Target{DestinationID: "g1", Mode: ModeAssisted, Delay: 2 * time.Minute})
	r = mustRoute(t, from, r)
	s := DefaultSettings()
	s.AppID, s.PollInterval = "42", 20*time.Second
	_ = from.PutSettings(s)

	var file bytes.Buffer
	if err := from.Export(&file); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(file.String(), "Ana") || strings.Contains(file.String(), "role_lost") {
		t.Errorf("the export carries the account or this machine's destination health:\n%s", file.String())
	}

	to := openTest(t, clock)
	shown, err := to.ImportLoginChanges(bytes.NewReader(file.Bytes()))
	must(t, err)
	res, err := to.ImportWith(bytes.NewReader(file.Bytes()), ImportOptions{WithLoginSettings: true, Confirmed: shown})
	if err != nil {
		t.Fatal(err)
	}
	if res.Routes != 1 || res.Destinations != 2 || !res.Settings || len(res.LoginSettingsKept) != 0 ||
		len(res.LoginSettingsChanged) != 1 || res.LoginSettingsChanged[0] != (SettingChange{Name: "App ID", From: "", To: "42"}) {
		t.Errorf("ImportResult = %+v", res)
	}
	got, ok, _ := to.Route(r.ID)
	if !ok || len(got.Targets) != 2 || got.Targets[1].Delay != 2*time.Minute || !got.CreatedAt.Equal(r.CreatedAt) {
		t.Errorf("imported route = %+v, want %+v", got, r)
	}
	if gs, _ := to.Settings(); gs != s {
		t.Errorf("imported settings = %+v, want %+v", gs, s)
	}
	if _, ok, _ := to.Account(); ok {
		t.Error("an account came over in the export")
	}
}

func TestImportOfABadFileChangesNothing(t *testing.T) {
	db := openTest(t, newClock())
	existing := mustRoute(t, db, pageRoute("src", "p1"))
	valid := func(edit func(map[string]any)) string {
		f := map[string]any{
			"format": "liveroute-export", "version": 1,
			"destinations": []any{map[string]any{"id": "p9", "name": "New Page", "kind": "page"}},
			"routes": []any{map[string]any{"id": "new1", "source_id": "s2", "source_kind": "page", "enabled": true,
				"targets": []any{map[string]any{"destination_id": "p9", "mode": "post"}}}},
		}
		edit(f)
		raw, _ := json.Marshal(f)
		return string(raw)
	}
	cases := []struct {
		name, file, want string
	}{
		{"not JSON", "hello", "not a LiveRoute export"},
		{"another format", valid(func(f map[string]any) { f["format"] = "something-else" }), "not a LiveRoute export"},
		{"newer format", valid(func(f map[string]any) { f["version"] = 9 }), "newer LiveRoute"},
		{"bad settings", valid(func(f map[string]any) {
			f["settings"] = map[string]any{"poll_interval": 1, "api_version": "v27.0", "transport": "loopback"}
		}), "poll interval"},
		{"a bad route after a good destination", valid(func(f map[string]any) {
			f["routes"] = append(f["routes"].([]any), map[string]any{"id": "bad", "source_id": "", "source_kind": "page"})
		}), "choose the Page"},
		{"a token smuggled in", valid(func(f map[string]any) { f["access_token"] = "EAAB" }), "not a LiveRoute export"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Import(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import: %v, want an error saying %q", err, tc.want)
			}
			routes, _ := db.Routes()
			dests, _ := db.Destinations()
			if len(routes) != 1 || routes[0].ID != existing.ID || len(dests) != 0 {
				t.Errorf("a refused import changed the database: routes %+v, destinations %+v", routes, dests)
			}
		})
	}
	if res, err := db.Import(strings.NewReader(valid(func(map[string]any) {}))); err != nil || res.Routes != 1 {
		t.Errorf("the valid file was refused: %v", err)
	}
}

// exportWithLogin writes an export whose login settings all differ from a
// fresh install's, with a poll interval of 20 s.
func exportWithLogin(t *testing.T) []byte {
	t.Helper()
	from := openTest(t, newClock())
	s := DefaultSettings()
	s.AppID, s.ConfigID, s.Transport, s.RelayURL = "42", "77", TransportRedirectPage, "https://relay.example.org/liveroute"
	s.LoopbackPort, s.PollInterval, s.APIVersion = 30000, 20*time.Second, "v2.0"
	must(t, from.PutSettings(s))
	var file bytes.Buffer
	must(t, from.Export(&file))
	return file.Bytes()
}

func TestImportKeepsThisMachinesLoginSettingsAndSaysWhichItKept(t *testing.T) {
	to := openTest(t, newClock())
	mine := DefaultSettings()
	mine.AppID = "1001"
	must(t, to.PutSettings(mine))
	res, err := to.Import(bytes.NewReader(exportWithLogin(t)))
	must(t, err)
	got, _ := to.Settings()
	want := mine
	want.PollInterval = 20 * time.Second // not a login setting: taken
	if got != want {
		t.Errorf("settings after import = %+v, want %+v", got, want)
	}
	var kept []string
	for _, c := range res.LoginSettingsKept {
		kept = append(kept, c.Name)
	}
	if strings.Join(kept, ",") != "App ID,Configuration ID,login transport,relay page address,loopback port,Graph API version" || len(res.LoginSettingsChanged) != 0 {
		t.Errorf("kept %v, changed %+v", kept, res.LoginSettingsChanged)
	}
	if res.LoginSettingsKept[0] != (SettingChange{Name: "App ID", From: "1001", To: "42"}) {
		t.Errorf("kept App ID: %+v", res.LoginSettingsKept[0])
	}
}

func TestImportLoginChangesListsThemAndWritesNothing(t *testing.T) {
	to := openTest(t, newClock())
	changes, err := to.ImportLoginChanges(bytes.NewReader(exportWithLogin(t)))
	must(t, err)
	if len(changes) != 6 || changes[2] != (SettingChange{Name: "login transport", From: TransportLoopback, To: TransportRedirectPage}) {
		t.Errorf("changes = %+v", changes)
	}
	if got, _ := to.Settings(); got != DefaultSettings() {
		t.Errorf("a preview wrote settings: %+v", got)
	}
	if _, err := to.ImportLoginChanges(strings.NewReader("not an export")); err == nil {
		t.Error("a preview of a file that is not an export raised no error")
	}
}

func TestImportWithLoginSettingsTakesTheFiles(t *testing.T) {
	to := openTest(t, newClock())
	shown, err := to.ImportLoginChanges(bytes.NewReader(exportWithLogin(t)))
	must(t, err)
	_, err = to.ImportWith(bytes.NewReader(exportWithLogin(t)), ImportOptions{WithLoginSettings: true, Confirmed: shown})
	must(t, err)
	if got, _ := to.Settings(); got.AppID != "42" || got.Transport != TransportRedirectPage || got.APIVersion != "v2.0" || got.LoopbackPort != 30000 {
		t.Errorf("settings = %+v", got)
	}
}

// Taking a file's login settings binds to the changes the person saw:
// when this machine's settings moved in between (or none were shown), the
// import refuses and writes nothing.
func TestImportTakesOnlyTheLoginChangesThePersonSaw(t *testing.T) {
	to := openTest(t, newClock())
	file := exportWithLogin(t)
	shown, err := to.ImportLoginChanges(bytes.NewReader(file))
	must(t, err)
	moved := DefaultSettings()
	moved.AppID = "77" // another window, or the command line, between the question and the answer
	must(t, to.PutSettings(moved))

	for name, confirmed := range map[string][]SettingChange{"the changes shown before": shown, "none shown": nil} {
		_, err := to.ImportWith(bytes.NewReader(file), ImportOptions{WithLoginSettings: true, Confirmed: confirmed})
		if !errors.Is(err, ErrLoginChangesMoved) {
			t.Errorf("%s: %v, want ErrLoginChangesMoved", name, err)
		}
	}
	if got, _ := to.Settings(); got != moved {
		t.Errorf("a refused import wrote settings: %+v", got)
	}
	if routes, _ := to.Routes(); len(routes) != 0 {
		t.Errorf("a refused import wrote routes: %+v", routes)
	}
	// Shown again, the new changes are taken.
	again, err := to.ImportLoginChanges(bytes.NewReader(file))
	must(t, err)
	if _, err := to.ImportWith(bytes.NewReader(file), ImportOptions{WithLoginSettings: true, Confirmed: again}); err != nil {
		t.Errorf("the changes shown again: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A file with PKCE and a Configuration ID is refused, with or without
// its login settings taken (store.CheckPKCE, in ValidateSettings).
func TestImportRefusesPKCEWithAConfigurationID(t *testing.T) {
	to := openTest(t, newClock())
	file := []byte(`{"format":"liveroute-export","version":1,"exported_at":"2026-01-01T00:00:00Z",
		"settings":{"poll_interval":20000000000,"api_version":"v27.0","transport":"loopback","config_id":"77","pkce_opt_in":true},
		"destinations":[],"routes":[]}`)
	if _, err := to.ImportLoginChanges(bytes.NewReader(file)); !errors.Is(err, ErrPKCEWithConfiguration) {
		t.Errorf("the question about PKCE with a Configuration ID: %v, want ErrPKCEWithConfiguration", err)
	}
	_, err := to.ImportWith(bytes.NewReader(file), ImportOptions{WithLoginSettings: true})
	if !errors.Is(err, ErrPKCEWithConfiguration) {
		t.Errorf("import of PKCE with a Configuration ID: %v, want ErrPKCEWithConfiguration", err)
	}
	if got, _ := to.Settings(); got != DefaultSettings() {
		t.Errorf("a refused import wrote settings: %+v", got)
	}
}

func TestCheckPKCEWithAConfigurationID(t *testing.T) {
	if err := CheckPKCE(true, " 123 "); !errors.Is(err, ErrPKCEWithConfiguration) {
		t.Errorf("PKCE with a Configuration ID: %v", err)
	}
	for _, c := range []struct {
		pkce   bool
		config string
	}{{true, ""}, {true, "  "}, {false, "123"}, {false, ""}} {
		if err := CheckPKCE(c.pkce, c.config); err != nil {
			t.Errorf("CheckPKCE(%v, %q) = %v", c.pkce, c.config, err)
		}
	}
}

// A file's login settings that the import drops refuse nothing: without
// WithLoginSettings a bad App ID in the file is replaced by this
// machine's, and the rest is imported.
func TestImportWithoutLoginSettingsIgnoresTheFilesBadOnes(t *testing.T) {
	to := openTest(t, newClock())
	file := []byte(`{"format":"liveroute-export","version":1,"exported_at":"2026-01-01T00:00:00Z",
		"settings":{"poll_interval":20000000000,"api_version":"v27.0","transport":"loopback","app_id":"my-app"},
		"destinations":[],"routes":[]}`)
	if _, err := to.Import(bytes.NewReader(file)); err != nil {
		t.Fatalf("import keeping this machine's login settings: %v", err)
	}
	if got, _ := to.Settings(); got.AppID != "" || got.PollInterval != 20*time.Second {
		t.Errorf("settings after import: %+v; want this machine's App ID and the file's poll interval", got)
	}
	if _, err := to.ImportWith(bytes.NewReader(file), ImportOptions{WithLoginSettings: true}); !errors.Is(err, ErrAppIDFormat) {
		t.Errorf("taking the file's bad App ID: %v, want ErrAppIDFormat", err)
	}
}

// A file over the size limit is named as such, not as a cut-off JSON.
func TestImportOfAFileOverTheLimitSaysSo(t *testing.T) {
	to := openTest(t, newClock())
	big := `{"format":"liveroute-export","version":1,"routes":[],"destinations":[],"x":"` + strings.Repeat("a", maxImportSize) + `"}`
	_, err := to.Import(strings.NewReader(big))
	if !errors.Is(err, ErrExportTooLarge) || !strings.Contains(err.Error(), "16 MiB") {
		t.Errorf("import of a file over 16 MiB: %v", err)
	}
}
