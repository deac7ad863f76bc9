package control

import (
	"encoding/json"
	"time"

	"github.com/liveroute/liveroute/store"
)

// The JSON shapes of the protocol and of the CLI's --json output. Field
// names are snake_case and stable: add fields, never rename or remove them.
// doc.go describes each.

// The states of StatusData.State and Health.State.
const (
	StateStopped        = "stopped" // LiveRoute is not running
	StateHealthy        = "healthy"
	StateExpiring       = "expiring"
	StateNeedsReconnect = "needs_reconnect"
	StatePaused         = "paused"
	StateOffline        = "offline"
	StateNotConnected   = "not_connected"
	// StateDatabaseDamaged: sharing stopped until LiveRoute is started
	// again (which restores the newest good backup); Reason says so.
	StateDatabaseDamaged = "database_damaged"
	// StateKeychainBroken: the keychain cannot keep secrets, so nothing
	// can connect; it comes before every other state, as in the window.
	StateKeychainBroken = "keychain_broken"
)

// Health is the running engine's view of the account.
type Health struct {
	State       string     `json:"state"`
	Reason      string     `json:"reason,omitempty"`
	PausedUntil *time.Time `json:"paused_until,omitempty"`
	CheckedAt   *time.Time `json:"checked_at,omitempty"`
	LiveSources []string   `json:"live_sources,omitempty"` // names of the sources live right now
	// SourceProblems are the sources of enabled routes that cannot start a share.
	SourceProblems []SourceProblem `json:"source_problems,omitempty"`
	// DestinationProblems are the destinations of routes that a check
	// found LiveRoute cannot share to, each with its fix.
	DestinationProblems []DestinationProblem `json:"destination_problems,omitempty"`
}

// DestinationProblem is a route's destination that a check found LiveRoute
// cannot share to, and why.
type DestinationProblem struct {
	DestinationID string `json:"destination_id"`
	Name          string `json:"name"`
	Reason        string `json:"reason"` // for people: what is wrong and what to do
}

// The states of SourceProblem.State.
const (
	SourceUnsupported = "unsupported" // Facebook does not show this source's lives to apps
)

// SourceProblem is a route's source that cannot start a share, and why.
type SourceProblem struct {
	SourceID string `json:"source_id"`
	Name     string `json:"name"`
	State    string `json:"state"`
	Reason   string `json:"reason"` // for people: what is wrong and what to do
}

// StatusData answers `status`.
type StatusData struct {
	Running                  bool         `json:"running"`
	State                    string       `json:"state"`
	Reason                   string       `json:"reason,omitempty"`
	PausedUntil              *time.Time   `json:"paused_until,omitempty"`
	Account                  *AccountData `json:"account"`
	Routes                   int          `json:"routes"`
	RoutesEnabled            int          `json:"routes_enabled"`
	Destinations             int          `json:"destinations"`
	DestinationsWithProblems int          `json:"destinations_with_problems"`
	// Pages and Groups count the destinations by kind (Pages include
	// those that are only a route's source).
	Pages  int `json:"pages"`
	Groups int `json:"groups"`
	// GroupSharesWaiting counts the group shares waiting for the person
	// to finish by hand.
	GroupSharesWaiting int      `json:"group_shares_waiting"`
	LiveSources        []string `json:"live_sources,omitempty"` // names of the sources live right now
	// SourceProblems are the sources of enabled routes that cannot start a share.
	SourceProblems []SourceProblem `json:"source_problems,omitempty"`
}

// AccountData is the connected Facebook account.
type AccountData struct {
	UserID              string     `json:"user_id"`
	Name                string     `json:"name"`
	AppID               string     `json:"app_id,omitempty"`
	ExpiresAt           *time.Time `json:"expires_at"`
	DataAccessExpiresAt *time.Time `json:"data_access_expires_at"`
}

// RouteData is one route.
type RouteData struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	SourceID   string       `json:"source_id"`
	SourceName string       `json:"source_name"`
	SourceKind string       `json:"source_kind"`
	Enabled    bool         `json:"enabled"`
	Targets    []TargetData `json:"targets"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}

// TargetData is one destination of a route.
type TargetData struct {
	DestinationID   string `json:"destination_id"`
	DestinationName string `json:"destination_name"`
	Mode            string `json:"mode"`
	Message         string `json:"message"`
	DelaySeconds    int64  `json:"delay_seconds"`
}

// PageData is a destination added by `pages add`.
type PageData struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	URL    string `json:"url,omitempty"`
}

// HistoryEntry is one line of the activity log.
type HistoryEntry struct {
	Time          time.Time `json:"time"`
	Kind          string    `json:"kind"`
	Message       string    `json:"message"`
	RouteID       string    `json:"route_id,omitempty"`
	VideoID       string    `json:"video_id,omitempty"`
	DestinationID string    `json:"destination_id,omitempty"`
	// State is set on the entries that wait for the person: a group share,
	// "assisted-open" while it waits and "assisted-done" once they shared
	// it; a share LiveRoute could not confirm, "unconfirmed" while it
	// waits for them to check the Page.
	State string `json:"state,omitempty"`
}

// RoutesAddArgs are the arguments of routes.add.
type RoutesAddArgs struct {
	Name     string   `json:"name,omitempty"` // how the route is shown; optional
	SourceID string   `json:"source_id"`
	To       []string `json:"to"`
	Message  string   `json:"message,omitempty"`
	Mode     string   `json:"mode,omitempty"` // "post" (default) or "crosspost"
}

// RoutesRemoveArgs are the arguments of routes.remove.
type RoutesRemoveArgs struct {
	ID string `json:"id"`
}

// PauseArgs are the arguments of pause; 0 seconds pauses until resume.
type PauseArgs struct {
	Seconds int64 `json:"seconds,omitempty"`
}

// PagesAddArgs are the arguments of pages.add.
type PagesAddArgs struct {
	Ref string `json:"ref"` // a Page ID or facebook.com address
}

// GroupsAddArgs are the arguments of groups.add.
type GroupsAddArgs struct {
	Address string `json:"address"`        // the group's facebook.com address
	Name    string `json:"name,omitempty"` // how LiveRoute shows it; default its name in the address
}

// GroupsSharedArgs are the arguments of groups.shared: the group share
// the person finished.
type GroupsSharedArgs struct {
	RouteID       string `json:"route_id"`
	VideoID       string `json:"video_id"`
	DestinationID string `json:"destination_id"`
}

// SharesArgs are the arguments of shares.shared and shares.again: the
// share LiveRoute could not confirm, by live video and Page.
type SharesArgs struct {
	VideoID       string `json:"video_id"`
	DestinationID string `json:"destination_id"`
}

// HistoryArgs are the arguments of history; limit 0 means all.
type HistoryArgs struct {
	Limit int `json:"limit,omitempty"`
}

func routeData(r store.Route, names map[string]string) RouteData {
	out := RouteData{
		ID: r.ID, Name: r.Name, SourceID: r.SourceID, SourceName: r.SourceName,
		SourceKind: string(r.SourceKind), Enabled: r.Enabled,
		Targets:   make([]TargetData, 0, len(r.Targets)),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if out.SourceName == "" {
		out.SourceName = names[r.SourceID]
	}
	for _, t := range r.Targets {
		out.Targets = append(out.Targets, TargetData{
			DestinationID: t.DestinationID, DestinationName: names[t.DestinationID],
			Mode: string(t.Mode), Message: t.Message, DelaySeconds: int64(t.Delay / time.Second),
		})
	}
	return out
}

func pageData(d store.Destination) PageData {
	status := d.Status
	if status == "" {
		status = "ok"
	}
	return PageData{ID: d.ID, Name: d.Name, Kind: string(d.Kind), Status: status, URL: d.URL}
}

// ImportArgs are the args of import: an export file's JSON.
type ImportArgs struct {
	Data json.RawMessage `json:"data"`
	// WithLoginSettings takes the file's login settings too (App ID,
	// Configuration ID, transport, relay URL, PKCE, port); off, this
	// machine's are kept.
	WithLoginSettings bool `json:"with_login_settings,omitempty"`
	// LoginChanges are, with WithLoginSettings, the changes the person was
	// shown and confirmed (import.login_changes); should the file now
	// change others, nothing is imported.
	LoginChanges []SettingChange `json:"login_changes,omitempty"`
}

// ImportData answers import: what the file brought in.
type ImportData struct {
	Routes       int  `json:"routes"`
	Destinations int  `json:"destinations"`
	Settings     bool `json:"settings"`
	// LoginSettingsKept are the file's login settings that differ from
	// this machine's and were not taken; LoginSettingsChanged those taken
	// (with_login_settings).
	LoginSettingsKept    []SettingChange `json:"login_settings_kept,omitempty"`
	LoginSettingsChanged []SettingChange `json:"login_settings_changed,omitempty"`
}

// SettingChange is one setting that differs between this machine and an
// imported file.
type SettingChange struct {
	Name string `json:"name"` // for people: "App ID", "login transport", ...
	From string `json:"from"` // this machine's value before the import
	To   string `json:"to"`   // the file's value
}

func storeSettingChanges(in []SettingChange) []store.SettingChange {
	var out []store.SettingChange
	for _, c := range in {
		out = append(out, store.SettingChange(c))
	}
	return out
}

func settingChanges(in []store.SettingChange) []SettingChange {
	var out []SettingChange
	for _, c := range in {
		out = append(out, SettingChange(c))
	}
	return out
}
