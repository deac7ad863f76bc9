package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/install"
	"github.com/liveroute/liveroute/store"
)

// Autostart starts LiveRoute at login; install's per-user entry does it,
// the same code `liveroute install` uses.
type Autostart interface {
	Enabled() (bool, error)
	Set(enabled bool) error
}

// pollChoices are the check intervals offered: frequent enough to share
// within a minute, never faster than store.DefaultPollInterval. Every 15 s
// would be 240 calls an hour per Page source, more than the 200 an hour
// (4,800 a day) Facebook allows a Page with one engaged user.
// Rate limits: https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
var pollChoices = []time.Duration{30 * time.Second, time.Minute, 5 * time.Minute}

// settingsTab holds the person's preferences. Each change is saved at once;
// a change that cannot be saved is undone on screen and explained.
type settingsTab struct {
	g    *GUI
	root fyne.CanvasObject

	autostart     *widget.Check
	minimised     *widget.Check
	notifications *widget.Check
	poll          *widget.Select
	pollOptions   []time.Duration // pollChoices, plus a stored interval that is none of them
	pollWarning   *widget.Label   // says when the interval spends more than Facebook allows
	problem       *widget.Label
	moved         *widget.Label // what the last export or import did
	loading       bool
}

func newSettingsTab(g *GUI) *settingsTab {
	s := &settingsTab{g: g}
	s.autostart = widget.NewCheck("Start LiveRoute when I log in (in the tray)", s.setAutostart)
	s.minimised = widget.NewCheck("Start in the tray without showing this window", func(on bool) {
		s.save(func(st *store.Settings) { st.StartMinimised = on })
	})
	s.notifications = widget.NewCheck("Desktop notifications (connection problems, Group shares)", func(on bool) {
		s.save(func(st *store.Settings) { st.Notifications = on })
	})
	s.poll = widget.NewSelect(nil, s.choosePoll)
	s.pollWarning = wrapLabel("")
	s.pollWarning.Importance = widget.WarningImportance
	s.pollWarning.Hide()
	s.loading = true // the first selection is no choice of the person's
	s.showPollOptions(store.DefaultPollInterval)
	s.loading = false
	s.problem = wrapLabel("")
	s.problem.Importance = widget.DangerImportance
	s.moved = wrapLabel("")
	s.root = container.NewVBox(
		s.autostart, s.minimised, s.notifications,
		widget.NewForm(widget.NewFormItem("Check for live videos every", s.poll)),
		s.pollWarning,
		wrapLabel("LiveRoute paces itself by Facebook's rate limits: it slows down above 75 % of any budget and waits when Facebook asks it to."),
		s.problem,
		widget.NewSeparator(),
		wrapLabel("Moving to another computer? Export your routes, Pages, groups and settings to a file (no secrets in it), then import it there and connect Facebook again."),
		container.NewHBox(
			widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), s.chooseExport),
			widget.NewButtonWithIcon("Import…", theme.FolderOpenIcon(), s.chooseImport)),
		s.moved,
	)
	s.load()
	return s
}

// load shows the stored settings without saving them back.
func (s *settingsTab) load() {
	s.loading = true
	defer func() { s.loading = false }()
	st, err := s.g.svc.Settings()
	if err != nil {
		s.problem.SetText("Your settings could not be read: " + err.Error())
		return
	}
	if s.g.autostart != nil {
		on, err := s.g.autostart.Enabled()
		if err != nil {
			s.problem.SetText("Could not tell whether LiveRoute starts at login: " + err.Error())
		}
		s.autostart.SetChecked(on)
	} else {
		s.autostart.Disable()
		s.autostart.Text = "Start LiveRoute when I log in (not for the demo profile)"
		s.autostart.Refresh()
	}
	s.minimised.SetChecked(st.StartMinimised)
	s.notifications.SetChecked(st.Notifications)
	s.showPollOptions(st.PollInterval)
}

// showPollOptions offers pollChoices and selects current. An interval
// that is none of them (an older LiveRoute offered 15 s; an import may
// carry anything) is offered too, so the window shows what is in force.
func (s *settingsTab) showPollOptions(current time.Duration) {
	s.pollOptions = slices.Clone(pollChoices)
	if !slices.Contains(s.pollOptions, current) {
		s.pollOptions = append(s.pollOptions, current)
		slices.Sort(s.pollOptions)
	}
	labels := make([]string, len(s.pollOptions))
	for i, d := range s.pollOptions {
		labels[i] = pollLabel(d)
	}
	s.poll.SetOptions(labels)
	s.poll.SetSelected(pollLabel(current))
	s.showPollWarning(current)
}

// choosePoll saves the interval the person picked.
func (s *settingsTab) choosePoll(label string) {
	for _, d := range s.pollOptions {
		if pollLabel(d) == label {
			s.showPollWarning(d)
			s.save(func(st *store.Settings) { st.PollInterval = d })
		}
	}
}

// showPollWarning says so when d spends more calls than Facebook allows.
func (s *settingsTab) showPollWarning(d time.Duration) {
	if sentence := pollTooFast(d); sentence != "" {
		s.pollWarning.SetText(sentence)
		s.pollWarning.Show()
		return
	}
	s.pollWarning.Hide()
}

// pollTooFast is the warning for an interval faster than
// store.DefaultPollInterval, "" for the others.
func pollTooFast(d time.Duration) string {
	if d >= store.DefaultPollInterval {
		return ""
	}
	return fmt.Sprintf("Checking every %s spends more than Facebook allows a Page in a day; LiveRoute will slow down by itself. Choose %s or slower.",
		pollLabel(d), pollLabel(store.DefaultPollInterval))
}

func (s *settingsTab) setAutostart(on bool) {
	if s.loading || s.g.autostart == nil {
		return
	}
	if err := s.g.autostart.Set(on); err != nil {
		s.problem.SetText("Could not change starting at login: " + err.Error())
		s.load()
		return
	}
	s.save(func(st *store.Settings) { st.Autostart = on })
}

// save applies change to the stored settings; the service tells the
// engine.
func (s *settingsTab) save(change func(*store.Settings)) {
	if s.loading {
		return
	}
	st, err := s.g.svc.Settings()
	if err == nil {
		change(&st)
		err = s.g.svc.SaveSettings(st)
	}
	if err != nil {
		s.problem.SetText("Your setting was not saved: " + err.Error())
		s.load()
		return
	}
	s.problem.SetText("")
}

func pollLabel(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	}
	if d == time.Minute {
		return "minute"
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

// InstallAutostart is the Autostart of app/install: an entry in the
// person's autostart folder (a LaunchAgent on macOS, the Run key on
// Windows) that starts LiveRoute in the tray.
func InstallAutostart(opts install.Options) Autostart {
	return installAutostart{opts: opts, tempDir: os.TempDir()}
}

type installAutostart struct {
	opts    install.Options
	tempDir string // where throwaway builds live
}

func (a installAutostart) Enabled() (bool, error) { return install.AutostartEnabled(a.opts) }

func (a installAutostart) Set(on bool) error {
	if on && a.temporary() {
		return errors.New("this copy of LiveRoute is a temporary build (make run) that disappears when it quits: install LiveRoute first (make build && ./liveroute install), then turn this on")
	}
	_, err := install.SetAutostart(a.opts, on)
	return err
}

// temporary reports whether the running binary is a throwaway build (go
// run) and no installed copy exists to start instead.
func (a installAutostart) temporary() bool {
	if l, err := a.opts.Layout(); err == nil {
		if _, err := os.Stat(l.Program); err == nil {
			return false
		}
	}
	return strings.HasPrefix(filepath.Clean(a.opts.Binary), filepath.Clean(a.tempDir)+string(filepath.Separator))
}

func (s *settingsTab) chooseExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		s.exportTo(w, w.URI().Path())
	}, s.g.win)
	d.SetFileName("liveroute-routes.json")
	d.Show()
}

func (s *settingsTab) chooseImport() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		s.importFrom(r, r.URI().Path())
	}, s.g.win)
}

// exportTo writes the export to w and says where it went.
func (s *settingsTab) exportTo(w io.Writer, where string) {
	if err := s.g.svc.Export(w); err != nil {
		s.moved.SetText("The export failed: " + err.Error())
		return
	}
	s.moved.SetText("Exported to " + where + ".")
}

// importFrom reads an export and says what it brought in; a file that is
// not an export changes nothing. When the file's login settings differ
// from this computer's, it first lists them and asks whether to take them:
// a file must never move the login to another Meta app unseen.
func (s *settingsTab) importFrom(r io.Reader, where string) {
	data, err := io.ReadAll(r)
	if err != nil {
		s.moved.SetText(where + " could not be read: " + err.Error())
		return
	}
	changes, err := s.g.svc.ImportLoginChanges(data)
	if err != nil {
		s.moved.SetText(where + " was not imported: " + err.Error())
		return
	}
	if len(changes) == 0 {
		s.importData(data, where, store.ImportOptions{})
		return
	}
	// Taking the file's binds to the changes shown: should they move
	// before the person answers, the service imports nothing.
	d := dialog.NewCustomConfirm("Use the file's login settings?", "Use the file's", "Keep this computer's",
		wrapLabel(loginChangesText(changes)), func(take bool) {
			s.importData(data, where, store.ImportOptions{WithLoginSettings: take, Confirmed: changes})
		}, s.g.win)
	d.Show()
}

// loginChangesText lists the login settings an import would change.
func loginChangesText(changes []store.SettingChange) string {
	var b strings.Builder
	b.WriteString("The file's login settings differ from this computer's. Using them changes how LiveRoute logs in to Facebook:\n")
	for _, c := range changes {
		fmt.Fprintf(&b, "\n• %s: %s → %s", c.Name, noneIfEmpty(c.From), noneIfEmpty(c.To))
	}
	b.WriteString("\n\nRoutes, Pages, groups and the other settings are imported either way.")
	return b.String()
}

func noneIfEmpty(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

// importData imports an export, with the login settings opts take.
func (s *settingsTab) importData(data []byte, where string, opts store.ImportOptions) {
	res, err := s.g.svc.Import(data, opts)
	if err != nil {
		s.moved.SetText(where + ": " + err.Error()) // the error says it was not imported
		return
	}
	text := fmt.Sprintf("Imported %s and %s from %s", plural(res.Routes, "route", "routes"),
		plural(res.Destinations, "Page or group", "Pages and groups"), where)
	switch {
	case len(res.LoginSettingsKept) > 0:
		text += ", keeping this computer's login settings"
	case len(res.LoginSettingsChanged) > 0:
		text += ", with its login settings"
	}
	s.moved.SetText(text + ". Connect Facebook to start sharing.")
	s.load()
	s.g.view.refresh()
	// A built Connection tab still shows the login settings from before;
	// its next Connect would save them back over the imported ones.
	s.g.view.reloadConnection()
}
