package app

import (
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// DefaultMessage is a new route's message template.
const DefaultMessage = "🔴 We're live: {title}\n{url}"

// Share modes as the editor names them, for Pages; Groups are always assisted.
const (
	modeLabelPost      = "Link post"
	modeLabelCrosspost = "Crosspost (partner Pages)"
)

// routeEditor is the dialog that creates or edits one route. It checks the
// message as it is typed and saves through the store, whose validation has
// the last word; nothing is saved while anything is wrong.
type routeEditor struct {
	v      *mainView
	route  store.Route // the route being edited; ID "" for a new one
	dialog dialog.Dialog

	name       *widget.Entry
	source     *widget.Select
	sourceNote *widget.Label // why the chosen source can never share, if it cannot
	sources    []sourceChoice
	targets    []*targetRow
	list       *fyne.Container
	message    *widget.Entry
	enabled    *widget.Check
	problem    *widget.Label
	save       *widget.Button
}

type sourceChoice struct {
	label string
	id    string
	kind  store.SourceKind
	name  string
}

type targetRow struct {
	dest  store.Destination
	check *widget.Check
	mode  *widget.Select // Pages only
}

// sourceWarning is the route card's sentence when the route's source can
// never start a share ("" when it can): the engine's word while it watches
// the source (sources, from its status), else what is known of the
// source's kind. One rule, in relay, for the window and `liveroute status`.
func sourceWarning(r store.Route, sources []relay.SourceStatus) string {
	for _, s := range sources {
		if s.SourceID != r.SourceID {
			continue
		}
		if s.State == relay.SourceUnsupported {
			return s.Reason
		}
		return ""
	}
	return relay.UnsupportedSourceReason(r.SourceKind)
}

// doneNote is what a share that went through has to add, such as a
// crosspost that became a link post and why.
func doneNote(e store.LedgerEntry) string {
	if e.Reason == "" {
		return ""
	}
	return " — " + e.Reason
}

// showRouteEditor opens the editor on r, or on a new route when r is nil.
func (v *mainView) showRouteEditor(r *store.Route) {
	e := &routeEditor{v: v, route: store.Route{Enabled: true}}
	if r != nil {
		e.route = *r
	}
	dests, err := e.loadChoices()
	if err != nil {
		dialog.ShowError(err, v.g.win)
		return
	}
	e.buildFields(dests)
	e.selectSource()
	e.open()
	v.editor = e
}

// loadChoices reads the destinations (Pages first, then by name) and
// offers as sources the profile and every Page.
func (e *routeEditor) loadChoices() ([]store.Destination, error) {
	dests, err := e.v.g.svc.Destinations()
	if err != nil {
		return nil, err
	}
	sort.Slice(dests, func(i, j int) bool {
		if dests[i].Kind != dests[j].Kind {
			return dests[i].Kind == store.KindPage
		}
		return strings.ToLower(dests[i].Name) < strings.ToLower(dests[j].Name)
	})
	acct, connected, _ := e.v.g.svc.Account()
	e.sources = sourceChoices(acct, connected, dests, e.route)
	return dests, nil
}

// sourceChoices are the sources a route can start from: the connected
// profile, every Page, and the route's own source if it is neither.
func sourceChoices(acct store.Account, connected bool, dests []store.Destination, route store.Route) []sourceChoice {
	var out []sourceChoice
	if connected {
		out = append(out, sourceChoice{label: "Your profile (" + acct.Name + ") — Facebook does not show its lives to apps", id: acct.UserID, kind: store.SourceProfile, name: acct.Name})
	}
	for _, d := range dests {
		if d.Kind == store.KindPage {
			out = append(out, sourceChoice{label: "Page: " + d.Name, id: d.ID, kind: store.SourcePage, name: d.Name})
		}
	}
	if route.ID != "" && !slices.ContainsFunc(out, func(c sourceChoice) bool { return c.id == route.SourceID }) {
		// The route's source is not connected now (another account, or the
		// connection was forgotten): keep it, never swap it silently.
		name := route.SourceName
		if name == "" {
			name = route.SourceID
		}
		out = append(out, sourceChoice{label: name + " (not connected)", id: route.SourceID, kind: route.SourceKind, name: route.SourceName})
	}
	return out
}

// buildFields makes the editor's widgets, filled from the route.
func (e *routeEditor) buildFields(dests []store.Destination) {
	var labels []string
	for _, s := range e.sources {
		labels = append(labels, s.label)
	}
	e.name = widget.NewEntry()
	e.name.SetPlaceHolder("A name you recognise, e.g. Sunday service")
	e.name.SetText(e.route.Name)
	e.list = container.NewVBox()
	e.sourceNote = wrapLabel("")
	e.sourceNote.Importance = widget.WarningImportance
	e.source = widget.NewSelect(labels, func(string) { e.showTargets() })
	e.source.PlaceHolder = "Choose where you go live"
	for _, d := range dests {
		e.targets = append(e.targets, e.newTargetRow(d))
	}
	e.message = widget.NewMultiLineEntry()
	e.message.SetMinRowsVisible(3)
	e.message.SetText(DefaultMessage)
	for _, t := range e.route.Targets {
		e.message.SetText(t.Message)
		break
	}
	e.message.OnChanged = func(string) { e.check() }
	e.enabled = widget.NewCheck("Share new live videos on this route", nil)
	e.enabled.SetChecked(e.route.Enabled)
	e.problem = wrapLabel("")
	e.problem.Importance = widget.DangerImportance
	e.save = widget.NewButtonWithIcon("Save route", theme.DocumentSaveIcon(), e.submit)
	e.save.Importance = widget.HighImportance
}

// selectSource selects the route's source, or the first choice for a new
// route, and lists the destinations that go with it.
func (e *routeEditor) selectSource() {
	for i, s := range e.sources {
		if s.id == e.route.SourceID {
			e.source.SetSelectedIndex(i)
		}
	}
	if e.route.ID == "" && len(e.sources) > 0 {
		e.source.SetSelectedIndex(0)
	}
	e.showTargets()
}

// open lays the fields out in a dialog and shows it; with no source to
// choose, it says what to do first and Save stays off.
func (e *routeEditor) open() {
	help := wrapLabel("Placeholders: {title} {description} {url} {page} {source}. Facebook shows the live video's preview under the post.")
	help.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem("Name", e.name),
		widget.NewFormItem("Watch", container.NewVBox(e.source, e.sourceNote)),
		widget.NewFormItem("Share to", e.listScroll()),
		widget.NewFormItem("Message", container.NewVBox(e.message, help)),
		widget.NewFormItem("", e.enabled),
	)
	title := "New route"
	if e.route.ID != "" {
		title = "Edit route"
	}
	d := dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, e.problem, nil, nil, form), e.v.g.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.Hide), e.save})
	e.dialog = d
	e.dialog.Resize(fyne.NewSize(680, 600))
	e.dialog.Show()
	if len(e.sources) == 0 {
		e.problem.SetText("Connect your Facebook account first: routes start from your profile or one of your Pages.")
		e.save.Disable()
	}
}

// listScroll shows the destinations several rows tall; a long list scrolls.
func (e *routeEditor) listScroll() fyne.CanvasObject {
	sc := container.NewVScroll(e.list)
	sc.SetMinSize(fyne.NewSize(380, 180))
	return sc
}

func (e *routeEditor) newTargetRow(d store.Destination) *targetRow {
	row := &targetRow{dest: d}
	label := d.Name
	if d.Kind == store.KindGroup {
		label += " (group — you share it in one click)"
	}
	if d.Status != "" {
		label += " ⚠ " + d.StatusReason
	}
	row.check = widget.NewCheck(label, func(bool) { e.check() })
	var current *store.Target
	for i := range e.route.Targets {
		if e.route.Targets[i].DestinationID == d.ID {
			current = &e.route.Targets[i]
		}
	}
	row.check.SetChecked(current != nil)
	if d.Kind == store.KindPage {
		row.mode = widget.NewSelect([]string{modeLabelPost, modeLabelCrosspost}, nil)
		row.mode.SetSelected(modeLabelPost)
		if current != nil && current.Mode == store.ModeCrosspost {
			row.mode.SetSelected(modeLabelCrosspost)
		}
	}
	return row
}

// showTargets lists every destination except the chosen source.
func (e *routeEditor) showTargets() {
	if e.list == nil {
		return
	}
	src := e.selectedSource()
	if e.sourceNote != nil {
		e.sourceNote.SetText(relay.UnsupportedSourceReason(src.kind))
	}
	var objs []fyne.CanvasObject
	for _, row := range e.targets {
		if row.dest.ID == src.id {
			row.check.SetChecked(false)
			continue
		}
		if row.mode != nil {
			objs = append(objs, container.NewBorder(nil, nil, nil, row.mode, row.check))
		} else {
			objs = append(objs, row.check)
		}
	}
	if len(objs) == 0 {
		objs = append(objs, wrapLabel("No Pages or groups to share to yet: connect your account, or add a group."))
	}
	e.list.Objects = objs
	e.list.Refresh()
	e.check()
}

func (e *routeEditor) selectedSource() sourceChoice {
	if e.source == nil || e.source.SelectedIndex() < 0 {
		return sourceChoice{}
	}
	return e.sources[e.source.SelectedIndex()]
}

// check shows what is wrong before Save is pressed.
func (e *routeEditor) check() {
	if e.problem == nil || e.message == nil {
		return
	}
	if err := relay.Validate(e.message.Text); err != nil {
		e.problem.SetText("Message: " + err.Error())
		return
	}
	e.problem.SetText("")
}

// built is the route the editor shows.
func (e *routeEditor) built() store.Route {
	r := e.route
	src := e.selectedSource()
	r.Name = strings.TrimSpace(e.name.Text)
	r.SourceID, r.SourceKind, r.SourceName = src.id, src.kind, src.name
	r.Enabled = e.enabled.Checked
	r.Targets = nil
	for _, row := range e.targets {
		if !row.check.Checked || row.dest.ID == src.id {
			continue
		}
		// A group's mode, and a Page's default, are the service's
		// reading (RouteFrom): only a Page's crosspost is the person's
		// (only a Page's row has a mode).
		t := store.Target{DestinationID: row.dest.ID, Message: e.message.Text}
		if row.mode != nil && row.mode.Selected == modeLabelCrosspost {
			t.Mode = store.ModeCrosspost
		}
		for _, old := range e.route.Targets {
			if old.DestinationID == t.DestinationID {
				t.Delay = old.Delay
			}
		}
		r.Targets = append(r.Targets, t)
	}
	return r
}

func (e *routeEditor) submit() {
	// The service reads the route as `routes add` does, then validates,
	// saves and tells the engine.
	r, err := e.v.g.svc.RouteFrom(e.built())
	if err != nil {
		e.problem.SetText(err.Error())
		return
	}
	saved, err := e.v.g.svc.SaveRoute(r)
	if err != nil {
		e.problem.SetText(err.Error())
		return
	}
	e.route = saved
	e.dialog.Hide()
	e.v.refresh()
}

// confirmDelete asks before deleting a route; its share history stays.
func (v *mainView) confirmDelete(r store.Route) {
	name := r.Name
	if name == "" {
		name = "the route from " + r.SourceName
	}
	dialog.ShowConfirm("Delete route?", "Delete "+name+"? Live videos on its source will no longer be shared. What was already shared stays on Facebook.",
		func(ok bool) {
			if !ok {
				return
			}
			if err := v.deleteRoute(r.ID); err != nil {
				dialog.ShowError(err, v.g.win)
			}
		}, v.g.win)
}

func (v *mainView) deleteRoute(id string) error {
	if err := v.g.svc.DeleteRoute(id); err != nil {
		return err
	}
	v.refresh()
	return nil
}

// unconfirmedRows lists the shares LiveRoute could not confirm: each says
// so, with "Mark shared" for a post the person finds on the Page and
// "Share again" for one they do not. Nothing is retried by itself.
func (v *mainView) unconfirmedRows() []fyne.CanvasObject {
	waiting, err := v.g.svc.LedgerInState(store.LedgerUnconfirmed)
	if err != nil || len(waiting) == 0 {
		return nil
	}
	dests := v.destinationNames()
	rows := []fyne.CanvasObject{widget.NewLabelWithStyle(
		"Check these Pages — LiveRoute could not tell whether the post went out:",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, e := range waiting {
		rows = append(rows, v.unconfirmedRow(e, dests))
	}
	return append(rows, widget.NewSeparator())
}

func (v *mainView) unconfirmedRow(e store.LedgerEntry, dests map[string]store.Destination) fyne.CanvasObject {
	name := e.DestinationID
	if d, ok := dests[e.DestinationID]; ok && d.Name != "" {
		name = d.Name
	}
	text := relay.UnconfirmedSentence(name)
	if e.VideoTitle != "" {
		text = e.VideoTitle + " — " + text
	}
	resolve := func(shared bool) func() {
		return func() {
			if err := v.g.svc.ResolveShare(e.LedgerKey, shared); err != nil {
				v.g.log.Error("settle an unconfirmed share", "err", err)
				dialog.ShowError(err, v.g.win)
			}
			v.refresh()
		}
	}
	shared := widget.NewButtonWithIcon("Mark shared", theme.ConfirmIcon(), resolve(true))
	again := widget.NewButtonWithIcon("Share again", theme.ViewRefreshIcon(), resolve(false))
	return container.NewBorder(nil, nil, nil, container.NewHBox(shared, again), wrapLabel(text))
}
