package agent

import (
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
)

// Action is what a tray menu item or a notification asks for.
type Action int

// The tray menu's actions.
const (
	ActionOpen      Action = iota + 1 // open the main window
	ActionPause                       // pause sharing until resumed
	ActionResume                      // end a pause
	ActionCheck                       // check the connection now
	ActionReconnect                   // open the window at the reset or renew wizard
	ActionSimulate                    // the demo's password change
	ActionQuit                        // end the agent and its window
)

// Menu is the tray as the person sees it, worked out from the health in
// one place (MenuFor) so it is never out of step with the state it shows.
type Menu struct {
	Icon    assets.TrayState
	Tooltip string // the detail sentence of the health
	Status  string // the first, disabled line: "LiveRoute — Connected"

	// Pause is the pause item: "Pause sharing" or "Resume sharing".
	Pause        string
	PauseAction  Action
	PauseEnabled bool
	CheckEnabled bool
	// Reconnect is "Reset connection…", or "Renew connection…" while the
	// connection is in its warning days.
	Reconnect string
	Simulate  bool // the demo's "Simulate a password change (demo)"
}

// The labels of the items whose text never changes; the tray tests read
// the menu by label.
const (
	LabelOpen     = "Open LiveRoute"
	LabelCheck    = "Check now"
	LabelSimulate = "Simulate a password change (demo)"
	LabelQuit     = "Quit"
	LabelReset    = "Reset connection…"
	LabelRenew    = "Renew connection…" // the reset item during the warning days
)

// MenuFor is the tray for health h; expiring says the connection is in its
// 7-day or 1-day warning, demo that the demo's extra item belongs.
func MenuFor(h service.Health, expiring, demo bool) Menu {
	m := Menu{
		Icon:         h.Tray,
		Tooltip:      "LiveRoute — " + h.Headline + "\n" + h.Detail,
		Status:       "LiveRoute — " + h.Headline,
		Pause:        "Pause sharing",
		PauseAction:  ActionPause,
		PauseEnabled: h.Connected,
		CheckEnabled: h.Connected && !h.Paused,
		Reconnect:    LabelReset,
		Simulate:     demo && h.Connected, // it breaks a connection: none, nothing to break
	}
	if h.Paused {
		m.Pause, m.PauseAction, m.PauseEnabled = "Resume sharing", ActionResume, true
	}
	if expiring {
		m.Reconnect = LabelRenew
	}
	return m
}
