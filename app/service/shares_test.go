package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// seedGroupShare records a live waiting to be shared by hand to the
// demo's group, as the engine does when a live starts.
func seedGroupShare(t *testing.T, svc *Service) store.LedgerKey {
	t.Helper()
	routes, err := svc.DB.Routes()
	if err != nil || len(routes) == 0 {
		t.Fatalf("the demo has no route: %v", err)
	}
	key := store.LedgerKey{RouteID: routes[0].ID, VideoID: "901", DestinationID: "demo-prayer-circle"}
	e, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Evening prayer"})
	if err != nil {
		t.Fatal(err)
	}
	e.State = store.LedgerAssistedOpen
	if err := svc.DB.LedgerPut(e); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestMarkGroupSharedOnAStoppedAppWritesWhatTheRunningOneWrites: the
// command line on a stopped app opens the service without starting its
// engine; the mark still reaches the ledger and the Activity tab, with the
// group's name, once.
func TestMarkGroupSharedOnAStoppedAppWritesWhatTheRunningOneWrites(t *testing.T) {
	svc := openDemo(t) // opened, not started
	key := seedGroupShare(t, svc)
	app := svc.ControlApp()
	for range 2 { // the window and the command line may both mark it
		if err := app.MarkGroupShared(context.Background(), key); err != nil {
			t.Fatalf("MarkGroupShared: %v", err)
		}
	}
	if e, _, _ := svc.DB.LedgerGet(key); e.State != store.LedgerAssistedDone {
		t.Errorf("ledger state %q, want assisted-done", e.State)
	}
	acts, err := svc.DB.Activities(0)
	if err != nil {
		t.Fatal(err)
	}
	var marks []string
	for _, a := range acts {
		if a.Kind == relay.ActivityAssistedDone {
			marks = append(marks, a.Message)
		}
	}
	if len(marks) != 1 || !strings.Contains(marks[0], "Demo Prayer Circle") {
		t.Errorf("activity lines for the mark: %q; want one naming the group", marks)
	}
}

func TestResolveShareOnAStoppedAppNamesThePageInTheActivity(t *testing.T) {
	svc := openDemo(t)
	routes, _ := svc.DB.Routes()
	key := store.LedgerKey{RouteID: routes[0].ID, VideoID: "902", DestinationID: routes[0].Targets[0].DestinationID}
	e, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Vespers"})
	if err != nil {
		t.Fatal(err)
	}
	e.State = store.LedgerUnconfirmed
	if err := svc.DB.LedgerPut(e); err != nil {
		t.Fatal(err)
	}
	if err := svc.ControlApp().ResolveShare(context.Background(), key, true); err != nil {
		t.Fatal(err)
	}
	dest, _, _ := svc.DB.Destination(key.DestinationID)
	acts, _ := svc.DB.Activities(1)
	if len(acts) != 1 || !strings.Contains(acts[0].Message, dest.Name) || dest.Name == "" {
		t.Errorf("activity %+v; want it to name %q", acts, dest.Name)
	}
	if err := svc.ControlApp().ResolveShare(context.Background(), store.LedgerKey{VideoID: "x", DestinationID: key.DestinationID}, true); !errors.Is(err, store.ErrNotUnconfirmed) {
		t.Errorf("a share that is not waiting: %v, want ErrNotUnconfirmed", err)
	}
}

// TestAddGroupIsOneRuleForTheWindowAndTheCommandLine: service.AddGroup is
// what the window's "Add a group…" and `groups add` both call.
func TestAddGroupIsOneRuleForTheWindowAndTheCommandLine(t *testing.T) {
	svc := openDemo(t)
	g, err := svc.AddGroup("m.facebook.com/groups/choir.friends/permalink/1/", " Choir friends ")
	if err != nil || g.ID != "choir.friends" || g.Name != "Choir friends" || g.Kind != store.KindGroup {
		t.Fatalf("AddGroup = %+v, %v", g, err)
	}
	// Added again without a name, it keeps the one given.
	if g, err := svc.ControlApp().AddGroup(context.Background(), "https://www.facebook.com/groups/choir.friends", ""); err != nil || g.Name != "Choir friends" {
		t.Errorf("added again: %+v, %v; want the name kept", g, err)
	}
	pages, err := svc.Pages()
	if err != nil || len(pages) == 0 {
		t.Fatalf("the demo has no Page: %v", err)
	}
	if _, err := svc.AddGroup("https://www.facebook.com/groups/"+pages[0].ID, ""); err == nil || !strings.Contains(err.Error(), "as a Page") {
		t.Errorf("a group address with a known Page's ID: %v, want it refused", err)
	}
	if d, _, _ := svc.DB.Destination(pages[0].ID); d.Kind != store.KindPage {
		t.Errorf("the Page became %+v", d)
	}
	if _, err := svc.AddGroup("https://www.facebook.com/ChoirOfStMary", ""); err == nil {
		t.Error("a Page's address was added as a group")
	}
}

// `shares shared` answers with the line `history` then shows: the one the
// engine wrote, not a second wording of it.
func TestSharesSharedAnswersWithTheLineHistoryShows(t *testing.T) {
	svc := openDemo(t)
	routes, _ := svc.DB.Routes()
	key := store.LedgerKey{RouteID: routes[0].ID, VideoID: "902", DestinationID: routes[0].Targets[0].DestinationID}
	e, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Vespers"})
	if err != nil {
		t.Fatal(err)
	}
	e.State = store.LedgerUnconfirmed
	if err := svc.DB.LedgerPut(e); err != nil {
		t.Fatal(err)
	}
	backend := svc.ControlBackend(nil)
	args, _ := json.Marshal(control.SharesArgs{VideoID: key.VideoID, DestinationID: key.DestinationID})
	resp := backend.Execute(context.Background(), control.Request{Cmd: control.CmdSharesShared, Args: args})
	var answer control.HistoryEntry
	if !resp.OK || json.Unmarshal(resp.Data, &answer) != nil {
		t.Fatalf("shares shared: %+v", resp)
	}
	resp = backend.Execute(context.Background(), control.Request{Cmd: control.CmdHistory})
	var hist []control.HistoryEntry
	if !resp.OK || json.Unmarshal(resp.Data, &hist) != nil || len(hist) == 0 {
		t.Fatalf("history: %+v", resp)
	}
	if answer.Message != hist[0].Message || answer.Kind != hist[0].Kind {
		t.Errorf("shares shared said %q (%s); history shows %q (%s)", answer.Message, answer.Kind, hist[0].Message, hist[0].Kind)
	}
}
