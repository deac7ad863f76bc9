package app

import (
	"strconv"

	"fyne.io/fyne/v2"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
)

// Health is the connection's state as the person sees it (service owns
// the wording, so the window, the tray and the CLI agree).
type Health = service.Health

// healthOf turns the engine's account state into what the person sees.
func healthOf(s relay.State) Health { return service.StateHealth(s) }

// notificationFor is the one desktop notification a state change
// deserves, or nil for a change that needs no attention.
func notificationFor(ev relay.StateChanged) *fyne.Notification {
	n, ok := service.NotificationFor(ev)
	if !ok {
		return nil
	}
	return fyne.NewNotification(n.Title, n.Body)
}

func itoa(n int) string { return strconv.Itoa(n) }
