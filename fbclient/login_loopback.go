package fbclient

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// loopback is the listener that waits for the browser to come back from
// Facebook's dialog (directly, or through the relay page). It listens on
// 127.0.0.1 and [::1] on one port, because "localhost" may resolve to
// either, and accepts exactly one callback.
type loopback struct {
	port      int
	state     string // the whole state a callback must carry; set before serve
	listeners []net.Listener
	srv       *http.Server
	callbacks chan *callback // holds at most the one accepted callback
	closed    chan struct{}
	closeOnce sync.Once
	serving   sync.WaitGroup

	mu       sync.Mutex
	accepted bool
}

// callback is the accepted answer; its handler waits on reply to show the
// person how the login ended.
type callback struct {
	answer dialogAnswer
	reply  chan error
}

// loopbackPortAttempts bounds the search for a port free on both loopback
// addresses when the system chooses the port.
const loopbackPortAttempts = 5

// listenLoopback opens port on 127.0.0.1 and, where the machine has it,
// [::1]. A fixed port that another program holds on either address is a
// *PortBusyError: that program would otherwise receive the browser's visit.
// Port 0 lets the system choose, trying again while the IPv6 side is taken.
func listenLoopback(port int) (*loopback, error) {
	if port < 0 || port > 65535 {
		return nil, &PortBusyError{Port: port, Invalid: true}
	}
	if port != 0 {
		return listenLoopbackPort(port)
	}
	for range loopbackPortAttempts {
		v4, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("%w (%w)", ErrLoopbackUnavailable, err)
		}
		port := v4.Addr().(*net.TCPAddr).Port
		lb, err := addIPv6(port, v4)
		if errors.Is(err, syscall.EADDRINUSE) {
			v4.Close()
			continue
		}
		return lb, err
	}
	return nil, fmt.Errorf("%w (no port free on both 127.0.0.1 and ::1 after %d tries)", ErrLoopbackUnavailable, loopbackPortAttempts)
}

// listenLoopbackPort opens the fixed port the person registered.
func listenLoopbackPort(port int) (*loopback, error) {
	v4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EACCES) {
		return nil, &PortBusyError{Port: port}
	}
	if err != nil {
		return nil, fmt.Errorf("%w (%w)", ErrLoopbackUnavailable, err)
	}
	lb, err := addIPv6(port, v4)
	if errors.Is(err, syscall.EADDRINUSE) {
		v4.Close()
		return nil, &PortBusyError{Port: port}
	}
	return lb, err
}

// addIPv6 adds [::1]:port next to v4. It returns the EADDRINUSE error when
// another program holds it; a machine without IPv6 gets 127.0.0.1 only.
func addIPv6(port int, v4 net.Listener) (*loopback, error) {
	v6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(port)))
	switch {
	case err == nil:
		return newLoopback(port, v4, v6), nil
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, err
	default:
		slog.Info("login: IPv6 loopback unavailable; listening on 127.0.0.1 only", "port", port, "err", err)
		return newLoopback(port, v4), nil
	}
}

func newLoopback(port int, lns ...net.Listener) *loopback {
	lb := &loopback{
		port:      port,
		listeners: lns,
		callbacks: make(chan *callback, 1),
		closed:    make(chan struct{}),
	}
	lb.srv = &http.Server{Handler: lb, ReadHeaderTimeout: 10 * time.Second}
	return lb
}

// serve starts answering on every listener.
func (lb *loopback) serve() {
	for _, ln := range lb.listeners {
		lb.serving.Add(1)
		go func() {
			defer lb.serving.Done()
			_ = lb.srv.Serve(ln) // returns ErrServerClosed once close runs
		}()
	}
}

// close stops the listener, letting an answering handler finish its page
// first. It is safe to call more than once.
func (lb *loopback) close() {
	lb.closeOnce.Do(func() {
		close(lb.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := lb.srv.Shutdown(ctx); err != nil {
			lb.srv.Close()
		}
		for _, ln := range lb.listeners {
			ln.Close() // Shutdown closes only listeners Serve had begun on
		}
		lb.serving.Wait()
	})
}

// ServeHTTP answers the browser. Only GET /callback with the session's
// whole state is a callback; a wrong or missing state is refused and
// changes nothing, and after the one accepted callback every other is
// refused too.
func (lb *loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/callback" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if !stateEqual(q.Get("state"), lb.state) {
		renderLoopbackPage(w, http.StatusBadRequest, pageWrongState)
		return
	}
	ans := dialogAnswer{code: q.Get("code"), state: q.Get("state"),
		errCode: q.Get("error"), errReason: q.Get("error_reason"), errDesc: q.Get("error_description")}
	if ans.code == "" && ans.errCode == "" {
		renderLoopbackPage(w, http.StatusBadRequest, pageNoCode)
		return
	}
	lb.mu.Lock()
	already := lb.accepted
	lb.accepted = true
	lb.mu.Unlock()
	if already {
		renderLoopbackPage(w, http.StatusConflict, pageAlreadyDone)
		return
	}
	cb := &callback{answer: ans, reply: make(chan error, 1)}
	lb.callbacks <- cb
	select {
	case err := <-cb.reply:
		renderOutcome(w, err)
	case <-lb.closed:
		// Wait replies before it closes; prefer its answer when both are ready.
		select {
		case err := <-cb.reply:
			renderOutcome(w, err)
		default:
			renderLoopbackPage(w, http.StatusServiceUnavailable, pageCanceled)
		}
	case <-r.Context().Done():
	}
}

// loopbackPage is what the person reads in the browser tab.
type loopbackPage struct {
	Title, Message string
}

var (
	pageConnected   = loopbackPage{"You're connected — return to LiveRoute", "LiveRoute is now connected to Facebook. You can close this tab and return to LiveRoute."}
	pageDenied      = loopbackPage{"LiveRoute was not connected", "You chose Cancel in Facebook's dialog, so Facebook did not give LiveRoute access. To connect, return to LiveRoute, press Connect again and choose Continue."}
	pageWrongState  = loopbackPage{"This link is not for the current login", "This answer from Facebook does not belong to the login LiveRoute is waiting for, so it was ignored. Return to LiveRoute and finish the login it opened, or press Connect to start again."}
	pageNoCode      = loopbackPage{"Facebook's answer is incomplete", "The address has no login code. Return to LiveRoute and press Connect to start again."}
	pageAlreadyDone = loopbackPage{"This login has already finished", "LiveRoute already received Facebook's answer. You can close this tab."}
	pageCanceled    = loopbackPage{"The login was canceled", "LiveRoute stopped waiting for this login. Return to LiveRoute and press Connect to start again."}
)

var loopbackTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:36em;margin:4em auto;line-height:1.5}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p></body></html>
`))

func renderOutcome(w http.ResponseWriter, err error) {
	switch {
	case err == nil:
		renderLoopbackPage(w, http.StatusOK, pageConnected)
	case errors.Is(err, ErrLoginDenied):
		renderLoopbackPage(w, http.StatusOK, pageDenied)
	default:
		// The person's sentence, without the wire details the log keeps.
		message, ok := LoginProblem(err)
		if !ok {
			message = err.Error()
		}
		renderLoopbackPage(w, http.StatusOK, loopbackPage{"LiveRoute could not finish connecting", message})
	}
}

func renderLoopbackPage(w http.ResponseWriter, status int, p loopbackPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = loopbackTemplate.Execute(w, p)
}
