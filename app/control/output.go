package control

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/liveroute/liveroute/store"
)

// The text output of the commands, for people; --json is for programs.

func writeStatus(w io.Writer, s StatusData, loc *time.Location) {
	if s.Running {
		fmt.Fprintf(w, "LiveRoute is running: %s", stateText(s.State))
		if s.State == StatePaused {
			fmt.Fprintf(w, " %s", pausedUntil(s.PausedUntil, loc))
		}
		if s.Reason != "" {
			fmt.Fprintf(w, " — %s", strings.TrimRight(s.Reason, "."))
		}
		fmt.Fprintln(w, ".")
		if len(s.LiveSources) > 0 {
			fmt.Fprintf(w, "Live now on %s: sharing to every destination of its routes.\n", strings.Join(s.LiveSources, ", "))
		}
	} else if s.State == StateKeychainBroken {
		fmt.Fprintf(w, "LiveRoute is not running: %s — %s.\n", stateText(s.State), strings.TrimRight(s.Reason, "."))
	} else {
		fmt.Fprintln(w, "LiveRoute is not running.")
	}
	if s.Account == nil {
		if !s.Running || s.State != StateNotConnected {
			fmt.Fprintln(w, "No Facebook account is connected; run `liveroute connect`.")
		}
	} else {
		fmt.Fprintf(w, "Account: %s (%s)", s.Account.Name, s.Account.UserID)
		if s.Account.ExpiresAt != nil {
			fmt.Fprintf(w, ", login valid until %s", s.Account.ExpiresAt.In(loc).Format(time.DateOnly))
		}
		fmt.Fprintln(w, ".")
	}
	fmt.Fprintf(w, "Routes: %d (%d on). Pages: %d, groups: %d", s.Routes, s.RoutesEnabled, s.Pages, s.Groups)
	switch n := s.DestinationsWithProblems; {
	case n == 1:
		fmt.Fprint(w, " (1 needs attention)")
	case n > 1:
		fmt.Fprintf(w, " (%d need attention)", n)
	}
	fmt.Fprintln(w, ".")
	if s.GroupSharesWaiting > 0 {
		fmt.Fprintf(w, "%s waiting for you: `liveroute history` lists them; share from the window, or mark one done with `liveroute groups shared`.\n",
			count(s.GroupSharesWaiting, "group share", "group shares"))
	}
	writeSourceProblems(w, s.SourceProblems)
}

// writeSourceProblems says, for each source that can never start a share,
// that its routes will not fire and what to do instead.
func writeSourceProblems(w io.Writer, problems []SourceProblem) {
	for _, p := range problems {
		fmt.Fprintf(w, "Routes from %s will not share anything: %s\n", nameOrID(p.Name, p.SourceID), p.Reason)
	}
}

func writeHealth(w io.Writer, h Health, loc *time.Location) {
	if h.State == StatePaused {
		fmt.Fprintf(w, "Sharing is paused %s", pausedUntil(h.PausedUntil, loc))
	} else {
		fmt.Fprintf(w, "Facebook connection: %s", stateText(h.State))
	}
	if h.Reason != "" {
		fmt.Fprintf(w, " — %s", strings.TrimRight(h.Reason, "."))
	}
	fmt.Fprintln(w, ".")
	for _, p := range h.DestinationProblems {
		fmt.Fprintf(w, "LiveRoute cannot share to %s: %s\n", nameOrID(p.Name, p.DestinationID), withCommandPointer(p.Reason))
	}
	writeSourceProblems(w, h.SourceProblems)
}

// pausedUntil says until when sharing is paused, in the person's time zone
// with its name, so a time read on a server is not taken for local time.
func pausedUntil(until *time.Time, loc *time.Location) string {
	if until == nil {
		return "until you resume it (`liveroute resume`)"
	}
	return "until " + until.In(loc).Format("15:04 MST on Monday 2006-01-02")
}

func writeRoutes(w io.Writer, routes []RouteData) {
	if len(routes) == 0 {
		fmt.Fprintln(w, "No routes yet; `liveroute routes add --help` says how to add one.")
		return
	}
	// Rows go through plainWriter before the tabwriter measures them, so
	// a name's control characters neither print nor widen its column.
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSOURCE\tSHARES TO\tON")
	for _, r := range routes {
		var to []string
		for _, t := range r.Targets {
			to = append(to, nameOrID(t.DestinationName, t.DestinationID)+" ("+t.Mode+")")
		}
		on := "yes"
		if !r.Enabled {
			on = "no"
		}
		name := r.Name
		if name == "" {
			name = "—"
		}
		fmt.Fprintf(plainWriter{tw}, "%s\t%s\t%s\t%s\t%s\n", r.ID, name, nameOrID(r.SourceName, r.SourceID), strings.Join(to, ", "), on)
	}
	tw.Flush()
}

func writeGroups(w io.Writer, groups []PageData) {
	if len(groups) == 0 {
		fmt.Fprintln(w, "No groups yet; `liveroute groups add URL` adds one.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tADDRESS")
	for _, g := range groups {
		fmt.Fprintf(plainWriter{tw}, "%s\t%s\t%s\n", g.ID, g.Name, g.URL)
	}
	tw.Flush()
}

func writeHistory(w io.Writer, h []HistoryEntry, loc *time.Location) {
	if len(h) == 0 {
		fmt.Fprintln(w, "Nothing has happened yet.")
		return
	}
	for _, e := range h {
		fmt.Fprintf(w, "%s  %-10s %s\n", e.Time.In(loc).Format(time.DateTime), e.Kind, e.Message)
		switch e.State {
		case string(store.LedgerAssistedOpen):
			fmt.Fprintf(w, "%31s when done: liveroute groups shared %s %s %s\n", "", e.RouteID, e.VideoID, e.DestinationID)
		case string(store.LedgerUnconfirmed):
			fmt.Fprintf(w, "%31s the post is there: liveroute shares shared %s %s\n", "", e.VideoID, e.DestinationID)
			fmt.Fprintf(w, "%31s it is not:         liveroute shares again %s %s\n", "", e.VideoID, e.DestinationID)
		}
	}
}

func stateText(s string) string {
	switch s {
	case StateNeedsReconnect:
		return "needs reconnecting"
	case StateNotConnected:
		return "not connected"
	case StateKeychainBroken:
		return "LiveRoute cannot keep your secrets"
	case "":
		return "unknown"
	}
	return s
}

// routeTitle names a route for a sentence: its ID, then its name if it
// has one.
func routeTitle(r RouteData) string {
	if r.Name == "" {
		return r.ID
	}
	return r.ID + " “" + r.Name + "”"
}

// count says n things, singular or plural: "1 destination", "2 destinations".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func nameOrID(name, id string) string {
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

// writeLoginSettings says which of the file's login settings an import kept
// out, or took: a file must never move the login elsewhere unseen.
func writeLoginSettings(w io.Writer, res ImportData) {
	if len(res.LoginSettingsKept) > 0 {
		fmt.Fprintln(w, "Kept this computer's login settings, which differ from the file's:")
		writeSettingChanges(w, res.LoginSettingsKept, "  %s: kept %s (the file has %s)\n")
		fmt.Fprintln(w, "Import again with --with-login-settings to take the file's.")
	}
	if len(res.LoginSettingsChanged) > 0 {
		fmt.Fprintln(w, "Took the file's login settings:")
		writeSettingChanges(w, res.LoginSettingsChanged, "  %s: %s → %s\n")
	}
}

// writeSettingChanges writes one line per change; format takes the name,
// this machine's value and the file's.
func writeSettingChanges(w io.Writer, changes []SettingChange, format string) {
	for _, c := range changes {
		fmt.Fprintf(w, format, c.Name, orNone(c.From), orNone(c.To))
	}
}

func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}
