package app

import (
	"slices"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/liveroute/liveroute/app/relay"
)

// fontWatchTheme records which font styles are asked of it, and which
// before allow is called. Fyne asks the theme for a style's font each time
// it loads that style's faces (painter.CachedFontFace on a cache miss).
type fontWatchTheme struct {
	fyne.Theme
	mu      sync.Mutex
	allowed bool
	asked   []fyne.TextStyle
	early   []fyne.TextStyle
}

func (t *fontWatchTheme) Font(s fyne.TextStyle) fyne.Resource {
	t.mu.Lock()
	t.asked = append(t.asked, s)
	if !t.allowed {
		t.early = append(t.early, s)
	}
	t.mu.Unlock()
	return t.Theme.Font(s)
}

// Size gives the text a size no other test measures with, so no text
// size cached by another test spares a font load here.
func (t *fontWatchTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameText {
		return t.Theme.Size(n) + 0.25
	}
	return t.Theme.Size(n)
}

func (t *fontWatchTheme) allow() {
	t.mu.Lock()
	t.allowed = true
	t.mu.Unlock()
}

func (t *fontWatchTheme) seen() (asked, early []fyne.TextStyle) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.asked), slices.Clone(t.early)
}

func watchFonts(t *testing.T) (*desktopApp, *fontWatchTheme) {
	a := &desktopApp{App: test.NewTempApp(t)}
	th := &fontWatchTheme{Theme: test.Theme()}
	a.Settings().SetTheme(th)
	return a, th
}

// The window process loads its fonts on another goroutine while it reaches
// the agent; New must wait for that before anything loads or measures a
// font (Fyne's font faces are not safe for two goroutines at once).
func TestNewLoadsNoFontBeforeItHasWaitedForTheWarmFonts(t *testing.T) {
	a, th := watchFonts(t)
	waits := 0
	g := New(Options{App: a, Service: connectedFake(relay.State{Kind: relay.Healthy}), FontsWarm: func() {
		waits++
		th.allow()
	}})
	if waits != 1 {
		t.Fatalf("New waited for the fonts %d times, want once", waits)
	}
	asked, early := th.seen()
	if len(early) > 0 {
		t.Errorf("New loaded fonts %v before it waited for the warm fonts", early)
	}
	if len(asked) == 0 {
		t.Fatal("New loaded no font at all: this test watches nothing")
	}
	if min := g.Window().Content().MinSize(); min.Width <= 0 || min.Height <= 0 {
		t.Errorf("the window built after the fonts has no size: %v", min)
	}
}

// WarmFonts loads the faces of every style the main window's text uses
// (regular and bold), and its wait returns once they are loaded.
func TestWarmFontsLoadsTheStylesOfTheMainWindow(t *testing.T) {
	_, th := watchFonts(t)
	WarmFonts()()
	asked, _ := th.seen()
	for _, want := range []fyne.TextStyle{{}, {Bold: true}} {
		if !slices.Contains(asked, want) {
			t.Errorf("WarmFonts did not load the %+v fonts (asked %v)", want, asked)
		}
	}
	th.allow()
	before := len(asked)
	fyne.MeasureText("Pause sharing", th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true})
	if after, _ := th.seen(); len(after) != before {
		t.Errorf("measuring bold text after WarmFonts loaded fonts again: %v", after[before:])
	}
}
