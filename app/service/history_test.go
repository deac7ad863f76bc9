package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// History is one answer on a real database: the activity log with the
// group shares and the unconfirmed shares the ledger alone records, a
// group share said once and with its video's title.
func TestHistoryMergesTheActivityLogWithTheSharesWaitingForThePerson(t *testing.T) {
	svc := openDemo(t)
	key := openGroupShare(t, svc, "{url}")
	if err := svc.MarkAssistedDone(key); err != nil {
		t.Fatal(err)
	}
	unconfirmed := store.LedgerKey{RouteID: key.RouteID, VideoID: "v2", DestinationID: "choirfriends"}
	e, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: unconfirmed, VideoTitle: "Vespers"})
	if err != nil {
		t.Fatal(err)
	}
	// As relay.Engine's unconfirm writes it: the entry and its note.
	why := relay.UnconfirmedSentence("Choir friends")
	e.State, e.Reason = store.LedgerUnconfirmed, why
	if err := svc.DB.LedgerPutNoted(e, store.Activity{Time: time.Now(), Kind: "unconfirmed", Message: why,
		RouteID: unconfirmed.RouteID, VideoID: unconfirmed.VideoID, DestinationID: unconfirmed.DestinationID}); err != nil {
		t.Fatal(err)
	}

	lines, err := svc.History(0)
	if err != nil {
		t.Fatal(err)
	}
	var messages []string
	for i, l := range lines {
		messages = append(messages, l.Message)
		if i > 0 && l.Time.After(lines[i-1].Time) {
			t.Errorf("line %d (%s) is newer than the line above it", i, l.Message)
		}
	}
	all := strings.Join(messages, "\n")
	for _, want := range []string{"You shared “Sunday service” to the group Choir friends", "Could not confirm the share to Choir friends"} {
		if strings.Count(all, want) != 1 {
			t.Errorf("history should say %q once:\n%s", want, all)
		}
	}
	if strings.Contains(all, "You shared to Choir friends") {
		t.Errorf("the activity line of the mark is said beside the share's own:\n%s", all)
	}
	if first, err := svc.History(1); err != nil || len(first) != 1 || first[0] != lines[0] {
		t.Errorf("History(1) = %+v, %v; want the newest line alone", first, err)
	}
	if _, err := svc.History(-1); !errors.Is(err, relay.ErrNegativeLimit) {
		t.Errorf("History(-1): %v", err)
	}

	// The command line's `history` is the same lines.
	resp := svc.ControlBackend(nil).Execute(context.Background(), control.Request{Cmd: control.CmdHistory, Args: json.RawMessage(`{"limit":0}`)})
	var hist []control.HistoryEntry
	if err := json.Unmarshal(resp.Data, &hist); !resp.OK || err != nil {
		t.Fatalf("history: %+v, %v", resp, err)
	}
	if len(hist) != len(lines) {
		t.Fatalf("the command line lists %d lines, the service %d", len(hist), len(lines))
	}
	for i := range hist {
		if relay.HistoryLine(hist[i]) != lines[i] {
			t.Errorf("line %d: command line %+v, service %+v", i, hist[i], lines[i])
		}
	}
}
