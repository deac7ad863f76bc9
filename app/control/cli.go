package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/liveroute/liveroute/app/install"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Exit codes of RunCLI, as in most Go command-line tools.
const (
	ExitOK    = 0 // done
	ExitError = 1 // the command ran and failed
	ExitUsage = 2 // the command line was wrong; nothing was changed
)

// CLIEnv carries what the command line needs from main.go.
type CLIEnv struct {
	// Paths are the profile's folders.
	Paths store.Paths
	// OpenDB opens the database of a stopped LiveRoute; default
	// store.Open(path, StoreOptions()).
	OpenDB func(path string) (*store.DB, error)
	// Install says what `install` installs and `uninstall --purge` deletes
	// (Binary, Icon, PurgeDirs, PurgeSecrets); GOOS and Env default to this
	// machine.
	Install install.Options
	// Connect logs in to Facebook as req says and stores the account in db.
	Connect func(ctx context.Context, db *store.DB, req ConnectRequest) (store.Account, error)
	// OpenApp opens the application layer on db, its engine not started,
	// for the commands a stopped app runs through it (see App); close
	// releases it. Nil: those commands need the running app.
	OpenApp func(ctx context.Context, db *store.DB) (app App, close func() error, err error)
	// RunHeadless runs the engine with no GUI until ctx ends, logging to
	// its writers. srv already holds the instance lock and control socket:
	// RunHeadless serves it (srv.Serve) with its backend.
	RunHeadless func(ctx context.Context, srv *Server, stdout, stderr io.Writer) error
	// ReadSecret reads a line with echo off from a terminal; default reads
	// the real terminal behind stdin. Tests inject it.
	ReadSecret func(f *os.File) (string, error)
	// IsTerminal reports whether f is a terminal; default asks the OS.
	IsTerminal func(f *os.File) bool
	// Location is the time zone times are printed in; default time.Local.
	Location *time.Location
}

// ConnectRequest is what `liveroute connect` asks Connect to do.
type ConnectRequest struct {
	AppID    string
	ConfigID string // "" for classic Facebook Login (scope=)
	Via      string // store.TransportLoopback, TransportPaste or TransportRedirectPage
	// RedirectPageURL is the HTTPS redirect ("relay") page, with Via
	// TransportRedirectPage.
	RedirectPageURL string
	Port            int            // the loopback redirect URI's port; 0 keeps the saved one
	PKCE            bool           // opt in to PKCE (Facebook keeps it only for OpenID Connect)
	Secret          fbclient.Token // the App secret, read from stdin or the terminal
	// Paste, with Via paste, shows the person the login address and
	// returns the address they landed on.
	Paste func(ctx context.Context, loginURL string) (string, error)
}

// redirectPageVia is the address in --via relay=URL (the name people
// know, kept) or --via redirect-page=URL; "" for any other --via.
func redirectPageVia(v string) string {
	for _, name := range []string{store.TransportRedirectPage, "redirect-page"} {
		if rest, ok := strings.CutPrefix(v, name+"="); ok && rest != "" {
			return rest
		}
	}
	return ""
}

// IsCommand reports whether args (without the program name) start with a
// CLI command rather than nothing or a GUI flag. It reads the command table
// itself: a second hand-kept list once lacked export and import.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if args[0] == "help" || groupUsage[args[0]] != "" {
		return true
	}
	for _, cmd := range commands {
		if strings.Fields(cmd.name)[0] == args[0] {
			return true
		}
	}
	return false
}

// RunCLI runs the command in args (without the program name) and returns
// the exit code. Commands go to the running LiveRoute over the control
// socket; when none runs, those that can work on the database directly.
func RunCLI(ctx context.Context, args []string, env CLIEnv, stdin io.Reader, stdout, stderr io.Writer) int {
	// Everything on stderr is text for a person; stdout also carries JSON
	// and exports, so its text goes through c.text.
	c := &cli{env: env, stdin: bufio.NewReader(stdin), rawStdin: stdin, stdout: stdout, stderr: plainWriter{stderr}}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprint(stdout, Usage())
		return ExitOK
	}
	if args[0] == "help" {
		return c.help(args[1:])
	}
	cmd, rest, ok := lookup(args)
	if !ok {
		return c.usageError(nil, fmt.Sprintf("unknown command %q", strings.Join(args[:min(len(args), 2)], " ")))
	}
	return cmd.run(ctx, c, cmd, rest)
}

// command is one CLI command.
type command struct {
	name  string // "routes add"
	usage string // the --help text
	run   func(ctx context.Context, c *cli, cmd *command, args []string) int
}

var commands []*command

func init() {
	commands = []*command{
		{"status", statusUsage, runStatus},
		{"routes list", routesListUsage, runRoutesList},
		{"routes add", routesAddUsage, runRoutesAdd},
		{"routes remove", routesRemoveUsage, runRoutesRemove},
		{"check", checkUsage, runCheck},
		{"pause", pauseUsage, runPause},
		{"resume", resumeUsage, runResume},
		{"connect", connectUsage, runConnect},
		{"pages add", pagesAddUsage, runPagesAdd},
		{"groups add", groupsAddUsage, runGroupsAdd},
		{"groups list", groupsListUsage, runGroupsList},
		{"groups shared", groupsSharedUsage, runGroupsShared},
		{"shares shared", sharesSharedUsage, runSharesResolve},
		{"shares again", sharesAgainUsage, runSharesResolve},
		{"history", historyUsage, runHistory},
		{"export", exportUsage, runExport},
		{"import", importUsage, runImport},
		{"run", runUsage, runRun},
		{"install", installUsage, runInstall},
		{"uninstall", uninstallUsage, runUninstall},
	}
}

// lookup finds the command named by the first one or two words of args.
func lookup(args []string) (*command, []string, bool) {
	for _, cmd := range commands {
		words := strings.Fields(cmd.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == cmd.name {
			return cmd, args[len(words):], true
		}
	}
	// "routes", "pages" or "groups" alone, or with --help: show the
	// command group's help.
	if len(args) >= 1 && groupUsage[args[0]] != "" {
		group := &command{name: args[0], usage: groupUsage[args[0]], run: runGroup}
		return group, args[1:], true
	}
	return nil, nil, false
}

type cli struct {
	env      CLIEnv
	stdin    *bufio.Reader
	rawStdin io.Reader
	stdout   io.Writer
	stderr   io.Writer
}

func (c *cli) help(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprint(c.stdout, Usage())
		return ExitOK
	}
	cmd, _, ok := lookup(args)
	if !ok {
		return c.usageError(nil, fmt.Sprintf("unknown help topic %q", strings.Join(args, " ")))
	}
	fmt.Fprint(c.stdout, cmd.usage)
	return ExitOK
}

// location is the time zone of the text output.
func (c *cli) location() *time.Location {
	if c.env.Location != nil {
		return c.env.Location
	}
	return time.Local
}

// usageError reports a wrong command line: nothing was done.
func (c *cli) usageError(cmd *command, msg string) int {
	if cmd == nil {
		fmt.Fprintf(c.stderr, "liveroute: %s\nRun 'liveroute --help' for usage.\n", msg)
	} else {
		fmt.Fprintf(c.stderr, "liveroute %s: %s\nRun 'liveroute %s --help' for usage.\n", cmd.name, msg, cmd.name)
	}
	return ExitUsage
}

// fail reports a command that ran and failed.
func (c *cli) fail(cmd *command, err error) int {
	msg := sentence(err)
	loginProblem, isLoginProblem := fbclient.LoginProblem(err)
	switch {
	// fbclient's sentence tells a window's user to press Connect, and the
	// cause of a Ctrl-C ("terminated signal received") says nothing more
	// to a person who pressed it.
	case errors.Is(err, fbclient.ErrLoginCanceled), cmd.name == "connect" && errors.Is(err, context.Canceled):
		msg = loginCanceled
	case errors.Is(err, context.Canceled):
		msg = "canceled."
	case isLoginProblem:
		// The sentence alone, in the command line's words: the wire chain
		// behind it (Facebook's error object, the endpoint) is for the log.
		msg = fbclient.InTerminalWords(loginProblem)
	}
	fmt.Fprintf(c.stderr, "liveroute %s: %s\n", cmd.name, withCommandPointer(msg))
	return ExitError
}

// commandPointers are the command line's next step after a lower layer's
// face-neutral sentence (the window shows a button there instead). Only
// the sentence crosses the control socket, so it is matched as text.
var commandPointers = []struct{ sentence, pointer string }{
	{store.ErrRelayURLMissing.Error(), "`liveroute relay-page` prints the page to host"},
	{store.PagesDialogSentence, "`liveroute connect` opens that dialog"},
}

// withCommandPointer adds the command line's pointer to msg when msg
// carries a sentence that has one.
func withCommandPointer(msg string) string {
	for _, p := range commandPointers {
		if strings.Contains(msg, p.sentence) {
			trimmed := strings.TrimSuffix(msg, ".")
			if trimmed != msg {
				return trimmed + "; " + p.pointer + "."
			}
			return msg + "; " + p.pointer
		}
	}
	return msg
}

// loginCanceled is what `connect` says when the login is given up.
const loginCanceled = "The Facebook login was canceled."

// echoesNoArguments names the commands whose errors never quote an
// argument: their arguments sit next to where a secret could be pasted by
// mistake.
var echoesNoArguments = map[string]bool{"connect": true}

// parse parses args with fs, allowing flags after positional arguments.
// It returns the positional arguments, or an exit code when parsing ended
// the command (help or a usage error).
func (c *cli) parse(cmd *command, fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, int, bool) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(c.stdout, cmd.usage)
				return nil, ExitOK, false
			}
			if echoesNoArguments[cmd.name] {
				return nil, c.usageError(cmd, "a flag is not known or is missing its value"), false
			}
			return nil, c.usageError(cmd, err.Error()), false
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	switch {
	case len(pos) < minPos:
		return nil, c.usageError(cmd, "missing argument"), false
	case len(pos) > maxPos:
		return nil, c.usageError(cmd, fmt.Sprintf("unexpected argument %q", pos[maxPos])), false
	}
	return pos, 0, true
}

// call runs req on the running LiveRoute, or on the database when none
// runs. needsApp commands never open the database.
func (c *cli) call(ctx context.Context, req Request, needsApp bool) (json.RawMessage, error) {
	resp, err := Call(ctx, c.env.Paths, req)
	if errors.Is(err, ErrNotRunning) {
		if needsApp {
			return nil, errNeedsApp
		}
		return c.local(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	if !resp.OK {
		return nil, &Error{Code: resp.Code, Message: resp.Error}
	}
	return resp.Data, nil
}

// local runs req on the database of a stopped LiveRoute.
func (c *cli) local(ctx context.Context, req Request) (json.RawMessage, error) {
	db, err := c.openDB()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	b := Backend{DB: db}
	if c.env.OpenApp != nil {
		lazy := &lazyApp{open: func(ctx context.Context) (App, func() error, error) { return c.env.OpenApp(ctx, db) }}
		defer lazy.close()
		b.App = lazy
	}
	resp := b.Execute(ctx, req)
	if !resp.OK {
		return nil, &Error{Code: resp.Code, Message: resp.Error}
	}
	return resp.Data, nil
}

func (c *cli) openDB() (*store.DB, error) {
	open := c.env.OpenDB
	if open == nil {
		open = func(path string) (*store.DB, error) { return store.Open(path, StoreOptions()) }
	}
	db, err := open(c.env.Paths.DatabaseFile())
	if errors.Is(err, store.ErrAlreadyRunning) {
		return nil, errors.New("LiveRoute is running but does not answer on its control socket; wait a moment and try again, or quit it")
	}
	if err != nil {
		return nil, err
	}
	if r := db.Recovered(); r != nil {
		fmt.Fprintf(c.stderr, "liveroute: %s\n", r.Error())
	}
	return db, nil
}

// StoreOptions are the rules the database enforces whoever opens it: the
// running app (app/service) and the command line on a stopped app open it
// with these, so both refuse the same routes. The message template rule is
// relay.Validate, the one the engine renders with.
func StoreOptions() store.Options {
	return store.Options{ValidateTemplate: relay.Validate}
}

// print writes data as indented JSON (jsonOut) or through text.
func (c *cli) print(raw json.RawMessage, v any, jsonOut bool, text func(w io.Writer)) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("read LiveRoute's answer: %w", err)
	}
	if jsonOut {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := io.WriteString(c.stdout, jsonControlsEscaped(buf.String()))
		return err
	}
	text(c.text())
	return nil
}

// text is stdout for text made of names and titles: without the terminal
// controls that a name from Facebook or the person could carry.
func (c *cli) text() io.Writer { return plainWriter{c.stdout} }

// sentence makes an error message end like a sentence.
func sentence(err error) string {
	msg := err.Error()
	if msg == "" {
		return "failed"
	}
	return msg
}

// secretFlags are the ways people try to pass a secret as an argument.
var secretFlags = regexp.MustCompile(`^--?(app-?)?secret(=|$)`)

func runGroup(_ context.Context, c *cli, cmd *command, args []string) int {
	if len(args) == 0 {
		return c.usageError(cmd, "missing subcommand")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprint(c.stdout, cmd.usage)
		return ExitOK
	}
	return c.usageError(cmd, fmt.Sprintf("unknown subcommand %q", args[0]))
}

func runStatus(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	raw, err := c.call(ctx, Request{Cmd: CmdStatus}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var s StatusData
	err = c.print(raw, &s, *jsonOut, func(w io.Writer) { writeStatus(w, s, c.location()) })
	if err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runRoutesList(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	raw, err := c.call(ctx, Request{Cmd: CmdRoutesList}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var routes []RouteData
	if err := c.print(raw, &routes, *jsonOut, func(w io.Writer) { writeRoutes(w, routes) }); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runRoutesAdd(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	name := fs.String("name", "", "")
	source := fs.String("source", "", "")
	to := fs.String("to", "", "")
	message := fs.String("message", "", "")
	mode := fs.String("mode", "", "")
	jsonOut := fs.Bool("json", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	a := RoutesAddArgs{Name: *name, SourceID: strings.TrimSpace(*source), Message: *message, Mode: *mode}
	if *to != "" {
		for _, id := range strings.Split(*to, ",") {
			a.To = append(a.To, strings.TrimSpace(id))
		}
	}
	if err := a.validate(); err != nil {
		return c.usageError(cmd, err.Error())
	}
	// A source is a Page or a profile, whose IDs are digits (or "me", the
	// connected profile); destinations may be groups, known by the name in
	// their address.
	if a.SourceID != relay.SourceMe && !store.IsDigitsID(a.SourceID) {
		return c.usageError(cmd, fmt.Sprintf("%q is not a Page's or profile's ID (digits only); `liveroute pages add URL` finds a Page's ID", a.SourceID))
	}
	rawArgs, _ := json.Marshal(a)
	raw, err := c.call(ctx, Request{Cmd: CmdRoutesAdd, Args: rawArgs}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var r RouteData
	err = c.print(raw, &r, *jsonOut, func(w io.Writer) {
		fmt.Fprintf(w, "Added route %s: %s → %s.\n", routeTitle(r), nameOrID(r.SourceName, r.SourceID), count(len(r.Targets), "destination", "destinations"))
	})
	if err != nil {
		return c.fail(cmd, err)
	}
	// The route is kept (the person may want it ready), but it must not
	// look healthy: say what the window says about such a source.
	if why := relay.UnsupportedSourceReason(store.SourceKind(r.SourceKind)); why != "" {
		fmt.Fprintf(c.stderr, "liveroute %s: warning: %s\n", cmd.name, why)
	}
	return ExitOK
}

func runRoutesRemove(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	pos, code, ok := c.parse(cmd, fs, args, 1, 1)
	if !ok {
		return code
	}
	rawArgs, _ := json.Marshal(RoutesRemoveArgs{ID: pos[0]})
	raw, err := c.call(ctx, Request{Cmd: CmdRoutesRemove, Args: rawArgs}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var r RouteData
	if err := c.print(raw, &r, false, func(w io.Writer) {
		fmt.Fprintf(w, "Removed route %s (%s). What it shared stays in the history.\n", routeTitle(r), nameOrID(r.SourceName, r.SourceID))
	}); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

// runCheck checks with Facebook on a running app and on a stopped one:
// a person checking their setup expects it checked either way.
func runCheck(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	raw, err := c.call(ctx, Request{Cmd: CmdCheck}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	return c.printHealth(cmd, raw, *jsonOut)
}

func runResume(ctx context.Context, c *cli, cmd *command, args []string) int {
	return c.engineCommand(ctx, cmd, args, CmdResume)
}

func (c *cli) engineCommand(ctx context.Context, cmd *command, args []string, name string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	return c.health(ctx, cmd, Request{Cmd: name}, *jsonOut)
}

func (c *cli) health(ctx context.Context, cmd *command, req Request, jsonOut bool) int {
	raw, err := c.call(ctx, req, true)
	if err != nil {
		return c.fail(cmd, err)
	}
	return c.printHealth(cmd, raw, jsonOut)
}

func (c *cli) printHealth(cmd *command, raw json.RawMessage, jsonOut bool) int {
	var h Health
	if err := c.print(raw, &h, jsonOut, func(w io.Writer) { writeHealth(w, h, c.location()) }); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

// maxPause bounds `pause DURATION`: a longer pause is better said as
// "until I resume".
const maxPause = 30 * 24 * time.Hour

func runPause(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	pos, code, ok := c.parse(cmd, fs, args, 0, 1)
	if !ok {
		return code
	}
	var a PauseArgs
	if len(pos) == 1 {
		d, err := time.ParseDuration(pos[0])
		if err != nil {
			return c.usageError(cmd, fmt.Sprintf("%q is not a duration; write it like 30m, 2h or 1h30m", pos[0]))
		}
		if d < time.Second || d > maxPause {
			return c.usageError(cmd, fmt.Sprintf("a pause must last between 1 second and %d days; leave out the duration to pause until `liveroute resume`", maxPause/(24*time.Hour)))
		}
		a.Seconds = int64(d.Round(time.Second) / time.Second)
	}
	rawArgs, _ := json.Marshal(a)
	return c.health(ctx, cmd, Request{Cmd: CmdPause, Args: rawArgs}, *jsonOut)
}

func runPagesAdd(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	pos, code, ok := c.parse(cmd, fs, args, 1, 1)
	if !ok {
		return code
	}
	if _, err := pageRef(pos[0]); err != nil {
		return c.usageError(cmd, err.Error())
	}
	rawArgs, _ := json.Marshal(PagesAddArgs{Ref: pos[0]})
	raw, err := c.call(ctx, Request{Cmd: CmdPagesAdd, Args: rawArgs}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var p PageData
	if err := c.print(raw, &p, *jsonOut, func(w io.Writer) {
		fmt.Fprintf(w, "Added %s %s (%s).\n", p.Kind, p.Name, p.ID)
	}); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runGroupsAdd(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	name := fs.String("name", "", "")
	jsonOut := fs.Bool("json", false, "")
	pos, code, ok := c.parse(cmd, fs, args, 1, 1)
	if !ok {
		return code
	}
	a := GroupsAddArgs{Address: pos[0], Name: *name}
	if _, err := groupDestination(a.Address, a.Name); err != nil {
		return c.usageError(cmd, err.Error())
	}
	rawArgs, _ := json.Marshal(a)
	raw, err := c.call(ctx, Request{Cmd: CmdGroupsAdd, Args: rawArgs}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var g PageData
	if err := c.print(raw, &g, *jsonOut, func(w io.Writer) {
		fmt.Fprintf(w, "Added the group %s (%s). Routes share to it with --to %s; you finish each share with one click, as Facebook lets no app post to groups.\n", g.Name, g.ID, g.ID)
	}); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runGroupsList(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	raw, err := c.call(ctx, Request{Cmd: CmdGroupsList}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var groups []PageData
	if err := c.print(raw, &groups, *jsonOut, func(w io.Writer) { writeGroups(w, groups) }); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runGroupsShared(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	pos, code, ok := c.parse(cmd, fs, args, 3, 3)
	if !ok {
		return code
	}
	rawArgs, _ := json.Marshal(GroupsSharedArgs{RouteID: pos[0], VideoID: pos[1], DestinationID: pos[2]})
	raw, err := c.call(ctx, Request{Cmd: CmdGroupsShared, Args: rawArgs}, false)
	var notFound *Error
	if errors.As(err, &notFound) && notFound.Code == CodeNotFound {
		// The service's sentence says what is wrong; where to look is ours.
		err = fmt.Errorf("%s; `liveroute history` lists the waiting ones with their IDs", notFound.Message)
	}
	if err != nil {
		return c.fail(cmd, err)
	}
	return c.printEntry(cmd, raw)
}

// printEntry prints the history entry a command answered with.
func (c *cli) printEntry(cmd *command, raw json.RawMessage) int {
	var h HistoryEntry
	if err := c.print(raw, &h, false, func(w io.Writer) { fmt.Fprintf(w, "%s.\n", h.Message) }); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

// runSharesResolve runs "shares shared" and "shares again": the person's
// answer for a share LiveRoute could not confirm.
func runSharesResolve(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	pos, code, ok := c.parse(cmd, fs, args, 2, 2)
	if !ok {
		return code
	}
	req := Request{Cmd: CmdSharesShared}
	if cmd.name == "shares again" {
		req.Cmd = CmdSharesAgain
	}
	req.Args, _ = json.Marshal(SharesArgs{VideoID: pos[0], DestinationID: pos[1]})
	raw, err := c.call(ctx, req, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	return c.printEntry(cmd, raw)
}

func runHistory(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	limit := fs.Int("limit", 50, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	if *limit < 0 {
		return c.usageError(cmd, "--limit cannot be negative; 0 shows everything")
	}
	rawArgs, _ := json.Marshal(HistoryArgs{Limit: *limit})
	raw, err := c.call(ctx, Request{Cmd: CmdHistory, Args: rawArgs}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var h []HistoryEntry
	if err := c.print(raw, &h, *jsonOut, func(w io.Writer) { writeHistory(w, h, c.location()) }); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runExport(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	pos, code, ok := c.parse(cmd, fs, args, 1, 1)
	if !ok {
		return code
	}
	raw, err := c.call(ctx, Request{Cmd: CmdExport}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	if pos[0] == "-" {
		// A terminal may be reading: no raw C1 control reaches it.
		_, err = io.WriteString(c.stdout, jsonControlsEscaped(string(raw))+"\n")
	} else {
		err = os.WriteFile(pos[0], append(raw, '\n'), 0o600)
	}
	if err != nil {
		return c.fail(cmd, fmt.Errorf("write the export: %w", err))
	}
	if pos[0] != "-" {
		fmt.Fprintf(c.stdout, "Routes and settings written to %s (no secrets: connect Facebook again after importing).\n", pos[0])
	}
	return ExitOK
}

func runImport(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "")
	withLogin := fs.Bool("with-login-settings", false, "")
	pos, code, ok := c.parse(cmd, fs, args, 1, 1)
	if !ok {
		return code
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return c.fail(cmd, fmt.Errorf("read %s: %w", pos[0], err))
	}
	if !json.Valid(data) {
		return c.fail(cmd, fmt.Errorf("%s is not a LiveRoute export (not JSON); nothing was changed", pos[0]))
	}
	importArgs := ImportArgs{Data: data, WithLoginSettings: *withLogin}
	if *withLogin {
		if importArgs.LoginChanges, err = c.confirmLoginChanges(ctx, importArgs); err != nil {
			return c.fail(cmd, err)
		}
	}
	rawArgs, _ := json.Marshal(importArgs)
	raw, err := c.call(ctx, Request{Cmd: CmdImport, Args: rawArgs}, false)
	if err != nil {
		return c.fail(cmd, err)
	}
	var res ImportData
	if err := c.print(raw, &res, *jsonOut, func(w io.Writer) {
		fmt.Fprintf(w, "Imported %s and %s", count(res.Routes, "route", "routes"), count(res.Destinations, "Page or group", "Pages and groups"))
		if res.Settings {
			fmt.Fprint(w, ", and the settings")
		}
		fmt.Fprintln(w, ". Connect Facebook to start sharing.")
		writeLoginSettings(w, res)
	}); err != nil {
		return c.fail(cmd, err)
	}
	return ExitOK
}

// confirmLoginChanges shows the login settings an import would take from
// the file and asks the person to confirm them on stdin: a file must never
// move the login to another Meta app unseen, flag or not. It returns the
// changes confirmed (none when the file changes none), which the import
// then takes only if they are still the file's.
func (c *cli) confirmLoginChanges(ctx context.Context, args ImportArgs) ([]SettingChange, error) {
	rawArgs, _ := json.Marshal(args)
	raw, err := c.call(ctx, Request{Cmd: CmdImportLoginChanges, Args: rawArgs}, false)
	if err != nil {
		return nil, err
	}
	var changes []SettingChange
	if err := json.Unmarshal(raw, &changes); err != nil {
		return nil, fmt.Errorf("read the login settings the file would change: %w", err)
	}
	if len(changes) == 0 {
		return nil, nil
	}
	// The question goes to stderr, so --json output stays one JSON value.
	fmt.Fprintln(c.stderr, "The file's login settings differ from this computer's. Taking them changes how LiveRoute logs in to Facebook:")
	writeSettingChanges(c.stderr, changes, "  %s: %s → %s\n")
	fmt.Fprint(c.stderr, "Type yes to take them: ")
	answer, _ := c.stdin.ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a == "yes" || a == "y" {
		return changes, nil
	}
	return nil, errors.New("nothing was imported: the file's login settings were not confirmed. Type yes when asked, or import without --with-login-settings to keep this computer's")
}

func runConnect(ctx context.Context, c *cli, cmd *command, args []string) int {
	for _, a := range args {
		if secretFlags.MatchString(a) {
			return c.usageError(cmd, "the App secret is never taken as an argument: other users can read arguments in the process list and they stay in your shell history. Pipe it on standard input, or type it when asked")
		}
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	appID := fs.String("app-id", "", "")
	configID := fs.String("config-id", "", "")
	via := fs.String("via", store.TransportLoopback, "")
	port := fs.Int("port", 0, "")
	pkce := fs.Bool("pkce", false, "")
	// The errors below never quote an argument: a person who pastes the App
	// secret in the wrong place must not see it echoed into a terminal log.
	pos, code, ok := c.parse(cmd, fs, args, 0, len(args))
	if !ok {
		return code
	}
	req := ConnectRequest{AppID: *appID, ConfigID: *configID, Port: *port, PKCE: *pkce}
	switch {
	case len(pos) > 0:
		return c.usageError(cmd, "connect takes no positional arguments (the App secret is read from standard input)")
	case req.AppID == "":
		return c.usageError(cmd, "say which Meta app to log in with: --app-id ID (App settings → Basic on developers.facebook.com)")
	case store.CheckIDForms(req.AppID, req.ConfigID) != nil:
		return c.usageError(cmd, store.CheckIDForms(req.AppID, req.ConfigID).Error())
	case store.CheckPKCE(req.PKCE, req.ConfigID) != nil:
		return c.usageError(cmd, store.CheckPKCE(req.PKCE, req.ConfigID).Error())
	case req.Port != 0 && store.CheckLoopbackPort(req.Port) != nil:
		return c.usageError(cmd, "--port: "+store.CheckLoopbackPort(req.Port).Error())
	}
	switch v := *via; {
	case v == store.TransportLoopback || v == store.TransportPaste:
		req.Via = v
	case redirectPageVia(v) != "":
		if err := store.CheckRelayURL(redirectPageVia(v)); err != nil {
			return c.usageError(cmd, "--via relay=https://...: "+withCommandPointer(err.Error()))
		}
		req.Via, req.RedirectPageURL = store.TransportRedirectPage, redirectPageVia(v)
	default:
		return c.usageError(cmd, "that --via is not known; use loopback, paste or relay=https://...")
	}
	if c.env.Connect == nil {
		return c.fail(cmd, errors.New("this build of LiveRoute cannot connect from the command line"))
	}
	if _, err := Call(ctx, c.env.Paths, Request{Cmd: CmdStatus}); err == nil {
		return c.fail(cmd, errors.New("LiveRoute is running: connect from its window (Connection tab), or quit it and run this again"))
	}
	secret, err := c.readSecret()
	if err != nil {
		return c.fail(cmd, err)
	}
	req.Secret = fbclient.Token(secret)
	if req.Via == store.TransportPaste {
		req.Paste = c.paste
	}
	db, err := c.openDB()
	if err != nil {
		return c.fail(cmd, err)
	}
	defer db.Close()
	acct, err := c.env.Connect(ctx, db, req)
	if err != nil {
		return c.fail(cmd, err)
	}
	fmt.Fprintf(c.text(), "Connected to Facebook as %s (%s).\n", acct.Name, acct.UserID)
	return ExitOK
}

// readSecret reads the App secret: asked without echo on a terminal, else
// the first line of standard input.
func (c *cli) readSecret() (string, error) {
	isTerm := c.env.IsTerminal
	if isTerm == nil {
		isTerm = isTerminal
	}
	if f, ok := c.rawStdin.(*os.File); ok && isTerm(f) {
		read := c.env.ReadSecret
		if read == nil {
			read = readPassword
		}
		fmt.Fprint(c.stderr, "App secret (typing is hidden): ")
		s, err := read(f)
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", fmt.Errorf("read the App secret: %w", err)
		}
		return checkSecret(s)
	}
	line, err := c.stdin.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the App secret from standard input: %w", err)
	}
	return checkSecret(line)
}

// checkSecret trims a secret and checks its shape without ever quoting it.
func checkSecret(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("no App secret was given: pipe it on standard input, or type it when asked (App settings → Basic → App secret → Show)")
	}
	if err := fbclient.CheckAppSecretForm(s); err != nil {
		return "", err
	}
	return s, nil
}

// paste shows the login address and reads the address the person lands on.
func (c *cli) paste(ctx context.Context, loginURL string) (string, error) {
	fmt.Fprintf(c.stdout, "Open this address in your browser and log in:\n\n  %s\n\nThen paste here the address of the page you land on, and press Enter:\n", loginURL)
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := c.stdin.ReadString('\n')
		ch <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-ch:
		line := strings.TrimSpace(r.line)
		if line == "" {
			return "", errors.New("no address was pasted; run connect again")
		}
		return line, nil
	}
}

func runRun(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	headless := fs.Bool("headless", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	if !*headless {
		return c.usageError(cmd, "run needs --headless; to start the desktop app, run `liveroute` with no command")
	}
	if c.env.RunHeadless == nil {
		return c.fail(cmd, errors.New("this build of LiveRoute cannot run headless"))
	}
	srv, err := Listen(c.env.Paths)
	if errors.Is(err, ErrAlreadyRunning) {
		return c.fail(cmd, errors.New("LiveRoute is already running for this user; `liveroute status` shows it"))
	}
	if err != nil {
		return c.fail(cmd, err)
	}
	defer srv.Close()
	if err := c.env.RunHeadless(ctx, srv, c.stdout, c.stderr); err != nil && !errors.Is(err, context.Canceled) {
		return c.fail(cmd, err)
	}
	return ExitOK
}

func runInstall(_ context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	rep, err := install.Install(c.env.Install)
	fmt.Fprint(c.stdout, reportText(rep))
	if err != nil {
		return c.fail(cmd, err)
	}
	fmt.Fprintln(c.stdout, "LiveRoute is installed for this user and starts at login.")
	return ExitOK
}

func runUninstall(ctx context.Context, c *cli, cmd *command, args []string) int {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	purge := fs.Bool("purge", false, "")
	if _, code, ok := c.parse(cmd, fs, args, 0, 0); !ok {
		return code
	}
	if *purge {
		if _, err := Call(ctx, c.env.Paths, Request{Cmd: CmdStatus}); err == nil {
			return c.fail(cmd, errors.New("LiveRoute is running; quit it before deleting its data with --purge"))
		}
	}
	rep, err := install.Uninstall(c.env.Install, *purge)
	if errors.Is(err, install.ErrNotInstalled) {
		fmt.Fprintln(c.stdout, "LiveRoute is not installed for this user; nothing was removed.")
		return ExitOK
	}
	fmt.Fprint(c.stdout, reportText(rep))
	if err != nil {
		return c.fail(cmd, err)
	}
	if !*purge {
		fmt.Fprintln(c.stdout, "Your routes, history and keychain secrets are kept; `liveroute uninstall --purge` deletes them too.")
	}
	return ExitOK
}

func reportText(r install.Report) string {
	if len(r.Changes) == 0 {
		return ""
	}
	return r.String()
}
