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
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/liveroute/liveroute/app"
	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/install"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/assets"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/redirectpage"
	"github.com/liveroute/liveroute/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() { os.Exit(run(os.Args[1:])) }

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
	case control.IsCommand(rest):
		return runCLI(rest, paths, *demo)
	case len(rest) > 0:
		fmt.Fprintf(os.Stderr, "liveroute: unknown command %q\n\n%s", rest[0], control.Usage())
		return 2
	}
	return runGUI(paths, *demo, *minimised)
}

// runGUI starts the app with its window and tray.
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

	svc, err := service.Open(ctx, service.Options{Paths: paths, Demo: demo, Logger: logger})
	if err != nil {
		logger.Error("open LiveRoute", "err", err)
		fmt.Fprintln(os.Stderr, "liveroute:", err)
		return 1
	}
	defer svc.Close()

	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	var autostart app.Autostart
	if !demo { // the demo profile must never start at login
		autostart = app.InstallAutostart(install.Options{Binary: exe})
	}
	// go build embeds no FyneApp.toml: name the app, so notifications come
	// from "LiveRoute", not from its ID.
	fyneapp.SetMetadata(fyne.AppMetadata{ID: "com.liveroute.app", Name: "LiveRoute", Version: version, Icon: assets.Icon})
	fy := fyneapp.NewWithID("com.liveroute.app")
	problem := svc.KeychainProblem()
	if problem != nil {
		logger.Error("the keychain does not work", "err", problem)
	}
	gui := app.New(app.Options{App: fy, Engine: svc.Engine, Service: svc, DB: svc.DB,
		TrayHost: app.TrayHostPresent, NoTray: !app.SessionBusReachable(), Demo: demo, Logger: logger, Autostart: autostart, Problem: problem})

	go srv.Serve(ctx, svc.ControlBackend(func() error { gui.Show(); return nil }))
	go gui.Watch(ctx)
	go svc.LogEvents(ctx)
	if err := svc.Start(ctx); err != nil {
		logger.Error("start the engine", "err", err)
	}
	go func() { <-ctx.Done(); gui.Quit() }()
	if settings, err := svc.DB.Settings(); err == nil && settings.StartMinimised {
		minimised = true
	}
	if rec := svc.DB.Recovered(); rec != nil {
		// A damaged database was set aside at start: open the window (its
		// Activity tab holds the sentence too) and say it at once.
		minimised = false
		go fyne.Do(func() { fy.SendNotification(fyne.NewNotification("LiveRoute recovered its database", rec.Error())) })
	}
	gui.ShowAndRun(minimised)
	// Stop answering the command line before the database closes.
	cancel()
	srv.Close()
	return 0
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
	return srv.Serve(ctx, svc.ControlBackend(nil))
}
