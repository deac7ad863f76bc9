package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Mode is how a route shares to one destination.
type Mode string

// The share modes.
const (
	ModePost      Mode = "post"      // a link post on a Page
	ModeCrosspost Mode = "crosspost" // a live crosspost between Pages that agreed to it
	ModeAssisted  Mode = "assisted"  // the person shares by hand (the only way for Groups)
)

// SourceKind is what a route watches.
type SourceKind string

// The source kinds.
const (
	SourcePage    SourceKind = "page"
	SourceProfile SourceKind = "profile"
)

// MaxDelay is the longest a target may wait after a live starts.
const MaxDelay = time.Hour

// maxMessage is Facebook's limit on a post's text.
const maxMessage = 63206

// Target is one destination of a route with its own options.
type Target struct {
	DestinationID string        `json:"destination_id"`
	Mode          Mode          `json:"mode"`
	Message       string        `json:"message,omitempty"` // template, checked by Options.ValidateTemplate
	Delay         time.Duration `json:"delay,omitempty"`
}

// Route says: when Source goes live, share to every target.
type Route struct {
	ID             string     `json:"id"`
	Name           string     `json:"name,omitempty"`
	SourceID       string     `json:"source_id"`
	SourceName     string     `json:"source_name,omitempty"`
	SourceKind     SourceKind `json:"source_kind"`
	Targets        []Target   `json:"targets"`
	Enabled        bool       `json:"enabled"`
	ShareScheduled bool       `json:"share_scheduled,omitempty"`
	ShareReplay    bool       `json:"share_replay,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// ShareMode is the mode a target to a destination of kind shares with:
// a group's is always ModeAssisted (Facebook lets no app post to one); a
// Page's is the target's own.
func ShareMode(mode Mode, kind DestinationKind) Mode {
	if kind == KindGroup {
		return ModeAssisted
	}
	return mode
}

// PutRoute validates r and stores it, returning it as stored: a new route
// (empty ID) gets a short random ID; CreatedAt is kept from the stored route
// and UpdatedAt set. Bad input returns a clear error and writes nothing.
// A target may name a destination not known yet; a known Group must use
// ModeAssisted.
func (db *DB) PutRoute(r Route) (Route, error) {
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		r, err = db.putRoute(tx, r)
		return err
	})
	if err != nil {
		return Route{}, err
	}
	return r, nil
}

// Route returns one route; ok is false when it is unknown.
func (db *DB) Route(id string) (r Route, ok bool, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		ok, err = getJSON(tx.Bucket(bucketRoutes), []byte(id), &r)
		return err
	})
	return r, ok, err
}

// Routes returns every route, ordered by ID.
func (db *DB) Routes() ([]Route, error) {
	var out []Route
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRoutes).ForEach(func(k, v []byte) error {
			var r Route
			if err := getJSONRaw(k, v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// DeleteRoute removes a route. Its ledger entries stay: they are the record
// of what was shared. Deleting an absent route is not an error.
func (db *DB) DeleteRoute(id string) error {
	return db.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketRoutes).Delete([]byte(id)); err != nil {
			return fmt.Errorf("delete route %s: %w", id, err)
		}
		return nil
	})
}

// putRoute validates and writes r inside tx.
func (db *DB) putRoute(tx *bolt.Tx, r Route) (Route, error) {
	b := tx.Bucket(bucketRoutes)
	if r.ID == "" {
		r.ID = db.opts.NewID()
		for b.Get([]byte(r.ID)) != nil { // a collision is rare but must not overwrite a route
			r.ID = db.opts.NewID()
		}
	}
	if err := db.validRoute(tx, r); err != nil {
		return Route{}, err
	}
	var old Route
	found, err := getJSON(b, []byte(r.ID), &old)
	if err != nil {
		return Route{}, err
	}
	now := db.now()
	switch {
	case found:
		r.CreatedAt = old.CreatedAt
	case r.CreatedAt.IsZero():
		r.CreatedAt = now
	}
	r.UpdatedAt = now
	if err := putJSON(b, []byte(r.ID), r); err != nil {
		return Route{}, err
	}
	return r, nil
}

func (db *DB) validRoute(tx *bolt.Tx, r Route) error {
	if err := validID("route ID", r.ID); err != nil {
		return err
	}
	if err := validText("route name", r.Name, 200); err != nil {
		return err
	}
	if r.SourceID == "" {
		return errors.New("choose the Page or profile this route watches")
	}
	if err := validID("source ID", r.SourceID); err != nil {
		return err
	}
	if err := validText("source name", r.SourceName, 200); err != nil {
		return err
	}
	if r.SourceKind != SourcePage && r.SourceKind != SourceProfile {
		return fmt.Errorf("the source kind %q is not valid; it must be %q or %q", r.SourceKind, SourcePage, SourceProfile)
	}
	if len(r.Targets) == 0 {
		return errors.New("add at least one Page or Group to share to")
	}
	seen := make(map[string]bool, len(r.Targets))
	dests := tx.Bucket(bucketDestinations)
	for _, t := range r.Targets {
		if err := validID("destination ID", t.DestinationID); err != nil {
			return err
		}
		if seen[t.DestinationID] {
			return fmt.Errorf("destination %s is in the route twice; remove one", t.DestinationID)
		}
		seen[t.DestinationID] = true
		if t.DestinationID == r.SourceID {
			return fmt.Errorf("the route shares its source %s to itself; remove that destination", r.SourceID)
		}
		switch t.Mode {
		case ModePost, ModeCrosspost, ModeAssisted:
		default:
			return fmt.Errorf("the share mode %q for destination %s is not valid; it must be %q, %q or %q", t.Mode, t.DestinationID, ModePost, ModeCrosspost, ModeAssisted)
		}
		var d Destination
		if found, _ := getJSON(dests, []byte(t.DestinationID), &d); found && ShareMode(t.Mode, d.Kind) != t.Mode {
			return fmt.Errorf("no app may post to Facebook groups, so %q can only be an assisted share", d.Name)
		}
		if t.Delay < 0 || t.Delay > MaxDelay {
			return fmt.Errorf("the delay for destination %s is %s; it must be between 0 and %s", t.DestinationID, t.Delay, MaxDelay)
		}
		if err := validText("message", t.Message, maxMessage); err != nil {
			return err
		}
		if db.opts.ValidateTemplate != nil {
			if err := db.opts.ValidateTemplate(t.Message); err != nil {
				return fmt.Errorf("the message for destination %s: %w", t.DestinationID, err)
			}
		}
	}
	return overlap(tx, r)
}

// overlap refuses a route that would share a source's lives to a
// destination another route already shares them to: the ledger keeps one
// share per route, video and destination, so two such routes would post
// the same live twice.
func overlap(tx *bolt.Tx, r Route) error {
	return tx.Bucket(bucketRoutes).ForEach(func(k, v []byte) error {
		if string(k) == r.ID {
			return nil
		}
		var other Route
		if err := getJSONRaw(k, v, &other); err != nil {
			return nil // a damaged record is reported where it is read
		}
		if other.SourceID != r.SourceID {
			return nil
		}
		for _, t := range r.Targets {
			for _, o := range other.Targets {
				if t.DestinationID == o.DestinationID {
					name := other.Name
					if name == "" {
						name = other.ID
					}
					return fmt.Errorf("destination %s already gets this source's live videos through route %q; a live is shared once to each destination, so remove it from one of the two routes", t.DestinationID, name)
				}
			}
		}
		return nil
	})
}
