package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// openTimer measures "Open LiveRoute": with LiveRoute running in the tray,
// a second start asks it to show its window; the time runs from that start
// to the window mapped on the display.
type openTimer struct {
	Prepare    []string // run once in the profile before the first start
	Tray       []string // starts LiveRoute in the tray
	Open       []string // the second start
	WindowName string
}

// timeOpen measures cfg.OpenRuns opens, each in a LiveRoute started anew.
func (o openTimer) timeOpen(ctx context.Context, cfg config) ([]time.Duration, error) {
	return timeWarm(ctx, cfg.OpenRuns, o.Prepare, func(p *profile) (time.Duration, error) { return o.timeOne(ctx, cfg, p) })
}

// timeWarm times runs measures in one profile, after one that is not kept:
// a fresh profile has cold caches (Fyne's scan of the system fonts, for
// one) that a person's has not.
func timeWarm(ctx context.Context, runs int, prepare []string, measure func(*profile) (time.Duration, error)) ([]time.Duration, error) {
	p, err := newPreparedProfile(ctx, prepare)
	if err != nil {
		return nil, err
	}
	defer p.remove()
	var times []time.Duration
	for i := range runs + 1 {
		d, err := measure(p)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			times = append(times, d)
		}
	}
	return times, nil
}

func (o openTimer) timeOne(ctx context.Context, cfg config, p *profile) (time.Duration, error) {
	s, err := startIn(p, o.Tray)
	if err != nil {
		return 0, err
	}
	defer s.stop(cfg.Proc, 10*time.Second)
	if err := waitForSocket(ctx, s, 30*time.Second); err != nil {
		return 0, err
	}
	// The socket comes first at start: let the rest of the start finish,
	// as it has when the person clicks "Open LiveRoute" later in the day.
	if err := s.wait(ctx, cfg.OpenSettle); err != nil {
		return 0, err
	}
	visible, err := windowVisible(ctx, o.WindowName)
	if err != nil {
		return 0, err
	}
	if visible {
		return 0, errors.New("the window is on screen before it was asked for: the tray start did not stay in the tray")
	}
	out, err := os.CreateTemp(p.dir, "second-*.log")
	if err != nil {
		return 0, err
	}
	defer out.Close()
	secondLog := out.Name()
	second := exec.Command(o.Open[0], o.Open[1:]...)
	second.Env, second.Stdout, second.Stderr = p.env, out, out
	second.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	begin := time.Now()
	if err := second.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", strings.Join(o.Open, " "), err)
	}
	defer endSecond(cfg.Proc, second)
	// Whether the second start exits once it has asked (one process) or
	// stays as the window (an agent and a window process) is the design's
	// choice: only the window on screen is timed.
	d, err := waitVisible(ctx, o.WindowName, begin, cfg.Poll, 30*time.Second)
	if err != nil {
		printed, _ := os.ReadFile(secondLog)
		return 0, fmt.Errorf("%w; the second start printed:\n%s", err, printed)
	}
	return d, nil
}

// timeColdStarts measures cfg.OpenRuns cold starts of command, each from
// its start to its window on screen: a bare Fyne app's is the baseline an
// open is compared with, measured under the same load.
func timeColdStarts(ctx context.Context, cfg config, command []string, windowName string) ([]time.Duration, error) {
	return timeWarm(ctx, cfg.OpenRuns, nil, func(p *profile) (time.Duration, error) {
		return timeColdStart(ctx, cfg, p, command, windowName)
	})
}

func timeColdStart(ctx context.Context, cfg config, p *profile, command []string, windowName string) (time.Duration, error) {
	begin := time.Now()
	s, err := startIn(p, command)
	if err != nil {
		return 0, err
	}
	defer s.stop(cfg.Proc, 10*time.Second)
	d, err := waitVisible(ctx, windowName, begin, cfg.Poll, 30*time.Second)
	if err != nil {
		return 0, fmt.Errorf("%w; it printed:\n%s", err, s.logTail())
	}
	return d, nil
}

// waitForSocket waits until the run has made a Unix socket in its runtime
// folder: the control socket a second start talks to. One left by an
// earlier start in the same profile does not count.
func waitForSocket(ctx context.Context, s *started, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		found := false
		_ = filepath.WalkDir(filepath.Join(s.profile.dir, "run"), func(_ string, d fs.DirEntry, err error) error {
			if err != nil || d.Type()&fs.ModeSocket == 0 {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(s.startedAt) {
				found = true
			}
			return nil
		})
		if found {
			return nil
		}
		if err := s.wait(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("no control socket after %v; the output ends:\n%s", limit, s.logTail())
}

// waitVisible polls xdotool every poll until the window is on screen.
// xdotool's own --sync polls every half second, too coarse for a time
// that should be well under one.
func waitVisible(ctx context.Context, name string, begin time.Time, poll, limit time.Duration) (time.Duration, error) {
	for time.Since(begin) < limit {
		visible, err := windowVisible(ctx, name)
		if err != nil {
			return 0, err
		}
		if visible {
			return time.Since(begin), nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(poll):
		}
	}
	return 0, fmt.Errorf("no window named %q on screen %v after the second start", name, limit)
}

// endSecond ends whatever the second start left running.
func endSecond(proc fs.FS, cmd *exec.Cmd) {
	signalTree(proc, cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
}

// median of durations (the mean of the middle two for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}
