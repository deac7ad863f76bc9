package store

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeV1Database builds, with raw bbolt, a database as schema 1 wrote it:
// routes with one message for all destinations and no ledger indexes.
func writeV1Database(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	put := func(tx *bolt.Tx, bucket, key string, v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Bucket([]byte(bucket)).Put([]byte(key), raw); err != nil {
			t.Fatal(err)
		}
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"version", "accounts", "destinations", "routes", "settings", "ledger", "activity"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		v := tx.Bucket([]byte("version"))
		_ = v.Put([]byte("app"), []byte("LiveRoute"))
		_ = v.Put([]byte("schema"), []byte("1"))
		put(tx, "destinations", "page-1", map[string]any{"id": "page-1", "name": "Church Page", "kind": "page"})
		put(tx, "destinations", "group-1", map[string]any{"id": "group-1", "name": "Youth Group", "kind": "group"})
		put(tx, "routes", "r1", map[string]any{
			"id": "r1", "name": "Sunday", "source_id": "src-1", "source_name": "Pastor",
			"destination_ids": []string{"page-1", "group-1"}, "message": "Live now",
			"enabled": true, "created_at": created, "updated_at": created,
		})
		put(tx, "settings", "settings", map[string]any{"poll_interval": int64(30 * time.Second), "api_version": "v25.0", "pkce": true, "notifications": true})
		for video, state := range map[string]string{"v1": "pending", "v2": "done"} {
			put(tx, "ledger", "r1\x00"+video+"\x00page-1", map[string]any{
				"route_id": "r1", "video_id": video, "destination_id": "page-1",
				"state": state, "created_at": created, "updated_at": created,
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenUpgradesASchema1Database(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	writeV1Database(t, path)

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open of a schema-1 database: %v", err)
	}
	defer db.Close()
	if db.Recovered() != nil {
		t.Fatalf("an old database was treated as bad: %v", db.Recovered())
	}
	r, ok, err := db.Route("r1")
	if err != nil || !ok {
		t.Fatalf("route r1 after upgrade: %v %v", ok, err)
	}
	want := []Target{
		{DestinationID: "page-1", Mode: ModePost, Message: "Live now"},
		{DestinationID: "group-1", Mode: ModeAssisted, Message: "Live now"},
	}
	if len(r.Targets) != len(want) || r.Targets[0] != want[0] || r.Targets[1] != want[1] {
		t.Errorf("targets after upgrade = %+v, want %+v", r.Targets, want)
	}
	if r.SourceKind != SourcePage || !r.Enabled || r.Name != "Sunday" || r.CreatedAt.Year() != 2026 {
		t.Errorf("route after upgrade lost fields: %+v", r)
	}
	pending, err := db.LedgerPending()
	if err != nil || len(pending) != 1 || pending[0].VideoID != "v1" {
		t.Errorf("pending after upgrade = %+v, %v; want the one pending share", pending, err)
	}
	if byVideo, _ := db.LedgerByVideo("v2"); len(byVideo) != 1 || byVideo[0].State != LedgerDone {
		t.Errorf("by video after upgrade = %+v", byVideo)
	}
	if byDest, _ := db.LedgerByDestination("page-1", 0); len(byDest) != 2 {
		t.Errorf("by destination after upgrade = %+v", byDest)
	}
	s, err := db.Settings()
	if err != nil || s.PollInterval != 30*time.Second || s.APIVersion != "v25.0" || s.Transport != TransportLoopback {
		t.Errorf("settings after upgrade = %+v, %v", s, err)
	}
	var version string
	_ = db.bolt.View(func(tx *bolt.Tx) error { version = string(tx.Bucket(bucketVersion).Get(keySchema)); return nil })
	if version != strconv.Itoa(SchemaVersion) {
		t.Errorf("schema version after upgrade = %q, want %d", version, SchemaVersion)
	}
	// The upgraded database is a valid one to reopen.
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if routes, _ := db.Routes(); len(routes) != 1 {
		t.Errorf("routes after reopening = %+v", routes)
	}
}

func TestFailedMigrationLeavesTheOldSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	writeV1Database(t, path)
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketRoutes).Put([]byte("broken"), []byte("{not json")) })
	b.Close()

	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("Open upgraded a database with an unreadable route")
	}
	b, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_ = b.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bucketVersion).Get(keySchema)); v != "1" {
			t.Errorf("schema after a failed upgrade = %q, want 1", v)
		}
		if tx.Bucket(bucketLedgerState) != nil {
			t.Error("a failed upgrade left half its buckets")
		}
		return nil
	})
}
