package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// Engine is the running app as the control socket sees it. The app (or
// the headless runner) implements it over app/relay.
type Engine interface {
	// Show brings the main window to the front (a second start asks this).
	Show() error
	// Health returns the account's current health without asking Facebook.
	Health(ctx context.Context) (Health, error)
	// Check asks Facebook now (debug_token and the destinations) and
	// returns the resulting health.
	Check(ctx context.Context) (Health, error)
	// Pause stops sharing for d, or until Resume when d is 0.
	Pause(ctx context.Context, d time.Duration) (Health, error)
	// Resume ends a pause.
	Resume(ctx context.Context) (Health, error)
}

// App is the application layer (app/service) as the control socket needs
// it: the use cases that write more than one record or tell the engine,
// so the window and the command line run the same code. The running app
// passes its own; the command line on a stopped app gets one whose engine
// is not started (CLIEnv.OpenApp), so its answers are the running app's.
type App interface {
	// ResolveShare settles a share the engine could not confirm, as the
	// person decided after looking at the Page: shared marks it done,
	// otherwise it is posted again (by a stopped app at its next start).
	// store.ErrNotUnconfirmed when that share is not waiting.
	ResolveShare(ctx context.Context, key store.LedgerKey, shared bool) error
	// MarkGroupShared records that the person shared to a group by hand,
	// in the ledger and the activity log; a finished share stays as it is.
	// An *Error coded CodeNotFound when no such share was ever offered.
	MarkGroupShared(ctx context.Context, key store.LedgerKey) error
	// AddGroup stores the group at its facebook.com address (renaming a
	// known one when name is given) and has a running engine reload.
	AddGroup(ctx context.Context, address, name string) (store.Destination, error)
	// RouteFrom completes a route as described: its source's kind and
	// name, its targets' modes (relay.RouteFrom, the window's reading too).
	RouteFrom(ctx context.Context, r store.Route) (store.Route, error)
	// SaveRoute stores a route (the store checks it) and has a running
	// engine reload; DeleteRoute removes one the same way.
	SaveRoute(ctx context.Context, r store.Route) (store.Route, error)
	DeleteRoute(ctx context.Context, id string) error
	// Import brings in an export; its login settings only with
	// opts.WithLoginSettings, the changes the person confirmed in
	// opts.Confirmed (store.ImportWith).
	Import(ctx context.Context, data []byte, opts store.ImportOptions) (store.ImportResult, error)
	// AddPage finds the Page ref (an ID or a username) on Facebook with the
	// connected account and stores it as a destination.
	AddPage(ctx context.Context, ref string) (store.Destination, error)
	// ImportLoginChanges lists the login settings importing data would
	// change, asked of the same application layer that imports it (opening
	// the demo's writes its App ID first).
	ImportLoginChanges(ctx context.Context, data []byte) ([]store.SettingChange, error)
	// CheckSetup asks Facebook about the saved connection and the routes'
	// destinations without the engine, for `check` on a stopped app.
	CheckSetup(ctx context.Context) (Health, error)
}

// Backend is what executes commands: the database always, the engine
// only in a running app (nil when the CLI works on a stopped one).
type Backend struct {
	DB     *store.DB
	Engine Engine
	// App runs the use cases of the application layer; nil: the commands
	// that need it say LiveRoute cannot run them here.
	App App
	// Now is the clock for pause deadlines and checks; default time.Now.
	Now func() time.Time
	// Session serves a window's session (CmdWindowSession) on the
	// connection until the window or ctx ends it. Nil where no window can
	// attach (a headless run, the CLI on a stopped app).
	Session func(ctx context.Context, conn net.Conn) error
}

// Execute runs one request and returns its response.
func (b Backend) Execute(ctx context.Context, req Request) Response {
	data, err := b.execute(ctx, req)
	if err != nil {
		return failure(err)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return failure(fmt.Errorf("encode the answer: %w", err))
	}
	return Response{OK: true, Data: raw}
}

func (b Backend) execute(ctx context.Context, req Request) (any, error) {
	h, ok := handlers[req.Cmd]
	if !ok {
		return nil, errorf(CodeInvalid, fmt.Sprintf("unknown command %q", req.Cmd))
	}
	return h(b, ctx, req.Args)
}

// handler runs one protocol command with its raw arguments.
type handler func(b Backend, ctx context.Context, args json.RawMessage) (any, error)

// handlers maps every protocol command onto the backend method that
// answers it: this table is the whole protocol.
var handlers = map[string]handler{
	CmdShow:         noArgs(Backend.show),
	CmdStatus:       noArgs(Backend.status),
	CmdRoutesList:   noArgs(Backend.routes),
	CmdRoutesAdd:    withArgs(Backend.addRoute),
	CmdRoutesRemove: withArgs(Backend.removeRoute),
	CmdCheck:        noArgs(Backend.check),
	CmdPause:        withArgs(Backend.pause),
	CmdResume:       noArgs(Backend.resume),
	CmdPagesAdd:     withArgs(Backend.addPage),
	CmdGroupsAdd:    withArgs(Backend.addGroup),
	CmdGroupsList:   noArgs(Backend.groups),
	CmdGroupsShared: withArgs(Backend.groupShared),
	CmdSharesShared: withArgs(func(b Backend, ctx context.Context, a SharesArgs) (HistoryEntry, error) {
		return b.resolveShare(ctx, a, true)
	}),
	CmdSharesAgain: withArgs(func(b Backend, ctx context.Context, a SharesArgs) (HistoryEntry, error) {
		return b.resolveShare(ctx, a, false)
	}),
	CmdHistory: withArgs(Backend.history),
	CmdExport:  noArgs(Backend.export),
	CmdImport:  withArgs(Backend.importData),

	CmdImportLoginChanges: withArgs(Backend.importLoginChanges),
}

// noArgs makes a handler of a method that takes no arguments.
func noArgs[R any](run func(Backend, context.Context) (R, error)) handler {
	return func(b Backend, ctx context.Context, _ json.RawMessage) (any, error) {
		return run(b, ctx)
	}
}

// withArgs makes a handler of a method that takes the command's decoded
// arguments; unknown fields are refused.
func withArgs[A, R any](run func(Backend, context.Context, A) (R, error)) handler {
	return func(b Backend, ctx context.Context, raw json.RawMessage) (any, error) {
		var a A
		if err := decodeArgs(raw, &a); err != nil {
			return nil, err
		}
		return run(b, ctx, a)
	}
}

func (b Backend) show(context.Context) (struct{}, error) {
	if b.Engine == nil {
		return struct{}{}, errNeedsApp
	}
	return struct{}{}, b.Engine.Show()
}

func (b Backend) pause(ctx context.Context, a PauseArgs) (Health, error) {
	if a.Seconds < 0 {
		return Health{}, errorf(CodeInvalid, "a pause cannot be negative")
	}
	if b.Engine == nil {
		return Health{}, errNeedsApp
	}
	return b.Engine.Pause(ctx, time.Duration(a.Seconds)*time.Second)
}

func (b Backend) resume(ctx context.Context) (Health, error) {
	if b.Engine == nil {
		return Health{}, errNeedsApp
	}
	return b.Engine.Resume(ctx)
}

func (b Backend) addPage(ctx context.Context, a PagesAddArgs) (PageData, error) {
	ref, err := pageRef(a.Ref)
	if err != nil {
		return PageData{}, errorf(CodeInvalid, err.Error())
	}
	if b.App == nil {
		return PageData{}, errNeedsApp
	}
	d, err := b.App.AddPage(ctx, ref)
	if err != nil {
		return PageData{}, err
	}
	return pageData(d), nil
}

// export answers the export file itself, as JSON.
func (b Backend) export(context.Context) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := b.DB.Export(&buf); err != nil {
		return nil, err
	}
	return json.RawMessage(buf.Bytes()), nil
}

func (b Backend) importData(ctx context.Context, a ImportArgs) (ImportData, error) {
	if b.App == nil {
		return ImportData{}, errNeedsApp
	}
	res, err := b.App.Import(ctx, a.Data, store.ImportOptions{WithLoginSettings: a.WithLoginSettings, Confirmed: storeSettingChanges(a.LoginChanges)})
	if err != nil {
		return ImportData{}, errorf(CodeInvalid, err.Error())
	}
	return ImportData{Routes: res.Routes, Destinations: res.Destinations, Settings: res.Settings,
		LoginSettingsKept: settingChanges(res.LoginSettingsKept), LoginSettingsChanged: settingChanges(res.LoginSettingsChanged)}, nil
}

// importLoginChanges lists the login settings importing a.Data with its
// login settings would change, through the application layer that will
// import it (store.ImportLoginChanges is the one comparison, the window's
// too).
func (b Backend) importLoginChanges(ctx context.Context, a ImportArgs) ([]SettingChange, error) {
	if b.App == nil {
		return nil, errNeedsApp
	}
	changes, err := b.App.ImportLoginChanges(ctx, a.Data)
	if err != nil {
		return nil, errorf(CodeInvalid, err.Error())
	}
	return settingChanges(changes), nil
}

// check asks Facebook now: through the running engine, which also acts
// on the answer, or, on a stopped app, through App.CheckSetup. Both answer
// in the same shape.
func (b Backend) check(ctx context.Context) (Health, error) {
	var h Health
	var err error
	switch {
	case b.Engine != nil:
		h, err = b.Engine.Check(ctx)
	case b.App != nil:
		h, err = b.App.CheckSetup(ctx)
		if err == nil && h.SourceProblems == nil {
			h.SourceProblems, err = b.storedSourceProblems()
		}
	default:
		return Health{}, errNeedsApp
	}
	if err != nil {
		return Health{}, err
	}
	if h.CheckedAt == nil {
		at := b.now().UTC()
		h.CheckedAt = &at
	}
	return h, nil
}

func (b Backend) storedSourceProblems() ([]SourceProblem, error) {
	sum, err := relay.Summarize(b.DB)
	return sourceProblems(sum.UnsupportedSources), err
}

func (b Backend) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b Backend) status(ctx context.Context) (StatusData, error) {
	s := StatusData{State: StateStopped}
	if b.Engine != nil {
		h, err := b.Engine.Health(ctx)
		if err != nil {
			return s, err
		}
		s.Running = true
		s.State, s.Reason, s.PausedUntil, s.LiveSources = h.State, h.Reason, h.PausedUntil, h.LiveSources
		s.SourceProblems = h.SourceProblems
	}
	acct, ok, err := b.DB.Account()
	if err != nil {
		return s, err
	}
	if ok {
		s.Account = &AccountData{
			UserID:              acct.UserID,
			Name:                acct.Name,
			AppID:               acct.AppID,
			ExpiresAt:           timePtr(acct.ExpiresAt),
			DataAccessExpiresAt: timePtr(acct.DataAccessExpiresAt),
		}
	}
	sum, err := relay.Summarize(b.DB)
	if err != nil {
		return s, err
	}
	s.Routes, s.RoutesEnabled, s.Destinations, s.DestinationsWithProblems = sum.Routes, sum.RoutesEnabled, sum.Destinations, sum.DestinationsWithProblems
	s.Pages, s.Groups, s.GroupSharesWaiting = sum.Pages, sum.Groups, sum.GroupSharesWaiting
	if !s.Running {
		s.SourceProblems = sourceProblems(sum.UnsupportedSources)
	}
	return s, nil
}

// sourceProblems are the sources that cannot start a share, in the
// protocol's words.
func sourceProblems(sources []relay.SourceStatus) []SourceProblem {
	var out []SourceProblem
	for _, src := range sources {
		out = append(out, SourceProblem{SourceID: src.SourceID, Name: src.Name, State: SourceUnsupported, Reason: src.Reason})
	}
	return out
}

func (b Backend) routes(context.Context) ([]RouteData, error) {
	routes, err := b.DB.Routes()
	if err != nil {
		return nil, err
	}
	dests, err := b.destinationNames()
	if err != nil {
		return nil, err
	}
	out := make([]RouteData, 0, len(routes))
	for _, r := range routes {
		out = append(out, routeData(r, dests))
	}
	return out, nil
}

func (b Backend) addRoute(ctx context.Context, a RoutesAddArgs) (RouteData, error) {
	if err := a.validate(); err != nil {
		return RouteData{}, errorf(CodeInvalid, err.Error())
	}
	if b.App == nil {
		return RouteData{}, errNeedsApp
	}
	r := store.Route{Name: strings.TrimSpace(a.Name), SourceID: a.SourceID, Enabled: true}
	for _, id := range a.To {
		r.Targets = append(r.Targets, store.Target{DestinationID: id, Mode: store.Mode(a.Mode), Message: a.Message})
	}
	r, err := b.App.RouteFrom(ctx, r)
	if err != nil {
		return RouteData{}, err
	}
	stored, err := b.App.SaveRoute(ctx, r)
	if err != nil {
		// The store's validation errors are sentences for a person.
		return RouteData{}, errorf(CodeInvalid, err.Error())
	}
	names, err := b.destinationNames()
	if err != nil {
		return RouteData{}, err
	}
	return routeData(stored, names), nil
}

// RouteErrorCode gives a relay.RouteError its protocol code: "not found"
// for what LiveRoute does not know, else "invalid".
func RouteErrorCode(err error) error {
	var re *relay.RouteError
	switch {
	case !errors.As(err, &re):
		return err
	case re.NotFound:
		return errorf(CodeNotFound, re.Message)
	}
	return errorf(CodeInvalid, re.Message)
}

func (b Backend) removeRoute(ctx context.Context, a RoutesRemoveArgs) (RouteData, error) {
	r, ok, err := b.DB.Route(a.ID)
	if err != nil {
		return RouteData{}, err
	}
	if !ok {
		return RouteData{}, errorf(CodeNotFound, fmt.Sprintf("there is no route %q; `liveroute routes list` shows the routes", a.ID))
	}
	if b.App == nil {
		return RouteData{}, errNeedsApp
	}
	if err := b.App.DeleteRoute(ctx, a.ID); err != nil {
		return RouteData{}, err
	}
	names, err := b.destinationNames()
	if err != nil {
		return RouteData{}, err
	}
	return routeData(r, names), nil
}

// addGroup stores the group at a.Address through the application layer
// (service.AddGroup, the window's rule too).
func (b Backend) addGroup(ctx context.Context, a GroupsAddArgs) (PageData, error) {
	if b.App == nil {
		return PageData{}, errNeedsApp
	}
	// The service reads the address (fbclient.ParseGroupAddress) and says
	// what is wrong with it; every refusal of AddGroup is the caller's.
	g, err := b.App.AddGroup(ctx, a.Address, a.Name)
	if err != nil {
		return PageData{}, errorf(CodeInvalid, err.Error())
	}
	return pageData(g), nil
}

// groups lists the group destinations, ordered by ID.
func (b Backend) groups(context.Context) ([]PageData, error) {
	dests, err := b.DB.Destinations()
	if err != nil {
		return nil, err
	}
	out := []PageData{}
	for _, d := range dests {
		if d.Kind == store.KindGroup {
			out = append(out, pageData(d))
		}
	}
	return out, nil
}

// history answers what the window's Activity tab lists: relay.History, a
// read of the database, so a stopped app answers without opening more.
func (b Backend) history(_ context.Context, a HistoryArgs) ([]HistoryEntry, error) {
	lines, err := relay.History(b.DB, a.Limit)
	if errors.Is(err, relay.ErrNegativeLimit) {
		return nil, errorf(CodeInvalid, err.Error())
	}
	out := make([]HistoryEntry, 0, len(lines))
	for _, l := range lines {
		out = append(out, HistoryEntry(l))
	}
	return out, err
}

// resolveShare settles a share LiveRoute could not confirm: through the
// running engine, which also posts a share again at once, or on the
// database of a stopped app, which posts it at its next start.
func (b Backend) resolveShare(ctx context.Context, a SharesArgs, shared bool) (HistoryEntry, error) {
	key := store.LedgerKey{VideoID: a.VideoID, DestinationID: a.DestinationID}
	var err error
	if b.App == nil {
		return HistoryEntry{}, errNeedsApp
	}
	err = b.App.ResolveShare(ctx, key, shared)
	if errors.Is(err, store.ErrNotUnconfirmed) {
		return HistoryEntry{}, errorf(CodeNotFound, "no share of that live video to that Page is waiting to be confirmed; `liveroute history` lists the waiting ones with their IDs")
	}
	if err != nil {
		return HistoryEntry{}, err
	}
	e, _, err := b.DB.LedgerGet(key)
	if err != nil {
		return HistoryEntry{}, err
	}
	names, err := b.destinationNames()
	if err != nil {
		return HistoryEntry{}, err
	}
	// The line `history` shows, as the engine wrote it (relay's words).
	h := HistoryEntry(relay.SettledShareLine(e, names, shared))
	if !shared && b.Engine == nil {
		h.Message += " when LiveRoute starts" // a stopped app posts it then
	}
	return h, nil
}

// groupShared records that the person finished a waiting group share.
// Whether that share waits, and that marking it twice is no error, is
// the application layer's rule (service.MarkAssistedDone), not decided
// here again.
func (b Backend) groupShared(ctx context.Context, a GroupsSharedArgs) (HistoryEntry, error) {
	key := store.LedgerKey{RouteID: a.RouteID, VideoID: a.VideoID, DestinationID: a.DestinationID}
	if b.App == nil {
		return HistoryEntry{}, errNeedsApp
	}
	if err := b.App.MarkGroupShared(ctx, key); err != nil {
		return HistoryEntry{}, err
	}
	e, _, err := b.DB.LedgerGet(key)
	if err != nil {
		return HistoryEntry{}, err
	}
	names, err := b.destinationNames()
	if err != nil {
		return HistoryEntry{}, err
	}
	return HistoryEntry(relay.GroupShareLine(e, names)), nil
}

func (b Backend) destinationNames() (map[string]string, error) {
	return relay.DestinationNames(b.DB)
}

func decodeArgs(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(CodeInvalid, "the command's arguments are not valid: "+err.Error())
	}
	return nil
}

func (a RoutesAddArgs) validate() error {
	if a.SourceID == "" {
		return errors.New("say which Page or profile the route watches with --source ID")
	}
	if len(a.To) == 0 {
		return errors.New("say where to share with --to ID[,ID...]")
	}
	switch a.Mode {
	case "", string(store.ModePost), string(store.ModeCrosspost):
	default:
		return fmt.Errorf("the mode %q is not known; use post or crosspost", a.Mode)
	}
	for _, id := range a.To {
		if strings.TrimSpace(id) == "" {
			return errors.New("--to has an empty destination ID; separate IDs with single commas")
		}
	}
	return nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
