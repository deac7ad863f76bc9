package app

import (
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
		// The service reads the address and stores the group: one rule for
		// the window and `liveroute groups add`.
		g, err := v.g.svc.AddGroup(address.Text, name.Text)
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
	open, err := v.g.svc.LedgerInState(store.LedgerAssistedOpen)
	if err != nil || len(open) == 0 {
		return nil
	}
	dests := v.destinationNames()
	rows := []fyne.CanvasObject{widget.NewLabelWithStyle(
		"Share to your groups — Facebook lets no app post there, so each takes one click from you:",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, e := range open {
		rows = append(rows, v.assistedRow(e, dests))
	}
	return append(rows, widget.NewSeparator())
}

// assistedRow is one waiting Group share: the group and the video, then
// Open share dialog (which copies the message too), Copy message and
// Mark shared.
func (v *mainView) assistedRow(e store.LedgerEntry, dests map[string]store.Destination) fyne.CanvasObject {
	name := e.DestinationID
	if d, ok := dests[e.DestinationID]; ok {
		name = d.Name
	}
	// The service renders it as the engine would have posted it.
	message, err := v.g.svc.AssistedMessage(e)
	if err != nil {
		v.g.log.Warn("render a group share's message", "err", err)
	}
	label := wrapLabel(name + " — " + relay.LiveVideoName(e.VideoTitle))
	var openBtn, copyBtn *widget.Button
	openBtn = widget.NewButtonWithIcon("Open share dialog", theme.MailForwardIcon(), func() {
		v.g.fyne.Clipboard().SetContent(message)
		u, err := url.Parse(v.g.svc.AssistedShareURL(e.VideoURL))
		if err == nil {
			err = v.g.fyne.OpenURL(u)
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
		// The service records the share and its activity line once, and
		// the engine's event refreshes every window; refresh now as well,
		// for the person who pressed.
		if err := v.g.svc.MarkAssistedDone(e.LedgerKey); err != nil {
			v.g.log.Error("mark assisted share done", "err", err)
			dialog.ShowError(err, v.g.win)
		}
		v.refresh()
	})
	return container.NewBorder(nil, nil, nil, container.NewHBox(openBtn, copyBtn, doneBtn), label)
}
