// Package install puts LiveRoute on a person's machine for that person only,
// without administrator rights: the program, a menu entry with its icon, and
// an entry that starts it at login — and takes exactly that away again.
//
// Every file install writes is recorded, with its checksum, in a small
// manifest (see Layout.Manifest), so Uninstall removes what Install wrote and
// nothing else, even if the person changed HOME or XDG_* in between. Folders
// are removed only if Install created them and they are empty.
//
// The package never looks at the real process environment or operating
// system behind the caller's back: Options carries GOOS and an Env lookup, so
// the macOS and Windows layouts are generated and tested on any machine.
package install

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// AppID is LiveRoute's reverse-DNS application ID: the name of its desktop
// entry, icon, LaunchAgent and bundle identifier. FyneApp.toml must use the
// same ID so the desktop matches windows to the menu entry.
const AppID = "com.liveroute.app"

// MinimisedFlag is the command-line flag autostart passes, so LiveRoute
// started at login goes straight to the tray.
const MinimisedFlag = "--minimised"

// AppName is the name people see in menus.
const AppName = "LiveRoute"

// Options say what to install and where. Only Binary and Icon are needed for
// Install; the zero value of every other field means "this machine".
type Options struct {
	// GOOS selects the platform layout; default runtime.GOOS.
	GOOS string
	// Env looks up environment variables (HOME, XDG_*, LOCALAPPDATA,
	// APPDATA); default os.Getenv. Tests inject a temporary home.
	Env func(string) string
	// Binary is the program file to install, usually os.Executable().
	Binary string
	// Icon is the application icon as a square PNG, ideally 512×512 or larger.
	Icon []byte
	// RunKey is the per-user Run key on Windows; default the registry.
	RunKey RunKey
	// PurgeDirs are the profile's data, log and runtime folders
	// (store.Paths), deleted by Uninstall with purge. The caller names them
	// so installing never depends on the database package.
	PurgeDirs []string
	// PurgeSecrets deletes the profile's keychain secrets; called by
	// Uninstall with purge. Nil means there is nothing to delete.
	PurgeSecrets func() error
}

// Action is what happened to one thing on disk or in the registry.
type Action string

// The actions a Report lists.
const (
	Wrote     Action = "wrote"     // created or replaced
	Unchanged Action = "unchanged" // already had the right content
	Removed   Action = "removed"
	Kept      Action = "kept" // left in place on purpose; Note says why
)

// Change is one line of a Report.
type Change struct {
	Action Action `json:"action"`
	What   string `json:"what"` // "program", "menu entry", "icon", "autostart entry", ...
	Path   string `json:"path"` // file, folder, or registry value
	Note   string `json:"note,omitempty"`
}

// Report says what Install, Uninstall or SetAutostart did, in order.
type Report struct {
	Changes []Change `json:"changes"`
}

// String renders the report for a person, one change a line.
func (r Report) String() string {
	if len(r.Changes) == 0 {
		return "Nothing to do.\n"
	}
	var b strings.Builder
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "%-9s %s: %s", c.Action, c.What, c.Path)
		if c.Note != "" {
			fmt.Fprintf(&b, " (%s)", c.Note)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ErrNotInstalled is returned by Uninstall when there is nothing to remove.
var ErrNotInstalled = errors.New("LiveRoute is not installed for this user")

// Install installs LiveRoute for the current user and turns autostart on.
// Running it again repairs what is missing and reports the rest unchanged.
func Install(opts Options) (Report, error) {
	l, err := opts.layout()
	if err != nil {
		return Report{}, err
	}
	if opts.Binary == "" {
		return Report{}, errors.New("install: no program file given")
	}
	program, err := os.ReadFile(opts.Binary)
	if err != nil {
		return Report{}, fmt.Errorf("read the program to install: %w", err)
	}
	files, err := l.files(program, opts.Icon)
	if err != nil {
		return Report{}, err
	}
	prev, err := readManifest(l.Manifest)
	if err != nil {
		return Report{}, err
	}
	m := manifest{Version: manifestVersion, GOOS: l.GOOS, Dirs: prev.Dirs}
	var rep Report
	for _, f := range files {
		created, err := mkdirAll(filepath.Dir(f.Path))
		if err != nil {
			return rep, err
		}
		m.Dirs = appendNew(m.Dirs, created...)
		act, err := writeFile(f.Path, f.Data, f.Mode)
		if err != nil {
			return rep, err
		}
		rep.Changes = append(rep.Changes, Change{Action: act, What: f.What, Path: f.Path})
		m.Files = append(m.Files, manifestFile{Path: f.Path, SHA256: sum(f.Data)})
	}
	// Files written by an earlier version but no longer part of the layout
	// would otherwise be orphaned: remove them now, as Uninstall would.
	for _, old := range prev.Files {
		if !m.has(old.Path) && old.Path != l.Autostart {
			c, err := removeFile(old.Path, "old file")
			if err != nil {
				return rep, err
			}
			rep.Changes = append(rep.Changes, c...)
		}
	}
	created, err := mkdirAll(filepath.Dir(l.Manifest))
	if err != nil {
		return rep, err
	}
	m.Dirs = appendNew(m.Dirs, created...)
	if err := m.write(l.Manifest); err != nil {
		return rep, err
	}
	auto, err := opts.setAutostart(l, true)
	rep.Changes = append(rep.Changes, auto.Changes...)
	return rep, err
}

// Uninstall removes what Install wrote: the files in its manifest, the
// folders it created (when empty) and the autostart entry. With purge it also
// deletes the profile's folders (opts.PurgeDirs) and its keychain secrets
// (opts.PurgeSecrets). It returns ErrNotInstalled, with an empty report, when
// there was nothing at all to remove.
func Uninstall(opts Options, purge bool) (Report, error) {
	l, err := opts.layout()
	if err != nil {
		return Report{}, err
	}
	m, err := readManifest(l.Manifest)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	auto, err := opts.setAutostart(l, false)
	rep.Changes = append(rep.Changes, auto.Changes...)
	if err != nil {
		return rep, err
	}
	for _, f := range m.Files {
		what := l.whatIs(f.Path)
		if cur, err := os.ReadFile(f.Path); err == nil && sum(cur) != f.SHA256 {
			// The person (or another program) replaced our file. It still sits
			// at a LiveRoute-owned name, so it goes, but say so.
			c, err := removeFile(f.Path, what)
			for i := range c {
				c[i].Note = "it had been changed since install"
			}
			rep.Changes = append(rep.Changes, c...)
			if err != nil {
				return rep, err
			}
			continue
		}
		c, err := removeFile(f.Path, what)
		rep.Changes = append(rep.Changes, c...)
		if err != nil {
			return rep, err
		}
	}
	c, err := removeFile(l.Manifest, "install record")
	rep.Changes = append(rep.Changes, c...)
	if err != nil {
		return rep, err
	}
	// Deepest first, so a parent is empty by the time it is tried.
	for i := len(m.Dirs) - 1; i >= 0; i-- {
		c, err := removeEmptyDir(m.Dirs[i])
		if err != nil {
			return rep, err
		}
		rep.Changes = append(rep.Changes, c...)
	}
	if purge {
		p, err := opts.purge()
		rep.Changes = append(rep.Changes, p.Changes...)
		if err != nil {
			return rep, err
		}
	}
	if len(rep.Changes) == 0 {
		return rep, ErrNotInstalled
	}
	return rep, nil
}

// SetAutostart turns starting LiveRoute at login on or off for the current
// user. The entry starts the installed program when LiveRoute is installed,
// else opts.Binary (a copy run from elsewhere). It is idempotent.
func SetAutostart(opts Options, enabled bool) (Report, error) {
	l, err := opts.layout()
	if err != nil {
		return Report{}, err
	}
	return opts.setAutostart(l, enabled)
}

// AutostartEnabled reports whether LiveRoute starts at login.
func AutostartEnabled(opts Options) (bool, error) {
	l, err := opts.layout()
	if err != nil {
		return false, err
	}
	if l.GOOS == "windows" {
		rk, err := opts.runKey()
		if err != nil {
			return false, err
		}
		_, ok, err := rk.Get(RunValueName)
		return ok, err
	}
	_, err = os.Stat(l.Autostart)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// setAutostart writes or removes the autostart entry of layout l.
func (opts Options) setAutostart(l Layout, enabled bool) (Report, error) {
	var rep Report
	program := l.Program
	if _, err := os.Stat(program); err != nil {
		program = opts.Binary
	}
	if enabled && program == "" {
		return rep, errors.New("turn on autostart: no program file given")
	}
	if l.GOOS == "windows" {
		rk, err := opts.runKey()
		if err != nil {
			return rep, err
		}
		if !enabled {
			_, ok, err := rk.Get(RunValueName)
			if err != nil || !ok {
				return rep, err
			}
			if err := rk.Delete(RunValueName); err != nil {
				return rep, fmt.Errorf("turn off autostart: %w", err)
			}
			rep.Changes = append(rep.Changes, Change{Action: Removed, What: "autostart entry", Path: runKeyDisplay})
			return rep, nil
		}
		want := runValue(program)
		cur, ok, err := rk.Get(RunValueName)
		if err != nil {
			return rep, err
		}
		if ok && cur == want {
			rep.Changes = append(rep.Changes, Change{Action: Unchanged, What: "autostart entry", Path: runKeyDisplay})
			return rep, nil
		}
		if err := rk.Set(RunValueName, want); err != nil {
			return rep, fmt.Errorf("turn on autostart: %w", err)
		}
		rep.Changes = append(rep.Changes, Change{Action: Wrote, What: "autostart entry", Path: runKeyDisplay})
		return rep, nil
	}
	if !enabled {
		c, err := removeFile(l.Autostart, "autostart entry")
		rep.Changes = append(rep.Changes, c...)
		return rep, err
	}
	data := l.autostartEntry(program)
	// The autostart folder is shared with every other program: create it
	// if needed but never record it for removal.
	if err := os.MkdirAll(filepath.Dir(l.Autostart), 0o755); err != nil {
		return rep, fmt.Errorf("create %s: %w", filepath.Dir(l.Autostart), err)
	}
	act, err := writeFile(l.Autostart, data, 0o644)
	if err != nil {
		return rep, err
	}
	rep.Changes = append(rep.Changes, Change{Action: act, What: "autostart entry", Path: l.Autostart})
	return rep, nil
}

// purge deletes the profile's folders and keychain secrets.
func (opts Options) purge() (Report, error) {
	var rep Report
	// Secrets first: finding them may need the database, and if the keychain
	// refuses, the data stays so a retry can still find them.
	if opts.PurgeSecrets != nil {
		if err := opts.PurgeSecrets(); err != nil {
			return rep, fmt.Errorf("delete the keychain secrets: %w", err)
		}
		rep.Changes = append(rep.Changes, Change{Action: Removed, What: "keychain secrets", Path: "the system keychain"})
	}
	for _, dir := range opts.PurgeDirs {
		if dir == "" {
			continue
		}
		if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return rep, fmt.Errorf("delete %s: %w", dir, err)
		}
		rep.Changes = append(rep.Changes, Change{Action: Removed, What: "data folder", Path: dir})
	}
	return rep, nil
}

func (opts Options) goos() string {
	if opts.GOOS != "" {
		return opts.GOOS
	}
	return runtime.GOOS
}

func (opts Options) env(key string) string {
	if opts.Env != nil {
		return opts.Env(key)
	}
	return os.Getenv(key)
}

func (opts Options) runKey() (RunKey, error) {
	if opts.RunKey != nil {
		return opts.RunKey, nil
	}
	return defaultRunKey()
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, have := range list {
			if have == it {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}
