// Package remote lets the window process reach the agent over the control
// socket.
//
// STAND-IN: this file is a placeholder on branch h/agent for the package
// being written on h/remote, so the agent and the window process compile
// and run against its contract: Dial, Client.Done, Client.ShowRequests,
// NewServer, Server.Serve, Server.Show and Server.Windows. It carries
// only the show requests; the real Client implements service.API. Replace
// this file with the real package when merging.
package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"sync"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/store"
)

// showLine is what the agent sends a window: which view to bring to the
// front ("" the main window, "reconnect" the reset or renew wizard).
type showLine struct {
	Show string `json:"show"`
}

// Server is the agent's end of the window sessions.
type Server struct {
	api service.API

	mu      sync.Mutex
	windows map[chan string]struct{}
	pending *string // a show asked for before any window connected
}

// NewServer serves window sessions over api.
func NewServer(api service.API) *Server {
	return &Server{api: api, windows: map[chan string]struct{}{}}
}

// Serve keeps one window's session until the connection or ctx ends.
func (s *Server) Serve(ctx context.Context, conn net.Conn) error {
	shows := make(chan string, 4)
	s.mu.Lock()
	s.windows[shows] = struct{}{}
	if s.pending != nil {
		shows <- *s.pending
		s.pending = nil
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.windows, shows)
		s.mu.Unlock()
	}()
	closed := make(chan struct{})
	go func() { // the window never writes: a read ends when it hangs up
		defer close(closed)
		_, _ = conn.Read(make([]byte, 1))
	}()
	defer func() { conn.Close(); <-closed }()
	enc := json.NewEncoder(conn)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-closed:
			return nil
		case what := <-shows:
			if err := enc.Encode(showLine{Show: what}); err != nil {
				return err
			}
		}
	}
}

// Show asks every connected window to bring what to the front; with none
// connected yet, the next window to connect gets it.
func (s *Server) Show(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.windows) == 0 {
		s.pending = &what
		return
	}
	for w := range s.windows {
		select {
		case w <- what:
		default: // that window has requests queued: it is coming forward anyway
		}
	}
}

// Windows is how many windows are connected.
func (s *Server) Windows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.windows)
}

// Client is the window process's end of its session.
type Client struct {
	paths store.Paths
	conn  net.Conn
	shows chan string
	done  chan struct{}
}

// Dial opens a session with the running agent of paths' profile.
func Dial(ctx context.Context, paths store.Paths) (*Client, error) {
	conn, err := control.DialSession(ctx, paths)
	if err != nil {
		return nil, err
	}
	c := &Client{paths: paths, conn: conn, shows: make(chan string, 4), done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *Client) read() {
	defer close(c.done)
	sc := bufio.NewScanner(c.conn)
	for sc.Scan() {
		var l showLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			select {
			case c.shows <- l.Show:
			default:
			}
		}
	}
}

// Done is closed when the agent ends the session (it quit).
func (c *Client) Done() <-chan struct{} { return c.done }

// ShowRequests are the agent's requests to bring a view to the front.
func (c *Client) ShowRequests() <-chan string { return c.shows }

// Close ends the session.
func (c *Client) Close() error {
	err := c.conn.Close()
	<-c.done
	return err
}

// The stand-in's share of the engine, for the window of package app as
// it is on this branch: commands go over the CLI's protocol; the status
// and the events come with the real package.

// Status is not carried by the stand-in.
func (c *Client) Status() relay.Status { return relay.Status{} }

// Subscribe sends nothing until the session ends.
func (c *Client) Subscribe(int) (<-chan relay.Event, func()) {
	events := make(chan relay.Event)
	stop := make(chan struct{})
	var once sync.Once
	go func() {
		select {
		case <-c.done:
		case <-stop:
		}
		close(events)
	}()
	return events, func() { once.Do(func() { close(stop) }) }
}

// Pause pauses sharing in the agent.
func (c *Client) Pause(d time.Duration) {
	args, _ := json.Marshal(control.PauseArgs{Seconds: int64(d.Seconds())})
	c.call(control.Request{Cmd: control.CmdPause, Args: args})
}

// Resume resumes sharing in the agent.
func (c *Client) Resume() { c.call(control.Request{Cmd: control.CmdResume}) }

// CheckNow asks the agent to check the connection.
func (c *Client) CheckNow() { c.call(control.Request{Cmd: control.CmdCheck}) }

func (c *Client) call(req control.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _ = control.Call(ctx, c.paths, req)
}
