package agent

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// fakeService is the engine as the agent sees it: the test publishes its
// events and sets its health.
type fakeService struct {
	events        chan relay.Event
	notifications bool
	demo          bool
	// keychainProblem is what main found at start; startAgent hands it
	// to the agent's Options.
	keychainProblem error

	mu        sync.Mutex
	state     relay.State
	connected bool
	paused    int
	resumed   int
	checked   int
	simulated int
}

func newFakeService() *fakeService {
	return &fakeService{events: make(chan relay.Event), notifications: true,
		state: relay.State{Kind: relay.Healthy}, connected: true}
}

func (f *fakeService) setState(s relay.State) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = s
}

func (f *fakeService) Status() relay.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return relay.Status{Running: true, State: f.state}
}

func (f *fakeService) Account() (store.Account, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return store.Account{}, f.connected, nil
}

func (f *fakeService) Subscribe(int) (<-chan relay.Event, func()) { return f.events, func() {} }
func (f *fakeService) Pause(time.Duration)                        { f.count(&f.paused) }
func (f *fakeService) Resume()                                    { f.count(&f.resumed) }
func (f *fakeService) CheckNow()                                  { f.count(&f.checked) }
func (f *fakeService) IsDemo() bool                               { return f.demo }
func (f *fakeService) Settings() (store.Settings, error) {
	return store.Settings{Notifications: f.notifications}, nil
}
func (f *fakeService) SimulatePasswordChange() error { f.count(&f.simulated); return nil }

func (f *fakeService) count(n *int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*n++
}

func (f *fakeService) counted(n *int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *n
}

// fakeTray records every menu shown, in order.
type fakeTray struct {
	clicks chan Action
	shown  chan Menu
}

func newFakeTray() *fakeTray {
	return &fakeTray{clicks: make(chan Action), shown: make(chan Menu, 64)}
}

func (t *fakeTray) Show(m Menu)           { t.shown <- m }
func (t *fakeTray) Clicks() <-chan Action { return t.clicks }

// last is the newest menu shown so far, after at least one.
func (t *fakeTray) last(tb testing.TB) Menu {
	tb.Helper()
	m := <-t.shown
	for {
		select {
		case m = <-t.shown:
		default:
			return m
		}
	}
}

// fakeNotifier records the notes and lets the test click them.
type fakeNotifier struct {
	notes  chan Note
	opened chan string
}

func newFakeNotifier() *fakeNotifier {
	return &fakeNotifier{notes: make(chan Note, 16), opened: make(chan string)}
}

func (n *fakeNotifier) Notify(note Note) error { n.notes <- note; return nil }
func (n *fakeNotifier) Opened() <-chan string  { return n.opened }
func (n *fakeNotifier) Close() error           { return nil }

// noteCount is how many notes were sent so far.
func (n *fakeNotifier) noteCount() int { return len(n.notes) }

// fakeWindows records what the agent asked to open.
type fakeWindows struct {
	opens chan string
	exits chan WindowExit
}

func newFakeWindows() *fakeWindows {
	return &fakeWindows{opens: make(chan string, 16), exits: make(chan WindowExit)}
}

func (w *fakeWindows) Open(what string)         { w.opens <- what }
func (w *fakeWindows) Exits() <-chan WindowExit { return w.exits }

// running is an Agent running in the background of a test.
type running struct {
	svc      *fakeService
	tray     *fakeTray
	notifier *fakeNotifier
	windows  *fakeWindows
	tick     chan time.Time
	// windowsEnded receives once per Options.WindowEnded call.
	windowsEnded chan struct{}
	cancel       context.CancelFunc
	done         chan struct{}
}

// startAgent runs an agent on fakes; trayHost says whether a tray host
// shows the icon. The test ends it with stop (or by quitting).
func startAgent(t *testing.T, svc *fakeService, trayHost bool, atStart ...Note) *running {
	t.Helper()
	r := &running{svc: svc, tray: newFakeTray(), notifier: newFakeNotifier(), windows: newFakeWindows(),
		tick: make(chan time.Time), windowsEnded: make(chan struct{}, 4), done: make(chan struct{})}
	a := New(Options{Service: svc, Notifier: r.notifier, Windows: r.windows,
		TrayHost: func() bool { return trayHost }, Tick: r.tick, AtStart: atStart,
		KeychainProblem: svc.keychainProblem, WindowEnded: func() { r.windowsEnded <- struct{}{} },
		Logger: quietLogger()})
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { defer close(r.done); a.Run(ctx, r.tray) }()
	t.Cleanup(r.stop)
	r.tray.last(t) // the first render: the loop is running
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.done
}

// ended reports whether Run returned after what it was last given: a
// running loop answers a tick with a render (the loop takes one thing at a
// time, so the render comes after whatever came before).
func (r *running) ended() bool {
	select {
	case r.tick <- time.Now():
		<-r.tray.shown
		return false
	case <-r.done:
		return true
	}
}

// publish hands ev to the agent and waits until it has rendered it.
func (r *running) publish(t *testing.T, ev relay.Event) Menu {
	t.Helper()
	r.events() <- ev
	return r.tray.last(t)
}

func (r *running) events() chan relay.Event { return r.svc.events }

// click clicks a tray item and waits for the render after it.
func (r *running) click(t *testing.T, a Action) {
	t.Helper()
	r.tray.clicks <- a
	if a != ActionQuit {
		r.tray.last(t)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var errKilled = errors.New("signal: killed")
