package relay

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// The world a test runs in: a real fake Facebook, a real bbolt file, an
// in-memory keychain (the real one needs D-Bus and is tested in store),
// and one manual clock shared by the engine and the fake.
const (
	testAppID     = "987654321"
	testAppSecret = "test-secret-abcdef0123456789"
	testUserID    = "100000000000042"
	sourcePageID  = "300000000000001"
)

var testScopes = []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts", "pages_read_user_content", "publish_video", "pages_manage_engagement"}

type world struct {
	t        testing.TB
	clock    *ManualClock
	fake     *fakefb.Server
	client   *fbclient.Client
	faults   *graphFaults  // faults fakefb has no switch for; nil with worldOpts.httpClient
	crash    *crashPoints  // with worldOpts.crashes
	crashes  int           // engines crashed so far
	interval time.Duration // the engine's poll interval
	graph    Graph         // what the engine calls: client, or a test's wrapper of it
	dbPath   string
	db       *store.DB
	secrets  *memSecrets
	dests    []string // destination Page IDs
	route    store.Route
	engine   *Engine
	events   <-chan Event
	unsub    func()
	cancel   context.CancelFunc
	rng      *rand.Rand

	received uint64
	cleanup  bool
	mu       sync.Mutex
	got      []Event
}

type worldOpts struct {
	dests        int
	groups       int           // extra Group destinations (assisted)
	timeout      time.Duration // HTTP client timeout (wall time); default 5 s
	template     string
	seed         uint64
	shareReplay  bool
	delay        time.Duration // per-target delay
	noRoute      bool
	httpClient   *http.Client
	pollInterval time.Duration
	start        time.Time // the clock's start; default t0
	wrapGraph    func(Graph) Graph
	crashes      bool // crash points at every Graph request and ledger write (world.kill)
}

// memSecrets is a keychain in memory.
type memSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSecrets) Get(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return "", fmt.Errorf("get %s: %w", key, store.ErrSecretNotFound)
	}
	return v, nil
}

func (s *memSecrets) Set(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = value
}

func newWorld(t testing.TB, o worldOpts) *world {
	t.Helper()
	begin := o.start
	if begin.IsZero() {
		begin = t0
	}
	clock := NewManualClock(begin)
	fake, err := fakefb.New(fakefb.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	w := &world{t: t, clock: clock, fake: fake, secrets: &memSecrets{m: map[string]string{}}, rng: rand.New(rand.NewPCG(o.seed, 7))}
	fake.AddApp(fakefb.App{ID: testAppID, Secret: testAppSecret, Name: "LiveRoute test", Mode: fakefb.Development, RequireProof: true})
	fake.AddUser(fakefb.User{ID: testUserID, Name: "Test Person"})
	fake.AddPage(fakefb.Page{ID: sourcePageID, Name: "Source Page"}, testUserID)
	for i := 0; i < o.dests; i++ {
		id := fmt.Sprintf("4000000000%05d", i+1)
		fake.AddPage(fakefb.Page{ID: id, Name: fmt.Sprintf("Dest %d", i+1)}, testUserID)
		w.dests = append(w.dests, id)
	}
	w.mintTokens()

	timeout := o.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	hc := o.httpClient
	if hc == nil {
		w.faults = newGraphFaults()
		hc = &http.Client{Timeout: timeout, Transport: w.faults}
		t.Cleanup(w.faults.next.(*http.Transport).CloseIdleConnections)
	}
	t.Cleanup(hc.CloseIdleConnections)
	w.client = fbclient.New(fbclient.Config{GraphURL: fake.URL, FacebookURL: fake.URL, AppID: testAppID,
		AppSecret: testAppSecret, HTTPClient: hc, Now: clock.Now})
	w.graph = w.client
	if o.wrapGraph != nil {
		w.graph = o.wrapGraph(w.client)
	}

	w.dbPath = filepath.Join(t.TempDir(), "liveroute.db")
	w.openDB()
	must(t, w.db.PutAccount(store.Account{UserID: testUserID, Name: "Test Person", AppID: testAppID, Scopes: testScopes}))
	s := store.DefaultSettings()
	s.ShareReplay = o.shareReplay
	must(t, w.db.PutSettings(s))
	r := store.Route{Name: "Sunday", SourceID: sourcePageID, SourceName: "Source Page", SourceKind: store.SourcePage, Enabled: true}
	for _, id := range w.dests {
		must(t, w.db.PutDestination(store.Destination{ID: id, Name: "Dest " + id[len(id)-1:], Kind: store.KindPage,
			Tasks: []string{"CREATE_CONTENT", "MANAGE"}}))
		r.Targets = append(r.Targets, store.Target{DestinationID: id, Mode: store.ModePost, Message: o.template, Delay: o.delay})
	}
	for i := 0; i < o.groups; i++ {
		id := fmt.Sprintf("5000000000%05d", i+1)
		must(t, w.db.PutDestination(store.Destination{ID: id, Name: fmt.Sprintf("Group %d", i+1), Kind: store.KindGroup}))
		r.Targets = append(r.Targets, store.Target{DestinationID: id, Mode: store.ModeAssisted, Message: o.template})
	}
	if !o.noRoute {
		r, err = w.db.PutRoute(r)
		must(t, err)
		w.route = r
	}
	interval := o.pollInterval
	if interval == 0 {
		interval = 15 * time.Second
	}
	if o.crashes {
		w.crash = &crashPoints{}
		w.faults.crash = w.crash
	}
	w.interval = interval
	w.engine = w.newEngine(interval)
	return w
}

func (w *world) openDB() {
	db, err := store.Open(w.dbPath, store.Options{Now: w.clock.Now, ValidateTemplate: Validate})
	if err != nil {
		w.t.Fatal(err)
	}
	w.db = db
}

// mintTokens issues fresh long-lived user and Page tokens into the keychain,
// as a (re)connect does.
func (w *world) mintTokens() {
	user := w.fake.MintUserToken(testAppID, testUserID, testScopes, 60*24*time.Hour, true)
	w.secrets.Set(store.UserTokenKey(testUserID), user.Value)
	for _, id := range append([]string{sourcePageID}, w.dests...) {
		p := w.fake.MintPageToken(testAppID, testUserID, id, testScopes, 0)
		w.secrets.Set(store.PageTokenKey(id), p.Value)
	}
}

func (w *world) newEngine(interval time.Duration) *Engine {
	var db Store = w.db
	if w.crash != nil {
		db = crashStore{Store: w.db, crash: w.crash}
	}
	return New(Config{Graph: w.graph, Store: db, Secrets: w.secrets, Clock: w.clock,
		Rand: w.rng.Float64, Logger: testLogger(),
		PollInterval: interval, Jitter: -1, RetryBase: time.Second, RetryMax: 30 * time.Second})
}

// start runs the engine and collects its events; the test's cleanup stops it.
func (w *world) start() {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	w.events, w.unsub = w.engine.Subscribe(1 << 14)
	w.received = 0
	must(w.t, w.engine.Start(ctx))
	if !w.cleanup {
		w.cleanup = true
		w.t.Cleanup(func() {
			w.stop()
			if w.db != nil {
				w.db.Close()
			}
		})
	}
	w.idle()
}

func (w *world) stop() {
	if w.engine != nil {
		w.engine.Stop()
	}
	if w.cancel != nil {
		w.cancel()
	}
	if w.unsub != nil {
		w.unsub()
		for range w.events {
		}
		w.unsub = nil
	}
}

// kill arms a crash at a step rng chooses, as a crash of the process
// would: the n-th Graph request or ledger write the engine makes while
// the test moves time finds the process dead, before or just after it
// took effect; advance then runs a new engine on the reopened file (see
// recoverFromCrash). Time moves as before. Needs worldOpts.crashes.
func (w *world) kill(rng *rand.Rand) {
	d := time.Duration(rng.IntN(20)) * time.Second
	// One draw, as before, so each seed keeps its schedule: a third of the
	// crashes hit one of the next two batch requests (the posts), the rest
	// any of the next 12 steps.
	point := rng.IntN(200)
	n, batches := 1+point%12, point%3 == 0
	if batches {
		n = 1 + point/3%2
	}
	w.crash.arm(n, point/12%2 == 0, batches)
	w.advance(d)
}

// recoverFromCrash stops an engine that crashed and runs a new one on the
// reopened file, as the person restarting LiveRoute would.
func (w *world) recoverFromCrash() {
	if w.crash == nil || !w.crash.crashed() {
		return
	}
	w.stop()
	w.faults.note("crashed at %s", w.crash.revive())
	w.crashes++
	w.reopen(w.interval)
}

// reopen runs a new engine on the reopened file, after stop.
func (w *world) reopen(interval time.Duration) {
	must(w.t, w.db.Close())
	w.openDB()
	w.engine = w.newEngine(interval)
	if w.faults != nil {
		w.faults.note("new engine")
	}
	w.start()
}

// idle waits until the engine has nothing to do, then gathers its events.
func (w *world) idle() {
	w.engine.waitIdle()
	w.drain()
}

func (w *world) drain() {
	if w.unsub == nil {
		return
	}
	for w.received < w.engine.bus.kept() {
		ev, ok := <-w.events
		if !ok {
			return
		}
		w.received++
		w.mu.Lock()
		w.got = append(w.got, ev)
		w.mu.Unlock()
	}
}

// advance moves time by d in steps small enough that each timer's work
// finishes before the next fires, waiting for the engine in between. An
// armed crash (kill) counts the engine's steps only meanwhile.
func (w *world) advance(d time.Duration) {
	w.t.Helper()
	end := w.clock.Now().Add(d)
	w.idle()
	w.countCrashSteps(true)
	for {
		w.idle()
		w.recoverFromCrash()
		next, ok := w.clock.NextDeadline()
		if !ok || next.After(end) {
			break
		}
		w.clock.Set(next)
	}
	w.clock.Set(end)
	w.idle()
	w.recoverFromCrash()
	w.countCrashSteps(false)
}

func (w *world) countCrashSteps(on bool) {
	if w.crash != nil {
		w.crash.count(on, w.cancel)
	}
}

// live starts a live video on the source.
func (w *world) live(title string) fakefb.Broadcast {
	w.t.Helper()
	b, err := w.fake.StartLive(sourcePageID, fakefb.LiveSpec{Title: title, Description: "desc of " + title})
	must(w.t, err)
	return b
}

// postsLinking counts the posts on pageID that link to b.
func (w *world) postsLinking(pageID string, b fakefb.Broadcast) int {
	n := 0
	for _, p := range w.fake.Posts(pageID) {
		if p.Link != "" && (p.Link == b.PermalinkURL || hasSuffix(p.Link, b.PermalinkURL)) {
			n++
		}
	}
	return n
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

func (w *world) eventsOf(match func(Event) bool) []Event {
	w.drain()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Event
	for _, ev := range w.got {
		if match(ev) {
			out = append(out, ev)
		}
	}
	return out
}

func (w *world) stateChanges() []StateChanged {
	var out []StateChanged
	for _, ev := range w.eventsOf(func(ev Event) bool { _, ok := ev.(StateChanged); return ok }) {
		out = append(out, ev.(StateChanged))
	}
	return out
}

func (w *world) ledger(videoID, destID string) store.LedgerEntry {
	w.t.Helper()
	e, ok, err := w.db.LedgerGet(store.LedgerKey{RouteID: w.route.ID, VideoID: videoID, DestinationID: destID})
	must(w.t, err)
	if !ok {
		w.t.Fatalf("no ledger entry for video %s on %s", videoID, destID)
	}
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testLogger() *slog.Logger {
	if os.Getenv("RELAY_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
