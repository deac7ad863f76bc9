package store

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// DestinationKind says what a destination is.
type DestinationKind string

// The destination kinds. Groups can only be shared to by the person
// (assisted), Facebook having removed group posting for apps.
const (
	KindPage  DestinationKind = "page"
	KindGroup DestinationKind = "group"
)

// Destination is a Page or Group that routes can share to. A Page's token
// lives in the keychain (PageTokenKey). Lost destinations are flagged by
// Status, never deleted, so their routes survive a reconnect.
type Destination struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Kind         DestinationKind `json:"kind"`
	Tasks        []string        `json:"tasks,omitempty"`
	Status       string          `json:"status,omitempty"` // StatusOK or one of the Status… problems below
	StatusReason string          `json:"status_reason,omitempty"`
	URL          string          `json:"url,omitempty"`
}

// The values of Destination.Status. They are stored and exported as they
// are: never change one.
const (
	StatusOK = "" // nothing known to be wrong
	// StatusRoleLost: the person is no longer an admin of the Page
	// (Graph error 190/492).
	StatusRoleLost = "role_lost"
	// StatusMissing: the Page was not granted at the last login, or its
	// token is not in the keychain; "Add Pages…" grants it again.
	StatusMissing = "missing"
	// StatusPermission: a permission LiveRoute needs on the Page is missing.
	StatusPermission = "permission"
	// StatusBlocked: Facebook blocked posting there for a while (#368).
	StatusBlocked = "blocked"
)

// The sentences of a Page LiveRoute was not given, for StatusMissing's
// reasons and the errors that say so. They name no button and no
// command: the window shows "Add Pages…" next to them, and the command
// line adds its own pointer after PagesDialogSentence.
const (
	// PagesDialogSentence is what Facebook needs for LiveRoute to have a Page.
	PagesDialogSentence  = "it must be ticked in Facebook's dialog for Pages"
	ReasonPageNotGranted = "Facebook did not grant this Page in the last login: " + PagesDialogSentence + "."
	ReasonNoPageAccess   = "LiveRoute has no access to this Page: " + PagesDialogSentence + "."
)

// PutDestination adds or replaces a destination.
func (db *DB) PutDestination(d Destination) error {
	if err := validDestination(d); err != nil {
		return err
	}
	return db.update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketDestinations), []byte(d.ID), d)
	})
}

// Destination returns one destination; ok is false when it is unknown.
func (db *DB) Destination(id string) (d Destination, ok bool, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		ok, err = getJSON(tx.Bucket(bucketDestinations), []byte(id), &d)
		return err
	})
	return d, ok, err
}

// Destinations returns every destination, ordered by ID.
func (db *DB) Destinations() ([]Destination, error) {
	var out []Destination
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDestinations).ForEach(func(k, v []byte) error {
			var d Destination
			if err := getJSONRaw(k, v, &d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// DeleteDestination forgets a destination. Routes that name it keep their
// target, which then shows as unknown; deleting an absent one is not an error.
func (db *DB) DeleteDestination(id string) error {
	return db.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketDestinations).Delete([]byte(id)); err != nil {
			return fmt.Errorf("delete destination %s: %w", id, err)
		}
		return nil
	})
}

func validDestination(d Destination) error {
	if err := validID("destination ID", d.ID); err != nil {
		return err
	}
	if d.Kind != KindPage && d.Kind != KindGroup {
		return fmt.Errorf("destination %s has kind %q; it must be %q or %q", d.ID, d.Kind, KindPage, KindGroup)
	}
	for _, f := range []struct{ what, s string }{
		{"destination name", d.Name}, {"destination status", d.Status},
		{"destination status reason", d.StatusReason}, {"destination address", d.URL},
	} {
		if err := validText(f.what, f.s, 2000); err != nil {
			return err
		}
	}
	return nil
}

// GroupDestination is the destination for the group id at its facebook.com
// address url, named name or, when name is blank, after its address: the
// address is all an app can know of a group.
func GroupDestination(id, url, name string) Destination {
	name = strings.TrimSpace(name)
	if name == "" {
		name = id
	}
	return Destination{ID: id, Name: name, Kind: KindGroup, URL: url}
}
