package remote

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/store"
)

// service.API, each method one call to the agent (see handlers). A method
// without an error answers its zero value once the agent is gone; Done
// says so.

var bg = context.Background()

func (c *Client) Status() relay.Status {
	st, _ := call[relay.Status](c, bg, "Status", nil)
	return st
}

// Health is the agent's; once the agent is gone, that it is.
func (c *Client) Health() service.Health {
	h, err := call[service.Health](c, bg, "Health", nil)
	if errors.Is(err, ErrAgentGone) {
		return service.Health{Tray: assets.TrayWarning, Headline: "LiveRoute stopped", Detail: ErrAgentGone.Error() + "."}
	}
	return h
}

func (c *Client) Pause(d time.Duration) { _, _ = call[none](c, bg, "Pause", d) }
func (c *Client) Resume()               { _, _ = call[none](c, bg, "Resume", nil) }
func (c *Client) CheckNow()             { _, _ = call[none](c, bg, "CheckNow", nil) }

func (c *Client) Account() (store.Account, bool, error) {
	a, err := call[accountAnswer](c, bg, "Account", nil)
	return a.Account, a.OK, err
}

func (c *Client) HasSavedSecret(appID string) (bool, error) {
	return call[bool](c, bg, "HasSavedSecret", appID)
}

func (c *Client) SavedConnectRequest() (service.ConnectRequest, error) {
	req, err := call[connectRequest](c, bg, "SavedConnectRequest", nil)
	return req.request(), err
}

func (c *Client) CheckApp(ctx context.Context, check service.AppCheck) error {
	_, err := call[none](c, ctx, "CheckApp", wireAppCheck(check))
	return err
}

func (c *Client) Disconnect(ctx context.Context) error {
	_, err := call[none](c, ctx, "Disconnect", nil)
	return err
}

func (c *Client) CheckConnection(ctx context.Context) (service.ConnectionCheck, error) {
	return call[service.ConnectionCheck](c, ctx, "CheckConnection", nil)
}

func (c *Client) RouteBindings() ([]service.RouteBinding, error) {
	return call[[]service.RouteBinding](c, bg, "RouteBindings", nil)
}

func (c *Client) VerifyDestinations(ctx context.Context) ([]service.DestinationHealth, error) {
	return call[[]service.DestinationHealth](c, ctx, "VerifyDestinations", nil)
}

func (c *Client) Routes() ([]store.Route, error) {
	return call[[]store.Route](c, bg, "Routes", nil)
}

func (c *Client) RouteFrom(r store.Route) (store.Route, error) {
	return call[store.Route](c, bg, "RouteFrom", r)
}

func (c *Client) SaveRoute(r store.Route) (store.Route, error) {
	return call[store.Route](c, bg, "SaveRoute", r)
}

func (c *Client) DeleteRoute(id string) error {
	_, err := call[none](c, bg, "DeleteRoute", id)
	return err
}

func (c *Client) DryRun(ctx context.Context, routeID string) (relay.Plan, error) {
	return call[relay.Plan](c, ctx, "DryRun", routeID)
}

func (c *Client) Destinations() ([]store.Destination, error) {
	return call[[]store.Destination](c, bg, "Destinations", nil)
}

func (c *Client) Pages() ([]store.Destination, error) {
	return call[[]store.Destination](c, bg, "Pages", nil)
}

func (c *Client) AddPage(ctx context.Context, ref string) (store.Destination, error) {
	return call[store.Destination](c, ctx, "AddPage", ref)
}

func (c *Client) AddGroup(address, name string) (store.Destination, error) {
	return call[store.Destination](c, bg, "AddGroup", groupArgs{address, name})
}

func (c *Client) History(n int) ([]relay.HistoryLine, error) {
	return call[[]relay.HistoryLine](c, bg, "History", n)
}

func (c *Client) LedgerByDestination(destinationID string, n int) ([]store.LedgerEntry, error) {
	return call[[]store.LedgerEntry](c, bg, "LedgerByDestination", ledgerArgs{destinationID, n})
}

func (c *Client) LedgerInState(state store.LedgerState) ([]store.LedgerEntry, error) {
	return call[[]store.LedgerEntry](c, bg, "LedgerInState", state)
}

func (c *Client) AssistedShareURL(videoURL string) string {
	u, _ := call[string](c, bg, "AssistedShareURL", videoURL)
	return u
}

func (c *Client) AssistedMessage(e store.LedgerEntry) (string, error) {
	return call[string](c, bg, "AssistedMessage", e)
}

func (c *Client) MarkAssistedDone(key store.LedgerKey) error {
	_, err := call[none](c, bg, "MarkAssistedDone", key)
	return err
}

func (c *Client) ResolveShare(key store.LedgerKey, shared bool) error {
	_, err := call[none](c, bg, "ResolveShare", resolveArgs{key, shared})
	return err
}

func (c *Client) Settings() (store.Settings, error) {
	return call[store.Settings](c, bg, "Settings", nil)
}

func (c *Client) SaveSettings(st store.Settings) error {
	_, err := call[none](c, bg, "SaveSettings", st)
	return err
}

func (c *Client) SetStartChoices(autostart, notifications bool) error {
	_, err := call[none](c, bg, "SetStartChoices", startChoices{autostart, notifications})
	return err
}

// Export writes the agent's export to w: the agent builds it, the window
// writes it where the person chose.
func (c *Client) Export(w io.Writer) error {
	data, err := call[[]byte](c, bg, "Export", nil)
	if len(data) > 0 {
		if _, werr := w.Write(data); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

func (c *Client) ImportLoginChanges(data []byte) ([]store.SettingChange, error) {
	return call[[]store.SettingChange](c, bg, "ImportLoginChanges", data)
}

func (c *Client) Import(data []byte, opts store.ImportOptions) (store.ImportResult, error) {
	return call[store.ImportResult](c, bg, "Import", importArgs{data, opts})
}

func (c *Client) IsDemo() bool {
	demo, _ := call[bool](c, bg, "IsDemo", nil)
	return demo
}

func (c *Client) DemoApp() (appID, secret string, ok bool) {
	a, _ := call[demoAppAnswer](c, bg, "DemoApp", nil)
	return a.AppID, a.Secret, a.OK
}

func (c *Client) SimulatePasswordChange() error {
	_, err := call[none](c, bg, "SimulatePasswordChange", nil)
	return err
}
