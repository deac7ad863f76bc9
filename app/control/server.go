package control

import (
	"bufio"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/liveroute/liveroute/store"
)

// Server is the running instance's end of the control socket. It owns the
// instance lock from Listen until Close.
type Server struct {
	paths store.Paths
	ln    net.Listener
	lock  *os.File
	token string

	mu     sync.Mutex
	closed bool
	conns  sync.WaitGroup
}

// Acquire makes this process the running LiveRoute of paths' profile. When
// another instance already runs, it asks that one to bring its window to the
// front and returns ErrAlreadyRunning: the caller should then exit 0.
//
// An instance that is still starting holds the lock but may not listen yet,
// so Acquire retries for a few seconds before giving up.
func Acquire(ctx context.Context, paths store.Paths) (*Server, error) {
	const tries, pause = 30, 100 * time.Millisecond
	var lastErr error
	for i := 0; i < tries; i++ {
		srv, err := Listen(paths)
		if !errors.Is(err, ErrAlreadyRunning) {
			return srv, err
		}
		_, err = Call(ctx, paths, Request{Cmd: CmdShow})
		if err == nil {
			return nil, ErrAlreadyRunning
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
	}
	return nil, fmt.Errorf("another LiveRoute holds the instance lock but does not answer (%v); quit it or end its process", lastErr)
}

// Listen takes the instance lock and listens on the control endpoint,
// replacing a stale socket left by a crash. It returns ErrAlreadyRunning if
// another live process holds the lock. Requests wait until Serve.
func Listen(paths store.Paths) (*Server, error) {
	lock, ok, err := tryLock(paths)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrAlreadyRunning
	}
	ln, token, err := listenEndpoint(paths)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return &Server{paths: paths, ln: ln, lock: lock, token: token}, nil
}

// Serve answers requests with b until ctx ends or Close is called; it
// returns nil then. Each connection carries one request and one response.
func (s *Server) Serve(ctx context.Context, b Backend) error {
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				s.conns.Wait()
				return nil
			}
			return fmt.Errorf("accept on the control socket: %w", err)
		}
		s.conns.Add(1)
		go func() {
			defer s.conns.Done()
			s.handle(ctx, c, b)
		}()
	}
}

// Close stops listening, removes the endpoint and releases the instance
// lock. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	cleanupEndpoint(s.paths)
	s.lock.Close()
	return err
}

func (s *Server) handle(ctx context.Context, c net.Conn, b Backend) {
	defer c.Close()
	// A client gets a generous but finite time: a stuck one must not keep
	// a goroutine forever.
	_ = c.SetDeadline(time.Now().Add(2 * time.Minute))
	r := bufio.NewReaderSize(c, 4096)
	line, err := readLine(r)
	var resp Response
	var req Request
	switch {
	case err != nil:
		resp = failure(errorf(CodeInvalid, "the request could not be read: "+err.Error()))
	case json.Unmarshal(line, &req) != nil:
		resp = failure(errorf(CodeInvalid, "the request is not valid JSON"))
	case subtle.ConstantTimeCompare([]byte(req.Token), []byte(s.token)) != 1:
		resp = failure(errorf(CodeInvalid, "the request does not carry this instance's token"))
	case req.Cmd == CmdSession && b.Session != nil:
		s.serveSession(ctx, c, r, b)
		return
	default:
		resp = b.Execute(ctx, req)
	}
	out, _ := json.Marshal(resp) // a Response always encodes
	_, _ = c.Write(append(out, '\n'))
}

// serveSession accepts a window's session and hands the connection to
// b.Session, which keeps it as long as the window lives: no deadline.
func (s *Server) serveSession(ctx context.Context, c net.Conn, r *bufio.Reader, b Backend) {
	_ = c.SetDeadline(time.Time{})
	out, _ := json.Marshal(Response{OK: true})
	if _, err := c.Write(append(out, '\n')); err != nil {
		return
	}
	_ = b.Session(ctx, bufferedConn{Conn: c, r: r})
}

// DialSession opens a session with the running instance of paths'
// profile (see Backend.Session). It returns ErrNotRunning when no
// instance listens.
func DialSession(ctx context.Context, paths store.Paths) (net.Conn, error) {
	c, token, err := dialEndpoint(paths)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	data, _ := json.Marshal(Request{Token: token, Cmd: CmdSession}) // a Request always encodes
	r := bufio.NewReaderSize(c, 4096)
	if _, err := c.Write(append(data, '\n')); err != nil {
		c.Close()
		return nil, fmt.Errorf("send to LiveRoute: %w", err)
	}
	line, err := readLine(r)
	var resp Response
	if err == nil {
		err = json.Unmarshal(line, &resp)
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("read LiveRoute's answer: %w", err)
	}
	if !resp.OK {
		c.Close()
		return nil, &Error{Code: resp.Code, Message: resp.Error}
	}
	return bufferedConn{Conn: c, r: r}, nil
}

// bufferedConn reads through the reader that already holds what followed
// the first line.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// Call sends req to the running instance of paths' profile and returns its
// response. It returns ErrNotRunning when no instance listens.
func Call(ctx context.Context, paths store.Paths, req Request) (Response, error) {
	c, token, err := dialEndpoint(paths)
	if err != nil {
		return Response{}, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req.Token = token
	data, err := json.Marshal(req)
	if err != nil {
		return Response{}, fmt.Errorf("encode the request: %w", err)
	}
	if _, err := c.Write(append(data, '\n')); err != nil {
		return Response{}, fmt.Errorf("send to LiveRoute: %w", err)
	}
	line, err := readLine(bufio.NewReaderSize(c, 4096))
	if err != nil {
		if ctx.Err() != nil {
			return Response{}, ctx.Err()
		}
		return Response{}, fmt.Errorf("read LiveRoute's answer: %w", err)
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		return Response{}, fmt.Errorf("read LiveRoute's answer: %w", err)
	}
	return resp, nil
}

// readLine reads one newline-terminated line of at most maxLine bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, errors.New("the line is too long")
		}
		if err == nil {
			return line, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}

func failure(err error) Response {
	var e *Error
	if errors.As(err, &e) {
		return Response{Error: e.Message, Code: e.Code}
	}
	return Response{Error: err.Error(), Code: CodeFailed}
}
