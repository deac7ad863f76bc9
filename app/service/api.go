package service

import (
	"context"
	"io"
	"time"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// API is LiveRoute's application layer: every use case the window offers,
// each with its validation, its database write and the engine reload in
// one place. *Service implements it in the process that owns the database
// and the engine; the window depends on nothing else, so its tests fake
// this interface and a window in another process can reach the same
// methods over the control socket.
type API interface {
	// The engine's state and events.
	Status() relay.Status
	Health() Health // what the tray and the window show
	Subscribe(buffer int) (<-chan relay.Event, func())
	Pause(d time.Duration)
	Resume()
	CheckNow()

	// The connection.
	Account() (store.Account, bool, error)
	HasSavedSecret(appID string) (bool, error)
	SavedConnectRequest() (ConnectRequest, error)
	CheckApp(ctx context.Context, check AppCheck) error
	Connect(ctx context.Context, req ConnectRequest) (account.Result, error)
	Disconnect(ctx context.Context) error
	CheckConnection(ctx context.Context) (ConnectionCheck, error)
	RouteBindings() ([]RouteBinding, error)
	VerifyDestinations(ctx context.Context) ([]DestinationHealth, error)

	// Routes, Pages and groups.
	Routes() ([]store.Route, error)
	RouteFrom(r store.Route) (store.Route, error) // the source's kind and name, the targets' modes
	SaveRoute(r store.Route) (store.Route, error)
	DeleteRoute(id string) error
	DryRun(ctx context.Context, routeID string) (relay.Plan, error)
	Destinations() ([]store.Destination, error)
	Pages() ([]store.Destination, error)
	AddPage(ctx context.Context, ref string) (store.Destination, error)
	AddGroup(address, name string) (store.Destination, error)

	// Shares and the record of what happened.
	History(n int) ([]relay.HistoryLine, error) // the Activity tab's lines, `liveroute history`'s too
	LedgerByDestination(destinationID string, n int) ([]store.LedgerEntry, error)
	LedgerInState(state store.LedgerState) ([]store.LedgerEntry, error)
	AssistedShareURL(videoURL string) string
	AssistedMessage(e store.LedgerEntry) (string, error)
	MarkAssistedDone(key store.LedgerKey) error
	ResolveShare(key store.LedgerKey, shared bool) error

	// Settings, export and import.
	Settings() (store.Settings, error)
	SaveSettings(st store.Settings) error
	SetStartChoices(autostart, notifications bool) error
	Export(w io.Writer) error
	ImportLoginChanges(data []byte) ([]store.SettingChange, error)
	Import(data []byte, opts store.ImportOptions) (store.ImportResult, error)

	// The demo (false, and errors, outside --demo).
	IsDemo() bool
	DemoApp() (appID, secret string, ok bool)
	SimulatePasswordChange() error
}

var _ API = (*Service)(nil)
