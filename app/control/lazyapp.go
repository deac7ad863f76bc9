package control

import (
	"context"

	"github.com/liveroute/liveroute/store"
)

// lazyApp opens the application layer at its first use: most commands on
// a stopped app only read the database, and opening it costs (in --demo it
// starts a fake Facebook).
type lazyApp struct {
	open    func(ctx context.Context) (App, func() error, error)
	app     App
	closeFn func() error
}

func (l *lazyApp) get(ctx context.Context) (App, error) {
	if l.app != nil {
		return l.app, nil
	}
	app, closeFn, err := l.open(ctx)
	if err != nil {
		return nil, err
	}
	l.app, l.closeFn = app, closeFn
	return app, nil
}

func (l *lazyApp) close() {
	if l.closeFn != nil {
		_ = l.closeFn() // the command's answer is already decided
	}
}

func (l *lazyApp) ResolveShare(ctx context.Context, key store.LedgerKey, shared bool) error {
	app, err := l.get(ctx)
	if err != nil {
		return err
	}
	return app.ResolveShare(ctx, key, shared)
}

func (l *lazyApp) MarkGroupShared(ctx context.Context, key store.LedgerKey) error {
	app, err := l.get(ctx)
	if err != nil {
		return err
	}
	return app.MarkGroupShared(ctx, key)
}

func (l *lazyApp) AddGroup(ctx context.Context, address, name string) (store.Destination, error) {
	app, err := l.get(ctx)
	if err != nil {
		return store.Destination{}, err
	}
	return app.AddGroup(ctx, address, name)
}

func (l *lazyApp) RouteFrom(ctx context.Context, r store.Route) (store.Route, error) {
	app, err := l.get(ctx)
	if err != nil {
		return r, err
	}
	return app.RouteFrom(ctx, r)
}

func (l *lazyApp) SaveRoute(ctx context.Context, r store.Route) (store.Route, error) {
	app, err := l.get(ctx)
	if err != nil {
		return store.Route{}, err
	}
	return app.SaveRoute(ctx, r)
}

func (l *lazyApp) DeleteRoute(ctx context.Context, id string) error {
	app, err := l.get(ctx)
	if err != nil {
		return err
	}
	return app.DeleteRoute(ctx, id)
}

func (l *lazyApp) Import(ctx context.Context, data []byte, opts store.ImportOptions) (store.ImportResult, error) {
	app, err := l.get(ctx)
	if err != nil {
		return store.ImportResult{}, err
	}
	return app.Import(ctx, data, opts)
}

func (l *lazyApp) AddPage(ctx context.Context, ref string) (store.Destination, error) {
	app, err := l.get(ctx)
	if err != nil {
		return store.Destination{}, err
	}
	return app.AddPage(ctx, ref)
}

func (l *lazyApp) ImportLoginChanges(ctx context.Context, data []byte) ([]store.SettingChange, error) {
	app, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return app.ImportLoginChanges(ctx, data)
}

func (l *lazyApp) CheckSetup(ctx context.Context) (Health, error) {
	app, err := l.get(ctx)
	if err != nil {
		return Health{}, err
	}
	return app.CheckSetup(ctx)
}
