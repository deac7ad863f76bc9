package store

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestUpgradeMergesOneShareRecordedUnderTwoRoutes builds a schema-1 file
// whose ledger holds one live shared to one Page under two routes (what
// schema 2 allowed) and checks the upgrade keeps one share, the one that
// says most, with every other share intact.
func TestUpgradeMergesOneShareRecordedUnderTwoRoutes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	writeV1Database(t, path) // r1: v1 pending, v2 done on page-1
	early := time.Date(2025, 12, 24, 0, 0, 0, 0, time.UTC)
	addRawLedger(t, path, map[string]LedgerEntry{
		"r2\x00v1\x00page-1": {LedgerKey: key("r2", "v1", "page-1"), State: LedgerDone, PostID: "page-1_7", CreatedAt: early},
		"r2\x00v2\x00page-1": {LedgerKey: key("r2", "v2", "page-1"), State: LedgerFailed, Reason: "refused"},
		"r2\x00v3\x00page-1": {LedgerKey: key("r2", "v3", "page-1"), State: LedgerMissed},
	})
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v1, ok, _ := db.LedgerGet(key("any", "v1", "page-1"))
	if !ok || v1.State != LedgerDone || v1.PostID != "page-1_7" || v1.RouteID != "r2" || !v1.CreatedAt.Equal(early) {
		t.Errorf("v1 after upgrade = %+v, want r2's done share begun at %v", v1, early)
	}
	v2, _, _ := db.LedgerGet(key("any", "v2", "page-1"))
	if v2.State != LedgerDone || v2.RouteID != "r1" {
		t.Errorf("v2 after upgrade = %+v, want r1's done share, not r2's failure", v2)
	}
	if v3, ok, _ := db.LedgerGet(key("any", "v3", "page-1")); !ok || v3.State != LedgerMissed {
		t.Errorf("v3 after upgrade = %+v %v, want its only entry kept", v3, ok)
	}
	if pending, _ := db.LedgerPending(); len(pending) != 0 {
		t.Errorf("pending after upgrade = %+v, want none (v1 was posted under r2)", pending)
	}
	if byDest, _ := db.LedgerByDestination("page-1", 0); len(byDest) != 3 {
		t.Errorf("by destination after upgrade = %d entries, want 3", len(byDest))
	}
}

// addRawLedger writes entries into a closed file's ledger with raw bbolt,
// under the given schema-2 keys.
func addRawLedger(t *testing.T, path string, entries map[string]LedgerEntry) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bolt.Tx) error {
		for k, e := range entries {
			raw, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketLedger).Put([]byte(k), raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
