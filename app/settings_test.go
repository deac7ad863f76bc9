package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/install"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

func TestAutostartCheckboxWritesAndRemovesTheLoginEntry(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	bin := filepath.Join(home, "liveroute")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a := &desktopApp{App: newTempApp(t)}
	db := newFakeService(relay.State{Kind: relay.Healthy})
	// The test's binary sits in the temp dir; pretend builds go elsewhere.
	auto := installAutostart{opts: install.Options{GOOS: "linux", Binary: bin}, tempDir: "/nonexistent-build-dir"}
	g := allTabsBuilt(New(Options{App: a, Service: db, Autostart: auto}))
	s := g.view.settings
	entry := filepath.Join(home, ".config", "autostart", install.AppID+".desktop")

	s.autostart.SetChecked(true)
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("no autostart entry after ticking the box: %v", err)
	}
	if !strings.Contains(string(data), "Exec="+bin+" --minimised") {
		t.Errorf("autostart entry does not start LiveRoute in the tray:\n%s", data)
	}
	if st, _ := db.Settings(); !st.Autostart {
		t.Error("the setting was not saved")
	}
	s.autostart.SetChecked(false)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("autostart entry still there after unticking: %v", err)
	}
	if st, _ := db.Settings(); st.Autostart {
		t.Error("the setting still says autostart")
	}
}

// The window saves through the service, whose SaveSettings tells the
// engine (service's TestSavingSettingsReloadsTheEngine).
func TestPollIntervalIsSavedThroughTheService(t *testing.T) {
	a := &desktopApp{App: newTempApp(t)}
	f := newFakeService(relay.State{Kind: relay.Healthy})
	g := allTabsBuilt(New(Options{App: a, Service: f}))
	g.view.settings.poll.SetSelected("minute")
	if st, _ := f.Settings(); st.PollInterval != time.Minute {
		t.Errorf("poll interval saved as %v, want 1m", st.PollInterval)
	}
	if _, _, _, saves := f.counts(); saves != 1 {
		t.Errorf("settings saved %d times through the service, want 1", saves)
	}
}

func TestNotificationsOffMeansNone(t *testing.T) {
	engine := connectedFake(relay.State{Kind: relay.Healthy})
	g, a := newTestGUI(t, engine, true)
	g.view.settings.notifications.SetChecked(false)
	g.handle(relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: relay.State{Kind: relay.NeedsReconnect, Reason: "Your connection expired."}})
	if len(a.notifications) != 0 {
		t.Errorf("%d notifications with notifications off", len(a.notifications))
	}
	if g.Health().Headline != "Reconnect to Facebook" {
		t.Errorf("the window must still show the state: %q", g.Health().Headline)
	}
}

// newSettingsGUI is the window alone on a fake service with no account.
func newSettingsGUI(t *testing.T) (*GUI, *fakeService) {
	t.Helper()
	f := newFakeService(relay.State{Kind: relay.Healthy})
	return allTabsBuilt(New(Options{App: &desktopApp{App: newTempApp(t)}, Service: f})), f
}

func TestAutostartRefusesATemporaryBuild(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	bin := filepath.Join(home, "go-build123", "exe", "liveroute") // as `go run` leaves it
	g := allTabsBuilt(New(Options{App: &desktopApp{App: newTempApp(t)}, Service: newFakeService(relay.State{Kind: relay.Healthy}),
		Autostart: InstallAutostart(install.Options{GOOS: "linux", Binary: bin})}))
	s := g.view.settings
	s.autostart.SetChecked(true)
	if !strings.Contains(s.problem.Text, "temporary build") || s.autostart.Checked {
		t.Errorf("problem %q, checked %v", s.problem.Text, s.autostart.Checked)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "autostart", install.AppID+".desktop")); !os.IsNotExist(err) {
		t.Errorf("an autostart entry for a temporary build was written: %v", err)
	}
}

func TestExportThenImportInTheSettingsTab(t *testing.T) {
	from := allTabsBuilt(editorGUI(t))
	_, err := fakeOf(from).PutRoute(store.Route{Name: "Moving day", SourceID: "9001", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	var file bytes.Buffer
	from.view.settings.exportTo(&file, "routes.json")
	if !strings.Contains(from.view.settings.moved.Text, "Exported to routes.json") {
		t.Errorf("after export: %q", from.view.settings.moved.Text)
	}

	to, _ := newSettingsGUI(t)
	to.view.settings.importFrom(bytes.NewReader(file.Bytes()), "routes.json")
	if !strings.Contains(to.view.settings.moved.Text, "Imported 1 route") {
		t.Errorf("after import: %q", to.view.settings.moved.Text)
	}
	if !strings.Contains(allText(to.view.routes), "Moving day") {
		t.Error("the imported route is not listed")
	}
	to.view.settings.importFrom(strings.NewReader("not an export"), "notes.txt")
	if moved := to.view.settings.moved.Text; !strings.HasPrefix(moved, "notes.txt was not imported") || strings.Count(moved, "not imported") != 1 {
		t.Errorf("after a bad import: %q", to.view.settings.moved.Text)
	}
}

func TestNoPollChoiceIsFasterThanFacebookAllowsAPage(t *testing.T) {
	g, _ := newSettingsGUI(t)
	poll := g.view.settings.poll
	if poll.Selected != "30 seconds" {
		t.Errorf("default selection %q, want 30 seconds", poll.Selected)
	}
	for _, label := range poll.Options {
		if label == "15 seconds" || label == "5 seconds" || label == "10 seconds" {
			t.Errorf("the settings offer %q: more calls than Facebook allows a Page (200 an hour)", label)
		}
	}
	if g.view.settings.pollWarning.Visible() {
		t.Errorf("a warning at the default interval: %q", g.view.settings.pollWarning.Text)
	}
}

func TestStoredFastPollIntervalIsShownWithAWarningUntilASlowerOneIsChosen(t *testing.T) {
	a := &desktopApp{App: newTempApp(t)}
	db := newFakeService(relay.State{Kind: relay.Healthy})
	st, _ := db.Settings()
	st.PollInterval = 15 * time.Second // an older LiveRoute offered it
	if err := db.PutSettings(st); err != nil {
		t.Fatal(err)
	}
	g := allTabsBuilt(New(Options{App: a, Service: db}))
	s := g.view.settings
	if s.poll.Selected != "15 seconds" || !s.pollWarning.Visible() ||
		!strings.Contains(s.pollWarning.Text, "spends more than Facebook allows a Page in a day; LiveRoute will slow down by itself") {
		t.Fatalf("stored 15 s: selected %q, warning shown %v %q", s.poll.Selected, s.pollWarning.Visible(), s.pollWarning.Text)
	}
	if st, _ := db.Settings(); st.PollInterval != 15*time.Second {
		t.Errorf("showing the settings changed the interval to %v", st.PollInterval)
	}
	s.poll.SetSelected("30 seconds")
	if st, _ := db.Settings(); st.PollInterval != 30*time.Second || s.pollWarning.Visible() {
		t.Errorf("after choosing 30 s: saved %v, warning shown %v", st.PollInterval, s.pollWarning.Visible())
	}
}

// exportWithAppID is an export made on a computer whose App ID is appID.
func exportWithAppID(t *testing.T, appID string) []byte {
	t.Helper()
	from := allTabsBuilt(editorGUI(t))
	_, err := fakeOf(from).PutRoute(store.Route{Name: "Moving day", SourceID: "9001", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "9002", Mode: store.ModePost, Message: "{url}"}}})
	must(t, err)
	settings, err := fakeOf(from).Settings()
	must(t, err)
	settings.AppID = appID
	must(t, fakeOf(from).PutSettings(settings))
	var file bytes.Buffer
	from.view.settings.exportTo(&file, "routes.json")
	return file.Bytes()
}

// tapOverlayButton taps the button labelled label in the window's top
// overlay (an open dialog) and reports whether there was one.
func tapOverlayButton(w fyne.Window, label string) bool {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			test.Tap(b)
			return true
		}
	}
	return false
}

func overlayText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range test.LaidOutObjects(top) {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(o.Text + "\n")
		case *widget.RichText:
			b.WriteString(o.String() + "\n")
		}
	}
	return b.String()
}

// askToImportAppID4242 opens the import of a file with the App ID 4242 on
// a computer with 1001, and checks the dialog asks about that change.
func askToImportAppID4242(t *testing.T) *GUI {
	t.Helper()
	to, _ := newSettingsGUI(t)
	settings, err := fakeOf(to).Settings()
	must(t, err)
	settings.AppID = "1001"
	must(t, fakeOf(to).PutSettings(settings))
	to.view.reloadConnection() // the Connection tab shows 1001, as if opened now
	to.view.settings.importFrom(bytes.NewReader(exportWithAppID(t, "4242")), "routes.json")
	if asked := overlayText(to.win); !strings.Contains(asked, "App ID: 1001 → 4242") {
		t.Fatalf("the confirmation says:\n%s", asked)
	}
	return to
}

func TestImportAsksBeforeTakingAFilesLoginSettings(t *testing.T) {
	for _, tc := range []struct {
		answer    string
		wantAppID string
	}{
		{"Keep this computer's", "1001"},
		{"Use the file's", "4242"},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			to := askToImportAppID4242(t)
			if got, _ := fakeOf(to).Settings(); got.AppID != "1001" {
				t.Fatalf("the App ID changed to %q before the person answered", got.AppID)
			}
			if !tapOverlayButton(to.win, tc.answer) {
				t.Fatalf("no %q button", tc.answer)
			}
			if got, _ := fakeOf(to).Settings(); got.AppID != tc.wantAppID {
				t.Errorf("App ID %q, want %q", got.AppID, tc.wantAppID)
			}
			if !strings.Contains(to.view.settings.moved.Text, "Imported 1 route") {
				t.Errorf("after import: %q", to.view.settings.moved.Text)
			}
			// The built Connection tab shows what is stored now: its
			// next Connect sends this App ID.
			if shown := to.view.connect.appID.Text; shown != tc.wantAppID {
				t.Errorf("the Connection tab shows App ID %q, want %q", shown, tc.wantAppID)
			}
		})
	}
}

// The dialog's "Use the file's" takes the changes it showed, no others:
// when the settings change while it is open, nothing is imported and the
// window says why.
func TestImportRefusesLoginChangesOtherThanThoseShown(t *testing.T) {
	to := askToImportAppID4242(t)
	settings, err := fakeOf(to).Settings()
	must(t, err)
	settings.AppID = "2002" // changed elsewhere while the dialog is open
	must(t, fakeOf(to).PutSettings(settings))
	if !tapOverlayButton(to.win, "Use the file's") {
		t.Fatal("no \"Use the file's\" button")
	}
	if got, _ := fakeOf(to).Settings(); got.AppID != "2002" {
		t.Errorf("App ID %q after a refused import, want 2002", got.AppID)
	}
	if moved := to.view.settings.moved.Text; strings.Count(moved, "not imported") != 1 || !strings.Contains(moved, "import the file again") {
		t.Errorf("the window says %q", moved)
	}
}

func TestImportWithTheSameLoginSettingsAsksNothing(t *testing.T) {
	file := exportWithAppID(t, "")
	to, _ := newSettingsGUI(t)
	to.view.settings.importFrom(bytes.NewReader(file), "routes.json")
	if to.win.Canvas().Overlays().Top() != nil {
		t.Errorf("a dialog opened:\n%s", overlayText(to.win))
	}
	if !strings.Contains(to.view.settings.moved.Text, "Imported 1 route") {
		t.Errorf("after import: %q", to.view.settings.moved.Text)
	}
}
