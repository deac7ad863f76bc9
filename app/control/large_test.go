package control

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/store"
)

// mib is how large a history and an export must grow to pass the old
// 1 MiB line limit of the control socket.
const mib = 1 << 20

func TestHistoryLargerThanOneMiBCrossesTheRunningAppsSocket(t *testing.T) {
	h := newHarness(t, true)
	long := strings.Repeat("x", 3000)
	h.withDB(func(db *store.DB) {
		for range 500 {
			must(t, db.AddActivity(store.Activity{Kind: "share", Message: long}))
		}
	})
	out := h.ok("history", "--json", "--limit", "0")
	if len(out) <= mib {
		t.Fatalf("the history is %d bytes; the test needs more than 1 MiB", len(out))
	}
	var hist []HistoryEntry
	must(t, json.Unmarshal([]byte(out), &hist))
	if len(hist) != 500 {
		t.Errorf("history has %d entries, want 500", len(hist))
	}
}

func TestExportAndImportLargerThanOneMiBCrossTheRunningAppsSocket(t *testing.T) {
	h := newHarness(t, true)
	h.seed()
	name := strings.Repeat("n", 200)
	h.withDB(func(db *store.DB) {
		// One Page may take a source's lives through one route only, so
		// each route watches a Page of its own.
		for i := range 20 {
			id := fmt.Sprint(10000 + i)
			must(t, db.PutDestination(store.Destination{ID: id, Name: name, Kind: store.KindPage}))
			_, err := db.PutRoute(store.Route{ID: "r" + id, Name: name, SourceID: id, SourceKind: store.SourcePage, Enabled: true,
				Targets: []store.Target{{DestinationID: "300", Mode: store.ModePost, Message: strings.Repeat("m", 60000)}}})
			must(t, err)
		}
	})
	file := filepath.Join(t.TempDir(), "export.json")
	h.ok("export", file)
	data, err := os.ReadFile(file)
	must(t, err)
	if len(data) <= mib {
		t.Fatalf("the export is %d bytes; the test needs more than 1 MiB", len(data))
	}
	var res ImportData
	must(t, json.Unmarshal([]byte(h.ok("import", file, "--json")), &res))
	if res.Routes != 20 {
		t.Errorf("imported %d routes, want 20", res.Routes)
	}
}
