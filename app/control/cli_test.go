package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/install"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// harness runs the CLI against a real database in a temporary profile,
// either through a running instance (a real control socket served by an
// in-process Backend) or, stopped, directly on the database.
type harness struct {
	t      *testing.T
	paths  store.Paths
	env    CLIEnv
	engine *fakeEngine
	db     *store.DB // the running instance's; nil when stopped
	added  []string  // refs given to AddPage
	// stoppedCheck answers `check` on a stopped app (service.CheckSetup).
	stoppedCheck func(ctx context.Context, db *store.DB) (Health, error)
	later        atomic.Int64 // seconds the database's clock is past testNow
	cancel       context.CancelFunc
	serving      chan error
}

// dbOptions dates records at testNow moved on by the seconds in
// later (atomic: the served instance reads it from its own goroutines).
func dbOptions(later *atomic.Int64) store.Options {
	n := 0
	return store.Options{
		Now:   func() time.Time { return testNow.Add(time.Duration(later.Load()) * time.Second) },
		NewID: func() string { n++; return "route" + string(rune('0'+n)) },
	}
}

func newHarness(t *testing.T, running bool) *harness {
	t.Helper()
	h := &harness{t: t, paths: testPaths(t), engine: &fakeEngine{now: func() time.Time { return testNow }}}
	opts := dbOptions(&h.later) // one ID sequence and clock across the harness's opens
	h.env = CLIEnv{
		Paths:  h.paths,
		OpenDB: func(path string) (*store.DB, error) { return store.Open(path, opts) },
		// A stopped app's use cases run on its file, as the service's do.
		OpenApp: func(_ context.Context, db *store.DB) (App, func() error, error) {
			return &fakeEngine{now: func() time.Time { return testNow }, db: db, addPage: h.addPage, checkSetup: h.checkSetup},
				func() error { return nil }, nil
		},
	}
	h.engine.addPage = h.addPage
	if running {
		h.start()
	}
	return h
}

// checkSetup stands in for service.CheckSetup, the check of a stopped
// app; tests set h.stoppedCheck.
func (h *harness) checkSetup(ctx context.Context, db *store.DB) (Health, error) {
	if h.stoppedCheck == nil {
		return Health{}, errNeedsApp
	}
	return h.stoppedCheck(ctx, db)
}

// addPage stands in for the Graph lookup of a Page: it stores a Page
// named after its ref.
func (h *harness) addPage(db *store.DB, ref string) (store.Destination, error) {
	h.added = append(h.added, ref)
	d := store.Destination{ID: ref, Name: "Page " + ref, Kind: store.KindPage}
	return d, db.PutDestination(d)
}

func (h *harness) start() {
	t := h.t
	db, err := h.env.OpenDB(h.paths.DatabaseFile())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Listen(h.paths)
	if err != nil {
		t.Fatal(err)
	}
	h.db = db
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.serving = cancel, make(chan error, 1)
	h.engine.mu.Lock()
	h.engine.db = db
	h.engine.mu.Unlock()
	b := Backend{DB: db, Engine: h.engine, App: h.engine}
	go func() { h.serving <- srv.Serve(ctx, b) }()
	t.Cleanup(h.stop)
}

func (h *harness) stop() {
	if h.db == nil {
		return
	}
	h.cancel()
	if err := <-h.serving; err != nil {
		h.t.Errorf("Serve: %v", err)
	}
	h.db.Close()
	h.db = nil
}

// seed stores an account, two Pages and a Group.
func (h *harness) seed() {
	h.withDB(func(db *store.DB) {
		must(h.t, db.PutAccount(store.Account{UserID: "100", Name: "Ana Lima", AppID: "4242", ExpiresAt: testNow.Add(60 * 24 * time.Hour)}))
		must(h.t, db.PutDestination(store.Destination{ID: "200", Name: "Choir", Kind: store.KindPage}))
		must(h.t, db.PutDestination(store.Destination{ID: "300", Name: "Parish", Kind: store.KindPage, Status: store.StatusRoleLost}))
		must(h.t, db.PutDestination(store.Destination{ID: "400", Name: "Friends", Kind: store.KindGroup}))
		must(h.t, db.AddActivity(store.Activity{Kind: "share", Message: "Shared “Sunday mass” to Choir", RouteID: "route1", VideoID: "900", DestinationID: "200"}))
	})
}

// withDB runs fn on the instance's database, or opens the stopped one.
func (h *harness) withDB(fn func(db *store.DB)) {
	if h.db != nil {
		fn(h.db)
		return
	}
	db, err := h.env.OpenDB(h.paths.DatabaseFile())
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	fn(db)
}

func (h *harness) run(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := RunCLI(context.Background(), args, h.env, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// ok runs a command that must succeed and returns its stdout.
func (h *harness) ok(args ...string) string {
	h.t.Helper()
	code, out, errOut := h.run("", args...)
	if code != ExitOK {
		h.t.Fatalf("liveroute %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func modes() map[string]bool { return map[string]bool{"running": true, "stopped": false} }

func TestRoutesAddListRemove(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			out := h.ok("routes", "add", "--source", "100", "--to", "200, 400", "--message", "We are live!", "--json")
			var r RouteData
			must(t, json.Unmarshal([]byte(out), &r))
			if r.SourceKind != "profile" || len(r.Targets) != 2 || r.Targets[0].Mode != "post" || r.Targets[1].Mode != "assisted" ||
				r.Targets[0].Message != "We are live!" || r.Targets[0].DestinationName != "Choir" {
				t.Errorf("added route = %+v", r)
			}

			var list []RouteData
			must(t, json.Unmarshal([]byte(h.ok("routes", "list", "--json")), &list))
			if len(list) != 1 || list[0].ID != r.ID {
				t.Fatalf("routes list = %+v", list)
			}
			if text := h.ok("routes", "list"); !strings.Contains(text, r.ID) || !strings.Contains(text, "Friends (400) (assisted)") {
				t.Errorf("routes list text:\n%s", text)
			}

			if out := h.ok("routes", "remove", r.ID); !strings.Contains(out, "Removed route "+r.ID) {
				t.Errorf("remove said %q", out)
			}
			code, _, errOut := h.run("", "routes", "remove", r.ID)
			if code != ExitError || !strings.Contains(errOut, "there is no route") {
				t.Errorf("second remove: exit %d %q", code, errOut)
			}
			h.withDB(func(db *store.DB) {
				routes, err := db.Routes()
				if err != nil || len(routes) != 0 {
					t.Errorf("routes left: %v %v", routes, err)
				}
			})
			if running && h.engine.routesChanged != 2 {
				t.Errorf("the engine heard of %d route changes, want 2", h.engine.routesChanged)
			}
		})
	}
}

func TestRoutesAddRefusesAGroupPost(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	code, _, errOut := h.run("", "routes", "add", "--source", "200", "--to", "400", "--mode", "post")
	if code != ExitError || !strings.Contains(errOut, "assisted share") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestStatusInBothModes(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			var s StatusData
			must(t, json.Unmarshal([]byte(h.ok("status", "--json")), &s))
			wantState := StateStopped
			if running {
				wantState = StateHealthy
			}
			if s.Running != running || s.State != wantState || s.Account == nil || s.Account.Name != "Ana Lima" ||
				s.Destinations != 3 || s.DestinationsWithProblems != 1 {
				t.Errorf("status = %+v", s)
			}
			text := h.ok("status")
			if running != strings.Contains(text, "LiveRoute is running: healthy") || !strings.Contains(text, "Ana Lima") {
				t.Errorf("status text:\n%s", text)
			}
		})
	}
}

func TestEngineCommandsNeedTheRunningApp(t *testing.T) {
	for _, args := range [][]string{{"pause"}, {"pause", "2h"}, {"resume"}} {
		h := newHarness(t, false)
		code, out, errOut := h.run("", args...)
		if code != ExitError || out != "" || !strings.Contains(errOut, "LiveRoute is not running; start it with `liveroute`") {
			t.Errorf("%v: exit %d, %q %q", args, code, out, errOut)
		}
		if _, err := os.Stat(h.paths.DatabaseFile()); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%v opened the database of a stopped app", args)
		}
	}
}

func TestPauseResumeCheckOnTheRunningApp(t *testing.T) {
	h := newHarness(t, true)
	var got Health
	must(t, json.Unmarshal([]byte(h.ok("pause", "1h30m", "--json")), &got))
	if got.State != StatePaused || got.PausedUntil == nil || !got.PausedUntil.Equal(testNow.Add(90*time.Minute)) {
		t.Errorf("pause 1h30m = %+v", got)
	}
	if out := h.ok("status"); !strings.Contains(out, "running: paused") {
		t.Errorf("status while paused:\n%s", out)
	}
	got = Health{}
	must(t, json.Unmarshal([]byte(h.ok("pause", "--json")), &got))
	if got.State != StatePaused || got.PausedUntil != nil {
		t.Errorf("pause without duration = %+v", got)
	}
	if out := h.ok("resume"); out != "Facebook connection: healthy.\n" {
		t.Errorf("resume said %q", out)
	}
	h.ok("check")
	if h.engine.checks != 1 {
		t.Errorf("engine checked %d times", h.engine.checks)
	}
}

func TestPagesAddInBothModes(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			out := h.ok("pages", "add", "https://www.facebook.com/profile.php?id=555")
			if out != "Added page Page 555 (555).\n" || len(h.added) != 1 || h.added[0] != "555" {
				t.Errorf("pages add said %q, added %v", out, h.added)
			}
			h.withDB(func(db *store.DB) {
				if _, ok, _ := db.Destination("555"); !ok {
					t.Error("the Page was not stored")
				}
			})
		})
	}
}

func TestHistoryInBothModes(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			var hist []HistoryEntry
			must(t, json.Unmarshal([]byte(h.ok("history", "--json", "--limit", "10")), &hist))
			if len(hist) != 1 || hist[0].Kind != "share" || hist[0].DestinationID != "200" {
				t.Errorf("history = %+v", hist)
			}
			if out := h.ok("history"); !strings.Contains(out, "Shared “Sunday mass” to Choir") {
				t.Errorf("history text:\n%s", out)
			}
		})
	}
}

func TestJSONOutputMatchesGolden(t *testing.T) {
	h := newHarness(t, true)
	h.seed()
	h.ok("routes", "add", "--source", "200", "--to", "300,400", "--message", "Live: {title}")
	h.ok("pause", "2h")
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"status.json", []string{"status", "--json"}},
		{"routes.json", []string{"routes", "list", "--json"}},
		{"history.json", []string{"history", "--json"}},
		{"pause.json", []string{"pause", "45m", "--json"}},
	} {
		got := h.ok(tc.args...)
		path := filepath.Join("testdata", tc.file)
		if *update {
			must(t, os.WriteFile(path, []byte(got), 0o644))
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("liveroute %s changed its JSON:\n%s\nwant (%s):\n%s", strings.Join(tc.args, " "), got, path, want)
		}
	}
}

func TestBadArgumentsExitTwoAndChangeNothing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"routes"}, "missing subcommand"},
		{[]string{"routes", "rename"}, `unknown subcommand "rename"`},
		{[]string{"status", "--yaml"}, "flag provided but not defined: -yaml"},
		{[]string{"status", "extra"}, `unexpected argument "extra"`},
		{[]string{"routes", "add", "--to", "200"}, "--source ID"},
		{[]string{"routes", "add", "--source", "100"}, "--to ID"},
		{[]string{"routes", "add", "--source", "100", "--to", "200,,300"}, "empty destination ID"},
		{[]string{"routes", "add", "--source", "100", "--to", "200", "--mode", "shout"}, `the mode "shout" is not known`},
		{[]string{"routes", "add", "--source", "my-page", "--to", "200"}, `"my-page" is not a Page's or profile's ID`},
		{[]string{"groups", "add", "https://www.facebook.com/ChoirOfStMary"}, "that is not a group's address"},
		{[]string{"groups", "add", "https://example.com/groups/x"}, "not a Facebook address"},
		{[]string{"groups", "add"}, "missing argument"},
		{[]string{"groups"}, "missing subcommand"},
		{[]string{"pages", "add", "facebook.com/groups/demo-prayer-circle"}, "that is a group's address: add it with `liveroute groups add URL`"},
		{[]string{"routes", "remove"}, "missing argument"},
		{[]string{"routes", "remove", "a", "b"}, `unexpected argument "b"`},
		{[]string{"pause", "soon"}, `"soon" is not a duration`},
		{[]string{"pause", "-5m"}, "flag provided but not defined"},
		{[]string{"pause", "800h"}, "between 1 second and 30 days"},
		{[]string{"pages", "add", "https://example.com/page"}, "not a Facebook address"},
		{[]string{"pages", "add"}, "missing argument"},
		{[]string{"history", "--limit", "-1"}, "cannot be negative"},
		{[]string{"history", "--limit", "many"}, "invalid value"},
		{[]string{"connect"}, "--app-id ID"},
		{[]string{"connect", "--app-id", "abc"}, store.ErrAppIDFormat.Error()},
		{[]string{"connect", "--app-id", "1", "--config-id", "x"}, store.ErrConfigIDFormat.Error()},
		{[]string{"connect", "--app-id", "1", "--via", "carrier-pigeon"}, "use loopback, paste or relay"},
		{[]string{"connect", "--app-id", "1", "--via", "relay=http://relay.example"}, "https://"},
		{[]string{"connect", "--app-id", "1", "--via", "relay=https://user:s3cr3t-value@relay.example/x"}, "must not contain a user name or password"},
		{[]string{"connect", "--app-id", "1", "--port", "80"}, "--port: " + store.ErrLoopbackPort.Error()},
		{[]string{"connect", "--app-id", "1", "--port", "65536"}, "must be a number from 1024 to 65535"},
		{[]string{"connect", "--app-id", "1", "--secret", "s3cr3t-value"}, "never taken as an argument"},
		{[]string{"connect", "--app-id", "1", "--app-secret=s3cr3t-value"}, "never taken as an argument"},
		{[]string{"run"}, "run needs --headless"},
		{[]string{"uninstall", "--everything"}, "flag provided but not defined"},
		{[]string{"help", "nothing"}, `unknown help topic "nothing"`},
	} {
		for name, running := range modes() {
			h := newHarness(t, running)
			code, out, errOut := h.run("", tc.args...)
			if code != ExitUsage || out != "" || !strings.Contains(errOut, tc.says) || !strings.Contains(errOut, "--help' for usage") {
				t.Errorf("%s: liveroute %s: exit %d, stdout %q, stderr %q; want exit 2 saying %q",
					name, strings.Join(tc.args, " "), code, out, errOut, tc.says)
			}
			if strings.Contains(errOut, "s3cr3t") {
				t.Errorf("the error repeats the secret: %s", errOut)
			}
			if !running {
				if _, err := os.Stat(h.paths.DatabaseFile()); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("liveroute %s created the database", strings.Join(tc.args, " "))
				}
			} else if h.engine.routesChanged != 0 || h.engine.paused {
				t.Errorf("liveroute %s reached the engine", strings.Join(tc.args, " "))
			}
		}
	}
}

func TestConnectErrorsNeverRepeatAnArgument(t *testing.T) {
	// An App secret pasted where an argument goes must not be echoed.
	const secret = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"connect", "--app-id", "123", secret}, "connect takes no positional arguments (the App secret is read from standard input)"},
		{[]string{"connect", secret, "--app-id", "123"}, "connect takes no positional arguments"},
		{[]string{"connect", "--app-id", secret}, store.ErrAppIDFormat.Error()},
		{[]string{"connect", "--app-id=" + secret}, store.ErrAppIDFormat.Error()},
		{[]string{"connect", "--app-id", "123", "--config-id", secret}, store.ErrConfigIDFormat.Error()},
		{[]string{"connect", "--app-id", "123", "--via", secret}, "that --via is not known"},
		{[]string{"connect", "--app-id", "123", "--" + secret}, "a flag is not known or is missing its value"},
	} {
		h := newHarness(t, false)
		code, out, errOut := h.run("", tc.args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("liveroute %s: exit %d, stdout %q, stderr %q; want exit 2 saying %q", strings.Join(tc.args, " "), code, out, errOut, tc.says)
		}
		if strings.Contains(errOut, secret) || strings.Contains(errOut, secret[:8]) {
			t.Errorf("liveroute %s repeats the argument: %s", strings.Join(tc.args, " "), errOut)
		}
	}
}

func TestHelpForEveryCommandExitsZero(t *testing.T) {
	h := newHarness(t, false)
	for _, args := range [][]string{{"help", "routes", "add"}, {"routes", "--help"}, {"pages", "-h"}, {"groups", "--help"}} {
		code, out, errOut := h.run("", args...)
		if code != ExitOK || !strings.Contains(out, "Usage") || errOut != "" {
			t.Errorf("%v: exit %d, %q %q", args, code, out, errOut)
		}
	}
	// Every way to ask for the top-level help prints the same text.
	for _, args := range [][]string{{"--help"}, {"-h"}, {}, {"help"}, {"help", "--help"}, {"help", "-h"}} {
		code, out, errOut := h.run("", args...)
		if code != ExitOK || out != Usage() || errOut != "" {
			t.Errorf("%v: exit %d, %q %q; want the top-level help", args, code, out, errOut)
		}
	}
	for _, want := range []string{"--demo", "--minimised", "relay-page", "LIVEROUTE_FACEBOOK_URL", "LIVEROUTE_GRAPH_URL", "Exit status: 0", "groups add"} {
		if !strings.Contains(Usage(), want) {
			t.Errorf("the top-level help does not mention %s", want)
		}
	}
	if strings.Contains(statusUsage, "go doc") || !strings.Contains(statusUsage, "From a terminal") {
		t.Error("status --help does not point to the README's \"From a terminal\"")
	}
	for _, cmd := range commands {
		args := append(strings.Fields(cmd.name), "--help")
		code, out, errOut := h.run("", args...)
		if code != ExitOK || out != cmd.usage || errOut != "" {
			t.Errorf("%s --help: exit %d, %q %q", cmd.name, code, out, errOut)
		}
		if !strings.HasPrefix(cmd.usage, "Usage: liveroute "+cmd.name) {
			t.Errorf("%s: help does not start with its usage line", cmd.name)
		}
	}
}

func TestConnectReadsTheSecretFromStdin(t *testing.T) {
	h := newHarness(t, false)
	var got ConnectRequest
	h.env.Connect = func(ctx context.Context, db *store.DB, req ConnectRequest) (store.Account, error) {
		got = req
		if req.Paste != nil {
			pasted, err := req.Paste(ctx, "https://www.facebook.com/dialog/oauth?client_id=1234")
			if err != nil {
				return store.Account{}, err
			}
			if pasted != "https://www.facebook.com/connect/login_success.html?code=abc&state=xyz" {
				t.Errorf("pasted %q", pasted)
			}
		}
		return store.Account{UserID: "100", Name: "Ana Lima"}, nil
	}
	const secret = "0123456789abcdef0123456789abcdef"
	code, out, errOut := h.run(secret+"\nhttps://www.facebook.com/connect/login_success.html?code=abc&state=xyz\n",
		"connect", "--app-id", "1234", "--config-id", "5678", "--via", "paste")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got.AppID != "1234" || got.ConfigID != "5678" || got.Via != store.TransportPaste || got.Secret.Reveal() != secret {
		t.Errorf("Connect got %+v", got)
	}
	if !strings.Contains(out, "https://www.facebook.com/dialog/oauth?client_id=1234") || !strings.Contains(out, "Connected to Facebook as Ana Lima") {
		t.Errorf("stdout:\n%s", out)
	}
	if strings.Contains(out+errOut, secret) {
		t.Error("the secret was echoed")
	}
}

func TestConnectPassesTheChosenPortAndPKCEOnlyWhenAsked(t *testing.T) {
	for _, tc := range []struct {
		args []string
		port int
		pkce bool
	}{
		{nil, 0, false},
		{[]string{"--port", "40123"}, 40123, false},
		{[]string{"--port=40124", "--pkce"}, 40124, true},
	} {
		h := newHarness(t, false)
		var got ConnectRequest
		h.env.Connect = func(_ context.Context, _ *store.DB, req ConnectRequest) (store.Account, error) {
			got = req
			return store.Account{UserID: "1", Name: "A"}, nil
		}
		args := append([]string{"connect", "--app-id", "1"}, tc.args...)
		code, _, errOut := h.run("0123456789abcdef0123456789abcdef\n", args...)
		if code != ExitOK || got.Port != tc.port || got.PKCE != tc.pkce {
			t.Errorf("%v: exit %d %s: port %d PKCE %v, want %d %v", tc.args, code, errOut, got.Port, got.PKCE, tc.port, tc.pkce)
		}
	}
}

func TestConnectRelayNeedsNothingPasted(t *testing.T) {
	h := newHarness(t, false)
	var got ConnectRequest
	h.env.Connect = func(_ context.Context, _ *store.DB, req ConnectRequest) (store.Account, error) {
		got = req
		return store.Account{UserID: "1", Name: "A"}, nil
	}
	// relay= is the name people know (and old scripts use); redirect-page=
	// says the same.
	for _, via := range []string{"relay=https://me.github.io/relay/", "redirect-page=https://me.github.io/relay/"} {
		got = ConnectRequest{}
		code, _, errOut := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1", "--via", via)
		if code != ExitOK || got.Via != store.TransportRedirectPage || got.RedirectPageURL != "https://me.github.io/relay/" || got.Paste != nil {
			t.Errorf("--via %s: exit %d %s: %+v", via, code, errOut, got)
		}
	}
	if code, _, _ := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1", "--via", "redirect-page=http://me.github.io/relay/"); code != ExitUsage {
		t.Errorf("a plain-http redirect page: exit %d, want %d", code, ExitUsage)
	}
}

func TestConnectAsksForTheSecretWithoutEchoOnATerminal(t *testing.T) {
	h := newHarness(t, false)
	tty, err := os.Open(os.DevNull) // stands for the terminal; IsTerminal says so
	must(t, err)
	defer tty.Close()
	var read bool
	h.env.IsTerminal = func(*os.File) bool { return true }
	h.env.ReadSecret = func(*os.File) (string, error) { read = true; return "0123456789abcdef0123456789abcdef\n", nil }
	h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) {
		return store.Account{UserID: "1", Name: "A"}, nil
	}
	var out, errOut bytes.Buffer
	code := RunCLI(context.Background(), []string{"connect", "--app-id", "1"}, h.env, tty, &out, &errOut)
	if code != ExitOK || !read || !strings.Contains(errOut.String(), "App secret (typing is hidden)") {
		t.Errorf("exit %d, read %v, stderr %q", code, read, errOut.String())
	}
}

func TestConnectRejectsAMissingOrMalformedSecret(t *testing.T) {
	for stdin, says := range map[string]string{"": "no App secret was given", "short\n": "does not look like an App secret"} {
		h := newHarness(t, false)
		called := false
		h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) {
			called = true
			return store.Account{}, nil
		}
		code, _, errOut := h.run(stdin, "connect", "--app-id", "1")
		if code != ExitError || called || !strings.Contains(errOut, says) || strings.Contains(errOut, "short") {
			t.Errorf("stdin %q: exit %d, called %v, %q", stdin, code, called, errOut)
		}
	}
}

func TestConnectWhileRunningPointsToTheWindow(t *testing.T) {
	h := newHarness(t, true)
	h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) {
		t.Error("Connect called while the app runs")
		return store.Account{}, nil
	}
	code, _, errOut := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1")
	if code != ExitError || !strings.Contains(errOut, "connect from its window") {
		t.Errorf("exit %d %q", code, errOut)
	}
}

func TestRunHeadlessServesTheSocketAndRefusesASecondCopy(t *testing.T) {
	h := newHarness(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	h.env.RunHeadless = func(ctx context.Context, srv *Server, stdout, _ io.Writer) error {
		db, err := h.env.OpenDB(h.paths.DatabaseFile())
		if err != nil {
			return err
		}
		defer db.Close()
		close(ready)
		return srv.Serve(ctx, Backend{DB: db, Engine: h.engine})
	}
	done := make(chan int)
	go func() {
		var out, errOut bytes.Buffer
		done <- RunCLI(ctx, []string{"run", "--headless"}, h.env, strings.NewReader(""), &out, &errOut)
	}()
	<-ready
	if out := h.ok("status"); !strings.Contains(out, "LiveRoute is running: healthy") {
		t.Errorf("status of the headless instance:\n%s", out)
	}
	code, _, errOut := h.run("", "run", "--headless")
	if code != ExitError || !strings.Contains(errOut, "already running") {
		t.Errorf("second run --headless: exit %d %q", code, errOut)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("headless exit %d", code)
	}
}

func TestIsCommand(t *testing.T) {
	for args, want := range map[string]bool{"": false, "--demo": false, "--minimised": false, "status": true, "routes list": true,
		"install": true, "export x.json": true, "import x.json": true, "help": true, "routes": true} {
		if got := IsCommand(strings.Fields(args)); got != want {
			t.Errorf("IsCommand(%q) = %v", args, got)
		}
	}
}

func TestEveryCommandInTheTableIsACommandForMain(t *testing.T) {
	for _, cmd := range commands {
		if !IsCommand(strings.Fields(cmd.name)) {
			t.Errorf("main.go would not route %q to the CLI", cmd.name)
		}
	}
}

func TestInstallAndUninstallCommandsSayWhatTheyDid(t *testing.T) {
	h := newHarness(t, false)
	home := t.TempDir()
	bin := filepath.Join(home, "liveroute-build")
	must(t, os.WriteFile(bin, []byte("program"), 0o755))
	icon, err := os.ReadFile(filepath.Join("testdata", "icon.png"))
	must(t, err)
	h.env.Install = install.Options{GOOS: "linux", Env: func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}, Binary: bin, Icon: icon, PurgeDirs: []string{h.paths.Data}}
	h.seed() // creates the data folder
	out := h.ok("install")
	if !strings.Contains(out, "wrote     program: "+filepath.Join(home, ".local", "bin", "liveroute")) || !strings.Contains(out, "starts at login") {
		t.Errorf("install said:\n%s", out)
	}
	if out := h.ok("install"); strings.Contains(out, "wrote") {
		t.Errorf("second install wrote again:\n%s", out)
	}
	out = h.ok("uninstall")
	if !strings.Contains(out, "removed   program") || !strings.Contains(out, "--purge") {
		t.Errorf("uninstall said:\n%s", out)
	}
	if _, err := os.Stat(h.paths.Data); err != nil {
		t.Errorf("uninstall without --purge touched the data: %v", err)
	}
	if out := h.ok("uninstall"); !strings.Contains(out, "not installed") {
		t.Errorf("second uninstall said %q", out)
	}
	h.ok("uninstall", "--purge")
	if _, err := os.Stat(h.paths.Data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--purge kept the data: %v", err)
	}
}

func TestUninstallPurgeRefusesWhileRunning(t *testing.T) {
	h := newHarness(t, true)
	h.env.Install = install.Options{GOOS: "linux", Env: func(string) string { return t.TempDir() }, PurgeDirs: []string{h.paths.Data}}
	code, _, errOut := h.run("", "uninstall", "--purge")
	if code != ExitError || !strings.Contains(errOut, "quit it before") {
		t.Errorf("exit %d %q", code, errOut)
	}
	if _, err := os.Stat(h.paths.DatabaseFile()); err != nil {
		t.Errorf("the database is gone: %v", err)
	}
}

func TestRoutesAddRefusesIDsLiveRouteDoesNotKnow(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noAccount bool
		args      []string
		says      string
	}{
		{"unknown source", false, []string{"--source", "999", "--to", "200"},
			"LiveRoute does not know the Page 999: connect the account that manages it, or add the Page to LiveRoute first"},
		{"unknown destination", false, []string{"--source", "200", "--to", "400,999"},
			"LiveRoute does not know the destination 999: add it to LiveRoute first, as a Page or a group"},
		{"group as source", false, []string{"--source", "400", "--to", "200"}, "Friends (400) is a group: a route watches a Page or your profile"},
		{"another person's profile", false, []string{"--source", "101", "--to", "200"}, "does not know the Page 101"},
		{"no account", true, []string{"--source", "100", "--to", "200"},
			"LiveRoute does not know the Page 100: connect your Facebook account first"},
	} {
		for mode, running := range modes() {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				h := newHarness(t, running)
				h.seed()
				if tc.noAccount {
					h.withDB(func(db *store.DB) { must(t, db.DeleteAccount("100")) })
				}
				code, out, errOut := h.run("", append([]string{"routes", "add"}, tc.args...)...)
				if code != ExitError || out != "" || !strings.Contains(errOut, tc.says) {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 saying %q", code, out, errOut, tc.says)
				}
				h.withDB(func(db *store.DB) {
					if routes, err := db.Routes(); err != nil || len(routes) != 0 {
						t.Errorf("routes stored: %v %v", routes, err)
					}
				})
				if h.engine.routesChanged != 0 {
					t.Error("the engine was told of a change")
				}
			})
		}
	}
}

func TestRoutesAddTakesTheSourceNameFromWhatLiveRouteKnows(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	var r RouteData
	must(t, json.Unmarshal([]byte(h.ok("routes", "add", "--source", "200", "--to", "300", "--json")), &r))
	if r.SourceKind != "page" || r.SourceName != "Choir" {
		t.Errorf("route = %+v", r)
	}
}

func TestGroupsAddListAndShareToThemFromTheCommandLine(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			out := h.ok("groups", "add", "m.facebook.com/groups/demo-prayer-circle/permalink/123/", "--name", "Prayer circle")
			if !strings.Contains(out, "Added the group Prayer circle (demo-prayer-circle)") {
				t.Errorf("groups add said %q", out)
			}
			h.withDB(func(db *store.DB) {
				d, ok, err := db.Destination("demo-prayer-circle")
				want := store.Destination{ID: "demo-prayer-circle", Name: "Prayer circle", Kind: store.KindGroup, URL: "https://www.facebook.com/groups/demo-prayer-circle"}
				if err != nil || !ok || d.ID != want.ID || d.Name != want.Name || d.Kind != want.Kind || d.URL != want.URL {
					t.Errorf("stored %+v %v %v, want %+v", d, ok, err, want)
				}
			})
			// Adding it again without --name keeps the name given.
			h.ok("groups", "add", "https://www.facebook.com/groups/demo-prayer-circle")

			var groups []PageData
			must(t, json.Unmarshal([]byte(h.ok("groups", "list", "--json")), &groups))
			if len(groups) != 2 || groups[0].ID != "400" || groups[1].Name != "Prayer circle" || groups[1].Kind != "group" {
				t.Errorf("groups list = %+v", groups)
			}
			if text := h.ok("groups", "list"); !strings.Contains(text, "https://www.facebook.com/groups/demo-prayer-circle") {
				t.Errorf("groups list text:\n%s", text)
			}

			var r RouteData
			must(t, json.Unmarshal([]byte(h.ok("routes", "add", "--source", "200", "--to", "300,demo-prayer-circle", "--mode", "crosspost", "--json")), &r))
			if len(r.Targets) != 2 || r.Targets[0].Mode != "crosspost" || r.Targets[1].Mode != "assisted" || r.Targets[1].DestinationName != "Prayer circle" {
				t.Errorf("route = %+v", r)
			}
			if running && h.engine.routesChanged != 3 {
				t.Errorf("the engine heard of %d changes, want 3 (two group adds, one route)", h.engine.routesChanged)
			}
		})
	}
}

func TestGroupsAddRefusesTheIDOfAKnownPage(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	code, _, errOut := h.run("", "groups", "add", "https://www.facebook.com/groups/200")
	if code != ExitError || !strings.Contains(errOut, "LiveRoute already knows Choir (200) as a Page") {
		t.Errorf("exit %d %q", code, errOut)
	}
}

// seedGroupShare records a live of route1 waiting to be shared by hand to
// the group 400, as the engine does when a live starts.
func (h *harness) seedGroupShare() store.LedgerKey {
	key := store.LedgerKey{RouteID: "route1", VideoID: "901", DestinationID: "400"}
	h.later.Add(60) // a minute after the seeded activity
	h.withDB(func(db *store.DB) {
		e, _, err := db.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Evening prayer", VideoURL: "https://www.facebook.com/200/videos/901"})
		must(h.t, err)
		e.State = store.LedgerAssistedOpen
		must(h.t, db.LedgerPut(e))
	})
	return key
}

func TestGroupSharesWaitingShowInStatusAndHistoryUntilMarkedShared(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			key := h.seedGroupShare()

			var s StatusData
			must(t, json.Unmarshal([]byte(h.ok("status", "--json")), &s))
			if s.GroupSharesWaiting != 1 {
				t.Errorf("status counts %d group shares waiting, want 1", s.GroupSharesWaiting)
			}
			if text := h.ok("status"); !strings.Contains(text, "1 group share waiting for you") {
				t.Errorf("status text:\n%s", text)
			}

			var hist []HistoryEntry
			must(t, json.Unmarshal([]byte(h.ok("history", "--json")), &hist))
			if len(hist) != 2 || hist[0].State != "assisted-open" || hist[0].Kind != "waiting" ||
				hist[0].Message != "Waiting for you to share “Evening prayer” to the group Friends" || hist[0].DestinationID != "400" {
				t.Errorf("history = %+v", hist)
			}
			text := h.ok("history")
			if !strings.Contains(text, "when done: liveroute groups shared route1 901 400") {
				t.Errorf("history text:\n%s", text)
			}

			if out := h.ok("groups", "shared", key.RouteID, key.VideoID, key.DestinationID); out != "You shared “Evening prayer” to the group Friends.\n" {
				t.Errorf("groups shared said %q", out)
			}
			h.withDB(func(db *store.DB) {
				if e, _, err := db.LedgerGet(key); err != nil || e.State != store.LedgerAssistedDone {
					t.Errorf("ledger = %+v, %v", e, err)
				}
			})
			// Marking it again (the window may have done it too) is fine.
			h.ok("groups", "shared", key.RouteID, key.VideoID, key.DestinationID)

			must(t, json.Unmarshal([]byte(h.ok("status", "--json")), &s))
			hist = nil
			must(t, json.Unmarshal([]byte(h.ok("history", "--json", "--limit", "1")), &hist))
			if s.GroupSharesWaiting != 0 || len(hist) != 1 || hist[0].State != "assisted-done" || hist[0].Kind != "shared" {
				t.Errorf("after groups shared: status %+v, history %+v", s, hist)
			}

			code, _, errOut := h.run("", "groups", "shared", "route1", "999", "400")
			if code != ExitError || !strings.Contains(errOut, "no group share is waiting for that route, video and group; `liveroute history` lists the waiting ones") {
				t.Errorf("unknown share: exit %d %q", code, errOut)
			}
		})
	}
}

func TestRoutesAddNamesTheRouteAndCountsDestinationsInWords(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	if out := h.ok("routes", "add", "--source", "200", "--to", "400", "--name", " Sunday service "); out != "Added route route1 “Sunday service”: Choir (200) → 1 destination.\n" {
		t.Errorf("routes add said %q", out)
	}
	if out := h.ok("routes", "add", "--source", "100", "--to", "200,300"); out != "Added route route2: Ana Lima (100) → 2 destinations.\n" {
		t.Errorf("routes add said %q", out)
	}
	var list []RouteData
	must(t, json.Unmarshal([]byte(h.ok("routes", "list", "--json")), &list))
	if len(list) != 2 || list[0].Name != "Sunday service" || list[1].Name != "" {
		t.Errorf("routes list = %+v", list)
	}
	if text := h.ok("routes", "list"); !strings.Contains(text, "Sunday service") {
		t.Errorf("routes list text:\n%s", text)
	}
	if out := h.ok("routes", "remove", "route1"); !strings.HasPrefix(out, "Removed route route1 “Sunday service” (Choir (200)).") {
		t.Errorf("routes remove said %q", out)
	}
}

func TestStatusWithNoAccountSaysNotConnectedAndHowToConnect(t *testing.T) {
	h := newHarness(t, false)
	h.engine.noAccount = true
	h.start()
	const want = "LiveRoute is running: not connected — connect your Facebook account in the window (Connection tab), or quit LiveRoute and run `liveroute connect`.\n"
	if out := h.ok("status"); !strings.HasPrefix(out, want) || strings.Contains(out, "..") || strings.Contains(out, "reconnect") {
		t.Errorf("status said:\n%s\nwant it to start %q", out, want)
	}
	var s StatusData
	must(t, json.Unmarshal([]byte(h.ok("status", "--json")), &s))
	if s.State != StateNotConnected || s.Account != nil {
		t.Errorf("status = %+v", s)
	}
	if out := h.ok("check"); out != "Facebook connection: not connected — connect your Facebook account in the window (Connection tab), or quit LiveRoute and run `liveroute connect`.\n" {
		t.Errorf("check said %q", out)
	}
}

func TestStatusCountsPagesAndGroupsApart(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	out := h.ok("status")
	if !strings.Contains(out, "Routes: 0 (0 on). Pages: 2, groups: 1 (1 needs attention).\n") || strings.Contains(out, "Destinations") {
		t.Errorf("status said:\n%s", out)
	}
	var s StatusData
	must(t, json.Unmarshal([]byte(h.ok("status", "--json")), &s))
	if s.Pages != 2 || s.Groups != 1 || s.Destinations != 3 {
		t.Errorf("status = %+v", s)
	}
}

func TestPauseSaysUntilWhenInTheLocalTimeZone(t *testing.T) {
	h := newHarness(t, true)
	h.env.Location = time.FixedZone("CET", 3600)
	// testNow is 09:30 UTC, Saturday 14 March 2026: 10:30 CET.
	if out := h.ok("pause", "1h30m"); out != "Sharing is paused until 12:00 CET on Saturday 2026-03-14.\n" {
		t.Errorf("pause 1h30m said %q", out)
	}
	if out := h.ok("status"); !strings.HasPrefix(out, "LiveRoute is running: paused until 12:00 CET on Saturday 2026-03-14.\n") {
		t.Errorf("status said:\n%s", out)
	}
	if out := h.ok("pause"); out != "Sharing is paused until you resume it (`liveroute resume`).\n" {
		t.Errorf("pause said %q", out)
	}
}

func TestConnectCanceledSaysOnlyThatTheLoginWasCanceled(t *testing.T) {
	interrupted := errors.New("terminated signal received")
	for name, err := range map[string]error{
		"login canceled": fmt.Errorf("%w: %w", fbclient.ErrLoginCanceled, interrupted),
		"ctrl-c":         fmt.Errorf("wait for the login: %w", context.Canceled),
	} {
		h := newHarness(t, false)
		h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) { return store.Account{}, err }
		code, out, errOut := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1")
		if code != ExitError || out != "" || errOut != "liveroute connect: The Facebook login was canceled.\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
	}
}

func TestStatusSaysWhichSourcesAreLive(t *testing.T) {
	h := newHarness(t, true)
	h.engine.live = []string{"Main Page"}
	if out := h.ok("status"); !strings.Contains(out, "Live now on Main Page: sharing to every destination of its routes.") {
		t.Errorf("status during a live:\n%s", out)
	}
	var s StatusData
	if err := json.Unmarshal([]byte(h.ok("status", "--json")), &s); err != nil || len(s.LiveSources) != 1 || s.LiveSources[0] != "Main Page" {
		t.Errorf("status --json during a live: %+v %v", s, err)
	}
}

// Routes and settings move to another computer through a file, with the
// app running or not; the file holds no secret.
func TestExportThenImportMovesRoutesToAnotherProfile(t *testing.T) {
	for _, running := range []bool{false, true} {
		from := newHarness(t, running)
		from.seed()
		from.ok("routes", "add", "--source", "200", "--to", "400", "--name", "Moving day")
		file := filepath.Join(t.TempDir(), "liveroute-export.json")
		if out := from.ok("export", file); !strings.Contains(out, "written to") {
			t.Errorf("export said %q", out)
		}
		data, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(data), "Moving day") {
			t.Fatalf("export file: %v\n%s", err, data)
		}

		to := newHarness(t, running)
		if out := to.ok("import", file); !strings.Contains(out, "Imported 1 route") {
			t.Errorf("import said %q", out)
		}
		if out := to.ok("routes", "list"); !strings.Contains(out, "Moving day") {
			t.Errorf("routes after import (running=%v):\n%s", running, out)
		}
	}
}

func TestImportRefusesAFileThatIsNotAnExport(t *testing.T) {
	h := newHarness(t, false)
	file := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(file, []byte("my shopping list"), 0o600)
	code, _, errOut := h.run("", "import", file)
	if code != ExitError || !strings.Contains(errOut, "not a LiveRoute export") {
		t.Errorf("import of a text file: exit %d, %q", code, errOut)
	}
}

func TestConnectLoginProblemIsOneSentenceInTerminalWords(t *testing.T) {
	wire := &fbclient.RefusedError{Message: "Some refusal", Code: 1}
	for name, err := range map[string]error{
		"PKCE dropped": fmt.Errorf("exchange login code: %w", fmt.Errorf("%w (%w)", fbclient.ErrPKCEDropped, errors.New("facebook: code_verifier param ... (code 1, fbtrace_id Abc)"))),
		"port busy":    fmt.Errorf("start login: %w", &fbclient.PortBusyError{Port: 28761}),
		"refused":      fmt.Errorf("exchange login code: %w", wire),
	} {
		h := newHarness(t, false)
		h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) { return store.Account{}, err }
		code, _, errOut := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1")
		sentence, _ := fbclient.LoginProblem(err)
		if code != ExitError || errOut != "liveroute connect: "+fbclient.InTerminalWords(sentence)+"\n" {
			t.Errorf("%s: exit %d, stderr %q", name, code, errOut)
		}
		for _, window := range []string{"press Connect", "Press Connect", "Connection →", "fbtrace_id", "exchange login code"} {
			if strings.Contains(errOut, window) {
				t.Errorf("%s: stderr says %q: %s", name, window, errOut)
			}
		}
	}
}

func TestConnectPKCEWithConfigIDIsAUsageErrorSayingWhy(t *testing.T) {
	h := newHarness(t, false)
	h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) {
		t.Error("Connect called with --pkce and --config-id")
		return store.Account{}, nil
	}
	code, _, errOut := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1", "--config-id", "5678", "--pkce")
	if code != ExitUsage || !strings.Contains(errOut, store.ErrPKCEWithConfiguration.Error()) || !strings.Contains(errOut, "OpenID Connect") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestConnectWhileRunningNamesTheConnectionTab(t *testing.T) {
	h := newHarness(t, true)
	h.env.Connect = func(context.Context, *store.DB, ConnectRequest) (store.Account, error) {
		t.Error("Connect called while the app runs")
		return store.Account{}, nil
	}
	code, _, errOut := h.run("0123456789abcdef0123456789abcdef\n", "connect", "--app-id", "1")
	if code != ExitError || !strings.Contains(errOut, "(Connection tab)") || strings.Contains(errOut, "Account →") {
		t.Errorf("exit %d %q", code, errOut)
	}
}

func TestRoutesAddWithAProfileSourceWarnsButKeepsTheRoute(t *testing.T) {
	for _, running := range []bool{false, true} {
		for _, source := range []string{"100", "me"} {
			h := newHarness(t, running)
			h.seed()
			code, out, errOut := h.run("", "routes", "add", "--source", source, "--to", "200", "--name", "Later")
			if code != ExitOK || !strings.Contains(out, "Added route") {
				t.Fatalf("running %v, --source %s: exit %d, stdout %q, stderr %q", running, source, code, out, errOut)
			}
			if want := "liveroute routes add: warning: " + fbclient.ProfileLiveVideosUnsupported + "\n"; errOut != want {
				t.Errorf("running %v, --source %s: stderr %q, want %q", running, source, errOut, want)
			}
			var routes []RouteData
			must(t, json.Unmarshal([]byte(h.ok("routes", "list", "--json")), &routes))
			if len(routes) != 1 || routes[0].SourceID != "100" || routes[0].SourceKind != string(store.SourceProfile) {
				t.Errorf("running %v, --source %s: routes %+v, want the profile 100", running, source, routes)
			}
		}
	}
}

func TestRoutesAddWithAPageSourceSaysNothingOnStderr(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	if code, _, errOut := h.run("", "routes", "add", "--source", "200", "--to", "400"); code != ExitOK || errOut != "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestRoutesAddWithMeBeforeConnectingSaysToConnect(t *testing.T) {
	h := newHarness(t, false)
	code, _, errOut := h.run("", "routes", "add", "--source", "me", "--to", "200")
	if code != ExitError || !strings.Contains(errOut, "connect your Facebook account first") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
