package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the database layout this build writes. Each step of
// migrations moves a database one version up; all run in one transaction,
// so a crash mid-way leaves the old version intact.
const SchemaVersion = 3

// appMarker tells a LiveRoute database from another app's bbolt file.
const appMarker = "LiveRoute"

var (
	bucketVersion      = []byte("version")
	bucketAccounts     = []byte("accounts")
	bucketDestinations = []byte("destinations")
	bucketRoutes       = []byte("routes")
	bucketSettings     = []byte("settings")
	bucketLedger       = []byte("ledger")
	bucketActivity     = []byte("activity")
	// Ledger indexes (schema 2): keys only, values empty. Schema 3 keys the
	// ledger by video \0 destination, which makes the video index its own
	// key order, and drops the route from the index keys.
	bucketLedgerState = []byte("ledger_state") // state \0 ledger key
	bucketLedgerVideo = []byte("ledger_video") // schema 2 only: video \0 route \0 destination
	bucketLedgerDest  = []byte("ledger_dest")  // destination \0 created(8, big endian) video

	keySchema = []byte("schema")
	keyApp    = []byte("app")
)

// bucketsByVersion lists the buckets a database of each version must hold.
var bucketsByVersion = map[int][][]byte{
	1: {bucketVersion, bucketAccounts, bucketDestinations, bucketRoutes, bucketSettings, bucketLedger, bucketActivity},
	2: {bucketVersion, bucketAccounts, bucketDestinations, bucketRoutes, bucketSettings, bucketLedger, bucketActivity,
		bucketLedgerState, bucketLedgerVideo, bucketLedgerDest},
	3: {bucketVersion, bucketAccounts, bucketDestinations, bucketRoutes, bucketSettings, bucketLedger, bucketActivity,
		bucketLedgerState, bucketLedgerDest},
}

// migrations[i] moves a database from version i to i+1.
var migrations = []func(tx *bolt.Tx) error{
	migrateCreate,        // 0 → 1
	migrateLedgerIndexes, // 1 → 2
	migrateLedgerByShare, // 2 → 3
}

// schemaVersion reads the version of tx's database: 0 for a fresh file.
func schemaVersion(tx *bolt.Tx) (int, error) {
	vb := tx.Bucket(bucketVersion)
	if vb == nil {
		foreign := false
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { foreign = true; return nil })
		if foreign {
			return 0, errors.New("the file holds another program's data, not LiveRoute's")
		}
		return 0, nil
	}
	if string(vb.Get(keyApp)) != appMarker {
		return 0, errors.New("the file holds another program's data, not LiveRoute's")
	}
	v, err := strconv.Atoi(string(vb.Get(keySchema)))
	if err != nil || v < 1 {
		return 0, fmt.Errorf("the schema version %q is not valid", vb.Get(keySchema))
	}
	return v, nil
}

// checkLayout tells whether tx's database is one this build can use.
func checkLayout(tx *bolt.Tx, path string) error {
	v, err := schemaVersion(tx)
	if err != nil {
		return &badFileError{cause: err}
	}
	if v > SchemaVersion {
		return &NewerDatabaseError{Path: path, Version: v, Known: SchemaVersion}
	}
	for _, name := range bucketsByVersion[v] {
		if tx.Bucket(name) == nil {
			return &badFileError{cause: fmt.Errorf("the %s data is missing", name)}
		}
	}
	return nil
}

// migrate brings tx's database up to SchemaVersion.
func migrate(tx *bolt.Tx, path string) error {
	if err := checkLayout(tx, path); err != nil {
		return err
	}
	v, _ := schemaVersion(tx)
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("upgrade the database from schema %d to %d: %w", v, v+1, err)
		}
	}
	vb := tx.Bucket(bucketVersion)
	if err := vb.Put(keySchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
		return fmt.Errorf("record the schema version: %w", err)
	}
	return nil
}

func migrateCreate(tx *bolt.Tx) error {
	for _, name := range bucketsByVersion[1] {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return tx.Bucket(bucketVersion).Put(keyApp, []byte(appMarker))
}

// routeV1 is a schema-1 route: one message and one mode for all destinations.
type routeV1 struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	SourceID       string    `json:"source_id"`
	SourceName     string    `json:"source_name"`
	DestinationIDs []string  `json:"destination_ids"`
	Message        string    `json:"message"`
	Enabled        bool      `json:"enabled"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// migrateLedgerIndexes gives routes per-destination targets (a group gets
// the assisted mode, Facebook having removed group posting) and builds the
// ledger's state, video and destination indexes.
func migrateLedgerIndexes(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketLedgerState, bucketLedgerVideo, bucketLedgerDest} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	routes := tx.Bucket(bucketRoutes)
	dests := tx.Bucket(bucketDestinations)
	err := routes.ForEach(func(k, v []byte) error {
		var old routeV1
		if err := json.Unmarshal(v, &old); err != nil {
			return fmt.Errorf("read route %s: %w", k, err)
		}
		r := Route{
			ID: old.ID, Name: old.Name, SourceID: old.SourceID, SourceName: old.SourceName,
			SourceKind: SourcePage, Enabled: old.Enabled,
			CreatedAt: old.CreatedAt, UpdatedAt: old.UpdatedAt,
		}
		for _, id := range old.DestinationIDs {
			mode := ModePost
			var d Destination
			if raw := dests.Get([]byte(id)); raw != nil && json.Unmarshal(raw, &d) == nil && d.Kind == KindGroup {
				mode = ModeAssisted
			}
			r.Targets = append(r.Targets, Target{DestinationID: id, Mode: mode, Message: old.Message})
		}
		return putJSON(routes, k, r)
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketLedger).ForEach(func(k, v []byte) error {
		var e LedgerEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("read ledger entry: %w", err)
		}
		return indexLedgerV2(tx, e)
	})
}

// indexLedgerV2 indexes one entry as schema 2 did; the step to schema 3
// rebuilds every index, so this only has to be complete, not current.
func indexLedgerV2(tx *bolt.Tx, e LedgerEntry) error {
	key := []byte(e.RouteID + "\x00" + e.VideoID + "\x00" + e.DestinationID)
	if err := tx.Bucket(bucketLedgerState).Put(stateIndexKey(e.State, key), nil); err != nil {
		return fmt.Errorf("index state: %w", err)
	}
	return tx.Bucket(bucketLedgerVideo).Put([]byte(e.VideoID+"\x00"+e.RouteID+"\x00"+e.DestinationID), nil)
}

// migrateLedgerByShare re-keys the ledger from (route, video, destination)
// to (video, destination): one live is shared to a destination once,
// whatever the routes. Entries of one share under several routes (the bug
// this fixes could make them) become one: the one that says most about
// what Facebook has (see shareRank), begun at the earliest of their starts
// so a look for an earlier post covers every try.
func migrateLedgerByShare(tx *bolt.Tx) error {
	merged := map[string]LedgerEntry{}
	var order []string
	err := tx.Bucket(bucketLedger).ForEach(func(k, v []byte) error {
		var e LedgerEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("read ledger entry %q: %w", k, err)
		}
		id := string(ledgerKey(e.LedgerKey))
		old, seen := merged[id]
		if !seen {
			order = append(order, id)
			merged[id] = e
			return nil
		}
		merged[id] = mergeShare(old, e)
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketLedger, bucketLedgerState, bucketLedgerVideo, bucketLedgerDest} {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return fmt.Errorf("drop bucket %s: %w", name, err)
		}
	}
	for _, name := range [][]byte{bucketLedger, bucketLedgerState, bucketLedgerDest} {
		if _, err := tx.CreateBucket(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	for _, id := range order {
		if err := putLedger(tx, merged[id], ""); err != nil {
			return err
		}
	}
	return nil
}

// mergeShare keeps, of two entries of one share, the one that says most,
// with the earliest start of both.
func mergeShare(a, b LedgerEntry) LedgerEntry {
	keep, other := a, b
	if shareRank(b.State) > shareRank(a.State) {
		keep, other = b, a
	}
	if !other.CreatedAt.IsZero() && (keep.CreatedAt.IsZero() || other.CreatedAt.Before(keep.CreatedAt)) {
		keep.CreatedAt = other.CreatedAt
	}
	return keep
}

// shareRank orders states by what they tell of Facebook: a post made
// beats everything; an unknown outcome (pending, unconfirmed) beats a
// failure, because it must still be looked at before anything is posted.
func shareRank(s LedgerState) int {
	switch s {
	case LedgerDone, LedgerAssistedDone:
		return 6
	case LedgerPending:
		return 5
	case LedgerUnconfirmed:
		return 4
	case LedgerAssistedOpen:
		return 3
	case LedgerFailed:
		return 2
	case LedgerMissed:
		return 1
	}
	return 0
}
