package app

import (
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// showAddGroup asks for a group's address and name and stores it.
func (v *mainView) showAddGroup() {
	address := widget.NewEntry()
	address.SetPlaceHolder("https://www.facebook.com/groups/yourgroup")
	name := widget.NewEntry()
	name.SetPlaceHolder("The group's name, as you want to see it")
	note := wrapLabel("Facebook lets no app post to groups. When a live starts, LiveRoute notifies you and lists your groups here; one click opens Facebook's share dialog with the message ready to paste.")
	problem := wrapLabel("")
	problem.Importance = widget.DangerImportance
	var d dialog.Dialog
	add := widget.NewButtonWithIcon("Add group", theme.ContentAddIcon(), func() {
		g, err := control.ParseGroupAddress(address.Text, name.Text)
		if err == nil {
			err = v.g.db.PutDestination(g)
		}
		if err != nil {
			problem.SetText(capitalise(err.Error()))
			return
		}
		d.Hide()
		v.refresh()
		dialog.ShowInformation("Group added", g.Name+" can now be chosen in a route: use New route… or Edit.", v.g.win)
	})
	add.Importance = widget.HighImportance
	content := container.NewVBox(note,
		widget.NewForm(widget.NewFormItem("Group address", address), widget.NewFormItem("Name", name)),
		problem)
	custom := dialog.NewCustomWithoutButtons("Add a Facebook group", content, v.g.win)
	custom.SetButtons([]fyne.CanvasObject{widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), custom.Hide), add})
	d = custom
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
	v.addGroup = &addGroupDialog{address: address, name: name, add: add, problem: problem, dialog: d}
}

// addGroupDialog is the open "Add a group" dialog, kept for tests.
type addGroupDialog struct {
	address, name *widget.Entry
	add           *widget.Button
	problem       *widget.Label
	dialog        dialog.Dialog
}

// assistedRows lists the Group shares waiting for the person: each with
// the button that opens Facebook's share dialog, the message to paste and
// "Mark shared".
func (v *mainView) assistedRows() []fyne.CanvasObject {
	if v.g.db == nil {
		return nil
	}
	open, err := v.g.db.LedgerInState(store.LedgerAssistedOpen)
	if err != nil || len(open) == 0 {
		return nil
	}
	dests := v.destinationNames()
	rows := []fyne.CanvasObject{widget.NewLabelWithStyle(
		"Share to your groups — Facebook lets no app post there, so each takes one click from you:",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, e := range open {
		e := e
		name := e.DestinationID
		if d, ok := dests[e.DestinationID]; ok {
			name = d.Name
		}
		message := v.assistedMessage(e, dests)
		title := e.VideoTitle
		if title == "" {
			title = "your live video"
		}
		label := wrapLabel(name + " — " + title)
		var openBtn, copyBtn *widget.Button
		openBtn = widget.NewButtonWithIcon("Open share dialog", theme.MailForwardIcon(), func() {
			v.g.fyne.Clipboard().SetContent(message)
			share, err := v.g.shareURL(e.VideoURL)
			if err == nil {
				var u *url.URL
				if u, err = url.Parse(share); err == nil {
					err = v.g.fyne.OpenURL(u)
				}
			}
			if err != nil {
				v.g.log.Warn("open the share dialog", "err", err)
				dialog.ShowError(fmt.Errorf("the share dialog did not open: %w", err), v.g.win)
				return
			}
			openBtn.SetText("Opened — message copied")
		})
		copyBtn = widget.NewButtonWithIcon("Copy message", theme.ContentCopyIcon(), func() {
			v.g.fyne.Clipboard().SetContent(message)
			copyBtn.SetText("Copied")
		})
		doneBtn := widget.NewButtonWithIcon("Mark shared", theme.ConfirmIcon(), func() {
			if err := v.g.markAssistedDone(e.LedgerKey); err != nil {
				v.g.log.Error("mark assisted share done", "err", err)
				dialog.ShowError(err, v.g.win)
			}
			v.refresh()
		})
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(openBtn, copyBtn, doneBtn), label))
	}
	return append(rows, widget.NewSeparator())
}

// assistedMessage renders the route's message for an assisted share, as the
// engine would have posted it.
func (v *mainView) assistedMessage(e store.LedgerEntry, dests map[string]store.Destination) string {
	route, ok, err := v.g.db.Route(e.RouteID)
	if err != nil || !ok {
		return e.VideoURL
	}
	for _, t := range route.Targets {
		if t.DestinationID == e.DestinationID {
			return relay.Render(t.Message, relay.TemplateVars{Title: e.VideoTitle, URL: e.VideoURL,
				Page: dests[e.DestinationID].Name, Source: route.SourceName})
		}
	}
	return e.VideoURL
}
