package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/relay"
)

// The window process loads its fonts on another goroutine while it reaches
// the agent; New must wait for that before it builds anything that
// measures text (Fyne's font faces are not safe for two goroutines): the
// race detector fails this test if the wait comes too late.
func TestNewWaitsForTheWarmFontsBeforeItBuildsTheWindow(t *testing.T) {
	a := &desktopApp{App: test.NewTempApp(t)}
	warm := WarmFonts()
	var contentWhenWaited []fyne.CanvasObject
	waits := 0
	g := New(Options{App: a, Service: connectedFake(relay.State{Kind: relay.Healthy}), FontsWarm: func() {
		waits++
		for _, w := range a.Driver().AllWindows() {
			contentWhenWaited = append(contentWhenWaited, w.Content())
		}
		warm()
	}})
	if waits != 1 {
		t.Fatalf("New waited for the fonts %d times, want once", waits)
	}
	if len(contentWhenWaited) == 0 {
		t.Error("New waited for the fonts before it made its window")
	}
	for _, c := range contentWhenWaited {
		if c != nil {
			t.Errorf("when New waited for the fonts a window already held %T, want nothing built yet", c)
		}
	}
	if min := g.Window().Content().MinSize(); min.Width <= 0 || min.Height <= 0 {
		t.Errorf("the window built after the fonts has no size: %v", min)
	}
}
