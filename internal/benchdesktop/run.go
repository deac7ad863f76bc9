package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A run is one program measured: started in a profile of its own, left to
// settle, then sampled.
type run struct {
	Name       string   // the table's row
	Prepare    []string // run to its end in the profile first, if set
	Command    []string // the program and its arguments
	WindowName string   // a regexp of the window title xdotool looks for
	WantWindow bool     // whether the window must be on screen while measured
}

// profile is a home of a run's own: every per-user file (settings,
// database, control socket, font and preference caches) lives under dir.
type profile struct {
	dir string
	env []string
}

// newPreparedProfile makes an empty profile and runs prepare (if set)
// there to its end.
func newPreparedProfile(ctx context.Context, prepare []string) (*profile, error) {
	p, err := newProfile()
	if err != nil {
		return nil, err
	}
	if err := p.prepare(ctx, prepare); err != nil {
		p.remove()
		return nil, err
	}
	return p, nil
}

// newProfile makes an empty profile.
func newProfile() (*profile, error) {
	// Unix socket paths are limited to about 100 bytes: a short folder.
	dir, err := os.MkdirTemp("", "lrb")
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"run", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return &profile{dir: dir, env: isolatedEnv(dir)}, nil
}

func (p *profile) remove() { os.RemoveAll(p.dir) }

// prepareLimit bounds a prepare: `liveroute --demo check` takes about a
// second.
const prepareLimit = time.Minute

// prepare runs command (if any) in p to its end: `liveroute --demo check`
// connects the demo, so a desktop start that follows is a connected
// person's (a demo never connected walks the setup wizard, window and all).
func (p *profile) prepare(ctx context.Context, command []string) error {
	if len(command) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, prepareLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Env = p.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("prepare the profile with %s: %w\n%s", strings.Join(command, " "), err, out)
	}
	return nil
}

// started is a run's process, leader of its own session.
type started struct {
	profile    *profile
	ownProfile bool // made for this start alone: removed when it stops
	cmd        *exec.Cmd
	startedAt  time.Time
	log        string
	exited     chan struct{}
}

// isolatedEnv is the environment of a run whose every per-user file lives
// under dir, so no run sees another's profile, socket or preferences.
func isolatedEnv(dir string) []string {
	home := filepath.Join(dir, "home")
	env := make([]string, 0, len(os.Environ())+5)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "HOME" || strings.HasPrefix(name, "XDG_") && name != "XDG_SESSION_TYPE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR="+filepath.Join(dir, "run"),
	)
}

// start starts command in a fresh profile of its own, after prepare (if
// set) has run there to its end.
func start(ctx context.Context, prepare, command []string) (*started, error) {
	p, err := newPreparedProfile(ctx, prepare)
	if err != nil {
		return nil, err
	}
	s, err := startIn(p, command)
	if err != nil {
		p.remove()
		return nil, err
	}
	s.ownProfile = true
	return s, nil
}

// startIn starts command in profile p as the leader of a new session, so
// the session names its whole process tree.
func startIn(p *profile, command []string) (*started, error) {
	out, err := os.CreateTemp(p.dir, "output-*.log")
	if err != nil {
		return nil, err
	}
	defer out.Close()
	s := &started{profile: p, log: out.Name(), exited: make(chan struct{})}
	s.cmd = exec.Command(command[0], command[1:]...)
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = p.env, out, out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	s.startedAt = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", strings.Join(command, " "), err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	return s, nil
}

// session is the session ID of the run's tree: its leader's PID.
func (s *started) session() int { return s.cmd.Process.Pid }

// logTail is the end of what the run printed, for an error.
func (s *started) logTail() string {
	data, _ := os.ReadFile(s.log)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}

// wait waits d, failing if the run's leader exits meanwhile.
func (s *started) wait(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.exited:
		return fmt.Errorf("%s exited early (%v); its output ends:\n%s", s.cmd.Path, s.cmd.ProcessState, s.logTail())
	case <-time.After(d):
		return nil
	}
}

// stop ends every process of the tree (TERM, then KILL after grace) and
// removes the profile when it was the start's own.
func (s *started) stop(proc fs.FS, grace time.Duration) {
	if s.ownProfile {
		defer s.profile.remove()
	}
	signalTree(proc, s.session(), syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if stats, err := readStats(proc); err == nil && len(liveTree(stats, s.session())) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	signalTree(proc, s.session(), syscall.SIGKILL)
	<-s.exited
}

func signalTree(proc fs.FS, sid int, sig syscall.Signal) {
	stats, err := readStats(proc)
	if err != nil {
		return
	}
	for _, pid := range liveTree(stats, sid) {
		_ = syscall.Kill(pid, sig)
	}
}

// liveTree is the tree without its zombies (ended, not yet reaped).
func liveTree(stats map[int]procStat, sid int) []int {
	var live []int
	for _, pid := range treeOf(stats, sid) {
		if stats[pid].State != "Z" {
			live = append(live, pid)
		}
	}
	return live
}

// measure runs r: settle, then a snapshot every interval for sample.
func measure(ctx context.Context, cfg config, r run) (figures, error) {
	s, err := start(ctx, r.Prepare, r.Command)
	if err != nil {
		return figures{}, err
	}
	defer s.stop(cfg.Proc, 10*time.Second)
	if err := s.wait(ctx, cfg.Settle); err != nil {
		return figures{}, err
	}
	if err := checkWindow(ctx, r); err != nil {
		return figures{}, err
	}
	snaps, err := sampleTree(ctx, cfg, s.session())
	if err != nil {
		return figures{}, err
	}
	return summarise(snaps)
}

// sampleTree takes a snapshot of session sid's tree every interval for
// sample.
func sampleTree(ctx context.Context, cfg config, sid int) ([]snapshot, error) {
	ticker := time.NewTicker(cfg.Interval)
	defer ticker.Stop()
	begin := time.Now()
	var snaps []snapshot
	for {
		snap, err := takeSnapshot(cfg.Proc, sid, time.Now())
		if err != nil {
			return nil, err
		}
		if len(snap.Procs) == 0 {
			return nil, errors.New("every process of the run ended while it was measured")
		}
		snaps = append(snaps, snap)
		if snap.At.Sub(begin) >= cfg.Sample {
			return snaps, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ticker.C:
		}
	}
}

// checkWindow fails when the run's window is not as the run says: on
// screen for a window run, hidden for a tray run. A run measured in the
// wrong state would give figures for something else.
func checkWindow(ctx context.Context, r run) error {
	if r.WindowName == "" {
		return nil
	}
	visible, err := windowVisible(ctx, r.WindowName)
	if err != nil {
		return err
	}
	switch {
	case r.WantWindow && !visible:
		return fmt.Errorf("%s: no window named %q is on screen after the settle", r.Name, r.WindowName)
	case !r.WantWindow && visible:
		return fmt.Errorf("%s: a window named %q is on screen, but this run is the window closed to the tray", r.Name, r.WindowName)
	}
	return nil
}

// windowVisible asks xdotool whether a mapped window's title matches name.
func windowVisible(ctx context.Context, name string) (bool, error) {
	cmd := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", name)
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return strings.TrimSpace(string(out)) != "", nil
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return false, nil // xdotool's "no window found"
	default:
		return false, fmt.Errorf("xdotool search: %w (is xdotool installed and DISPLAY set? run under scripts/test-env)", err)
	}
}
