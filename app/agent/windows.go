package agent

import (
	"context"
	"log/slog"
	"net"
	"sync"
)

// Windows starts the window process on demand and reports when it ends.
type Windows interface {
	// Open shows what ("" the main window, "reconnect" the reset or renew
	// wizard): in the running window process, or in a new one.
	Open(what string)
	// Exits receives one value per window process that ended.
	Exits() <-chan WindowExit
}

// WindowExit is how a window process ended.
type WindowExit struct {
	// Err is nil when the person closed the window; otherwise the window
	// crashed, was killed or could not start.
	Err error
}

// Process is a started window process.
type Process interface {
	// Wait returns when the process has ended; nil for a clean exit.
	Wait() error
}

// Launch starts a window process that opens what.
type Launch func(ctx context.Context, what string) (Process, error)

// Supervisor keeps at most one window process: Open starts one, or asks
// the running one to come to the front. A window that crashes or cannot
// start is logged; sharing never depends on it.
type Supervisor struct {
	ctx    context.Context
	launch Launch
	show   func(what string) // asks the running window (remote.Server.Show)
	log    *slog.Logger
	exits  chan WindowExit
	wg     sync.WaitGroup

	mu      sync.Mutex
	running bool
	// window counts the window processes started; a session belongs to
	// the one running when it attached, so the late end of an old
	// window's session cannot mark a newer window as closing.
	window uint64
	// ending: the running window's session has ended, so it is closing
	// and can show nothing more; pending is what was asked of it since,
	// which a new window shows once it has gone.
	ending  bool
	pending *string
}

// NewSupervisor starts windows with launch, which ends them when ctx ends;
// show brings the running one's view to the front. Call Wait after ctx
// ends.
func NewSupervisor(ctx context.Context, launch Launch, show func(what string), log *slog.Logger) *Supervisor {
	if log == nil {
		log = slog.Default()
	}
	return &Supervisor{ctx: ctx, launch: launch, show: show, log: log, exits: make(chan WindowExit, 1)}
}

// Open implements Windows. Never two window processes: a second Open
// while one runs goes to that one.
func (s *Supervisor) Open(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running && s.ending {
		s.pending = &what
		return
	}
	if s.running {
		s.show(what) // a window still starting gets it when it attaches (remote.Server.Show)
		return
	}
	s.start(what)
}

// Sessions wraps the control socket's session handler (remote.Server.Serve)
// so the supervisor knows when the window's session ends: the window is
// closing then, and a request must wait for a new one.
func (s *Supervisor) Sessions(serve func(context.Context, net.Conn) error) func(context.Context, net.Conn) error {
	return func(ctx context.Context, conn net.Conn) error {
		s.mu.Lock()
		window := s.window
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			if s.window == window {
				s.ending = s.running
			}
			s.mu.Unlock()
		}()
		return serve(ctx, conn)
	}
}

// start launches a window process; s.mu is held.
func (s *Supervisor) start(what string) {
	if s.ctx.Err() != nil {
		return // quitting
	}
	p, err := s.launch(s.ctx, what)
	if err != nil {
		s.log.Error("the window could not start; LiveRoute keeps sharing", "err", err)
		return
	}
	s.running, s.ending = true, false
	s.window++
	s.wg.Add(1)
	go s.watch(p)
}

// Exits implements Windows.
func (s *Supervisor) Exits() <-chan WindowExit { return s.exits }

// Running reports whether a window process runs.
func (s *Supervisor) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Wait returns once every window process started has ended.
func (s *Supervisor) Wait() { s.wg.Wait() }

func (s *Supervisor) watch(p Process) {
	defer s.wg.Done()
	err := p.Wait()
	if err != nil && s.ctx.Err() == nil {
		s.log.Error("the window ended unexpectedly; LiveRoute keeps sharing", "err", err)
	}
	s.mu.Lock()
	s.running, s.ending = false, false
	if s.pending != nil {
		// Asked for while it was closing: the person wants a window.
		what := *s.pending
		s.pending = nil
		s.start(what)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	if s.ctx.Err() != nil {
		return // ended because the agent quits: nobody listens
	}
	select {
	case s.exits <- WindowExit{Err: err}:
	case <-s.ctx.Done():
	}
}
