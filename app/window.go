package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/store"
)

// mainView is the main window's content: the connection's health on top,
// then the routes, the activity and the connection in tabs.
type mainView struct {
	g    *GUI
	root fyne.CanvasObject

	icon      *canvas.Image
	headline  *widget.Label
	detail    *widget.Label
	pauseBtn  *widget.Button
	checkBtn  *widget.Button
	connectBt *widget.Button

	tabs *container.AppTabs
	// unbuilt holds the tabs not shown yet and how to build each: the
	// Connection and Settings tabs cost most of the window's widgets, and
	// the window opens on Routes.
	unbuilt  map[*container.TabItem]func() fyne.CanvasObject
	connect  *connectForm // nil until the Connection tab is first shown
	addGroup *addGroupDialog
	editor   *routeEditor
	// dryRun is the text of the last "Try it"; dryRunDone hears when one
	// ends (tests).
	dryRun     string
	dryRunDone chan error
	settings   *settingsTab // nil until the Settings tab is first shown
	routes     *fyne.Container
	activity   *fyne.Container
}

func newMainView(g *GUI) *mainView {
	v := &mainView{g: g}
	v.icon = canvas.NewImageFromResource(assets.TrayIcon(assets.TrayHealthy))
	v.icon.SetMinSize(fyne.NewSize(48, 48))
	v.icon.FillMode = canvas.ImageFillContain
	v.headline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.headline.SizeName = theme.SizeNameSubHeadingText
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.pauseBtn = widget.NewButtonWithIcon("Pause sharing", theme.MediaPauseIcon(), func() {
		if g.Health().Paused {
			g.resume()
		} else {
			g.pause()
		}
	})
	v.checkBtn = widget.NewButtonWithIcon("Check now", theme.ViewRefreshIcon(), func() {
		g.checkNow()
		v.detail.SetText("Checking your sources and your connection with Facebook now…")
	})
	v.connectBt = widget.NewButtonWithIcon("Connect…", theme.LoginIcon(), g.openReconnect)
	v.connectBt.Importance = widget.HighImportance

	// A fixed height keeps the tabs from jumping when the detail's length
	// changes with the state.
	keep := canvas.NewRectangle(color.Transparent)
	keep.SetMinSize(fyne.NewSize(0, 96))
	status := container.NewBorder(nil, nil, v.icon,
		container.NewVBox(container.NewHBox(v.connectBt, v.pauseBtn, v.checkBtn)),
		container.NewStack(keep, container.NewVBox(v.headline, v.detail)))

	v.routes = container.NewVBox()
	newRoute := widget.NewButtonWithIcon("New route…", theme.ContentAddIcon(), func() { v.showRouteEditor(nil) })
	addGroup := widget.NewButtonWithIcon("Add a group…", theme.ContentAddIcon(), v.showAddGroup)
	routesTab := container.NewBorder(container.NewHBox(newRoute, addGroup), nil, nil, nil, container.NewVScroll(v.routes))
	v.activity = container.NewVBox()
	v.unbuilt = map[*container.TabItem]func() fyne.CanvasObject{}
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Routes", theme.MediaPlayIcon(), routesTab),
		container.NewTabItemWithIcon("Activity", theme.HistoryIcon(), container.NewVScroll(v.activity)),
		v.lazyTab("Connection", theme.AccountIcon(), v.connectionTab),
		v.lazyTab("Settings", theme.SettingsIcon(), v.settingsTab),
	)
	v.tabs.OnSelected = v.buildTab
	v.root = container.NewBorder(container.NewPadded(status), nil, nil, nil, v.tabs)
	v.refresh()
	return v
}

// showHealth puts s on screen. UI goroutine only.
func (v *mainView) showHealth(s shown) {
	h := s.health
	v.icon.Resource = assets.TrayIcon(h.Tray)
	v.icon.Refresh()
	v.headline.SetText(h.Headline)
	v.detail.SetText(h.Detail)
	if h.Paused {
		v.pauseBtn.SetText("Resume sharing")
		v.pauseBtn.SetIcon(theme.MediaPlayIcon())
	} else {
		v.pauseBtn.SetText("Pause sharing")
		v.pauseBtn.SetIcon(theme.MediaPauseIcon())
	}
	setEnabled(v.pauseBtn, h.Connected || h.Paused)
	setEnabled(v.checkBtn, h.Connected && !h.Paused)
	switch {
	case h.Reconnect && !s.account:
		v.connectBt.SetText("Connect…")
		v.connectBt.Show()
	case h.Reconnect:
		v.connectBt.SetText("Reset connection…")
		v.connectBt.Show()
	case s.expiring:
		v.connectBt.SetText("Renew now…")
		v.connectBt.Show()
	default:
		v.connectBt.Hide()
	}
	if v.connect != nil {
		v.connect.loadSummary() // the Connection tab follows the banner
	}
}

// closeDialog closes the route editor or the add-group dialog, if open
// (Escape).
func (v *mainView) closeDialog() {
	if v.editor != nil {
		v.editor.dialog.Hide()
	}
	if v.addGroup != nil {
		v.addGroup.dialog.Hide()
	}
}

// refresh reloads routes and activity from the database. UI goroutine only.
func (v *mainView) refresh() {
	v.routes.Objects = append(append(v.unconfirmedRows(), v.assistedRows()...), v.routeRows()...)
	v.routes.Refresh()
	v.activity.Objects = v.activityRows()
	v.activity.Refresh()
}

func (v *mainView) routeRows() []fyne.CanvasObject {
	routes, err := v.g.svc.Routes()
	if err != nil {
		v.g.log.Error("list routes", "err", err)
		return []fyne.CanvasObject{emptyNote("Your routes could not be read: " + err.Error())}
	}
	if len(routes) == 0 {
		return []fyne.CanvasObject{emptyNote("No routes yet. A route takes the live videos of one source — your profile or a Page — to the Pages and Groups you choose.")}
	}
	dests := v.destinationNames()
	sources := v.g.svc.Status().Sources
	var rows []fyne.CanvasObject
	for _, r := range routes {
		r := r
		edit := widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), func() { v.showRouteEditor(&r) })
		del := widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() { v.confirmDelete(r) })
		try := widget.NewButtonWithIcon("Try it", theme.VisibilityIcon(), func() { v.showDryRun(r) })
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewVBox(edit, try, del), routeCard(r, dests, v.lastShares(r), sourceWarning(r, sources))))
	}
	return rows
}

func (v *mainView) destinationNames() map[string]store.Destination {
	out := map[string]store.Destination{}
	list, err := v.g.svc.Destinations()
	if err != nil {
		v.g.log.Error("list destinations", "err", err)
		return out
	}
	for _, d := range list {
		out[d.ID] = d
	}
	return out
}

// lastShares is the newest ledger entry of each destination of r.
func (v *mainView) lastShares(r store.Route) map[string]store.LedgerEntry {
	out := map[string]store.LedgerEntry{}
	for _, t := range r.Targets {
		entries, err := v.g.svc.LedgerByDestination(t.DestinationID, 20)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.RouteID == r.ID {
				out[t.DestinationID] = e
				break
			}
		}
	}
	return out
}

// shareNote says how the last share to a destination went, in a few words.
func shareNote(e store.LedgerEntry) string {
	at := e.UpdatedAt.Local().Format("Jan 2 15:04")
	switch e.State {
	case store.LedgerDone:
		return "✓ shared " + at + doneNote(e)
	case store.LedgerPending:
		return "… sharing"
	case store.LedgerFailed:
		return "✗ not shared " + at + ": " + e.Reason
	case store.LedgerAssistedOpen:
		return "waiting for you to share"
	case store.LedgerAssistedDone:
		return "✓ you shared it"
	case store.LedgerMissed:
		return "missed " + at + " (the live ended while LiveRoute was off)"
	case store.LedgerSkipped:
		return "skipped: " + e.Reason
	}
	return ""
}

func routeCard(r store.Route, dests map[string]store.Destination, last map[string]store.LedgerEntry, sourceWarning string) fyne.CanvasObject {
	source := r.SourceName
	if source == "" {
		source = r.SourceID
	}
	title := source
	if r.Name != "" {
		title = r.Name + " — " + source
	}
	var lines []string
	if sourceWarning != "" {
		lines = append(lines, "⚠ "+sourceWarning)
	}
	for _, t := range r.Targets {
		d, ok := dests[t.DestinationID]
		name := t.DestinationID
		if ok && d.Name != "" {
			name = d.Name
		}
		how := "link post"
		switch t.Mode {
		case store.ModeCrosspost:
			how = "crosspost"
		case store.ModeAssisted:
			how = "group: you share it"
		}
		line := "→ " + name + " (" + how + ")"
		if ok && d.Status != "" {
			line += " ⚠ " + d.StatusReason
		} else if e, shared := last[t.DestinationID]; shared {
			line += " — " + shareNote(e)
		}
		lines = append(lines, line)
	}
	state := "On"
	if !r.Enabled {
		state = "Off"
	}
	count := plural(len(r.Targets), "destination", "destinations")
	body := widget.NewLabel(strings.Join(lines, "\n"))
	body.Wrapping = fyne.TextWrapWord
	return widget.NewCard(title, state+" · "+count, body)
}

func (v *mainView) activityRows() []fyne.CanvasObject {
	items, err := v.g.svc.History(200)
	if err != nil {
		v.g.log.Error("list activity", "err", err)
		return []fyne.CanvasObject{emptyNote("The activity log could not be read: " + err.Error())}
	}
	if len(items) == 0 {
		return []fyne.CanvasObject{emptyNote("Nothing has happened yet. Shares, live videos and connection changes appear here.")}
	}
	var rows []fyne.CanvasObject
	for _, line := range items {
		l := widget.NewLabel(activityText(line))
		l.Wrapping = fyne.TextWrapWord
		rows = append(rows, l)
	}
	return rows
}

// activityText is one line of the Activity tab: when, and what.
func activityText(line relay.HistoryLine) string {
	return line.Time.Local().Format("Jan 2 15:04:05") + "   " + line.Message
}

// lazyTab is a tab whose content build makes the first time it is shown.
func (v *mainView) lazyTab(name string, icon fyne.Resource, build func() fyne.CanvasObject) *container.TabItem {
	item := container.NewTabItemWithIcon(name, icon, container.NewStack())
	v.unbuilt[item] = build
	return item
}

// buildTab builds item's content if it is not built yet (AppTabs'
// OnSelected). UI goroutine only.
func (v *mainView) buildTab(item *container.TabItem) {
	build, ok := v.unbuilt[item]
	if !ok {
		return
	}
	delete(v.unbuilt, item)
	holder := item.Content.(*fyne.Container)
	holder.Objects = []fyne.CanvasObject{build()}
	holder.Refresh()
}

// reloadConnection reloads the Connection tab after a new connection, if
// it was built (a tab built later loads itself).
func (v *mainView) reloadConnection() {
	if v.connect != nil {
		v.connect.load()
	}
}

// reloadSettings shows the stored settings in the Settings tab, if it was
// built (a tab built later loads itself).
func (v *mainView) reloadSettings() {
	if v.settings != nil {
		v.settings.load()
	}
}

func (v *mainView) connectionTab() fyne.CanvasObject {
	v.connect = newConnectForm(v.g)
	v.connect.scroll = container.NewVScroll(container.NewPadded(v.connect.root))
	return v.connect.scroll
}

func (v *mainView) settingsTab() fyne.CanvasObject {
	v.settings = newSettingsTab(v.g)
	return container.NewVScroll(container.NewPadded(v.settings.root))
}

func emptyNote(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}
