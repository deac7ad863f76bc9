package service

import (
	"context"
	"errors"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/store"
)

// ResolveShare settles a share the engine could not confirm, as the person
// decided after looking at the Page: shared records it as done; otherwise
// it is posted once more, without a look (at the engine's next start if it
// is stopped). store.ErrNotUnconfirmed when that share is not waiting.
// The window's "Mark shared" / "Share again" and the CLI's "shares shared"
// / "shares again" both come here.
func (s *Service) ResolveShare(key store.LedgerKey, shared bool) error {
	if shared {
		return s.Engine.MarkShared(key)
	}
	return s.Engine.ShareAgain(key)
}

// ControlApp is this service as the control socket's App: the same use
// cases the window calls, for the running app and for the command line on
// a stopped one (a Service opened but not started).
func (s *Service) ControlApp() control.App { return controlApp{s} }

type controlApp struct{ s *Service }

func (a controlApp) ResolveShare(_ context.Context, key store.LedgerKey, shared bool) error {
	return a.s.ResolveShare(key, shared)
}

// MarkGroupShared is MarkAssistedDone, the window's rule too; a share
// never offered is the protocol's "not found".
func (a controlApp) MarkGroupShared(_ context.Context, key store.LedgerKey) error {
	err := a.s.MarkAssistedDone(key)
	if errors.Is(err, ErrNoGroupShareWaiting) {
		return &control.Error{Code: control.CodeNotFound, Message: err.Error()}
	}
	return err
}

func (a controlApp) AddGroup(_ context.Context, address, name string) (store.Destination, error) {
	return a.s.AddGroup(address, name)
}

// RouteFrom reads a described route as the window's editor does; what
// LiveRoute does not know is the protocol's "not found".
func (a controlApp) RouteFrom(_ context.Context, r store.Route) (store.Route, error) {
	r, err := a.s.RouteFrom(r)
	return r, control.RouteErrorCode(err)
}

func (a controlApp) SaveRoute(_ context.Context, r store.Route) (store.Route, error) {
	return a.s.SaveRoute(r)
}

func (a controlApp) DeleteRoute(_ context.Context, id string) error { return a.s.DeleteRoute(id) }

func (a controlApp) Import(_ context.Context, data []byte, opts store.ImportOptions) (store.ImportResult, error) {
	return a.s.Import(data, opts)
}

func (a controlApp) ImportLoginChanges(_ context.Context, data []byte) ([]store.SettingChange, error) {
	return a.s.ImportLoginChanges(data)
}

func (a controlApp) AddPage(ctx context.Context, ref string) (store.Destination, error) {
	return a.s.AddPage(ctx, ref)
}

func (a controlApp) CheckSetup(ctx context.Context) (control.Health, error) {
	return a.s.CheckSetup(ctx)
}
