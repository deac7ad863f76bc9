package service

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/store"
)

// Health is the connection's state as the person sees it: one icon, one
// headline, one sentence of detail, and which actions make sense. The
// window, the tray and the notifications all say it from here.
type Health struct {
	Tray      assets.TrayState
	Headline  string
	Detail    string
	Paused    bool
	Reconnect bool // the person must reconnect for sharing to resume
	Connected bool
	// KeychainBroken: the keychain cannot keep secrets, so nothing can
	// connect, whatever the engine says; this health comes first.
	KeychainBroken bool
	// State names this health for programs: the control protocol's
	// state (control.State…), which ControlHealthOf reports.
	State string
}

// NotConnected is the health before any account is connected.
func NotConnected() Health {
	return Health{
		State:     control.StateNotConnected,
		Tray:      assets.TrayWarning,
		Headline:  "Not connected",
		Detail:    "Connect your Facebook account to start sharing your live videos.",
		Reconnect: true,
	}
}

// KeychainHealth is the health when the keychain cannot keep secrets:
// nothing can connect until it is fixed.
func KeychainHealth(problem error) Health {
	return Health{State: control.StateKeychainBroken, Tray: assets.TrayReconnect, KeychainBroken: true, Headline: "LiveRoute cannot keep your secrets",
		Detail: capitalise(KeychainSentence(problem)) + ", then restart LiveRoute. Without a keychain LiveRoute stores no token anywhere, so it cannot connect."}
}

// KeychainSentence is the part of a keychain error a person can act on;
// the log keeps the whole chain.
func KeychainSentence(err error) string {
	for _, known := range []error{store.ErrNoKeychain, store.ErrKeychainTimeout} {
		if errors.Is(err, known) {
			return known.Error()
		}
	}
	return err.Error()
}

// HealthOf is what the person sees of the engine's status: nothing to
// watch before an account is connected, whatever the engine says; "Live
// now" while a source is live and all is well.
func HealthOf(st relay.Status, connected bool) Health {
	if !connected {
		return NotConnected()
	}
	h := StateHealth(st.State)
	if st.State.Kind == relay.Healthy {
		if live := liveCount(st); live > 0 {
			h.Tray = assets.TrayLive
			h.Headline = "Live now"
			h.Detail = "You are live on " + plural(live, "source", "sources") + ". LiveRoute is sharing to every destination of the route; see Activity."
		}
	}
	return h
}

// StateHealth turns the engine's account state into what the person sees.
func StateHealth(s relay.State) Health {
	switch s.Kind {
	case relay.Expiring:
		return Health{State: control.StateExpiring, Tray: assets.TrayWarning, Connected: true,
			Headline: "Connection ends " + untilText(s.Window),
			Detail:   "Facebook ends LiveRoute's access on " + s.ExpiresAt.Local().Format("Mon 2 Jan at 15:04") + ". Reconnect now to keep sharing — your routes stay as they are."}
	case relay.NeedsReconnect:
		detail := s.Reason
		if detail == "" {
			detail = "Facebook ended LiveRoute's access."
		}
		// Page tokens may outlive the user token, so some shares can go on;
		// the headline promises neither way.
		return Health{State: control.StateNeedsReconnect, Tray: assets.TrayReconnect, Reconnect: true,
			Headline: "Reconnect to Facebook",
			Detail:   detail + " Until you reconnect, live videos may not be shared. Your routes are kept."}
	case relay.Paused:
		detail := "Sharing is paused until you resume it."
		if !s.PausedUntil.IsZero() {
			detail = "Sharing resumes by itself at " + s.PausedUntil.Local().Format("15:04") + "."
		}
		return Health{State: control.StatePaused, Tray: assets.TrayPaused, Paused: true, Connected: true, Headline: "Paused", Detail: detail}
	case relay.DatabaseDamaged:
		detail := s.Reason
		if detail == "" {
			detail = "LiveRoute's database is damaged. Quit and start LiveRoute again to restore the newest backup."
		}
		return Health{State: control.StateDatabaseDamaged, Tray: assets.TrayWarning, Connected: true, Headline: "Sharing stopped", Detail: detail}
	case relay.Offline:
		detail := "Facebook cannot be reached. Sharing resumes when the connection is back."
		if s.Reason != "" {
			detail = s.Reason
		}
		return Health{State: control.StateOffline, Tray: assets.TrayWarning, Connected: true, Headline: "Offline", Detail: detail}
	}
	return Health{State: control.StateHealthy, Tray: assets.TrayHealthy, Connected: true, Headline: "Connected",
		Detail: "Watching your sources. New live videos are shared the moment they start."}
}

// Notification is one desktop notification.
type Notification struct{ Title, Body string }

// NotificationFor is the one desktop notification a state change
// deserves; ok false for a change that needs no attention (such as paused
// by the person).
func NotificationFor(ev relay.StateChanged) (n Notification, ok bool) {
	h := StateHealth(ev.To)
	switch ev.To.Kind {
	case relay.NeedsReconnect, relay.Expiring, relay.DatabaseDamaged:
		return Notification{"LiveRoute: " + h.Headline, h.Detail}, true
	case relay.Offline:
		return Notification{"LiveRoute is offline", h.Detail}, true
	case relay.Healthy:
		if ev.From.Kind == relay.NeedsReconnect || ev.From.Kind == relay.Offline {
			return Notification{"LiveRoute is sharing again", h.Detail}, true
		}
	}
	return Notification{}, false
}

func liveCount(st relay.Status) int {
	n := 0
	for _, s := range st.Sources {
		if len(s.Live) > 0 {
			n++
		}
	}
	return n
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

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Health is the person's view of this profile now: the keychain's
// problem if it has one, else the engine's status and whether an account
// is connected.
func (s *Service) Health() Health { return s.healthAt(s.Engine.Status()) }

// healthAt is Health for the engine status st, so a caller that also
// needs st reads it once and both answers describe the same moment.
func (s *Service) healthAt(st relay.Status) Health {
	if err := s.KeychainProblem(); err != nil {
		return KeychainHealth(err)
	}
	_, ok, err := s.DB.Account()
	return HealthOf(st, ok || err != nil)
}

// ControlHealthOf is h, the health the window and the tray show, in the
// control protocol's words, with what only the engine's status st knows
// (a stopped engine, the pause's end, the sources that cannot share). The
// CLI's status and check read every state from here, so a broken keychain
// comes first for them too.
func ControlHealthOf(h Health, st relay.Status) control.Health {
	switch {
	case h.KeychainBroken:
		return control.Health{State: control.StateKeychainBroken, Reason: h.Detail}
	case h.State == control.StateNotConnected:
		return control.NotConnectedHealth(st.Running)
	case !st.Running:
		return control.Health{State: control.StateStopped, Reason: st.State.Reason}
	}
	out := control.Health{State: h.State, Reason: st.State.Reason}
	if st.State.Kind == relay.Paused && !st.State.PausedUntil.IsZero() {
		until := st.State.PausedUntil
		out.PausedUntil = &until
	}
	for _, src := range st.Sources {
		if src.State == relay.SourceUnsupported {
			out.SourceProblems = append(out.SourceProblems, control.SourceProblem{SourceID: src.SourceID, Name: src.Name,
				State: control.SourceUnsupported, Reason: src.Reason})
		}
	}
	return out
}
