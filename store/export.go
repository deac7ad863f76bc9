package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// exportFormat marks a LiveRoute export; exportVersion is its layout.
const (
	exportFormat  = "liveroute-export"
	exportVersion = 1
	maxImportSize = 16 << 20
)

// ErrExportTooLarge: the file is larger than any export LiveRoute writes.
var ErrExportTooLarge = fmt.Errorf("this file is larger than %d MiB, more than any LiveRoute export: choose the file LiveRoute's Export wrote", maxImportSize>>20)

// ImportResult counts what Import wrote.
type ImportResult struct {
	Routes       int
	Destinations int
	Settings     bool
	// LoginSettingsKept are the file's login settings that differ from
	// this machine's and were not taken (ImportOptions.WithLoginSettings
	// off); LoginSettingsChanged those that were taken.
	LoginSettingsKept    []SettingChange
	LoginSettingsChanged []SettingChange
}

// ImportOptions say what an import may change.
type ImportOptions struct {
	// WithLoginSettings takes the file's login settings (App ID,
	// Configuration ID, transport, relay URL, PKCE, loopback port, Graph API version). Off,
	// this machine's are kept: a file must not silently move the login to
	// another Meta app or relay.
	WithLoginSettings bool
	// Confirmed are, with WithLoginSettings, the login setting changes
	// the person saw and took (ImportLoginChanges). Should this machine's
	// settings have moved since, the file would change others: nothing is
	// imported (ErrLoginChangesMoved), so no change is taken unseen.
	Confirmed []SettingChange
}

// ErrLoginChangesMoved: the login settings an import would change are no
// longer those the person confirmed.
var ErrLoginChangesMoved = errors.New("this computer's login settings changed after the file's were shown, so the file would now change others: import the file again to see what it would change")

// SettingChange is one setting an import would change: its name for
// people, this machine's value and the file's. No login setting is a
// secret (the App secret lives in the keychain, never in an export).
type SettingChange struct {
	Name string
	From string
	To   string
}

// exportFile is the JSON of an export. It holds no account and no secret:
// after an import the person connects Facebook again.
type exportFile struct {
	Format       string        `json:"format"`
	Version      int           `json:"version"`
	ExportedAt   time.Time     `json:"exported_at"`
	Settings     *Settings     `json:"settings,omitempty"`
	Destinations []Destination `json:"destinations"`
	Routes       []Route       `json:"routes"`
}

// Export writes the routes, destinations and settings as JSON, for moving
// to another machine. It holds no secret and no account.
func (db *DB) Export(w io.Writer) error {
	f := exportFile{Format: exportFormat, Version: exportVersion, ExportedAt: db.now(), Destinations: []Destination{}, Routes: []Route{}}
	err := db.view(func(tx *bolt.Tx) error {
		var s Settings
		if found, err := getJSON(tx.Bucket(bucketSettings), keySettings, &s); err != nil {
			return err
		} else if found {
			f.Settings = &s
		}
		if err := tx.Bucket(bucketDestinations).ForEach(func(k, v []byte) error {
			var d Destination
			if err := getJSONRaw(k, v, &d); err != nil {
				return err
			}
			// Status describes this machine's connection, not the destination.
			d.Status, d.StatusReason = "", ""
			f.Destinations = append(f.Destinations, d)
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketRoutes).ForEach(func(k, v []byte) error {
			var r Route
			if err := getJSONRaw(k, v, &r); err != nil {
				return err
			}
			f.Routes = append(f.Routes, r)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// Import reads a file written by Export and adds its destinations, routes
// (replacing those with the same ID) and settings, keeping this machine's
// login settings, all in one transaction: a bad file returns a clear error
// and changes nothing.
func (db *DB) Import(r io.Reader) (ImportResult, error) {
	return db.ImportWith(r, ImportOptions{})
}

// ImportLoginChanges reads a file written by Export and returns the login
// settings that importing it with WithLoginSettings would change, so the
// person can see them and confirm first. It writes nothing.
func (db *DB) ImportLoginChanges(r io.Reader) ([]SettingChange, error) {
	f, err := readExport(r)
	if err != nil || f.Settings == nil {
		return nil, err
	}
	if err := validExportSettings(*f.Settings); err != nil {
		return nil, err // taking them would be refused
	}
	current, err := db.Settings()
	if err != nil {
		return nil, err
	}
	return loginChanges(current, *f.Settings), nil
}

// ImportWith is Import, with opts saying whether the file's login settings
// are taken.
func (db *DB) ImportWith(r io.Reader, opts ImportOptions) (ImportResult, error) {
	f, err := readExport(r)
	if err != nil {
		return ImportResult{}, notImported(err)
	}
	return db.importFile(f, opts)
}

// notImported says that nothing was imported, and why: once, so the faces
// show it as it is.
func notImported(err error) error {
	return fmt.Errorf("the export file was not imported: %w", err)
}

// importLoginSettings decides, inside the import's transaction, which
// login settings f brings: the file's when they are what the person
// confirmed, else this machine's.
func importLoginSettings(tx *bolt.Tx, f exportFile, opts ImportOptions, res *ImportResult) error {
	if f.Settings == nil {
		return nil
	}
	current := DefaultSettings()
	if _, err := getJSON(tx.Bucket(bucketSettings), keySettings, &current); err != nil {
		return err
	}
	changes := loginChanges(current, *f.Settings)
	if !opts.WithLoginSettings {
		res.LoginSettingsKept = changes
		keepLoginSettings(f.Settings, current)
	}
	// Only the settings that will be written are checked: a file's login
	// settings that are dropped refuse nothing.
	if err := validExportSettings(*f.Settings); err != nil {
		return err
	}
	if opts.WithLoginSettings {
		if !slices.Equal(changes, opts.Confirmed) {
			return ErrLoginChangesMoved
		}
		res.LoginSettingsChanged = changes
	}
	return nil
}

func validExportSettings(s Settings) error {
	if err := ValidateSettings(s); err != nil {
		return fmt.Errorf("the export's settings are not valid: %w", err)
	}
	return nil
}

// readExport decodes and checks an export file.
func readExport(r io.Reader) (exportFile, error) {
	var f exportFile
	limited := &io.LimitedReader{R: r, N: maxImportSize}
	dec := json.NewDecoder(limited)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		if limited.N == 0 { // cut off at the limit: say so, not "unexpected EOF"
			return exportFile{}, ErrExportTooLarge
		}
		return exportFile{}, fmt.Errorf("this is not a LiveRoute export file (%v): choose the file LiveRoute's Export wrote", err)
	}
	if f.Format != exportFormat {
		return exportFile{}, errors.New("this is not a LiveRoute export file: choose the file LiveRoute's Export wrote")
	}
	if f.Version < 1 || f.Version > exportVersion {
		return exportFile{}, fmt.Errorf("this export was written by a newer LiveRoute (format %d): update LiveRoute, then import it", f.Version)
	}
	return f, nil
}

// importFile writes f in one transaction, with the login settings opts
// allow.
func (db *DB) importFile(f exportFile, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	err := db.update(func(tx *bolt.Tx) error {
		if err := importLoginSettings(tx, f, opts, &res); err != nil {
			return err
		}
		for _, d := range f.Destinations {
			if err := validDestination(d); err != nil {
				return err
			}
			// Keep what this machine knows about the destination's health.
			var old Destination
			if found, _ := getJSON(tx.Bucket(bucketDestinations), []byte(d.ID), &old); found {
				d.Status, d.StatusReason = old.Status, old.StatusReason
			}
			if err := putJSON(tx.Bucket(bucketDestinations), []byte(d.ID), d); err != nil {
				return err
			}
			res.Destinations++
		}
		for _, rt := range f.Routes {
			if rt.ID == "" {
				return errors.New("a route has no ID")
			}
			if _, err := db.putRoute(tx, rt); err != nil {
				return fmt.Errorf("route %q: %w", cmpName(rt), err)
			}
			res.Routes++
		}
		if f.Settings != nil {
			res.Settings = true
			return putJSON(tx.Bucket(bucketSettings), keySettings, *f.Settings)
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, notImported(err)
	}
	return res, nil
}

// loginSettings are the settings that decide how LiveRoute logs in to
// Facebook, with their names for people.
var loginSettings = []struct {
	name  string
	value func(Settings) string
	keep  func(to *Settings, from Settings)
}{
	{"App ID", func(s Settings) string { return s.AppID }, func(to *Settings, from Settings) { to.AppID = from.AppID }},
	{"Configuration ID", func(s Settings) string { return s.ConfigID }, func(to *Settings, from Settings) { to.ConfigID = from.ConfigID }},
	{"login transport", func(s Settings) string { return s.Transport }, func(to *Settings, from Settings) { to.Transport = from.Transport }},
	{"relay page address", func(s Settings) string { return s.RelayURL }, func(to *Settings, from Settings) { to.RelayURL = from.RelayURL }},
	{"PKCE", func(s Settings) string { return onOff(s.PKCE) }, func(to *Settings, from Settings) { to.PKCE = from.PKCE }},
	{"loopback port", func(s Settings) string { return strconv.Itoa(s.LoginPort()) }, func(to *Settings, from Settings) { to.LoopbackPort = from.LoopbackPort }},
	// The version is in the login dialog's address and every Graph call.
	{"Graph API version", func(s Settings) string { return s.APIVersion }, func(to *Settings, from Settings) { to.APIVersion = from.APIVersion }},
}

// loginChanges lists the login settings where file differs from current.
func loginChanges(current, file Settings) []SettingChange {
	var out []SettingChange
	for _, ls := range loginSettings {
		if from, to := ls.value(current), ls.value(file); from != to {
			out = append(out, SettingChange{Name: ls.name, From: from, To: to})
		}
	}
	return out
}

// keepLoginSettings sets file's login settings to current's.
func keepLoginSettings(file *Settings, current Settings) {
	for _, ls := range loginSettings {
		ls.keep(file, current)
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func cmpName(r Route) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}
