package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// The Activity tab lists the service's History, newest first, as it is.
func TestTheActivityTabListsTheServicesHistory(t *testing.T) {
	f := connectedFake(relay.State{Kind: relay.Healthy})
	f.activity = append(f.activity,
		store.Activity{Time: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), Kind: "info", Message: "Shared “Matins” to Choir"},
		store.Activity{Time: time.Date(2026, 12, 2, 9, 5, 0, 0, time.UTC), Kind: "info", Message: "Shared “Vespers” to Choir"})
	g, _ := newTestGUI(t, f, true)
	got := strings.Split(strings.TrimSpace(allText(g.view.activity)), "\n")
	want := []string{"Shared “Vespers” to Choir", "Shared “Matins” to Choir"}
	if len(got) != len(want) {
		t.Fatalf("Activity tab:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasSuffix(got[i], "   "+want[i]) {
			t.Errorf("line %d is %q, want it to end with %q", i, got[i], want[i])
		}
	}
}

// The window's Activity tab and `liveroute history` show the same lines
// for the same database: the group share waiting, then shared, with its
// video's title, and the share LiveRoute could not confirm.
func TestTheWindowAndTheCommandLineShowTheSameHistory(t *testing.T) {
	svc := openDemoService(t)
	key := seedGroupShare(t, svc, "{url}")
	must(t, svc.MarkAssistedDone(key))
	putUnconfirmedAsTheEngineDoes(t, svc.DB, store.LedgerKey{RouteID: key.RouteID, VideoID: "v2", DestinationID: "choirfriends"}, "Vespers", "Choir friends")
	g := New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: svc})
	window := strings.Split(strings.TrimSpace(allText(g.view.activity)), "\n")

	running := svc.ControlBackend(nil)
	stopped := control.Backend{DB: svc.DB, App: svc.ControlApp()} // the CLI on a stopped app
	for name, b := range map[string]control.Backend{"running": running, "stopped": stopped} {
		resp := b.Execute(context.Background(), control.Request{Cmd: control.CmdHistory, Args: json.RawMessage(`{"limit":200}`)})
		var cli []control.HistoryEntry
		if err := json.Unmarshal(resp.Data, &cli); !resp.OK || err != nil {
			t.Fatalf("history (%s): %+v, %v", name, resp, err)
		}
		if len(window) != len(cli) {
			t.Fatalf("the window shows %d lines, the command line (%s) %d:\n%s", len(window), name, len(cli), strings.Join(window, "\n"))
		}
		for i, c := range cli {
			if !strings.HasSuffix(window[i], "   "+c.Message) || !strings.HasPrefix(window[i], c.Time.Local().Format("Jan 2 15:04:05")) {
				t.Errorf("line %d: window %q, command line (%s) %s %q", i, window[i], name, c.Time, c.Message)
			}
		}
	}
	text := strings.Join(window, "\n")
	for _, want := range []string{"You shared “Sunday service” to the group Choir friends", "Could not confirm the share to Choir friends"} {
		if strings.Count(text, want) != 1 {
			t.Errorf("the Activity tab should say %q once:\n%s", want, text)
		}
	}
}

// putUnconfirmedAsTheEngineDoes leaves a share unconfirmed as
// relay.Engine's unconfirm does: the ledger entry and its activity note in
// one write.
func putUnconfirmedAsTheEngineDoes(t *testing.T, db *store.DB, key store.LedgerKey, title, page string) {
	t.Helper()
	e, _, err := db.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: title})
	must(t, err)
	why := relay.UnconfirmedSentence(page)
	e.State, e.Reason = store.LedgerUnconfirmed, why
	must(t, db.LedgerPutNoted(e, store.Activity{Time: time.Now(), Kind: "unconfirmed", Message: why,
		RouteID: key.RouteID, VideoID: key.VideoID, DestinationID: key.DestinationID}))
}
