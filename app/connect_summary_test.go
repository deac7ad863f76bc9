package app

import (
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/relay"
)

// The Connection tab's summary follows the connection: once Facebook ends
// it, the tab no longer says "Connected as …" under a red banner.
func TestConnectionSummaryFollowsALostConnection(t *testing.T) {
	f := connectedFake(relay.State{Kind: relay.Healthy})
	g, _ := newTestGUI(t, f, true)
	if got := g.view.connect.summary.Text; !strings.HasPrefix(got, "Connected as Ada") {
		t.Fatalf("healthy summary %q, want it to start with Connected as Ada", got)
	}
	lost := relay.State{Kind: relay.NeedsReconnect, Reason: "Your Facebook password changed."}
	f.mu.Lock()
	f.status.State = lost
	f.mu.Unlock()
	g.handle(relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: lost})
	if got := g.view.connect.summary.Text; !strings.Contains(got, "Facebook ended the connection of Ada") {
		t.Errorf("summary after the connection was lost %q, want it to say Facebook ended it", got)
	}
	if got := g.view.connect.connect.Text; got != "Reconnect" {
		t.Errorf("connect button %q, want Reconnect", got)
	}
}
