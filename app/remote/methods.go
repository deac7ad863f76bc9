package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// handler runs one call in the agent; its answer is encoded even with an
// error, as some methods return both (SavedConnectRequest, Export).
type handler func(ctx context.Context, ss *session, m message) (any, error)

// handlers serve service.API, one line per method, by its Go name (a test
// checks every method of the interface has one). Adding a method: a line
// here and its three-line twin in client_api.go.
var handlers = map[string]handler{
	"Status":   with(func(_ context.Context, a service.API, _ none) (any, error) { return a.Status(), nil }),
	"Health":   with(func(_ context.Context, a service.API, _ none) (any, error) { return a.Health(), nil }),
	"Pause":    with(func(_ context.Context, a service.API, d time.Duration) (any, error) { a.Pause(d); return nil, nil }),
	"Resume":   with(func(_ context.Context, a service.API, _ none) (any, error) { a.Resume(); return nil, nil }),
	"CheckNow": with(func(_ context.Context, a service.API, _ none) (any, error) { a.CheckNow(); return nil, nil }),
	"Subscribe": func(ctx context.Context, ss *session, m message) (any, error) {
		return ss.subscribe(m)
	},

	"Account": with(func(_ context.Context, a service.API, _ none) (any, error) {
		acct, ok, err := a.Account()
		return accountAnswer{acct, ok}, err
	}),
	"HasSavedSecret": with(func(_ context.Context, a service.API, appID string) (any, error) { return a.HasSavedSecret(appID) }),
	"SavedConnectRequest": with(func(_ context.Context, a service.API, _ none) (any, error) {
		req, err := a.SavedConnectRequest()
		return wireConnectRequest(req), err
	}),
	"CheckApp": with(func(ctx context.Context, a service.API, c appCheck) (any, error) {
		return nil, a.CheckApp(ctx, c.check())
	}),
	"Connect": func(ctx context.Context, ss *session, m message) (any, error) {
		return ss.connect(ctx, m)
	},
	"Disconnect":         with(func(ctx context.Context, a service.API, _ none) (any, error) { return nil, a.Disconnect(ctx) }),
	"CheckConnection":    with(func(ctx context.Context, a service.API, _ none) (any, error) { return a.CheckConnection(ctx) }),
	"RouteBindings":      with(func(_ context.Context, a service.API, _ none) (any, error) { return a.RouteBindings() }),
	"VerifyDestinations": with(func(ctx context.Context, a service.API, _ none) (any, error) { return a.VerifyDestinations(ctx) }),

	"Routes":       with(func(_ context.Context, a service.API, _ none) (any, error) { return a.Routes() }),
	"RouteFrom":    with(func(_ context.Context, a service.API, r store.Route) (any, error) { return a.RouteFrom(r) }),
	"SaveRoute":    with(func(_ context.Context, a service.API, r store.Route) (any, error) { return a.SaveRoute(r) }),
	"DeleteRoute":  with(func(_ context.Context, a service.API, id string) (any, error) { return nil, a.DeleteRoute(id) }),
	"DryRun":       with(func(ctx context.Context, a service.API, id string) (any, error) { return a.DryRun(ctx, id) }),
	"Destinations": with(func(_ context.Context, a service.API, _ none) (any, error) { return a.Destinations() }),
	"Pages":        with(func(_ context.Context, a service.API, _ none) (any, error) { return a.Pages() }),
	"AddPage":      with(func(ctx context.Context, a service.API, ref string) (any, error) { return a.AddPage(ctx, ref) }),
	"AddGroup": with(func(_ context.Context, a service.API, g groupArgs) (any, error) {
		return a.AddGroup(g.Address, g.Name)
	}),

	"History": with(func(_ context.Context, a service.API, n int) (any, error) { return a.History(n) }),
	"LedgerByDestination": with(func(_ context.Context, a service.API, l ledgerArgs) (any, error) {
		return a.LedgerByDestination(l.DestinationID, l.N)
	}),
	"LedgerInState": with(func(_ context.Context, a service.API, st store.LedgerState) (any, error) {
		return a.LedgerInState(st)
	}),
	"AssistedShareURL": with(func(_ context.Context, a service.API, u string) (any, error) { return a.AssistedShareURL(u), nil }),
	"AssistedMessage": with(func(_ context.Context, a service.API, e store.LedgerEntry) (any, error) {
		return a.AssistedMessage(e)
	}),
	"MarkAssistedDone": with(func(_ context.Context, a service.API, k store.LedgerKey) (any, error) {
		return nil, a.MarkAssistedDone(k)
	}),
	"ResolveShare": with(func(_ context.Context, a service.API, r resolveArgs) (any, error) {
		return nil, a.ResolveShare(r.Key, r.Shared)
	}),

	"Settings":     with(func(_ context.Context, a service.API, _ none) (any, error) { return a.Settings() }),
	"SaveSettings": with(func(_ context.Context, a service.API, st store.Settings) (any, error) { return nil, a.SaveSettings(st) }),
	"SetStartChoices": with(func(_ context.Context, a service.API, c startChoices) (any, error) {
		return nil, a.SetStartChoices(c.Autostart, c.Notifications)
	}),
	"Export": with(func(_ context.Context, a service.API, _ none) (any, error) {
		var buf bytesWriter
		err := a.Export(&buf)
		return buf.data, err
	}),
	"ImportLoginChanges": with(func(_ context.Context, a service.API, data []byte) (any, error) {
		return a.ImportLoginChanges(data)
	}),
	"Import": with(func(_ context.Context, a service.API, i importArgs) (any, error) {
		return a.Import(i.Data, i.Options)
	}),

	"IsDemo": with(func(_ context.Context, a service.API, _ none) (any, error) { return a.IsDemo(), nil }),
	"DemoApp": with(func(_ context.Context, a service.API, _ none) (any, error) {
		id, secret, ok := a.DemoApp()
		return demoAppAnswer{id, secret, ok}, nil
	}),
	"SimulatePasswordChange": with(func(_ context.Context, a service.API, _ none) (any, error) {
		return nil, a.SimulatePasswordChange()
	}),
}

// with decodes a call's arguments into A and runs f on the agent's API.
func with[A any](f func(ctx context.Context, api service.API, args A) (any, error)) handler {
	return func(ctx context.Context, ss *session, m message) (any, error) {
		var args A
		if err := decodeArgs(m, &args); err != nil {
			return nil, err
		}
		return f(ctx, ss.api, args)
	}
}

func decodeArgs(m message, into any) error {
	if len(m.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(m.Body, into); err != nil {
		// Not the decoder's words: they could quote what was sent.
		return fmt.Errorf("the arguments of %s could not be read: %w", m.Method, errVersion)
	}
	return nil
}

// The arguments and answers that are not one value of the API's types.
type (
	none          struct{}
	accountAnswer struct {
		Account store.Account
		OK      bool
	}
	demoAppAnswer struct {
		AppID, Secret string // the demo's secret is public: it opens only the fake Facebook
		OK            bool
	}
	groupArgs  struct{ Address, Name string }
	ledgerArgs struct {
		DestinationID string
		N             int
	}
	resolveArgs struct {
		Key    store.LedgerKey
		Shared bool
	}
	startChoices struct{ Autostart, Notifications bool }
	importArgs   struct {
		Data    []byte
		Options store.ImportOptions
	}
	subscribeArgs struct {
		Sub    uint64 // the subscription's ID: its events carry it
		Buffer int
	}
)

// appCheck is service.AppCheck on the wire: an fbclient.Token prints as
// [redacted] in JSON, so the secret travels as a plain string, inside the
// user-only socket only.
type appCheck struct {
	AppID, ConfigID string
	Secret          string
}

func wireAppCheck(c service.AppCheck) appCheck {
	return appCheck{AppID: c.AppID, ConfigID: c.ConfigID, Secret: c.Secret.Reveal()}
}

func (c appCheck) check() service.AppCheck {
	return service.AppCheck{AppID: c.AppID, ConfigID: c.ConfigID, Secret: fbclient.Token(c.Secret)}
}

// bytesWriter collects an export.
type bytesWriter struct{ data []byte }

func (w *bytesWriter) Write(p []byte) (int, error) {
	w.data = append(w.data, p...)
	return len(p), nil
}
