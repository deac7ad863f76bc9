// LiveRoute shares each of your Facebook live videos to every Page and
// Group of its route. This file only reads the command line and wires the
// parts together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/liveroute/liveroute/app"
	"github.com/liveroute/liveroute/app/agent"
	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/install"
	"github.com/liveroute/liveroute/app/remote"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/redirectpage"
	"github.com/liveroute/liveroute/internal/memtrim"
	"github.com/liveroute/liveroute/internal/quietlocale"
	"github.com/liveroute/liveroute/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	quietlocale.Restore() // Fyne's init has read the locale; children get the person's
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	flags := flag.NewFlagSet("liveroute", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	demo := flags.Bool("demo", false, "")
	minimised := flags.Bool("minimised", false, "")
	showVersion := flags.Bool("version", false, "")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Print(control.Usage())
			return 0
		}
		fmt.Fprintf(os.Stderr, "liveroute: %v\n\n%s", err, control.Usage())
		return 2
	}
	if *showVersion {
		fmt.Println("LiveRoute", version)
		return 0
	}
	profile := ""
	if *demo {
		profile = store.DemoProfile
	}
	paths, err := store.DefaultPaths(profile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "liveroute:", err)
		return 1
	}

	rest := flags.Args()
	switch {
	// relay-page is the name people know; redirect-page says the same
	// without borrowing the engine's name.
	case len(rest) > 0 && (rest[0] == "relay-page" || rest[0] == "redirect-page"):
		if err := redirectpage.Write(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "liveroute:", err)
			return 1
		}
		return 0
	case len(rest) > 0 && rest[0] == windowCommand:
		return runWindow(paths, *demo, rest[1:])
	case control.IsCommand(rest):
		return runCLI(rest, paths, *demo)
	case len(rest) > 0:
		fmt.Fprintf(os.Stderr, "liveroute: unknown command %q\n\n%s", rest[0], control.Usage())
		return 2
	}
	return runGUI(paths, *demo, *minimised)
}

// runGUI starts LiveRoute for a person at their desktop: the agent —
// engine, control socket, tray and notifications, with no GL — and the
// window as a second process on demand (see app/agent).
func runGUI(paths store.Paths, demo, minimised bool) int {
	logger, closeLog, err := service.NewLogger(paths, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "liveroute:", err)
		return 1
	}
	defer closeLog()
	slog.SetDefault(logger)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	// The control socket first: a second start shows the first window
	// instead of waiting on the database lock.
	srv, err := control.Acquire(ctx, paths)
	if errors.Is(err, control.ErrAlreadyRunning) {
		fmt.Println("LiveRoute is already running; its window was brought to the front.")
		return 0
	}
	if err != nil {
		logger.Error("start the control socket", "err", err)
		return 1
	}
	defer srv.Close()

	// The demo's first start at the desktop walks the setup wizard, as a
	// real first start does.
	svc, err := service.Open(ctx, service.Options{Paths: paths, Demo: demo, DemoSetup: demo, Logger: logger})
	if err != nil {
		logger.Error("open LiveRoute", "err", err)
		fmt.Fprintln(os.Stderr, "liveroute:", err)
		return 1
	}
	defer svc.Close()
	// The keychain is checked once: the tray and the window show its
	// problem until LiveRoute is restarted, as its sentence asks.
	problem := svc.KeychainProblem()
	if problem != nil {
		logger.Error("the keychain does not work", "err", problem)
	}

	windows := remote.NewServer(keychainAtStart{Service: svc, problem: problem})
	launch := windowLauncher(demo, logger)
	supervisor := agent.NewSupervisor(ctx, func(ctx context.Context, what string) (agent.Process, error) {
		windows.ForgetMissedShow() // the new window opens what
		return launch(ctx, what)
	}, windows.Show, logger)
	defer supervisor.Wait() // after cancel: the window ends with the agent
	notifier, err := agent.NewSessionNotifier()
	if err != nil {
		logger.Warn("notifications will only be logged", "err", err)
	} else {
		defer notifier.Close()
	}
	var atStart []agent.Note
	if rec := svc.DB.Recovered(); rec != nil {
		// A damaged database was set aside at start: say it at once (the
		// window's Activity tab holds the sentence too).
		atStart = append(atStart, agent.Note{Title: "LiveRoute recovered its database", Body: rec.Error()})
	}
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	// Idle in the tray costs what the engine uses, not what the start and
	// the window's visits left mapped.
	trimmer := memtrim.New(logger)
	go trimmer.Run(ctx)
	ag := agent.New(agent.Options{Service: svc, Notifier: notifier, Windows: supervisor,
		TrayHost: app.TrayHostPresent, Tick: tick.C, AtStart: atStart, KeychainProblem: problem,
		WindowEnded: trimmer.Soon, Logger: logger})

	backend := svc.ControlBackend(func() error { ag.Open(agent.ShowMain); return nil })
	backend.Session = supervisor.Sessions(windows.Serve)
	go srv.Serve(ctx, backend)
	go svc.LogEvents(ctx)
	if err := svc.Start(ctx); err != nil {
		logger.Error("start the engine", "err", err)
	}
	bus := app.SessionBusReachable()
	if openWindowAtStart(svc, minimised, bus && app.TrayHostPresent()) {
		ag.Open(agent.ShowMain)
	}
	if bus {
		agent.RunSystemTray(func(tray agent.Tray) { ag.Run(ctx, tray) })
	} else {
		ag.Run(ctx, nil)
	}
	// Stop answering the command line before the database closes.
	cancel()
	srv.Close()
	return 0
}

// keychainAtStart is the agent's service as the window sees it: the
// keychain's problem is the one found at start, not a new probe secret
// written for each window.
type keychainAtStart struct {
	*service.Service
	problem error
}

func (k keychainAtStart) KeychainProblem() error { return k.problem }

var _ remote.KeychainChecker = keychainAtStart{}

// openWindowAtStart: a plain start opens the window; --minimised and the
// "start minimised" setting do not, unless the window is the only way in
// (no tray host), there is nothing connected yet (the setup comes first)
// or the database was recovered (the window says what happened).
func openWindowAtStart(svc *service.Service, minimised, trayShown bool) bool {
	if settings, err := svc.DB.Settings(); err == nil && settings.StartMinimised {
		minimised = true
	}
	_, connected, err := svc.DB.Account()
	switch {
	case !minimised, !trayShown, err == nil && !connected, svc.DB.Recovered() != nil:
		return true
	}
	return false
}

// windowLauncher starts the window process: this binary again, with the
// same profile (the environment and --demo), as `liveroute window`. Its
// output goes to the agent's log.
func windowLauncher(demo bool, logger *slog.Logger) agent.Launch {
	return func(ctx context.Context, what string) (agent.Process, error) {
		exe, err := ownProgram()
		if err != nil {
			return nil, fmt.Errorf("find LiveRoute's own program to open the window: %w", err)
		}
		args := []string{}
		if demo {
			args = append(args, "--demo")
		}
		args = append(args, windowCommand)
		if what != "" {
			args = append(args, "--open", what)
		}
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Args[0] = os.Args[0] // what ps shows, not /proc/self/exe
		// Quitting asks the window to close; a window that does not within
		// a few seconds is ended.
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
		cmd.WaitDelay = 5 * time.Second
		out := agent.LogWriter(logger.With("process", "window"))
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start the window process: %w", err)
		}
		return cmd, nil
	}
}

// ownProgram is the program the window process runs: the agent's own.
// On Linux that is /proc/self/exe, which still runs this build after an
// upgrade replaced the file on disk; the new build's window would not
// speak to this agent, and the person would click "Open LiveRoute" and
// see nothing.
func ownProgram() (string, error) {
	const self = "/proc/self/exe"
	if runtime.GOOS == "linux" {
		if _, err := os.Stat(self); err == nil {
			return self, nil
		}
	}
	return os.Executable()
}

// windowCommand is the hidden sub-command of the window process.
const windowCommand = "window"

// runWindow is the window process: the Fyne window, talking to the agent
// over the control socket. It ends when the window is closed or the
// agent quits; it never notifies and shows no tray (the agent does).
func runWindow(paths store.Paths, demo bool, args []string) int {
	flags := flag.NewFlagSet(windowCommand, flag.ContinueOnError)
	open := flags.String("open", "", "")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	// The agent writes this process's output to its log, with its own
	// time on each line.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}}))
	slog.SetDefault(logger)
	if err := nameProcess(); err != nil {
		logger.Info("name the window process in process lists", "err", err)
	}
	// go build embeds no FyneApp.toml: name the app.
	fyneapp.SetMetadata(fyne.AppMetadata{ID: "com.liveroute.app", Name: "LiveRoute", Version: version, Icon: assets.WindowIcon})
	fy := fyneapp.NewWithID("com.liveroute.app")
	// The fonts load while this process reaches the agent and builds the
	// window: the open is the time the person waits.
	fontsWarm := app.WarmFonts()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	client, err := remote.Dial(ctx, paths)
	if err != nil {
		fontsWarm()
		fmt.Fprintln(os.Stderr, "liveroute: the window opens from a running LiveRoute; start it with `liveroute`:", err)
		return 1
	}
	defer client.Close()
	var autostart app.Autostart
	if !demo { // the demo profile must never start at login
		if exe, err := os.Executable(); err == nil {
			autostart = app.InstallAutostart(install.Options{Binary: exe})
		}
	}
	exit := func() {
		// Closed (or told to end): leave at once, with a clean status the
		// agent reads as "closed by the person".
		client.Close()
		os.Exit(0)
	}
	gui := app.New(app.Options{App: fy, FontsWarm: fontsWarm, Service: client, NoTray: true, NoNotifications: true,
		Problem: client.KeychainProblem(), Logger: logger, Autostart: autostart, Exit: exit})
	go gui.Watch(ctx)
	fy.Lifecycle().SetOnStarted(func() {
		if *open == agent.ShowReconnect {
			gui.ShowReconnect()
		}
	})
	go followAgent(ctx, client, gui)
	gui.ShowAndRun(false)
	return 0
}

// followAgent brings the window's views forward as the agent asks and
// closes the window when the agent quits or a signal ends this process.
func followAgent(ctx context.Context, client *remote.Client, gui *app.GUI) {
	for {
		select {
		case what := <-client.ShowRequests():
			if what == agent.ShowReconnect {
				gui.ShowReconnect()
			} else {
				gui.Show()
			}
		case <-client.Done():
			gui.Quit()
			return
		case <-ctx.Done():
			gui.Quit()
			return
		}
	}
}

// runCLI runs one command against the running app or, when it is not
// running, directly on the database.
func runCLI(args []string, paths store.Paths, demo bool) int {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	env := control.CLIEnv{
		Paths: paths,
		Install: install.Options{Binary: exe, Icon: assets.IconPNG(),
			PurgeDirs:    []string{paths.Data, paths.State, paths.Runtime},
			PurgeSecrets: func() error { return service.PurgeSecrets(paths) }},
		Connect: func(ctx context.Context, db *store.DB, req control.ConnectRequest) (store.Account, error) {
			return connectFromCLI(ctx, paths, db, demo, req)
		},
		// A stopped app answers through the same use cases as a running
		// one: a service opened on its database, the engine not started.
		OpenApp: func(ctx context.Context, db *store.DB) (control.App, func() error, error) {
			svc, err := service.Open(ctx, service.Options{Paths: paths, DB: db, Demo: demo})
			if err != nil {
				return nil, nil, err
			}
			return svc.ControlApp(), svc.Close, nil
		},
		RunHeadless: func(ctx context.Context, srv *control.Server, stdout, stderr io.Writer) error {
			return runHeadless(ctx, srv, paths, demo, stderr)
		},
	}
	return control.RunCLI(ctx, args, env, os.Stdin, os.Stdout, os.Stderr)
}

// connectFromCLI runs `liveroute connect` on the stopped app's database.
func connectFromCLI(ctx context.Context, paths store.Paths, db *store.DB, demo bool, req control.ConnectRequest) (store.Account, error) {
	svc, err := service.Open(ctx, service.Options{Paths: paths, DB: db, Demo: demo})
	if err != nil {
		return store.Account{}, err
	}
	defer svc.Close()
	var paste func(context.Context, string, error) (string, error)
	if req.Paste != nil {
		// One paste per command: a wrong one ends it with the reason.
		paste = func(ctx context.Context, loginURL string, problem error) (string, error) {
			if problem != nil {
				return "", problem
			}
			return req.Paste(ctx, loginURL)
		}
	}
	onLoginURL := func(_, hint string) { fmt.Fprintf(os.Stderr, "%s\n", fbclient.InTerminalWords(hint)) }
	if req.Via != store.TransportPaste {
		onLoginURL = func(loginURL, hint string) {
			fmt.Fprintf(os.Stderr, "Opening Facebook's login in your browser. If it does not open, open this address:\n\n  %s\n\n%s\nWaiting for Facebook (5 minutes at most)…\n", loginURL, fbclient.InTerminalWords(hint))
		}
	}
	_, err = svc.Connect(ctx, service.ConnectRequest{AppID: req.AppID, ConfigID: req.ConfigID, Secret: req.Secret,
		Transport: req.Via, RelayURL: req.RedirectPageURL, Port: req.Port, PKCE: req.PKCE, Paste: paste, OnLoginURL: onLoginURL})
	if err != nil {
		return store.Account{}, err
	}
	acct, _, err := db.Account()
	return acct, err
}

// runHeadless runs the engine with no window, for an always-on machine,
// logging to stderr and the log file.
func runHeadless(ctx context.Context, srv *control.Server, paths store.Paths, demo bool, stderr io.Writer) error {
	logger, closeLog, err := service.NewLogger(paths, stderr)
	if err != nil {
		return err
	}
	defer closeLog()
	svc, err := service.Open(ctx, service.Options{Paths: paths, Demo: demo, Logger: logger})
	if err != nil {
		return err
	}
	defer svc.Close()
	go svc.LogEvents(ctx)
	if err := svc.Start(ctx); err != nil {
		return err
	}
	logger.Info("LiveRoute is running headless", "version", version)
	trimCtx, stopTrims := context.WithCancel(ctx)
	defer stopTrims()
	go memtrim.New(logger).Run(trimCtx)
	return srv.Serve(ctx, svc.ControlBackend(nil))
}
