// Package relay is LiveRoute's engine: while the app is open it watches each
// route's source for live videos, shares every new live to the route's
// destinations exactly once, paces itself by Facebook's usage headers, and
// keeps the Facebook connection's health as an account state. It has no UI:
// the GUI subscribes to its events and calls its methods.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Defaults for Config's zero fields.
const (
	DefaultPollInterval = store.DefaultPollInterval
	DefaultHealthEvery  = 6 * time.Hour
	DefaultJitter       = 0.1
	DefaultRetryBase    = 2 * time.Second
	DefaultRetryMax     = 2 * time.Minute
	DefaultMaxAttempts  = 12
	DefaultCheckBase    = 30 * time.Second
	DefaultCheckMax     = 10 * time.Minute
	DefaultMaxChecks    = 6
)

// Config wires an Engine to its parts. Graph, Store and Secrets are required.
type Config struct {
	Graph   Graph
	Store   Store
	Secrets Secrets
	Clock   Clock          // default RealClock
	Rand    func() float64 // uniform in [0,1), for jitter; default math/rand/v2
	Logger  *slog.Logger   // default slog.Default()

	// PollInterval overrides the stored setting (tests, benchmarks).
	PollInterval time.Duration
	// Jitter spreads polls by ± this fraction of the interval, so sources
	// and installs do not call Facebook in lockstep. Default 0.1; negative: none.
	Jitter float64
	// HealthEvery is how often debug_token runs. Default 6 h.
	HealthEvery time.Duration
	// RetryBase and RetryMax bound the exponential backoff of a share.
	RetryBase, RetryMax time.Duration
	// MaxAttempts is how many times one share is tried before it fails.
	MaxAttempts int
	// CheckBase and CheckMax bound the exponential backoff between looks
	// for an earlier post that failed; MaxChecks is how many failed looks
	// in a row leave the share unconfirmed for the person. The defaults
	// spend about 15 minutes and 6 reads of the Page on one share.
	CheckBase, CheckMax time.Duration
	MaxChecks           int
}

// Engine is the running relay. Its methods are safe for concurrent use.
type Engine struct {
	cfg   Config
	bus   bus
	pacer pacer
	idle  idleTracker

	runMu  sync.Mutex // serialises Start and Stop
	cancel context.CancelFunc
	wg     sync.WaitGroup

	healthWake chan struct{}
	shareWake  chan struct{}
	reloadWake chan struct{}

	mu        sync.Mutex
	running   bool
	ctx       context.Context // the running engine's context; watchers derive theirs from it
	machine   machine
	changed   chan struct{} // closed and replaced when anything a waiter waits on changes
	startedAt time.Time
	account   store.Account
	settings  store.Settings
	routes    []store.Route
	dests     map[string]store.Destination
	sources   map[string]*source
	jobs      map[store.LedgerKey]*job
	tokens    tokenCache        // keychain key → token, read once per bind
	dead      map[string]string // keychain key → why Facebook refused the token
	rebinding bool              // a Rebind is checking tokens: valid ones lift old flags
	suspect   bool              // an auth error came back; hold shares until debug_token says which token died
	netFails  int
	partners  partnerCache // source Page → crossposting partners
	counts    Counts
	usage     UsageChanged
	randMu    sync.Mutex

	// Token suspicion (health.go), under mu: which tokens to ask debug_token
	// about, and how soon, after Facebook refused one.
	refused            map[string]bool // token keys refused since the last check; anyToken = a refusal that names none
	vouched            map[string]int  // token key → suspicion checks in a row that found it valid after a refusal
	checking           *checkScope     // the token check under way: suspicions it covers collapse into it
	lastSuspicionCheck time.Time       // when a suspicion last ran a check: the next waits (suspicionDueLocked)
	checksBegun        uint64          // token checks begun so far (checkScope.seq)
	answeredSeq        uint64          // the seq of the newest check whose answer was taken
	answeredFull       bool            // whether that check asked about every token
}

// Counts are the engine's share outcomes since it was made.
type Counts struct {
	Detected, Shared, Failed, Missed, Assisted, Retries int
	Unconfirmed                                         int // shares left for the person to confirm
	DroppedEvents                                       uint64
}

// Status is a snapshot of the engine for the GUI.
type Status struct {
	Running      bool
	State        State
	Sources      []SourceStatus
	Flagged      []DestinationFlagged
	Usage        UsageChanged
	QueuedShares int
	Counts       Counts
}

// SourceStatus is one watcher's view of its source.
type SourceStatus struct {
	SourceID, Name string
	LastCheck      time.Time // last successful poll
	LastError      string    // the last poll's error, "" when it worked
	Live           []string  // IDs of the videos live at the last poll

	// State says how watching the source goes; Reason says why, for
	// people, when it is unsupported or failing.
	State  SourceState
	Reason string
}

// ErrRunning is returned by Start when the engine is already running.
var ErrRunning = errors.New("the relay engine is already running")

// New returns an engine; Start runs it.
func New(cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Jitter == 0 {
		cfg.Jitter = DefaultJitter
	}
	if cfg.Jitter < 0 {
		cfg.Jitter = 0
	}
	if cfg.HealthEvery <= 0 {
		cfg.HealthEvery = DefaultHealthEvery
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = DefaultRetryBase
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = DefaultRetryMax
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.CheckBase <= 0 {
		cfg.CheckBase = DefaultCheckBase
	}
	if cfg.CheckMax <= 0 {
		cfg.CheckMax = DefaultCheckMax
	}
	if cfg.MaxChecks <= 0 {
		cfg.MaxChecks = DefaultMaxChecks
	}
	e := &Engine{
		cfg:        cfg,
		healthWake: make(chan struct{}, 1),
		shareWake:  make(chan struct{}, 1),
		reloadWake: make(chan struct{}, 1),
		changed:    make(chan struct{}),
		sources:    map[string]*source{},
		jobs:       map[store.LedgerKey]*job{},
		dead:       map[string]string{},
		refused:    map[string]bool{},
		vouched:    map[string]int{},
		dests:      map[string]store.Destination{},
	}
	e.idle.init()
	return e
}

// Start loads routes and the shares left pending by a previous run, then
// runs the watchers, the sharer and the health checks until ctx is
// cancelled or Stop is called. It returns at once.
func (e *Engine) Start(ctx context.Context) error {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	e.mu.Lock()
	if e.running {
		e.mu.Unlock()
		return ErrRunning
	}
	e.mu.Unlock()
	if err := e.load(); err != nil {
		return err
	}
	pending, err := e.cfg.Store.LedgerPending()
	if err != nil {
		return fmt.Errorf("read pending shares: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	e.mu.Lock()
	e.running = true
	e.cancel = cancel
	e.ctx = ctx
	e.startedAt = e.cfg.Clock.Now()
	for _, p := range pending {
		e.resumePendingLocked(p)
	}
	e.syncSourcesLocked()
	e.mu.Unlock()

	e.spawn(func() { e.runHealth(ctx) })
	e.spawn(func() { e.runSharer(ctx) })
	return nil
}

// Stop cancels every goroutine and waits for them. Shares in flight stay
// pending in the ledger and are checked at the next Start.
func (e *Engine) Stop() {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	e.mu.Lock()
	cancel := e.cancel
	e.cancel = nil
	e.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	e.wg.Wait()
	e.mu.Lock()
	e.running = false
	e.jobs = map[store.LedgerKey]*job{}
	e.sources = map[string]*source{}
	e.mu.Unlock()
}

// Pause stops every Graph call for d (0: until Resume). Nothing queued is lost.
func (e *Engine) Pause(d time.Duration) {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	e.machine.paused = true
	e.machine.pauseUntil = time.Time{}
	if d > 0 {
		e.machine.pauseUntil = now.Add(d)
	}
	e.stepLocked(now)
	e.broadcastLocked()
	e.mu.Unlock()
	e.poke(e.healthWake)
}

// Resume ends a pause and catches up at once: lives still on are shared,
// lives that ended meanwhile are reported as missed.
func (e *Engine) Resume() {
	now := e.cfg.Clock.Now()
	e.mu.Lock()
	was := e.machine.paused
	e.machine.paused = false
	e.machine.pauseUntil = time.Time{}
	e.stepLocked(now)
	if was {
		e.checkNowLocked()
	}
	e.broadcastLocked()
	e.mu.Unlock()
}

// CheckNow polls every source at once (pacing and pause still apply).
func (e *Engine) CheckNow() {
	e.mu.Lock()
	e.checkNowLocked()
	e.mu.Unlock()
}

// ReloadRoutes rereads routes, destinations and settings from the store
// (after the person edited them) and starts or stops watchers to match.
func (e *Engine) ReloadRoutes() { e.poke(e.reloadWake) }

// Rebind is called after a reconnect stored new tokens: it forgets the old
// tokens, checks the new ones and every destination, and catches up.
func (e *Engine) Rebind(ctx context.Context) error {
	if err := e.load(); err != nil {
		return err
	}
	e.mu.Lock()
	e.tokens.forget()
	e.dead = map[string]string{}
	e.partners.forget()
	// machine.dead stays as it is until the check below answers: cleared
	// here, any step meanwhile (a watcher's, a share's) would announce
	// "sharing again" for a token about to be found dead once more.
	e.suspect = true // hold shares until the new tokens are checked
	e.refused = map[string]bool{}
	e.vouched = map[string]int{} // new tokens: earlier false alarms say nothing of them
	e.rebinding = true
	e.mu.Unlock()
	e.checkHealth(ctx)
	e.mu.Lock()
	e.rebinding = false
	if e.running {
		e.syncSourcesLocked()
	}
	e.checkNowLocked()
	e.broadcastLocked()
	e.mu.Unlock()
	// If the check could not finish (offline, throttled), the health loop
	// retries it soon; shares wait for it.
	e.poke(e.healthWake)
	e.poke(e.shareWake)
	return nil
}

// Subscribe returns a channel of events and a cancel func that ends it.
// The engine never waits for a subscriber: one that falls buffer events
// behind loses the oldest, except state changes (see Status for the rest).
func (e *Engine) Subscribe(buffer int) (<-chan Event, func()) { return e.bus.subscribe(buffer) }

// Status returns a snapshot for the GUI.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := Status{Running: e.running, State: e.machine.current, Usage: e.usage, QueuedShares: len(e.jobs), Counts: e.counts}
	st.Counts.DroppedEvents = e.bus.dropped.Load()
	for _, s := range e.sources {
		ss := SourceStatus{SourceID: s.id, Name: s.name, LastCheck: s.lastOK, LastError: s.lastErr}
		ss.State, ss.Reason = s.stateLocked()
		for id := range s.live {
			ss.Live = append(ss.Live, id)
		}
		st.Sources = append(st.Sources, ss)
	}
	for _, d := range e.dests {
		if d.Status != store.StatusOK {
			st.Flagged = append(st.Flagged, DestinationFlagged{DestinationID: d.ID, Flag: d.Status, Reason: d.StatusReason})
		}
	}
	return st
}

// load reads account, settings, routes and destinations from the store.
func (e *Engine) load() error {
	acct, _, err := e.cfg.Store.Account()
	if err != nil {
		return fmt.Errorf("read the account: %w", err)
	}
	settings, err := e.cfg.Store.Settings()
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	routes, err := e.cfg.Store.Routes()
	if err != nil {
		return fmt.Errorf("read routes: %w", err)
	}
	dests, err := e.cfg.Store.Destinations()
	if err != nil {
		return fmt.Errorf("read destinations: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if acct.UserID != e.account.UserID {
		e.tokens.forget()
	}
	e.account, e.settings, e.routes = acct, settings, routes
	e.dests = map[string]store.Destination{}
	for _, d := range dests {
		e.dests[d.ID] = d
	}
	return nil
}

func (e *Engine) interval() time.Duration {
	if e.cfg.PollInterval > 0 {
		return e.cfg.PollInterval
	}
	if e.settings.PollInterval > 0 {
		return e.settings.PollInterval
	}
	return DefaultPollInterval
}

func (e *Engine) jitter() float64 {
	e.randMu.Lock()
	defer e.randMu.Unlock()
	return 1 + e.cfg.Jitter*(2*e.cfg.Rand()-1)
}

// publish sends ev to subscribers; never blocks.
func (e *Engine) publish(ev Event) { e.bus.publish(ev) }

// stepLocked recomputes the account state and announces a transition.
func (e *Engine) stepLocked(now time.Time) {
	if ev, ok := e.machine.step(now); ok {
		e.cfg.Logger.Info("account state", "from", ev.From.String(), "to", ev.To.String())
		e.publish(ev)
	}
}

// broadcastLocked wakes every goroutine waiting for a change of state.
func (e *Engine) broadcastLocked() {
	e.idle.broadcast(e.changed)
	e.changed = make(chan struct{})
}

// spawn runs fn as one of the engine's goroutines.
func (e *Engine) spawn(fn func()) {
	e.wg.Add(1)
	e.idle.enter()
	go func() {
		defer e.wg.Done()
		defer e.idle.exit()
		fn()
	}()
}

// waitIdle blocks until every engine goroutine waits on time or a signal
// with nothing ready: the point where a test may move a ManualClock.
func (e *Engine) waitIdle() { e.idle.wait() }

func (e *Engine) poke(ch chan struct{}) { e.idle.poke(ch) }

func (e *Engine) checkNowLocked() {
	for _, s := range e.sources {
		e.poke(s.now)
	}
}

func (e *Engine) activity(kind, msg string, key store.LedgerKey) {
	if err := e.cfg.Store.AddActivity(e.note(kind, msg, key)); err != nil {
		e.cfg.Logger.Warn("activity log", "err", err)
	}
}

// note is the activity line of one share, now.
func (e *Engine) note(kind, msg string, key store.LedgerKey) store.Activity {
	return store.Activity{Time: e.cfg.Clock.Now(), Kind: kind, Message: msg,
		RouteID: key.RouteID, VideoID: key.VideoID, DestinationID: key.DestinationID}
}

// token returns the token under key, reading the keychain once per bind.
func (e *Engine) token(key string) (fbclient.Token, error) {
	return e.tokens.get(key, e.cfg.Secrets.Get)
}
