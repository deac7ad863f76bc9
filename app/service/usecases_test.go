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
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// openGroupShare records a live waiting to be shared by hand to the
// group "Choir friends", as the engine does when the live starts.
func openGroupShare(t *testing.T, svc *Service, message string) store.LedgerKey {
	t.Helper()
	if err := svc.DB.PutDestination(store.Destination{ID: "choirfriends", Name: "Choir friends", Kind: store.KindGroup}); err != nil {
		t.Fatal(err)
	}
	route, err := svc.DB.PutRoute(store.Route{SourceID: "200000000000001", SourceName: "Demo Church Live", SourceKind: store.SourcePage,
		Enabled: true, Targets: []store.Target{{DestinationID: "choirfriends", Mode: store.ModeAssisted, Message: message}}})
	if err != nil {
		t.Fatal(err)
	}
	key := store.LedgerKey{RouteID: route.ID, VideoID: "v1", DestinationID: "choirfriends"}
	e, _, err := svc.DB.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoURL: "https://www.facebook.com/200000000000001/videos/v1/",
		VideoTitle: "Sunday service", VideoDescription: "Hymns and a sermon"})
	if err != nil {
		t.Fatal(err)
	}
	e.State = store.LedgerAssistedOpen
	if err := svc.DB.LedgerPut(e); err != nil {
		t.Fatal(err)
	}
	return key
}

// groupMarks counts the activity lines that record a group share done.
func groupMarks(t *testing.T, svc *Service) int {
	t.Helper()
	acts, err := svc.DB.Activities(0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range acts {
		if a.Kind == "assisted-done" {
			n++
		}
	}
	return n
}

// waitForMark returns once the engine has said the share to key is done;
// the deadline is a failsafe: the event goes out before the mark returns.
func waitForMark(t *testing.T, events <-chan relay.Event, key store.LedgerKey) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-events:
			if r, ok := ev.(relay.ShareResult); ok && r.Key == key && r.State == store.LedgerAssistedDone {
				return
			}
		case <-deadline:
			t.Fatal("no ShareResult for the marked group share")
		}
	}
}

func TestMarkingAGroupShareRecordsOneActivityLineAndTellsEveryWindow(t *testing.T) {
	svc := openDemo(t)
	key := openGroupShare(t, svc, "{url}")
	events, stop := svc.Subscribe(16)
	defer stop()

	if err := svc.MarkAssistedDone(key); err != nil {
		t.Fatal(err)
	}
	waitForMark(t, events, key)
	if e, _, _ := svc.DB.LedgerGet(key); e.State != store.LedgerAssistedDone {
		t.Errorf("ledger state %s, want assisted-done", e.State)
	}
	// Marked again (in the window and from the command line): no error,
	// nothing more recorded.
	if err := svc.MarkAssistedDone(key); err != nil {
		t.Errorf("marking again: %v", err)
	}
	if n := groupMarks(t, svc); n != 1 {
		t.Errorf("%d activity lines for one mark, want 1", n)
	}
	acts, _ := svc.DB.Activities(1)
	if len(acts) != 1 || acts[0].Message != "You shared to Choir friends" {
		t.Errorf("activity %+v, want the group named", acts)
	}
	unknown := store.LedgerKey{RouteID: key.RouteID, VideoID: "v2", DestinationID: key.DestinationID}
	if err := svc.MarkAssistedDone(unknown); !errors.Is(err, ErrNoGroupShareWaiting) {
		t.Errorf("marking a share never offered: %v, want ErrNoGroupShareWaiting", err)
	}
}

// The command line's "groups shared" on the running app takes the
// window's path: one activity line, an event every window hears, and
// `history` lists the share once.
func TestAGroupShareMarkedFromTheCommandLineIsRecordedOnceAndHeard(t *testing.T) {
	svc := openDemo(t)
	key := openGroupShare(t, svc, "{url}")
	events, stop := svc.Subscribe(16)
	defer stop()
	backend := svc.ControlBackend(nil)
	ctx := context.Background()

	args, _ := json.Marshal(control.GroupsSharedArgs{RouteID: key.RouteID, VideoID: key.VideoID, DestinationID: key.DestinationID})
	if resp := backend.Execute(ctx, control.Request{Cmd: control.CmdGroupsShared, Args: args}); !resp.OK {
		t.Fatalf("groups shared: %s", resp.Error)
	}
	waitForMark(t, events, key)
	if n := groupMarks(t, svc); n != 1 {
		t.Errorf("%d activity lines for one mark from the command line, want 1", n)
	}

	resp := backend.Execute(ctx, control.Request{Cmd: control.CmdHistory, Args: json.RawMessage(`{}`)})
	if !resp.OK {
		t.Fatalf("history: %s", resp.Error)
	}
	var hist []control.HistoryEntry
	if err := json.Unmarshal(resp.Data, &hist); err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, h := range hist {
		if h.VideoID == key.VideoID && h.DestinationID == key.DestinationID {
			listed++
		}
	}
	if listed != 1 {
		t.Errorf("history lists the group share %d times, want once: %+v", listed, hist)
	}
}

// Whether a group share waits is decided once, by MarkAssistedDone: the
// command line asking for a share never offered gets its sentence as
// "not found" and nothing is written.
func TestTheCommandLineMarkingAShareNeverOfferedIsNotFound(t *testing.T) {
	svc := openDemo(t)
	key := openGroupShare(t, svc, "{url}")
	backend := svc.ControlBackend(nil)
	unknown := control.GroupsSharedArgs{RouteID: key.RouteID, VideoID: "v2", DestinationID: key.DestinationID}
	args, _ := json.Marshal(unknown)
	resp := backend.Execute(context.Background(), control.Request{Cmd: control.CmdGroupsShared, Args: args})
	if resp.OK || resp.Code != control.CodeNotFound || resp.Error != ErrNoGroupShareWaiting.Error() {
		t.Errorf("groups shared on a share never offered: %+v, want not found with %q", resp, ErrNoGroupShareWaiting)
	}
	if n := groupMarks(t, svc); n != 0 {
		t.Errorf("%d activity lines recorded for a share never offered", n)
	}
}

// The message the person pastes into a group is rendered with every
// variable the engine's post has: title, description, address, the
// group's name and the source's.
func TestTheAssistedMessageRendersEveryVariableOfAPost(t *testing.T) {
	svc := openDemo(t)
	key := openGroupShare(t, svc, "{title} | {description} | {url} | {page} | {source}")
	e, _, err := svc.DB.LedgerGet(key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.AssistedMessage(e)
	if err != nil {
		t.Fatal(err)
	}
	want := "Sunday service | Hymns and a sermon | https://www.facebook.com/200000000000001/videos/v1/ | Choir friends | Demo Church Live"
	if got != want {
		t.Errorf("assisted message\n got %q\nwant %q", got, want)
	}
}

// The window shows ErrNoGroupShareWaiting too: it names no command (the
// command line adds where to look).
func TestNoGroupShareWaitingNamesNoCommand(t *testing.T) {
	if msg := ErrNoGroupShareWaiting.Error(); strings.Contains(msg, "liveroute") || strings.Contains(msg, "`") {
		t.Errorf("%q names a command", msg)
	}
}

// The destination problems `check` prints and the window shows name no
// button: the window has "Add Pages…" beside them, the CLI its pointer.
func TestPageProblemsNameNoButton(t *testing.T) {
	d := store.Destination{ID: "200", Name: "Choir", Kind: store.KindPage}
	for name, info := range map[string]fbclient.TokenInfo{
		"no pages_manage_posts": {Valid: true, Scopes: []string{"pages_show_list"}},
		"ended":                 {Valid: false},
	} {
		p := pageProblem(d, info, fbclient.Usage{})
		if p == "" || strings.Contains(p, "Add Pages") || strings.Contains(p, "press") {
			t.Errorf("%s: %q names a button", name, p)
		}
	}
}
