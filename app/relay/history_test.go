package relay

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

// A share LiveRoute could not confirm is one line of History, written as
// Engine.unconfirm writes it (the ledger entry and its note together),
// with the state the window's buttons settle; once settled, the note
// stays as what happened and the settling says the rest.
func TestHistorySaysAnUnconfirmedShareOnce(t *testing.T) {
	now := time.Date(2026, 5, 3, 10, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Now: func() time.Time { return now }, ValidateTemplate: Validate})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PutDestination(store.Destination{ID: "200", Name: "Choir", Kind: store.KindPage}); err != nil {
		t.Fatal(err)
	}
	key := store.LedgerKey{RouteID: "r1", VideoID: "v1", DestinationID: "200"}
	e, _, err := db.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Vespers"})
	if err != nil {
		t.Fatal(err)
	}
	why := UnconfirmedSentence("Choir")
	e.State, e.Reason = store.LedgerUnconfirmed, why
	note := store.Activity{Time: now, Kind: activityUnconfirmed, Message: why, RouteID: key.RouteID, VideoID: key.VideoID, DestinationID: key.DestinationID}
	if err := db.LedgerPutNoted(e, note); err != nil {
		t.Fatal(err)
	}

	lines, err := History(db, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := countMessages(lines, why); n != 1 {
		t.Fatalf("the unconfirmed share is said %d times, want once: %+v", n, lines)
	}
	for _, l := range lines {
		if l.Message == why && l.State != string(store.LedgerUnconfirmed) {
			t.Errorf("its line has state %q, want unconfirmed (the window's buttons)", l.State)
		}
	}

	now = now.Add(time.Minute)
	if _, err := db.LedgerResolve(key, true); err != nil {
		t.Fatal(err)
	}
	if lines, err = History(db, 0); err != nil {
		t.Fatal(err)
	}
	if n := countMessages(lines, why); n != 1 {
		t.Errorf("once settled, the note is said %d times, want once: %+v", n, lines)
	}
}

func countMessages(lines []HistoryLine, msg string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l.Message, msg) {
			n++
		}
	}
	return n
}
