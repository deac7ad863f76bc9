package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/relay"
)

// BenchmarkNewWindow is what building the main window costs before its
// first frame: the widgets of the tabs built at once and the service
// calls they make (the Connection and Settings tabs wait to be shown).
func BenchmarkNewWindow(b *testing.B) {
	f := connectedFake(relay.State{Kind: relay.Healthy})
	a := &desktopApp{App: test.NewTempApp(b)}
	for b.Loop() {
		g := New(Options{App: a, Service: f, TrayHost: func() bool { return true }})
		g.win.Close()
	}
}
