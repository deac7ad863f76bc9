package control

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// fakeEngine stands in for app/relay's engine, which this package only
// reaches through the Engine interface: it keeps a pause state and records
// what it was asked.
type fakeEngine struct {
	now    func() time.Time
	onShow func()
	// noAccount makes the engine report what the service's does with no
	// account (service.ControlHealthOf): not connected, said for a
	// running app.
	noAccount bool
	// live names the sources live right now.
	live []string
	// problems are the sources the engine cannot watch.
	problems []SourceProblem
	// addPage and checkSetup stand in for the service's AddPage and
	// CheckSetup (the Graph lookups), on the fake's database.
	addPage    func(db *store.DB, ref string) (store.Destination, error)
	checkSetup func(ctx context.Context, db *store.DB) (Health, error)

	mu            sync.Mutex
	paused        bool
	pausedUntil   *time.Time
	routesChanged int
	checks        int
	resolved      int
	db            *store.DB // what ResolveShare settles
}

func (e *fakeEngine) Show() error {
	if e.onShow != nil {
		e.onShow()
	}
	return nil
}

func (e *fakeEngine) Health(context.Context) (Health, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.health(), nil
}

func (e *fakeEngine) health() Health {
	if e.noAccount {
		return NotConnectedHealth(true)
	}
	if e.paused {
		return Health{State: StatePaused, PausedUntil: e.pausedUntil}
	}
	return Health{State: StateHealthy, LiveSources: e.live, SourceProblems: e.problems}
}

func (e *fakeEngine) Check(context.Context) (Health, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.checks++
	h := e.health()
	at := e.now().UTC()
	h.CheckedAt = &at
	return h, nil
}

func (e *fakeEngine) Pause(_ context.Context, d time.Duration) (Health, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.paused, e.pausedUntil = true, nil
	if d > 0 {
		until := e.now().Add(d).UTC()
		e.pausedUntil = &until
	}
	return e.health(), nil
}

func (e *fakeEngine) Resume(context.Context) (Health, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.paused, e.pausedUntil = false, nil
	return e.health(), nil
}

// MarkGroupShared marks the group share done on db under the contract of
// service.MarkAssistedDone: a finished share stays as it is, one never
// offered is not found.
func (e *fakeEngine) MarkGroupShared(_ context.Context, key store.LedgerKey) error {
	e.mu.Lock()
	db := e.db
	e.mu.Unlock()
	entry, ok, err := db.LedgerGet(key)
	switch {
	case err != nil:
		return err
	case ok && entry.State == store.LedgerAssistedDone:
		return nil
	case !ok || entry.State != store.LedgerAssistedOpen:
		return errorf(CodeNotFound, "no group share is waiting for that route, video and group")
	}
	entry.State = store.LedgerAssistedDone
	return db.LedgerPut(entry)
}

// AddGroup stores the group on db under the contract of service.AddGroup
// (a known group keeps its name unless renamed; a known Page is refused),
// and counts as a change the engine heard of.
func (e *fakeEngine) AddGroup(_ context.Context, address, name string) (store.Destination, error) {
	g, err := groupDestination(address, name)
	if err != nil {
		return g, err
	}
	db := e.database()
	old, known, err := db.Destination(g.ID)
	switch {
	case err != nil:
		return g, err
	case known && old.Kind != store.KindGroup:
		return g, errors.New("LiveRoute already knows " + nameOrID(old.Name, old.ID) + " as a Page; check the group's address")
	case known && strings.TrimSpace(name) == "":
		g.Name = old.Name
	}
	return g, e.heard(db.PutDestination(g))
}

func (e *fakeEngine) AddPage(_ context.Context, ref string) (store.Destination, error) {
	return e.addPage(e.database(), ref)
}

func (e *fakeEngine) CheckSetup(ctx context.Context) (Health, error) {
	return e.checkSetup(ctx, e.database())
}

// ResolveShare settles the share on db, as the engine does.
func (e *fakeEngine) ResolveShare(_ context.Context, key store.LedgerKey, shared bool) error {
	e.mu.Lock()
	db := e.db
	e.resolved++
	e.mu.Unlock()
	_, err := db.LedgerResolve(key, shared)
	return err
}

// ImportLoginChanges is the store's comparison, which the service's is.
func (e *fakeEngine) ImportLoginChanges(_ context.Context, data []byte) ([]store.SettingChange, error) {
	return e.database().ImportLoginChanges(bytes.NewReader(data))
}

// database is the database the fake engine writes to.
func (e *fakeEngine) database() *store.DB {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.db
}

// heard counts a write the engine heard of (it reloads after each); a
// failed write changes nothing, so it tells nothing.
func (e *fakeEngine) heard(err error) error {
	if err == nil {
		e.mu.Lock()
		e.routesChanged++
		e.mu.Unlock()
	}
	return err
}

// RouteFrom is the application layer's reading of a described route:
// relay.RouteFrom, which service.RouteFrom is too.
func (e *fakeEngine) RouteFrom(_ context.Context, r store.Route) (store.Route, error) {
	r, err := relay.RouteFrom(e.database(), r)
	return r, RouteErrorCode(err)
}

func (e *fakeEngine) SaveRoute(_ context.Context, r store.Route) (store.Route, error) {
	saved, err := e.database().PutRoute(r)
	return saved, e.heard(err)
}

func (e *fakeEngine) DeleteRoute(_ context.Context, id string) error {
	return e.heard(e.database().DeleteRoute(id))
}

func (e *fakeEngine) Import(_ context.Context, data []byte, opts store.ImportOptions) (store.ImportResult, error) {
	res, err := e.database().ImportWith(bytes.NewReader(data), opts)
	return res, e.heard(err)
}
