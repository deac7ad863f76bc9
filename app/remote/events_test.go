package remote

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// TestEveryRelayEventTypeHasAnEncoding reads app/relay's source for the
// types that implement relay.Event (their event method), so a type added
// there without a line in eventDecoders fails here, not in a window that
// silently misses it.
func TestEveryRelayEventTypeHasAnEncoding(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "relay", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Name.Name == "event" && fn.Recv != nil {
				found[receiverName(fn.Recv.List[0].Type)] = true
			}
		}
	}
	if len(found) == 0 {
		t.Fatal("found no event types in app/relay: has the event method been renamed?")
	}
	for name := range found {
		if eventDecoders[name] == nil {
			t.Errorf("relay.%s is an event without a wire encoding: add it to eventDecoders and eventSamples", name)
		}
	}
	for name := range eventDecoders {
		if !found[name] {
			t.Errorf("eventDecoders has %s, which is not a relay event", name)
		}
	}
}

func receiverName(expr ast.Expr) string {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	if id, ok := expr.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

var (
	at    = time.Date(2026, 12, 2, 9, 30, 15, 123456789, time.UTC)
	video = fbclient.LiveVideo{ID: "7001", Status: "LIVE", Title: "Sunday service", Description: "Live from the hall",
		PermalinkURL: "https://www.facebook.com/100/videos/7002", VideoID: "7002", CreatedAt: at.Add(-time.Hour), StartedAt: at}
	key = store.LedgerKey{RouteID: "r1", VideoID: "7001", DestinationID: "9001"}
)

// eventSamples holds one event of every type with every field set, so a
// field that does not survive the trip shows.
var eventSamples = []relay.Event{
	relay.StateChanged{From: relay.State{Kind: relay.Expiring, ExpiresAt: at.Add(48 * time.Hour), Window: 7 * 24 * time.Hour},
		To: relay.State{Kind: relay.Paused, Reason: "paused by you", PausedUntil: at.Add(time.Hour)}, At: at},
	relay.LiveDetected{RouteID: "r1", Video: video},
	relay.ShareResult{Key: key, State: store.LedgerUnconfirmed, PostID: "9001_55", Reason: "Facebook did not answer."},
	relay.AssistedSharesPending{RouteID: "r1", Video: video, Shares: []relay.AssistedShare{{Key: key, DestinationID: "g1",
		Name: "Prayer circle", ShareURL: "https://www.facebook.com/sharer/sharer.php?u=x", Message: "We're live — {url}"}}},
	relay.DestinationFlagged{DestinationID: "9001", Flag: "role_lost", Reason: "You are no longer an admin of this Page."},
	relay.UsageChanged{Usage: fbclient.Usage{App: 80, User: 100, Page: 12, Business: map[string]int{"9001": 97},
		RegainAfter: 5 * time.Minute, At: at}, Slowdown: 2.5, ThrottledTil: at.Add(5 * time.Minute)},
	relay.Missed{Key: key, Video: video},
}

func TestEveryEventTypeRoundTripsExactly(t *testing.T) {
	sampled := map[string]bool{}
	for _, ev := range eventSamples {
		name := reflect.TypeOf(ev).Name()
		sampled[name] = true
		if field := zeroField(reflect.ValueOf(ev)); field != "" {
			t.Errorf("the %s sample leaves %s unset: set every field, so the test sees it cross", name, field)
		}
		body, err := encodeEvent(ev)
		if err != nil {
			t.Fatalf("encode %s: %v", name, err)
		}
		got, err := decodeWireEvent(body)
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		if !reflect.DeepEqual(got, ev) {
			t.Errorf("%s changed on the way:\nsent %#v\ngot  %#v", name, ev, got)
		}
	}
	for name := range eventDecoders {
		if !sampled[name] {
			t.Errorf("eventSamples has no %s", name)
		}
	}
}

// zeroField names the first exported field of struct v left at its zero value.
func zeroField(v reflect.Value) string {
	for i := range v.NumField() {
		if v.Type().Field(i).IsExported() && v.Field(i).IsZero() {
			return v.Type().Field(i).Name
		}
	}
	return ""
}

func TestAnEventOfAnUnknownTypeIsRefusedWithItsName(t *testing.T) {
	_, err := decodeWireEvent([]byte(`{"type":"Teleported","event":{}}`))
	if err == nil || !strings.Contains(err.Error(), "Teleported") {
		t.Fatalf("an unknown event type: %v", err)
	}
}

func TestEventsArriveInOrderThroughTheSocket(t *testing.T) {
	svc, _, window := demo(t)
	local, cancelLocal := svc.Subscribe(64)
	defer cancelLocal()
	remote, cancelRemote := window.Subscribe(64)
	defer cancelRemote()

	const rounds = 20
	for i := range rounds {
		window.Pause(time.Duration(i+1) * time.Hour)
		window.Resume()
	}
	want := collect(t, local, 2*rounds)
	got := collect(t, remote, 2*rounds)
	for i := range want {
		if w, g := asJSON(t, want[i]), asJSON(t, got[i]); w != g {
			t.Fatalf("event %d through the socket:\n%s\nin process:\n%s", i, g, w)
		}
	}
}

func TestCancellingASubscriptionClosesItsChannel(t *testing.T) {
	_, _, window := demo(t)
	events, cancel := window.Subscribe(4)
	window.Pause(0)
	cancel()
	waitClosed(t, events) // may hold the pause's event first
	window.Resume()       // the agent goes on serving the window
	if h := window.Health(); h.Paused {
		t.Fatalf("health after resume: %+v", h)
	}
}

// collect receives n events, failing after a generous minute.
func collect(t *testing.T, events <-chan relay.Event, n int) []relay.Event {
	t.Helper()
	var out []relay.Event
	timeout := time.After(time.Minute)
	for len(out) < n {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the channel closed after %d of %d events", len(out), n)
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("%d of %d events after a minute", len(out), n)
		}
	}
	return out
}
