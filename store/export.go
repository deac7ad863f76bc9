package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

// exportFormat marks a LiveRoute export; exportVersion is its layout.
const (
	exportFormat  = "liveroute-export"
	exportVersion = 1
	maxImportSize = 16 << 20
)

// ImportResult counts what Import wrote.
type ImportResult struct {
	Routes       int
	Destinations int
	Settings     bool
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
// (replacing those with the same ID) and settings, all in one transaction:
// a bad file returns a clear error and changes nothing.
func (db *DB) Import(r io.Reader) (ImportResult, error) {
	var f exportFile
	dec := json.NewDecoder(io.LimitReader(r, maxImportSize))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return ImportResult{}, fmt.Errorf("this is not a LiveRoute export file (%v): choose the file LiveRoute's Export wrote", err)
	}
	if f.Format != exportFormat {
		return ImportResult{}, errors.New("this is not a LiveRoute export file: choose the file LiveRoute's Export wrote")
	}
	if f.Version < 1 || f.Version > exportVersion {
		return ImportResult{}, fmt.Errorf("this export was written by a newer LiveRoute (format %d): update LiveRoute, then import it", f.Version)
	}
	if f.Settings != nil {
		if err := ValidateSettings(*f.Settings); err != nil {
			return ImportResult{}, fmt.Errorf("the export's settings are not valid: %w", err)
		}
	}
	var res ImportResult
	err := db.update(func(tx *bolt.Tx) error {
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
		return ImportResult{}, fmt.Errorf("the export file was not imported: %w", err)
	}
	return res, nil
}

func cmpName(r Route) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}
