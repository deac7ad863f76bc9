package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/store"
)

// Client is the window's end: service.API served by the agent. Its
// methods are safe for concurrent use; each is one round trip.
type Client struct {
	wire        *wire
	done        chan struct{} // closed when the session ends
	endOnce     sync.Once
	readerDone  chan struct{}
	shows       chan string
	subsRunning sync.WaitGroup

	mu     sync.Mutex
	next   uint64
	calls  map[uint64]*pendingCall
	subs   map[uint64]*clientSub
	closed bool
}

var _ service.API = (*Client)(nil)

// showBuffer is how many show requests wait for a window that is busy;
// more of them add nothing (the window is already coming to the front).
const showBuffer = 16

// Dial attaches a window session to the running LiveRoute of paths'
// profile. control.ErrNotRunning when none runs; ctx bounds the attaching
// only, not the session.
func Dial(ctx context.Context, paths store.Paths) (*Client, error) {
	conn, err := control.DialSession(ctx, paths)
	if err != nil {
		return nil, err
	}
	return newClient(ctx, conn)
}

func newClient(ctx context.Context, conn net.Conn) (*Client, error) {
	c := &Client{wire: newWire(conn), done: make(chan struct{}), readerDone: make(chan struct{}),
		shows: make(chan string, showBuffer), calls: map[uint64]*pendingCall{}, subs: map[uint64]*clientSub{}}
	if err := c.greet(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	go c.read()
	return c, nil
}

// greet says which protocol version this window speaks and checks the
// agent speaks it too.
func (c *Client) greet(ctx context.Context) error {
	conn := c.wire.conn
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	err := c.wire.send(message{Kind: kindHello, Body: mustJSON(version)})
	var m message
	if err == nil {
		m, err = c.wire.receive()
	}
	if !stop() {
		return ctx.Err()
	}
	_ = conn.SetDeadline(time.Time{})
	if err != nil {
		return fmt.Errorf("attach to LiveRoute: %w", err)
	}
	if m.Err != nil {
		return m.Err.decode()
	}
	var v int
	if m.Kind != kindHello || json.Unmarshal(m.Body, &v) != nil || v != version {
		return errVersion
	}
	return nil
}

// Done is closed when the session ends: the agent quit, or Close.
func (c *Client) Done() <-chan struct{} { return c.done }

// ShowRequests delivers the agent's Server.Show: "" the main window,
// "reconnect" the reset wizard.
func (c *Client) ShowRequests() <-chan string { return c.shows }

// Close ends the session; calls in flight fail with ErrAgentGone and
// every subscription's channel closes.
func (c *Client) Close() error {
	c.end()
	<-c.readerDone
	c.mu.Lock()
	c.closed = true // a Subscribe from now on starts nothing to wait for
	c.mu.Unlock()
	c.subsRunning.Wait()
	return nil
}

func (c *Client) end() {
	c.endOnce.Do(func() {
		close(c.done)
		c.wire.conn.Close()
	})
}

// read hands each message to the call or subscription it belongs to. It
// never waits for either: a slow window goroutine must not hold up the
// answers of the others.
func (c *Client) read() {
	defer close(c.readerDone)
	defer c.end()
	for {
		m, err := c.wire.receive()
		if err != nil {
			return
		}
		switch m.Kind {
		case kindReply, kindCallback:
			if p := c.call(m.ID); p != nil {
				p.deliver(m)
			}
		case kindEvent:
			c.deliverEvent(m)
		case kindShow:
			var what string
			if json.Unmarshal(m.Body, &what) == nil {
				select {
				case c.shows <- what:
				default:
				}
			}
		}
	}
}

// call is a typed round trip: the answer decoded as R, and the error.
func call[R any](c *Client, ctx context.Context, method string, args any) (R, error) {
	var r R
	err := c.do(ctx, method, args, &r, nil)
	return r, err
}

// do sends one call and waits for its reply. callback, when set, turns
// each of the agent's callbacks into work run in order on one goroutine of
// the call, all before do returns; its ctx ends when the reply arrives.
// When ctx ends first the agent is told to cancel the call, and do still
// returns the agent's answer, as the service in this process would.
func (c *Client) do(ctx context.Context, method string, args, into any, callback func(context.Context, message) func()) error {
	var body json.RawMessage
	if args != nil {
		var err error
		if body, err = json.Marshal(args); err != nil {
			return fmt.Errorf("encode the arguments of %s: %w", method, err)
		}
	}
	id, p := c.register(ctx, callback)
	defer c.unregister(id)
	if err := c.wire.send(message{Kind: kindCall, ID: id, Method: method, Body: body}); err != nil {
		p.finish()
		if errors.Is(err, errTooLarge) {
			return err
		}
		return ErrAgentGone
	}
	reply, err := c.await(ctx, id, p)
	p.finish()
	if err != nil {
		return err
	}
	if into != nil && len(reply.Body) > 0 {
		if err := json.Unmarshal(reply.Body, into); err != nil {
			return fmt.Errorf("read the answer to %s: %w", method, errVersion)
		}
	}
	return reply.Err.decode()
}

func (c *Client) await(ctx context.Context, id uint64, p *pendingCall) (message, error) {
	select {
	case r := <-p.reply:
		return r, nil
	case <-c.done:
		return p.replyOr(ErrAgentGone)
	case <-ctx.Done():
	}
	_ = c.wire.send(message{Kind: kindCancel, ID: id})
	select {
	case r := <-p.reply:
		return r, nil
	case <-c.done:
		return p.replyOr(ErrAgentGone)
	}
}

func (c *Client) register(ctx context.Context, callback func(context.Context, message) func()) (uint64, *pendingCall) {
	p := &pendingCall{reply: make(chan message, 1)}
	if callback != nil {
		p.startCallbacks(ctx, callback)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	c.calls[c.next] = p
	return c.next, p
}

func (c *Client) unregister(id uint64) {
	c.mu.Lock()
	delete(c.calls, id)
	c.mu.Unlock()
}

func (c *Client) call(id uint64) *pendingCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[id]
}

// pendingCall is a call waiting for its reply.
type pendingCall struct {
	reply chan message // 1-buffered

	// The callbacks, when the call takes them.
	mu       sync.Mutex
	work     chan func()
	finished bool
	stop     context.CancelFunc
	ran      chan struct{}
	callback func(context.Context, message) func()
	ctx      context.Context
}

// callbackQueue bounds the callbacks waiting to run: a login makes a few
// (its steps, its address, each paste), far fewer than this.
const callbackQueue = 64

func (p *pendingCall) startCallbacks(ctx context.Context, callback func(context.Context, message) func()) {
	p.ctx, p.stop = context.WithCancel(ctx)
	p.callback = callback
	p.work = make(chan func(), callbackQueue)
	p.ran = make(chan struct{})
	go func() {
		defer close(p.ran)
		for f := range p.work {
			f()
		}
	}()
}

func (p *pendingCall) deliver(m message) {
	if m.Kind == kindReply {
		select {
		case p.reply <- m:
		default:
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.work == nil || p.finished {
		return
	}
	if f := p.callback(p.ctx, m); f != nil {
		select {
		case p.work <- f:
		default:
		}
	}
}

// finish ends the callbacks' context and waits for those queued to run.
func (p *pendingCall) finish() {
	p.mu.Lock()
	if p.work == nil || p.finished {
		p.mu.Unlock()
		return
	}
	p.finished = true
	p.stop()
	close(p.work)
	p.mu.Unlock()
	<-p.ran
}

// replyOr prefers a reply that arrived just before the session ended.
func (p *pendingCall) replyOr(err error) (message, error) {
	select {
	case r := <-p.reply:
		return r, nil
	default:
		return message{}, err
	}
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
