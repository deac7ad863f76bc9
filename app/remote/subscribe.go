package remote

import (
	"context"
	"sync"

	"github.com/liveroute/liveroute/app/relay"
)

// Subscriptions, both ends. One event is in flight per subscription: the
// agent sends the next when the window has taken the last (its ack), so
// the events wait in the engine's bus, which drops the oldest event that
// is not a state change when a window is slow, and the session's reader
// never waits for a window goroutine.

// Subscribe streams the engine's events as the agent publishes them, in
// order; the channel closes when cancel is called or the session ends.
func (c *Client) Subscribe(buffer int) (<-chan relay.Event, func()) {
	sub := &clientSub{inbox: make(chan relay.Event, 1), out: make(chan relay.Event), stop: make(chan struct{})}
	c.mu.Lock()
	if c.closed || isDone(c.done) {
		c.mu.Unlock()
		close(sub.out)
		return sub.out, func() {}
	}
	c.next++
	id := c.next
	c.subs[id] = sub
	c.subsRunning.Add(1)
	c.mu.Unlock()
	go c.pass(id, sub)
	cancel := func() {
		sub.once.Do(func() {
			c.mu.Lock()
			delete(c.subs, id)
			c.mu.Unlock()
			close(sub.stop)
			_ = c.wire.send(message{Kind: kindUnsubscribe, ID: id})
		})
	}
	if err := c.do(context.Background(), "Subscribe", subscribeArgs{Sub: id, Buffer: buffer}, nil, nil); err != nil {
		cancel()
	}
	return sub.out, cancel
}

// subscribe is the agent's end of Subscribe: a goroutine relays the
// engine's events until the window unsubscribes or the session ends.
func (ss *session) subscribe(m message) (any, error) {
	var args subscribeArgs
	if err := decodeArgs(m, &args); err != nil {
		return nil, err
	}
	events, cancel := ss.api.Subscribe(args.Buffer)
	sub := &serverSub{acks: make(chan struct{}, 1), stop: make(chan struct{})}
	ss.mu.Lock()
	ss.subs[args.Sub] = sub
	ss.mu.Unlock()
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		defer cancel()
		defer func() {
			ss.mu.Lock()
			delete(ss.subs, args.Sub)
			ss.mu.Unlock()
		}()
		ss.relayEvents(args.Sub, sub, events)
	}()
	return nil, nil
}

func (ss *session) relayEvents(id uint64, sub *serverSub, events <-chan relay.Event) {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			body, err := encodeEvent(ev)
			if err != nil {
				continue // a type without an encoding; a test keeps the table complete
			}
			if ss.wire.send(message{Kind: kindEvent, ID: id, Body: body}) != nil {
				return
			}
			select {
			case <-sub.acks:
			case <-sub.stop:
				return
			case <-ss.ctx.Done():
				return
			}
		case <-sub.stop:
			return
		case <-ss.ctx.Done():
			return
		}
	}
}

// serverSub is one subscription's controls from the window.
type serverSub struct {
	acks chan struct{} // 1-buffered: the window took the last event
	stop chan struct{}
	once sync.Once
}

func (s *serverSub) take(kind string) {
	if kind == kindAck {
		select {
		case s.acks <- struct{}{}:
		default:
		}
		return
	}
	s.once.Do(func() { close(s.stop) })
}

// clientSub is one subscription: events from the reader, one at a time,
// to the window's channel.
type clientSub struct {
	inbox chan relay.Event // 1-buffered: the agent sends the next only after the ack
	out   chan relay.Event
	stop  chan struct{}
	once  sync.Once
}

func (c *Client) deliverEvent(m message) {
	c.mu.Lock()
	sub := c.subs[m.ID]
	c.mu.Unlock()
	ev, err := decodeWireEvent(m.Body)
	if sub == nil || err != nil {
		_ = c.wire.send(message{Kind: kindAck, ID: m.ID}) // nobody takes it: let the next come
		return
	}
	select {
	case sub.inbox <- ev:
	default:
	}
}

// pass hands the subscription's events to the window and acknowledges each.
func (c *Client) pass(id uint64, sub *clientSub) {
	defer c.subsRunning.Done()
	defer close(sub.out)
	for {
		select {
		case ev := <-sub.inbox:
			select {
			case sub.out <- ev:
				_ = c.wire.send(message{Kind: kindAck, ID: id})
			case <-sub.stop:
				return
			case <-c.done:
				return
			}
		case <-sub.stop:
			return
		case <-c.done:
			return
		}
	}
}
