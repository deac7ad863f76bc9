package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/liveroute/liveroute/app/service"
)

// Server is the agent's end: it serves service.API to every window
// session that attaches through the control socket.
type Server struct {
	api service.API

	mu       sync.Mutex
	sessions map[*session]bool // true once the window is greeted
	// unseen is the last Show that found no window attached: a window
	// process still starting gets it once it attaches, so a "Reset
	// connection…" clicked while the window starts is not lost.
	unseen *string
	// early holds the Show asked of a window still greeting, delivered
	// once it is greeted (a Show must reach every window it counted).
	early   map[*session]string
	closed  bool
	running sync.WaitGroup
}

// NewServer serves api (the agent's *service.Service).
func NewServer(api service.API) *Server {
	return &Server{api: api, sessions: map[*session]bool{}, early: map[*session]string{}}
}

// ErrServerClosed is Serve's answer after Close.
var ErrServerClosed = errors.New("LiveRoute is quitting: the window cannot attach now")

// Serve serves one window session on an accepted connection (from
// control.Backend.Session) until the window leaves, ctx ends or Close is
// called; it returns nil then, and an error only for a session that broke
// the protocol. It closes conn and waits for the session's calls to end.
func (s *Server) Serve(ctx context.Context, conn net.Conn) error {
	ss, err := s.open(conn)
	if err != nil {
		conn.Close()
		return err
	}
	defer s.forget(ss)
	return ss.run(ctx, func() { s.attached(ss) })
}

// Show asks every window to come to the front: "" the main window,
// "reconnect" the reset wizard (the tray's "Reset connection…", a
// notification's action). It does not wait for the windows. With no
// window attached, the next window to attach is asked instead (call
// Show only when a window process runs or is starting).
func (s *Server) Show(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := false
	for ss, greeted := range s.sessions {
		// A window still greeting must read the hello first: it gets
		// the request once greeted (attached).
		if greeted {
			ss.show(what)
		} else {
			s.early[ss] = what
		}
		seen = true
	}
	if !seen {
		s.unseen = &what
	}
}

// ForgetMissedShow drops a Show no window has seen yet: the agent calls
// it as it starts a new window process, which is told what to open on
// its command line (a window that crashed before attaching must not pass
// its request on to the next).
func (s *Server) ForgetMissedShow() {
	s.mu.Lock()
	s.unseen = nil
	s.mu.Unlock()
}

// attached hands a window that has just attached the Show it missed.
func (s *Server) attached(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[ss] = true
	if what, ok := s.early[ss]; ok {
		delete(s.early, ss)
		ss.show(what)
		s.unseen = nil
	} else if s.unseen != nil {
		ss.show(*s.unseen)
		s.unseen = nil
	}
}

// Windows is the number of window sessions attached now.
func (s *Server) Windows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Close ends every session and refuses new ones; it returns once every
// Serve has returned.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for ss := range s.sessions {
		ss.end()
	}
	s.mu.Unlock()
	s.running.Wait()
}

func (s *Server) open(conn net.Conn) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrServerClosed
	}
	ss := newSession(s.api, conn)
	s.sessions[ss] = false
	s.running.Add(1)
	return ss, nil
}

func (s *Server) forget(ss *session) {
	s.mu.Lock()
	delete(s.sessions, ss)
	delete(s.early, ss)
	s.mu.Unlock()
	s.running.Done()
}

// session is one window's session.
type session struct {
	api  service.API
	wire *wire

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine of the session

	mu      sync.Mutex
	calls   map[uint64]context.CancelFunc // calls in flight
	answers map[uint64]chan message       // callbacks waiting for the window's answer, by seq
	subs    map[uint64]*serverSub
	seq     uint64
	ended   bool // no goroutine may start any more
}

func newSession(api service.API, conn net.Conn) *session {
	ctx, cancel := context.WithCancel(context.Background())
	return &session{api: api, wire: newWire(conn), ctx: ctx, cancel: cancel,
		calls: map[uint64]context.CancelFunc{}, answers: map[uint64]chan message{}, subs: map[uint64]*serverSub{}}
}

// run reads the window's messages until it leaves or ctx ends; then it
// cancels every call and subscription and waits for them. greeted runs
// once the window has said it speaks this protocol.
func (ss *session) run(ctx context.Context, greeted func()) error {
	stop := context.AfterFunc(ctx, ss.end)
	defer func() {
		stop()
		ss.end()
		ss.wg.Wait()
	}()
	if err := ss.greet(); err != nil {
		if errors.Is(err, errLeft) {
			return nil
		}
		return err
	}
	greeted()
	for {
		m, err := ss.wire.receive()
		if err != nil {
			if ended(err) || ss.ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("window session: %w", err)
		}
		ss.dispatch(m)
	}
}

// end cancels the session and closes its connection, which ends run's read.
func (ss *session) end() {
	ss.mu.Lock()
	ss.ended = true
	ss.mu.Unlock()
	ss.cancel()
	ss.wire.conn.Close()
}

// errLeft: the window left (or the agent quit) before it said hello.
var errLeft = errors.New("the window left before attaching")

// greet checks the window speaks this protocol version.
func (ss *session) greet() error {
	m, err := ss.wire.receive()
	if err != nil {
		if ended(err) || ss.ctx.Err() != nil {
			return errLeft
		}
		return fmt.Errorf("window session: %w", err)
	}
	var v int
	if m.Kind != kindHello || json.Unmarshal(m.Body, &v) != nil || v != version {
		_ = ss.wire.send(message{Kind: kindHello, Err: encodeError(errVersion)})
		return errVersion
	}
	return ss.wire.send(message{Kind: kindHello, Body: mustJSON(version)})
}

var errVersion = errors.New("the running LiveRoute is another version than this window: quit LiveRoute from its tray menu and start it again")

func (ss *session) dispatch(m message) {
	switch m.Kind {
	case kindCall:
		ss.startCall(m)
	case kindCancel:
		ss.mu.Lock()
		cancel := ss.calls[m.ID]
		ss.mu.Unlock()
		if cancel != nil {
			cancel()
		}
	case kindAnswer:
		ss.mu.Lock()
		ch := ss.answers[m.Seq]
		ss.mu.Unlock()
		if ch != nil {
			select {
			case ch <- m:
			default: // answered twice: the first answer stands
			}
		}
	case kindAck, kindUnsubscribe:
		ss.mu.Lock()
		sub := ss.subs[m.ID]
		ss.mu.Unlock()
		if sub != nil {
			sub.take(m.Kind)
		}
	}
}

// startCall runs one call in its own goroutine, with a context the
// window's cancel (or the session's end) cancels.
func (ss *session) startCall(m message) {
	ctx, cancel := context.WithCancel(ss.ctx)
	ss.mu.Lock()
	ss.calls[m.ID] = cancel
	ss.mu.Unlock()
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		defer func() {
			ss.mu.Lock()
			delete(ss.calls, m.ID)
			ss.mu.Unlock()
			cancel()
		}()
		reply := message{Kind: kindReply, ID: m.ID}
		result, err := ss.handle(ctx, m)
		if result != nil {
			body, encErr := json.Marshal(result)
			if encErr != nil {
				err = fmt.Errorf("encode the answer to %s: %w", m.Method, encErr)
			}
			reply.Body = body
		}
		reply.Err = encodeError(err)
		if errors.Is(ss.wire.send(reply), errTooLarge) {
			reply.Body, reply.Err = nil, encodeError(errTooLarge)
			_ = ss.wire.send(reply)
		}
	}()
}

func (ss *session) handle(ctx context.Context, m message) (any, error) {
	h, ok := handlers[m.Method]
	if !ok {
		h, ok = agentHandlers[m.Method]
	}
	if !ok {
		return nil, fmt.Errorf("the running LiveRoute does not know %q: %w", m.Method, errVersion)
	}
	return h(ctx, ss, m)
}

// show asks the window to come to the front with what.
func (ss *session) show(what string) {
	ss.goSend(message{Kind: kindShow, Body: mustJSON(what)})
}

// goSend sends m without making the caller wait for a slow window.
func (ss *session) goSend(m message) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.ended {
		return
	}
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		_ = ss.wire.send(m)
	}()
}

// callBack sends a callback of call id and, when wait is set, waits for
// the window's answer.
func (ss *session) callBack(ctx context.Context, id uint64, name string, body any, wait bool) (message, error) {
	ss.mu.Lock()
	ss.seq++
	seq := ss.seq
	ch := make(chan message, 1)
	if wait {
		ss.answers[seq] = ch
	}
	ss.mu.Unlock()
	defer func() {
		ss.mu.Lock()
		delete(ss.answers, seq)
		ss.mu.Unlock()
	}()
	if err := ss.wire.send(message{Kind: kindCallback, ID: id, Seq: seq, Method: name, Body: mustJSON(body)}); err != nil || !wait {
		return message{}, err
	}
	select {
	case m := <-ch:
		return m, nil
	case <-ctx.Done():
		return message{}, ctx.Err()
	}
}
