package relay

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Event is something the engine tells its subscribers: one of StateChanged,
// LiveDetected, ShareResult, AssistedSharesPending, DestinationFlagged,
// UsageChanged or Missed.
type Event interface{ event() }

// StateChanged is one transition of the account state. The GUI turns each
// into exactly one notification.
type StateChanged struct {
	From, To State
	At       time.Time
}

// LiveDetected says a source went live on a route.
type LiveDetected struct {
	RouteID string
	Video   fbclient.LiveVideo
}

// ShareResult is where one share (video, destination; Key.RouteID the
// route that shared it) ended up.
type ShareResult struct {
	Key    store.LedgerKey
	State  store.LedgerState // done, failed, skipped, unconfirmed (the person settles it), assisted-done (the person shared to a group)
	PostID string
	Reason string // failed, skipped, unconfirmed: why, as a sentence for the person
}

// AssistedShare is one Group the person shares to by hand.
type AssistedShare struct {
	Key           store.LedgerKey
	DestinationID string
	Name          string
	ShareURL      string // opens Facebook's share dialog for the video
	Message       string // the rendered message, to paste
}

// AssistedSharesPending offers the person the Group shares of one video
// (Facebook lets no app post to Groups): one event per video and route.
type AssistedSharesPending struct {
	RouteID string
	Video   fbclient.LiveVideo
	Shares  []AssistedShare
}

// DestinationFlagged says one destination cannot be shared to, and why;
// the other destinations carry on. Flag "" clears an earlier flag.
type DestinationFlagged struct {
	DestinationID string
	Flag          string // a store.Destination Status: store.StatusRoleLost, … or StatusOK
	Reason        string
}

// UsageChanged reports Facebook's rate-limit usage and the pacing it led to.
type UsageChanged struct {
	Usage        fbclient.Usage
	Slowdown     float64   // poll interval multiplier, 1 when under 75 %
	ThrottledTil time.Time // no calls before this time; zero when not throttled
}

// Missed says a live ended before it could be shared to a destination (the
// app was closed, asleep, offline or paused); it is not shared late unless
// the route or settings allow sharing the replay.
type Missed struct {
	Key   store.LedgerKey
	Video fbclient.LiveVideo
}

func (StateChanged) event()          {}
func (LiveDetected) event()          {}
func (ShareResult) event()           {}
func (AssistedSharesPending) event() {}
func (DestinationFlagged) event()    {}
func (UsageChanged) event()          {}
func (Missed) event()                {}

// bus fans events out to subscribers without ever blocking the publisher:
// each subscriber has a bounded queue; when it is full the oldest event
// other than a StateChanged is dropped and counted, so a slow GUI loses
// progress events but never a state transition.
type bus struct {
	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	dropped atomic.Uint64
}

type subscriber struct {
	mu    sync.Mutex
	queue []Event
	limit int
	wake  chan struct{} // 1-buffered: "queue is not empty"
	done  chan struct{}
	out   chan Event
	kept  uint64 // events queued minus events dropped: what the subscriber will receive
}

// subscribe registers a subscriber with a queue of buffer events.
func (b *bus) subscribe(buffer int) (<-chan Event, func()) {
	if buffer < 1 {
		buffer = 1
	}
	s := &subscriber{limit: buffer, wake: make(chan struct{}, 1), done: make(chan struct{}), out: make(chan Event)}
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[*subscriber]struct{}{}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go s.pump()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.done)
		})
	}
}

// publish queues ev for every subscriber; it never waits for one.
func (b *bus) publish(ev Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if s.push(ev) {
			b.dropped.Add(1)
		}
	}
}

// push queues ev and reports whether an older event had to be dropped.
func (s *subscriber) push(ev Event) (dropped bool) {
	s.mu.Lock()
	if len(s.queue) >= s.limit {
		drop := 0
		for i, q := range s.queue {
			if _, isState := q.(StateChanged); !isState {
				drop = i
				break
			}
		}
		s.queue = append(s.queue[:drop], s.queue[drop+1:]...)
		s.kept--
		dropped = true
	}
	s.queue = append(s.queue, ev)
	s.kept++
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return dropped
}

// pump hands queued events to the subscriber's channel until cancelled; the
// channel is closed then. The event being handed over is out of the queue,
// so a subscriber holds at most its buffer plus one.
func (s *subscriber) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		var next Event
		if len(s.queue) > 0 {
			next = s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
		}
		s.mu.Unlock()
		if next == nil {
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		select {
		case s.out <- next:
		case <-s.done:
			return
		}
	}
}

// kept returns, per the only subscriber, how many events it will receive in
// all (queued minus dropped); tests compare it with what they received to
// collect every event without sleeping.
func (b *bus) kept() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var n uint64
	for s := range b.subs {
		s.mu.Lock()
		n += s.kept
		s.mu.Unlock()
	}
	return n
}
