// Command benchdesktop measures what LiveRoute costs on a desktop (issue
// #14): memory, CPU and wake-ups of its whole process tree with the window
// closed to the tray and with it open, against two baselines measured in
// the same run — A, a bare Fyne window with a tray menu, and B, the same
// engine in `run --headless` — and the time from "Open LiveRoute" to the
// window on screen. It prints a markdown table with the ratios and a PASS
// or FAIL line for each of the targets.
//
// Run it with scripts/bench-desktop (or `make bench`), which provides the
// X display and the private D-Bus session it needs. Settings, from the
// environment:
//
//	SETTLE=20            seconds each run is left alone before it is measured
//	SAMPLE=60            seconds it is measured, one snapshot a second
//	OPEN_RUNS=5          how many "Open LiveRoute" are timed (the median is kept)
//	OPEN_SETTLE=3        seconds LiveRoute sits in the tray before each
//	LIVEROUTE_BIN=…      measure this binary instead of building the repository's
//	BENCH_DESKTOP_OUT=…  where the table is written (bench-desktop.md)
//	BENCH_STRICT=1       exit 1 when a target fails (default: report only)
//
// Linux only: it reads /proc.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is one benchmark run's settings.
type config struct {
	Proc       fs.FS // /proc
	Settle     time.Duration
	Sample     time.Duration
	Interval   time.Duration // between snapshots
	OpenRuns   int
	OpenSettle time.Duration
	Poll       time.Duration // between two looks for the window
	Out        string
	LiveRoute  string // binary; empty: build it
	Strict     bool
}

// The demo's window title (app/gui.go); the demo runs against the built-in
// fake Facebook, so the measured engine polls as it would for real.
const demoWindow = `^LiveRoute \(demo\)$`

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := exitCode(ctx)
	cancel()
	os.Exit(code)
}

func exitCode(ctx context.Context) int {
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-desktop:", err)
		return 2
	}
	r, err := benchmark(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-desktop:", err)
		return 1
	}
	report := markdown(r)
	fmt.Print(report)
	if err := os.WriteFile(cfg.Out, []byte(report), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bench-desktop:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "\nbench-desktop: the table is in %s\n", cfg.Out)
	if cfg.Strict {
		for _, v := range verdicts(r) {
			if !v.Pass {
				return 1
			}
		}
	}
	return 0
}

// configFromEnv reads the settings; getenv is os.Getenv.
func configFromEnv(getenv func(string) string) (config, error) {
	cfg := config{Proc: os.DirFS("/proc"), Interval: time.Second, Poll: 20 * time.Millisecond,
		Out: "bench-desktop.md", LiveRoute: getenv("LIVEROUTE_BIN"), Strict: getenv("BENCH_STRICT") == "1"}
	if out := getenv("BENCH_DESKTOP_OUT"); out != "" {
		cfg.Out = out
	}
	var errs []error
	seconds := func(name string, def float64) time.Duration {
		s, err := number(getenv(name), def)
		if err != nil || s < 0 {
			errs = append(errs, fmt.Errorf("%s=%q: give a number of seconds, such as %s=%g", name, getenv(name), name, def))
		}
		return time.Duration(s * float64(time.Second))
	}
	cfg.Settle = seconds("SETTLE", 20)
	cfg.Sample = seconds("SAMPLE", 60)
	cfg.OpenSettle = seconds("OPEN_SETTLE", 3)
	runs, err := number(getenv("OPEN_RUNS"), 5)
	if err != nil || runs < 0 || runs != float64(int(runs)) {
		errs = append(errs, fmt.Errorf("OPEN_RUNS=%q: give a whole number of runs, such as OPEN_RUNS=5", getenv("OPEN_RUNS")))
	}
	cfg.OpenRuns = int(runs)
	if cfg.Sample < 2*cfg.Interval && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("SAMPLE=%q is too short: give at least 2 seconds", getenv("SAMPLE")))
	}
	return cfg, errors.Join(errs...)
}

// number parses a count of seconds ("20", "0.5", "20s"); empty is def.
func number(s string, def float64) (float64, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "s")
	if s == "" {
		return def, nil
	}
	return strconv.ParseFloat(s, 64)
}

// benchmark builds what it needs and measures the four runs and the opens.
func benchmark(ctx context.Context, cfg config) (results, error) {
	bin, err := os.MkdirTemp("", "lrbench-bin")
	if err != nil {
		return results{}, err
	}
	defer os.RemoveAll(bin)
	bare := filepath.Join(bin, "barefyne")
	if err := goBuild(ctx, bare, "./internal/benchapps/barefyne"); err != nil {
		return results{}, err
	}
	lr := cfg.LiveRoute
	if lr == "" {
		lr = filepath.Join(bin, "liveroute")
		if err := goBuild(ctx, lr, "."); err != nil {
			return results{}, err
		}
	}
	stopTray, err := startTrayHost()
	if err != nil {
		return results{}, err
	}
	defer stopTray()
	loadBefore := loadAverage()
	connectDemo := []string{lr, "--demo", "check"}
	runs := []run{
		{Name: "A: bare Fyne 2.7.1 window + tray menu", Command: []string{bare}, WindowName: `^Bare Fyne window$`, WantWindow: true},
		{Name: "B: `liveroute --demo run --headless`", Command: []string{lr, "--demo", "run", "--headless"}},
		{Name: "LiveRoute, window closed (`--demo --minimised`)", Prepare: connectDemo, Command: []string{lr, "--demo", "--minimised"}, WindowName: demoWindow},
		{Name: "LiveRoute, window open (`--demo`)", Prepare: connectDemo, Command: []string{lr, "--demo"}, WindowName: demoWindow, WantWindow: true},
	}
	rows := make([]row, len(runs))
	for i, r := range runs {
		fmt.Fprintf(os.Stderr, "bench-desktop: %s: %v settle, %v sample…\n", r.Name, cfg.Settle, cfg.Sample)
		f, err := measure(ctx, cfg, r)
		if err != nil {
			return results{}, fmt.Errorf("%s: %w", r.Name, err)
		}
		rows[i] = row{Name: r.Name, figures: f}
	}
	fmt.Fprintf(os.Stderr, "bench-desktop: timing %d opens and %d starts of A…\n", cfg.OpenRuns, cfg.OpenRuns)
	opener := openTimer{Prepare: connectDemo, Tray: []string{lr, "--demo", "--minimised"}, Open: []string{lr, "--demo"}, WindowName: demoWindow}
	opens, err := opener.timeOpen(ctx, cfg)
	if err != nil {
		return results{}, fmt.Errorf("timing \"Open LiveRoute\": %w", err)
	}
	bareStarts, err := timeColdStarts(ctx, cfg, runs[0].Command, runs[0].WindowName)
	if err != nil {
		return results{}, fmt.Errorf("timing the bare Fyne window's start: %w", err)
	}
	setting := fmt.Sprintf("Measured %s on %s (%d CPUs, load %s before, %s after), under Xvfb with a private D-Bus and a tray host; "+
		"each run settled %v, then sampled every %v for %v.",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), kernel(), runtime.NumCPU(), loadBefore, loadAverage(),
		cfg.Settle, cfg.Interval, cfg.Sample)
	return results{Context: setting, Bare: rows[0], Headless: rows[1], Tray: rows[2], Window: rows[3], Opens: opens, BareStarts: bareStarts}, nil
}

func goBuild(ctx context.Context, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}

// loadAverage is the one-minute load: other work on the machine shows
// in wake-ups and in the open time, less in CPU time.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(data))[0]
}

func kernel() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "Linux"
	}
	return "Linux " + strings.TrimSpace(string(data))
}
