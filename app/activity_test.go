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
	e, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: store.LedgerKey{RouteID: key.RouteID, VideoID: "v2", DestinationID: "choirfriends"}, VideoTitle: "Vespers"})
	must(t, err)
	e.State = store.LedgerUnconfirmed
	must(t, svc.DB.LedgerPut(e))
	g := New(Options{App: &desktopApp{App: test.NewTempApp(t)}, Service: svc})

	resp := svc.ControlBackend(nil).Execute(context.Background(), control.Request{Cmd: control.CmdHistory, Args: json.RawMessage(`{"limit":200}`)})
	var cli []control.HistoryEntry
	if err := json.Unmarshal(resp.Data, &cli); !resp.OK || err != nil {
		t.Fatalf("history: %+v, %v", resp, err)
	}
	window := strings.Split(strings.TrimSpace(allText(g.view.activity)), "\n")
	if len(window) != len(cli) {
		t.Fatalf("the window shows %d lines, the command line %d:\n%s", len(window), len(cli), strings.Join(window, "\n"))
	}
	for i, c := range cli {
		if !strings.HasSuffix(window[i], "   "+c.Message) || !strings.HasPrefix(window[i], c.Time.Local().Format("Jan 2 15:04:05")) {
			t.Errorf("line %d: window %q, command line %s %q", i, window[i], c.Time, c.Message)
		}
	}
	text := strings.Join(window, "\n")
	for _, want := range []string{"You shared “Sunday service” to the group Choir friends", "Could not confirm the share to Choir friends"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Activity tab does not say %q:\n%s", want, text)
		}
	}
}
