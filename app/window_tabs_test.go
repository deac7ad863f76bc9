package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/liveroute/liveroute/app/relay"
)

// allTabsBuilt builds every tab of g's window, as after the person has
// looked at each; tests that reach into the Connection or Settings tab's
// widgets start from it.
func allTabsBuilt(g *GUI) *GUI {
	for _, item := range g.view.tabs.Items {
		g.view.buildTab(item)
	}
	return g
}

// tabNamed is the window's tab called name.
func tabNamed(t *testing.T, g *GUI, name string) *container.TabItem {
	t.Helper()
	for _, item := range g.view.tabs.Items {
		if item.Text == name {
			return item
		}
	}
	t.Fatalf("no tab %q", name)
	return nil
}

func TestConnectionAndSettingsTabsAreBuiltWhenFirstShown(t *testing.T) {
	a := &desktopApp{App: test.NewTempApp(t)}
	g := New(Options{App: a, Service: connectedFake(relay.State{Kind: relay.Healthy})})
	if g.view.connect != nil || g.view.settings != nil {
		t.Fatal("the Connection and Settings tabs were built before anyone looked at them")
	}
	g.view.tabs.Select(tabNamed(t, g, "Connection"))
	if g.view.connect == nil || !strings.HasPrefix(g.view.connect.summary.Text, "Connected as Ada") {
		t.Fatalf("the Connection tab shown: %+v", g.view.connect)
	}
	if g.view.settings != nil {
		t.Error("showing Connection built Settings too")
	}
	built := g.view.connect
	g.view.tabs.Select(tabNamed(t, g, "Settings"))
	if g.view.settings == nil || g.view.settings.poll.Selected == "" {
		t.Fatal("the Settings tab shown has no poll interval")
	}
	g.view.tabs.Select(tabNamed(t, g, "Connection"))
	if g.view.connect != built {
		t.Error("showing the Connection tab again built it again")
	}
	if holder := tabNamed(t, g, "Connection").Content.(interface{ Visible() bool }); !holder.Visible() {
		t.Error("the Connection tab's content is hidden while it is selected")
	}
}

func TestANewConnectionBeforeTheConnectionTabIsShownReloadsNothing(t *testing.T) {
	a := &desktopApp{App: test.NewTempApp(t)}
	f := newFakeService(relay.State{Kind: relay.Healthy}) // no account yet
	g := New(Options{App: a, Service: f})
	f.connectAs("501", "Ada")
	g.connected() // as after the setup wizard, with the tab never shown
	g.view.tabs.Select(tabNamed(t, g, "Connection"))
	if got := g.view.connect.summary.Text; !strings.HasPrefix(got, "Connected as Ada") {
		t.Errorf("the Connection tab built after connecting says %q", got)
	}
}
