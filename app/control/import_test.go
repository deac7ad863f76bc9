package control

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/store"
)

// exportFileWithAppID writes an export whose only login difference from a
// fresh install is the App ID.
func exportFileWithAppID(t *testing.T, appID string) string {
	t.Helper()
	src := newHarness(t, false)
	src.withDB(func(db *store.DB) {
		s := store.DefaultSettings()
		s.AppID = appID
		must(t, db.PutSettings(s))
	})
	file := filepath.Join(t.TempDir(), "export.json")
	src.ok("export", file)
	return file
}

func TestImportKeepsTheLoginSettingsAndSaysSo(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			file := exportFileWithAppID(t, "4242")
			h := newHarness(t, running)
			h.withDB(func(db *store.DB) {
				s := store.DefaultSettings()
				s.AppID = "1001"
				must(t, db.PutSettings(s))
			})
			out := h.ok("import", file)
			for _, want := range []string{"Kept this computer's login settings", "App ID: kept 1001 (the file has 4242)", "--with-login-settings"} {
				if !strings.Contains(out, want) {
					t.Errorf("import says:\n%s\nwant %q", out, want)
				}
			}
			h.withDB(func(db *store.DB) {
				if s, _ := db.Settings(); s.AppID != "1001" {
					t.Errorf("the import changed the App ID to %q", s.AppID)
				}
			})
			var res ImportData
			code, out, errOut := h.run("yes\n", "import", file, "--with-login-settings", "--json")
			if code != ExitOK || !strings.Contains(errOut, "App ID: 1001 → 4242") {
				t.Fatalf("import --with-login-settings, confirmed: exit %d, stderr %q", code, errOut)
			}
			must(t, json.Unmarshal([]byte(out), &res))
			if len(res.LoginSettingsChanged) != 1 || res.LoginSettingsChanged[0] != (SettingChange{Name: "App ID", From: "1001", To: "4242"}) {
				t.Errorf("import --with-login-settings answered %+v", res)
			}
			h.withDB(func(db *store.DB) {
				if s, _ := db.Settings(); s.AppID != "4242" {
					t.Errorf("--with-login-settings left the App ID %q", s.AppID)
				}
			})
		})
	}
}

func TestImportOfAFileWithTheSameLoginSettingsSaysNothingOfThem(t *testing.T) {
	file := exportFileWithAppID(t, "")
	h := newHarness(t, false)
	if out := h.ok("import", file); strings.Contains(out, "login settings") {
		t.Errorf("import says:\n%s", out)
	}
}

// --with-login-settings alone is not enough: the person sees the login
// settings the file would change and types yes, or nothing is imported.
func TestImportWithLoginSettingsShowsThemAndImportsNothingUnconfirmed(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			file := exportFileWithAppID(t, "4242")
			h := newHarness(t, running)
			h.withDB(func(db *store.DB) {
				s := store.DefaultSettings()
				s.AppID = "1001"
				must(t, db.PutSettings(s))
			})
			for _, answer := range []string{"", "no\n"} {
				code, out, errOut := h.run(answer, "import", file, "--with-login-settings")
				if code != ExitError || out != "" {
					t.Errorf("answer %q: exit %d, stdout %q; want exit %d and nothing imported", answer, code, out, ExitError)
				}
				for _, want := range []string{"App ID: 1001 → 4242", "Type yes", "nothing was imported"} {
					if !strings.Contains(errOut, want) {
						t.Errorf("answer %q: stderr %q, want %q", answer, errOut, want)
					}
				}
			}
			h.withDB(func(db *store.DB) {
				if s, _ := db.Settings(); s.AppID != "1001" {
					t.Errorf("an unconfirmed import changed the App ID to %q", s.AppID)
				}
			})
		})
	}
}

// A file with this computer's login settings asks nothing.
func TestImportWithLoginSettingsAsksNothingWhenTheyAreTheSame(t *testing.T) {
	file := exportFileWithAppID(t, "")
	h := newHarness(t, false)
	code, _, errOut := h.run("", "import", file, "--with-login-settings")
	if code != ExitOK || strings.Contains(errOut, "Type yes") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// answerAfter is the person typing their answer, after fn has run: what
// happens elsewhere while the question is on the screen.
type answerAfter struct {
	fn     func()
	answer *strings.Reader
}

func (a *answerAfter) Read(p []byte) (int, error) {
	if a.fn != nil {
		a.fn()
		a.fn = nil
	}
	return a.answer.Read(p)
}

// The yes answers the changes shown: when the login settings change while
// the question waits, nothing is imported.
func TestImportWithLoginSettingsTakesOnlyTheChangesShown(t *testing.T) {
	file := exportFileWithAppID(t, "4242")
	h := newHarness(t, true)
	setAppID := func(id string) {
		h.withDB(func(db *store.DB) {
			s := store.DefaultSettings()
			s.AppID = id
			must(t, db.PutSettings(s))
		})
	}
	setAppID("1001")
	var out, errOut bytes.Buffer
	stdin := &answerAfter{fn: func() { setAppID("2002") }, answer: strings.NewReader("yes\n")}
	code := RunCLI(context.Background(), []string{"import", file, "--with-login-settings"}, h.env, stdin, &out, &errOut)
	if code != ExitError || !strings.Contains(errOut.String(), "App ID: 1001 → 4242") || !strings.Contains(errOut.String(), "import the file again") {
		t.Errorf("exit %d, stdout %q, stderr %q; want the refusal", code, out.String(), errOut.String())
	}
	h.withDB(func(db *store.DB) {
		if s, _ := db.Settings(); s.AppID != "2002" {
			t.Errorf("the App ID is %q, want 2002 kept", s.AppID)
		}
	})

	// Asked again, the yes takes the change now shown.
	if code, _, errOut := h.run("yes\n", "import", file, "--with-login-settings"); code != ExitOK || !strings.Contains(errOut, "App ID: 2002 → 4242") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	h.withDB(func(db *store.DB) {
		if s, _ := db.Settings(); s.AppID != "4242" {
			t.Errorf("the App ID is %q after yes, want 4242", s.AppID)
		}
	})
}

// A lower layer's sentence names no command; the command line adds its
// own: a file asking for the relay transport without the page's address
// says how to get the page.
func TestImportOfARelayWithoutAddressSaysHowToGetThePage(t *testing.T) {
	file := exportFileWithAppID(t, "4242")
	raw, err := os.ReadFile(file)
	must(t, err)
	var doc map[string]json.RawMessage
	must(t, json.Unmarshal(raw, &doc))
	var s store.Settings
	must(t, json.Unmarshal(doc["settings"], &s))
	s.Transport, s.RelayURL = store.TransportRedirectPage, ""
	doc["settings"], err = json.Marshal(s)
	must(t, err)
	raw, err = json.Marshal(doc)
	must(t, err)
	must(t, os.WriteFile(file, raw, 0o600))
	for name, running := range modes() {
		h := newHarness(t, running)
		code, _, errOut := h.run("yes\n", "import", file, "--with-login-settings")
		if code != ExitError || !strings.Contains(errOut, store.ErrRelayURLMissing.Error()+"; `liveroute relay-page` prints the page to host") {
			t.Errorf("%s: exit %d, stderr %q", name, code, errOut)
		}
	}
}
