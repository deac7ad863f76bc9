package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/store"
)

// fakeService is service.API in memory, for tests of the window alone:
// routes, destinations, settings, the ledger and the activity log in
// maps, and an engine whose status and events the test drives. It keeps
// the service's rules the window relies on (a route needs a destination
// and a valid message; a group address is a facebook.com one) and counts
// the writes, so a test can see that the window went through the service.
// What needs Facebook (connect, checks, dry runs) fails: the tests of
// those run on a real Service against fakefb.
type fakeService struct {
	mu       sync.Mutex
	status   relay.Status
	events   chan relay.Event
	account  *store.Account
	secrets  map[string]bool // App IDs whose secret the keychain holds
	routes   []store.Route
	dests    map[string]store.Destination
	ledger   map[store.LedgerKey]store.LedgerEntry
	activity []store.Activity // oldest first
	settings store.Settings
	nextID   int

	// What the window asked for.
	pauses, resumes, checks int
	settingsSaves           int
	secretLookups           int
	connects                int
	// lookupGate, when set, holds HasSavedSecret until it is closed, so a
	// test can see the window while the keychain is slow.
	lookupGate chan struct{}
	// keychain, when set, is the agent's keychain problem: Health says it
	// first, as service.Service.Health does.
	keychain error
}

var _ service.API = (*fakeService)(nil)

// errNotFaked: the fake does not talk to Facebook.
var errNotFaked = errors.New("the fake service does not talk to Facebook")

func newFakeService(state relay.State) *fakeService {
	return &fakeService{
		status:   relay.Status{State: state, Running: true},
		events:   make(chan relay.Event, 16),
		secrets:  map[string]bool{},
		dests:    map[string]store.Destination{},
		ledger:   map[store.LedgerKey]store.LedgerEntry{},
		settings: store.DefaultSettings(),
	}
}

// connectAs records a connected account.
func (f *fakeService) connectAs(userID, name string) *fakeService {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.account = &store.Account{UserID: userID, Name: name, AppID: f.settings.AppID}
	return f
}

func (f *fakeService) setSources(sources []relay.SourceStatus) {
	f.mu.Lock()
	f.status.Sources = sources
	f.mu.Unlock()
}

// putDestination and putLedger stand for what a connect and the engine
// write.
func (f *fakeService) putDestination(d store.Destination) {
	f.mu.Lock()
	f.dests[d.ID] = d
	f.mu.Unlock()
}

func (f *fakeService) putLedger(e store.LedgerEntry) {
	f.mu.Lock()
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	}
	f.ledger[e.LedgerKey] = e
	f.mu.Unlock()
}

func (f *fakeService) counts() (pauses, resumes, checks, settingsSaves int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pauses, f.resumes, f.checks, f.settingsSaves
}

// The engine.

func (f *fakeService) Status() relay.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.status
	st.Sources = slices.Clone(st.Sources)
	return st
}

func (f *fakeService) Health() service.Health {
	f.mu.Lock()
	keychain := f.keychain
	f.mu.Unlock()
	if keychain != nil {
		return service.KeychainHealth(keychain)
	}
	_, ok, _ := f.Account()
	return service.HealthOf(f.Status(), ok)
}

// Subscribe hands out the one event channel; the test closes it to end
// Watch.
func (f *fakeService) Subscribe(int) (<-chan relay.Event, func()) { return f.events, func() {} }

func (f *fakeService) Pause(time.Duration) { f.mu.Lock(); f.pauses++; f.mu.Unlock() }
func (f *fakeService) Resume()             { f.mu.Lock(); f.resumes++; f.mu.Unlock() }
func (f *fakeService) CheckNow()           { f.mu.Lock(); f.checks++; f.mu.Unlock() }

// The connection.

func (f *fakeService) Account() (store.Account, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.account == nil {
		return store.Account{}, false, nil
	}
	return *f.account, true, nil
}

func (f *fakeService) HasSavedSecret(appID string) (bool, error) {
	f.mu.Lock()
	f.secretLookups++
	gate := f.lookupGate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.secrets[appID], nil
}

func (f *fakeService) SavedConnectRequest() (service.ConnectRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settings.AppID == "" {
		return service.ConnectRequest{}, service.ErrNoSavedApp
	}
	req := service.ConnectRequest{AppID: f.settings.AppID, Transport: f.settings.Transport, Port: f.settings.LoginPort()}
	if !f.secrets[f.settings.AppID] {
		return req, service.ErrNoSavedSecret
	}
	return req, nil
}

func (f *fakeService) CheckApp(context.Context, service.AppCheck) error { return errNotFaked }
func (f *fakeService) Connect(context.Context, service.ConnectRequest) (account.Result, error) {
	f.mu.Lock()
	f.connects++
	f.mu.Unlock()
	return account.Result{}, errNotFaked
}
func (f *fakeService) Disconnect(context.Context) error { return errNotFaked }
func (f *fakeService) CheckConnection(context.Context) (service.ConnectionCheck, error) {
	return service.ConnectionCheck{}, errNotFaked
}
func (f *fakeService) RouteBindings() ([]service.RouteBinding, error) { return nil, nil }
func (f *fakeService) VerifyDestinations(context.Context) ([]service.DestinationHealth, error) {
	return nil, errNotFaked
}

// Routes, Pages and groups.

func (f *fakeService) Routes() ([]store.Route, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.routes), nil
}

// SaveRoute keeps the service's rules the editor shows: a valid message
// and at least one destination.
// RouteFrom gives groups their assisted mode and Pages a link post by
// default, the part of relay.RouteFrom the editor leaves to the service;
// the source is taken as chosen (relay's tests read it).
func (f *fakeService) RouteFrom(r store.Route) (store.Route, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.Targets = slices.Clone(r.Targets)
	for i, t := range r.Targets {
		switch {
		case f.dests[t.DestinationID].Kind == store.KindGroup:
			r.Targets[i].Mode = store.ModeAssisted
		case t.Mode == "":
			r.Targets[i].Mode = store.ModePost
		}
	}
	return r, nil
}

func (f *fakeService) SaveRoute(r store.Route) (store.Route, error) {
	if len(r.Targets) == 0 {
		return r, errors.New("a route needs at least one destination")
	}
	for _, t := range r.Targets {
		if err := relay.Validate(t.Message); err != nil {
			return r, fmt.Errorf("the message of %s: %w", t.DestinationID, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.ID == "" {
		f.nextID++
		r.ID = fmt.Sprintf("r%d", f.nextID)
		f.routes = append(f.routes, r)
		return r, nil
	}
	for i := range f.routes {
		if f.routes[i].ID == r.ID {
			f.routes[i] = r
			return r, nil
		}
	}
	f.routes = append(f.routes, r)
	return r, nil
}

func (f *fakeService) route(id string) (store.Route, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.routes {
		if r.ID == id {
			return r, true
		}
	}
	return store.Route{}, false
}

func (f *fakeService) DeleteRoute(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes = slices.DeleteFunc(f.routes, func(r store.Route) bool { return r.ID == id })
	return nil
}

func (f *fakeService) DryRun(context.Context, string) (relay.Plan, error) {
	return relay.Plan{}, errNotFaked
}

// Destinations lists Pages and groups by ID, as the database does.
func (f *fakeService) Destinations() ([]store.Destination, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]store.Destination, 0, len(f.dests))
	for _, d := range f.dests {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b store.Destination) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (f *fakeService) Pages() ([]store.Destination, error) {
	all, _ := f.Destinations()
	return slices.DeleteFunc(all, func(d store.Destination) bool { return d.Kind != store.KindPage || d.Status != "" }), nil
}

func (f *fakeService) AddPage(context.Context, string) (store.Destination, error) {
	return store.Destination{}, errNotFaked
}

// AddGroup takes facebook.com/groups/NAME addresses, as the service does.
func (f *fakeService) AddGroup(address, name string) (store.Destination, error) {
	u, err := url.Parse(strings.TrimSpace(address))
	id, ok := "", false
	if err == nil && strings.HasSuffix(u.Hostname(), "facebook.com") {
		id, ok = strings.CutPrefix(strings.Trim(u.Path, "/"), "groups/")
	}
	if !ok || id == "" {
		return store.Destination{}, errors.New("that is not a group's address: copy it from the group's page on facebook.com")
	}
	g := store.Destination{ID: id, Name: name, Kind: store.KindGroup}
	f.putDestination(g)
	return g, nil
}

// Shares and the record of what happened.

// History lists the activity log alone, newest first: the merge with the
// ledger is relay.History's, tested on a real database.
func (f *fakeService) History(n int) ([]relay.HistoryLine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	acts := slices.Clone(f.activity)
	slices.Reverse(acts) // newest first
	if n > 0 && len(acts) > n {
		acts = acts[:n]
	}
	out := make([]relay.HistoryLine, 0, len(acts))
	for _, a := range acts {
		out = append(out, relay.HistoryLine{Time: a.Time, Kind: a.Kind, Message: a.Message,
			RouteID: a.RouteID, VideoID: a.VideoID, DestinationID: a.DestinationID})
	}
	return out, nil
}

// addActivity is a line another caller (the engine, the command line)
// records, as the service would.
func (f *fakeService) addActivity(kind, msg string, key store.LedgerKey) {
	f.mu.Lock()
	f.activity = append(f.activity, store.Activity{Time: time.Date(2026, 12, 2, 9, len(f.activity), 0, 0, time.UTC),
		Kind: kind, Message: msg, RouteID: key.RouteID, VideoID: key.VideoID, DestinationID: key.DestinationID})
	f.mu.Unlock()
}

func (f *fakeService) LedgerByDestination(destinationID string, n int) ([]store.LedgerEntry, error) {
	return f.ledgerWhere(func(e store.LedgerEntry) bool { return e.DestinationID == destinationID }), nil
}

func (f *fakeService) LedgerInState(state store.LedgerState) ([]store.LedgerEntry, error) {
	return f.ledgerWhere(func(e store.LedgerEntry) bool { return e.State == state }), nil
}

func (f *fakeService) ledgerWhere(keep func(store.LedgerEntry) bool) []store.LedgerEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.LedgerEntry
	for _, e := range f.ledger {
		if keep(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b store.LedgerEntry) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return out
}

func (f *fakeService) AssistedShareURL(videoURL string) string {
	return "https://www.facebook.com/sharer/sharer.php?u=" + url.QueryEscape(videoURL)
}

func (f *fakeService) AssistedMessage(e store.LedgerEntry) (string, error) {
	r, ok := f.route(e.RouteID)
	if !ok {
		return e.VideoURL, nil
	}
	for _, t := range r.Targets {
		if t.DestinationID == e.DestinationID {
			f.mu.Lock()
			page := f.dests[e.DestinationID].Name
			f.mu.Unlock()
			return relay.Render(t.Message, relay.TemplateVars{Title: e.VideoTitle, Description: e.VideoDescription,
				URL: e.VideoURL, Page: page, Source: r.SourceName}), nil
		}
	}
	return e.VideoURL, nil
}

// MarkAssistedDone records the share and its one activity line, and says
// so on the event channel, as the service does.
func (f *fakeService) MarkAssistedDone(key store.LedgerKey) error {
	f.mu.Lock()
	e, ok := f.ledger[key]
	if !ok || e.State != store.LedgerAssistedOpen {
		f.mu.Unlock()
		return errors.New("no group share is waiting for that")
	}
	e.State = store.LedgerAssistedDone
	f.ledger[key] = e
	name := f.dests[key.DestinationID].Name
	f.mu.Unlock()
	f.addActivity("assisted-done", "You shared to "+name, key)
	f.events <- relay.ShareResult{Key: key, State: store.LedgerAssistedDone}
	return nil
}

func (f *fakeService) ResolveShare(key store.LedgerKey, shared bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.ledger[key]
	if !ok || e.State != store.LedgerUnconfirmed {
		return store.ErrNotUnconfirmed
	}
	e.State = store.LedgerPending
	if shared {
		e.State = store.LedgerDone
	}
	f.ledger[key] = e
	return nil
}

// Settings, export and import.

func (f *fakeService) Settings() (store.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings, nil
}

func (f *fakeService) SaveSettings(st store.Settings) error {
	if err := store.ValidateSettings(st); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings = st
	f.settingsSaves++
	return nil
}

func (f *fakeService) SetStartChoices(autostart, notifications bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings.Autostart, f.settings.Notifications = autostart, notifications
	return nil
}

// fakeExport is the fake's export file: what the window moves between
// two services.
type fakeExport struct {
	Format   string              `json:"format"`
	Routes   []store.Route       `json:"routes"`
	Dests    []store.Destination `json:"destinations"`
	Settings store.Settings      `json:"settings"`
}

func (f *fakeService) Export(w io.Writer) error {
	routes, _ := f.Routes()
	dests, _ := f.Destinations()
	st, _ := f.Settings()
	return json.NewEncoder(w).Encode(fakeExport{Format: "liveroute-fake", Routes: routes, Dests: dests, Settings: st})
}

// fakeNotImported wraps an import's error as store.ImportWith does.
func fakeNotImported(err error) error {
	return fmt.Errorf("the export file was not imported: %w", err)
}

func readFakeExport(data []byte) (fakeExport, error) {
	var file fakeExport
	if err := json.Unmarshal(data, &file); err != nil || file.Format != "liveroute-fake" {
		return file, errors.New("this is not a LiveRoute export")
	}
	return file, nil
}

// ImportLoginChanges compares the App ID, the one login setting the
// window's tests move.
func (f *fakeService) ImportLoginChanges(data []byte) ([]store.SettingChange, error) {
	file, err := readFakeExport(data)
	if err != nil {
		return nil, err
	}
	st, _ := f.Settings()
	if st.AppID == file.Settings.AppID {
		return nil, nil
	}
	return []store.SettingChange{{Name: "App ID", From: st.AppID, To: file.Settings.AppID}}, nil
}

// Import takes the file's App ID only when the change is the one
// confirmed, as store.ImportWith does.
func (f *fakeService) Import(data []byte, opts store.ImportOptions) (store.ImportResult, error) {
	file, err := readFakeExport(data)
	if err != nil {
		return store.ImportResult{}, fakeNotImported(err)
	}
	changes, _ := f.ImportLoginChanges(data)
	if opts.WithLoginSettings && !slices.Equal(changes, opts.Confirmed) {
		return store.ImportResult{}, fakeNotImported(store.ErrLoginChangesMoved)
	}
	res := store.ImportResult{Routes: len(file.Routes), Destinations: len(file.Dests), Settings: true}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range file.Dests {
		f.dests[d.ID] = d
	}
	f.routes = append(f.routes, file.Routes...)
	if opts.WithLoginSettings {
		f.settings.AppID = file.Settings.AppID
		res.LoginSettingsChanged = changes
	} else {
		res.LoginSettingsKept = changes
	}
	return res, nil
}

func (f *fakeService) IsDemo() bool                             { return false }
func (f *fakeService) DemoApp() (appID, secret string, ok bool) { return "", "", false }
func (f *fakeService) SimulatePasswordChange() error            { return errNotFaked }

// The database's own writes, for a test to set the scene as another
// caller (a connect, the engine, an older LiveRoute) would have left it:
// no rule of the service applies to them.

func (f *fakeService) PutDestination(d store.Destination) error { f.putDestination(d); return nil }

func (f *fakeService) PutRoute(r store.Route) (store.Route, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.ID == "" {
		f.nextID++
		r.ID = fmt.Sprintf("r%d", f.nextID)
	}
	f.routes = append(slices.DeleteFunc(f.routes, func(old store.Route) bool { return old.ID == r.ID }), r)
	return r, nil
}

func (f *fakeService) Route(id string) (store.Route, bool, error) {
	r, ok := f.route(id)
	return r, ok, nil
}

func (f *fakeService) Destination(id string) (store.Destination, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.dests[id]
	return d, ok, nil
}

func (f *fakeService) LedgerPut(e store.LedgerEntry) error { f.putLedger(e); return nil }

func (f *fakeService) PutSettings(st store.Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings = st
	return nil
}

// fakeOf is the fake service under a window built by newFakeGUI.
func fakeOf(g *GUI) *fakeService { return g.svc.(*fakeService) }
