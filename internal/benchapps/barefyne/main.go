//go:build cgo

// Command barefyne is baseline A of the desktop benchmark
// (scripts/bench-desktop): the least a Fyne 2.7.1 app with a window and a
// tray menu can cost. It does nothing else, so whatever LiveRoute costs
// above it is LiveRoute's own, and whatever it costs is Fyne's driver.
// It builds only with cgo, as Fyne's GL driver does.
package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/assets"
)

// WindowTitle is the title the benchmark looks for on the display.
const WindowTitle = "Bare Fyne window"

func main() {
	a := fyneapp.NewWithID("com.liveroute.bench.barefyne")
	w := a.NewWindow(WindowTitle)
	// LiveRoute's window size: the same pixels to keep in memory.
	w.Resize(fyne.NewSize(820, 620))
	w.SetContent(widget.NewLabel("A bare Fyne window with a tray menu."))
	if desk, ok := a.(desktop.App); ok {
		// A PNG, as LiveRoute's: Fyne 2.7.1's tray shows no SVG.
		desk.SetSystemTrayIcon(assets.TrayIcon(assets.TrayHealthy))
		desk.SetSystemTrayMenu(fyne.NewMenu("Bare Fyne", fyne.NewMenuItem("Show", w.Show)))
	}
	w.ShowAndRun()
}
