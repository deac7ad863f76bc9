package app

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/assets"
)

// Health is the connection's state as the person sees it: one icon, one
// headline, one sentence of detail, and which actions make sense.
type Health struct {
	Tray      assets.TrayState
	Headline  string
	Detail    string
	Paused    bool
	Reconnect bool // the person must reconnect for sharing to resume
	Connected bool
}

func notConnected() Health {
	return Health{
		Tray:      assets.TrayWarning,
		Headline:  "Not connected",
		Detail:    "Connect your Facebook account to start sharing your live videos.",
		Reconnect: true,
	}
}

// healthOf turns the engine's account state into what the person sees.
func healthOf(s relay.State) Health {
	switch s.Kind {
	case relay.Expiring:
		return Health{Tray: assets.TrayWarning, Connected: true,
			Headline: "Connection ends " + untilText(s.Window),
			Detail:   "Facebook ends LiveRoute's access on " + s.ExpiresAt.Local().Format("Mon 2 Jan at 15:04") + ". Reconnect now to keep sharing — your routes stay as they are."}
	case relay.NeedsReconnect:
		detail := s.Reason
		if detail == "" {
			detail = "Facebook ended LiveRoute's access."
		}
		// Page tokens may outlive the user token, so some shares can go on;
		// the headline promises neither way.
		return Health{Tray: assets.TrayReconnect, Reconnect: true,
			Headline: "Reconnect to Facebook",
			Detail:   detail + " Until you reconnect, live videos may not be shared. Your routes are kept."}
	case relay.Paused:
		detail := "Sharing is paused until you resume it."
		if !s.PausedUntil.IsZero() {
			detail = "Sharing resumes by itself at " + s.PausedUntil.Local().Format("15:04") + "."
		}
		return Health{Tray: assets.TrayPaused, Paused: true, Connected: true, Headline: "Paused", Detail: detail}
	case relay.DatabaseDamaged:
		detail := s.Reason
		if detail == "" {
			detail = "LiveRoute's database is damaged. Quit and start LiveRoute again to restore the newest backup."
		}
		return Health{Tray: assets.TrayWarning, Connected: true, Headline: "Sharing stopped", Detail: detail}
	case relay.Offline:
		detail := "Facebook cannot be reached. Sharing resumes when the connection is back."
		if s.Reason != "" {
			detail = s.Reason
		}
		return Health{Tray: assets.TrayWarning, Connected: true, Headline: "Offline", Detail: detail}
	}
	return Health{Tray: assets.TrayHealthy, Connected: true, Headline: "Connected",
		Detail: "Watching your sources. New live videos are shared the moment they start."}
}

// notificationFor is the one desktop notification a state change deserves,
// or nil for a change that needs no attention (such as paused by the person).
func notificationFor(ev relay.StateChanged) *fyne.Notification {
	h := healthOf(ev.To)
	switch ev.To.Kind {
	case relay.NeedsReconnect, relay.Expiring:
		return fyne.NewNotification("LiveRoute: "+h.Headline, h.Detail)
	case relay.Offline:
		return fyne.NewNotification("LiveRoute is offline", h.Detail)
	case relay.DatabaseDamaged:
		return fyne.NewNotification("LiveRoute: "+h.Headline, h.Detail)
	case relay.Healthy:
		if ev.From.Kind == relay.NeedsReconnect || ev.From.Kind == relay.Offline {
			return fyne.NewNotification("LiveRoute is sharing again", h.Detail)
		}
	}
	return nil
}

func untilText(window time.Duration) string {
	switch {
	case window <= 24*time.Hour:
		return "within a day"
	case window > 0:
		return fmt.Sprintf("within %d days", int(window.Hours()/24))
	}
	return "soon"
}

func itoa(n int) string { return strconv.Itoa(n) }
