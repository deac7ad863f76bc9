package agent

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
)

// fakeProcess is a window process the test ends.
type fakeProcess struct{ end chan error }

func (p *fakeProcess) Wait() error { return <-p.end }

// launcher starts fake window processes and remembers each.
type launcher struct {
	mu       sync.Mutex
	started  []string // what each process was asked to open
	procs    []*fakeProcess
	fail     error
	launched chan struct{} // one value per process started
}

func (l *launcher) launch(ctx context.Context, what string) (Process, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return nil, l.fail
	}
	p := &fakeProcess{end: make(chan error, 1)}
	context.AfterFunc(ctx, func() { p.end <- errors.New("signal: interrupt") })
	l.started = append(l.started, what)
	l.procs = append(l.procs, p)
	l.launched <- struct{}{}
	return p, nil
}

func (l *launcher) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.started)
}

// newTestSupervisor supervises fake windows; shows records Show calls.
func newTestSupervisor(t *testing.T) (*Supervisor, *launcher, *[]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &launcher{launched: make(chan struct{}, 8)}
	var shows []string
	s := NewSupervisor(ctx, l.launch, func(what string) { shows = append(shows, what) }, quietLogger())
	t.Cleanup(func() { cancel(); s.Wait() })
	return s, l, &shows
}

func TestASecondOpenGoesToTheRunningWindow(t *testing.T) {
	s, l, shows := newTestSupervisor(t)
	s.Open(ShowReconnect)
	s.Open(ShowMain)
	s.Open(ShowReconnect)
	if l.count() != 1 || l.started[0] != ShowReconnect {
		t.Errorf("window processes started: %q, want one opening the reconnect wizard", l.started)
	}
	if len(*shows) != 2 || (*shows)[0] != ShowMain || (*shows)[1] != ShowReconnect {
		t.Errorf("asked the running window to show %q", *shows)
	}
}

func TestAClosedWindowIsReportedAndOpensAgain(t *testing.T) {
	s, l, _ := newTestSupervisor(t)
	s.Open(ShowMain)
	l.procs[0].end <- nil
	if exit := <-s.Exits(); exit.Err != nil {
		t.Errorf("a window closed by the person reported %v", exit.Err)
	}
	if s.Running() {
		t.Error("the supervisor still counts the closed window")
	}
	s.Open(ShowMain)
	if l.count() != 2 {
		t.Errorf("%d window processes after reopening, want 2", l.count())
	}
}

func TestACrashedWindowIsReportedAsSuch(t *testing.T) {
	s, l, _ := newTestSupervisor(t)
	s.Open(ShowMain)
	l.procs[0].end <- errKilled
	if exit := <-s.Exits(); !errors.Is(exit.Err, errKilled) {
		t.Errorf("crash reported as %v", exit.Err)
	}
}

func TestAWindowThatCannotStartLeavesTheAgentRunning(t *testing.T) {
	s, l, _ := newTestSupervisor(t)
	l.fail = errors.New("exec: no such file")
	s.Open(ShowMain)
	if s.Running() {
		t.Error("a window that could not start counts as running")
	}
	l.fail = nil
	s.Open(ShowMain)
	if !s.Running() || l.count() != 1 {
		t.Error("the next Open did not start a window")
	}
}

func TestQuittingEndsTheWindowAndReportsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l := &launcher{launched: make(chan struct{}, 8)}
	s := NewSupervisor(ctx, l.launch, func(string) {}, quietLogger())
	s.Open(ShowMain)
	cancel()
	s.Wait() // returns only once the window process ended
	select {
	case exit := <-s.Exits():
		t.Errorf("quitting reported a window exit: %+v", exit)
	default:
	}
	s.Open(ShowMain)
	if l.count() != 1 {
		t.Error("a window was started while quitting")
	}
}

func TestAnOpenWhileTheWindowClosesOpensANewOne(t *testing.T) {
	s, l, shows := newTestSupervisor(t)
	session := make(chan struct{})
	serve := s.Sessions(func(context.Context, net.Conn) error { <-session; return nil })
	s.Open(ShowMain)
	served := make(chan struct{})
	go func() { defer close(served); serve(context.Background(), nil) }()
	close(session) // the person closed the window: its session ends first
	<-served
	s.Open(ShowReconnect) // before the process has exited
	if len(*shows) != 0 {
		t.Errorf("asked the closing window to show %q", *shows)
	}
	<-l.launched
	l.procs[0].end <- nil
	<-l.launched
	if l.count() != 2 || l.started[1] != ShowReconnect {
		t.Errorf("window processes started: %q, want a second one at the reconnect wizard", l.started)
	}
}

func TestAnOldWindowsLateSessionEndDoesNotHideTheNewWindow(t *testing.T) {
	s, l, shows := newTestSupervisor(t)
	session, attached := make(chan struct{}), make(chan struct{})
	serve := s.Sessions(func(context.Context, net.Conn) error { close(attached); <-session; return nil })
	s.Open(ShowMain)
	<-l.launched
	served := make(chan struct{})
	go func() { defer close(served); serve(context.Background(), nil) }()
	<-attached
	// The first window's process ends before its session is seen to end
	// (a call still in flight), and the person opens the window again.
	l.procs[0].end <- nil
	<-s.Exits()
	s.Open(ShowMain)
	<-l.launched
	close(session)
	<-served
	s.Open(ShowReconnect)
	if l.count() != 2 || len(*shows) != 1 || (*shows)[0] != ShowReconnect {
		t.Errorf("windows started %q, shown %q: want the second window asked to show the reconnect wizard", l.started, *shows)
	}
}
