package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadmeCommandsAnswerAlikeRunningAndStopped runs every `liveroute …`
// command shown in README.md's code blocks through the built binary, on
// the demo profile, once against a running app and once against the same
// data with the app stopped, and compares both answers: exit code, stdout
// and stderr. A command added to README is covered without touching this
// test. What may legitimately differ is listed in runningOnly and in
// normalise, each with its reason.
func TestReadmeCommandsAnswerAlikeRunningAndStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	cmds := readmeCommands(t)
	if len(cmds) < 15 {
		t.Fatalf("found only %d commands in README.md: is the parser still reading its code blocks?", len(cmds))
	}
	// Both profiles get the same data the same way: the demo starts, its
	// scripted live is shared to the two Pages and waits for the person
	// in the group; then one app keeps running and the other is stopped.
	running, stopped := newReadmeProfile(t), newReadmeProfile(t)
	running.start(t)
	stopped.start(t)
	running.waitForDemoShares(t)
	stopped.waitForDemoShares(t)
	stopped.stop(t)

	for _, c := range cmds {
		if why := skipped[c.words[0]]; why != "" {
			t.Logf("skip %q: %s", c.line, why)
			continue
		}
		r := running.run(t, c)
		s := stopped.run(t, c)
		if why, ok := stoppedOnly[strings.Join(c.words, " ")]; ok {
			if s.code != 0 || r.code != 1 || !strings.Contains(r.stderr, "LiveRoute is running; quit it") {
				t.Errorf("%q (%s): running exit %d %q; stopped exit %d %q", c.line, why, r.code, r.stderr, s.code, s.stdout+s.stderr)
			}
			continue
		}
		if why, ok := runningOnly[c.words[0]]; ok {
			if r.code != 0 || s.code != 1 || !strings.Contains(s.stderr, "LiveRoute is not running") {
				t.Errorf("%q (%s): running exit %d %q; stopped exit %d %q", c.line, why, r.code, r.stdout+r.stderr, s.code, s.stderr)
			}
			continue
		}
		if why, refused := expectedRefusals[strings.Join(c.words[:min(2, len(c.words))], " ")]; r.code != 0 && !refused {
			t.Errorf("%q (%v): exit %d: %s", c.line, c.words, r.code, r.stderr)
		} else if refused && (r.code != 1 || r.stderr == "") {
			t.Errorf("%q should refuse (%s): exit %d %q", c.line, why, r.code, r.stderr)
		}
		rn, sn := running.normalise(c, r), stopped.normalise(c, s)
		if rn != sn {
			t.Errorf("%q answers differently:\nrunning:\n%s\nstopped:\n%s", c.line, rn, sn)
		}
	}
}

// skipped are README commands this test cannot run, by first word.
var skipped = map[string]string{
	"connect": "needs a person in a browser (Facebook's login dialog); fbclient's Chromium tests drive the login",
	"run":     "`run --headless` is how this test runs the app itself",
}

// runningOnly are the commands that act on the running engine and, by
// design, say so on a stopped app (exit 1, "LiveRoute is not running").
var runningOnly = map[string]string{
	"pause":  "pausing is a state of the running engine",
	"resume": "resuming is a state of the running engine",
}

// stoppedOnly are the command lines that refuse to run while LiveRoute
// runs, by design (exit 1, "LiveRoute is running; quit it …").
var stoppedOnly = map[string]string{
	"uninstall --purge": "deleting the data under a running app would pull the database from under it",
}

// expectedRefusals are the README commands the demo's data makes fail
// in both profiles alike (exit 1, a sentence saying why), by their first
// two words.
var expectedRefusals = map[string]string{
	"shares again": "the demo has no share LiveRoute could not confirm, and a confirmed one is never posted again",
}

// readmeCommand is one runnable form of a README command line.
type readmeCommand struct {
	line  string   // as in README, for messages
	words []string // after `liveroute`, placeholders still in capitals
}

// readmeCommands reads README.md's code blocks and returns every runnable
// form of each `liveroute …` line: alternatives split at " | ", each
// optional [part] left out and then put in, a|b choices one by one.
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeCommand
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock || !strings.HasPrefix(line, "liveroute ") {
			continue
		}
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		for _, alt := range strings.Split(strings.TrimPrefix(line, "liveroute "), " | ") {
			for _, words := range expand(strings.Fields(alt)) {
				out = append(out, readmeCommand{line: "liveroute " + alt, words: words})
			}
		}
	}
	return out
}

// expand turns one usage line's words into the command lines it allows:
// without its [optional] parts, with all of them, and one line per
// choice of each a|b word.
func expand(words []string) [][]string {
	var bare, full []string
	inOptional := false
	for _, w := range words {
		opens, closes := strings.HasPrefix(w, "["), strings.HasSuffix(w, "]")
		w = strings.Trim(w, "[]")
		if opens {
			inOptional = true
		}
		if !inOptional {
			bare = append(bare, w)
		}
		full = append(full, w)
		if closes {
			inOptional = false
		}
	}
	var out [][]string
	for _, form := range [][]string{bare, full} {
		out = append(out, choices(form)...)
	}
	return dedupe(out)
}

// choices makes one line per alternative of each a|b word.
func choices(words []string) [][]string {
	lines := [][]string{nil}
	for _, w := range words {
		alts := strings.Split(w, "|")
		var next [][]string
		for _, l := range lines {
			for _, a := range alts {
				next = append(next, append(append([]string(nil), l...), a))
			}
		}
		lines = next
	}
	return lines
}

func dedupe(lines [][]string) [][]string {
	seen := map[string]bool{}
	var out [][]string
	for _, l := range lines {
		k := strings.Join(l, " ")
		if !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// readmeProfile is one isolated demo profile driven through the binary.
type readmeProfile struct {
	dir      string
	env      []string
	headless *exec.Cmd
	logs     chan string
	exited   chan error
	routeIDs map[string]string // route ID → a name stable across profiles
	stopped  bool              // its app was stopped: status must say so
}

func newReadmeProfile(t *testing.T) *readmeProfile {
	dir := t.TempDir()
	return &readmeProfile{dir: dir, env: isolatedEnv(dir), routeIDs: map[string]string{}}
}

// start runs the demo headless and waits until it serves the control socket.
func (p *readmeProfile) start(t *testing.T) {
	t.Helper()
	p.headless = exec.Command(binary(t), "--demo", "run", "--headless")
	p.headless.Env = p.env
	stderr, err := p.headless.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.headless.Start(); err != nil {
		t.Fatal(err)
	}
	p.logs, p.exited = make(chan string, 1024), make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.logs <- sc.Text()
		}
		close(p.logs)
		p.exited <- p.headless.Wait()
	}()
	t.Cleanup(func() {
		if p.headless.ProcessState == nil {
			p.headless.Process.Kill()
			<-p.exited
		}
	})
	p.waitForLog(t, "running headless", 1)
}

// waitForDemoShares waits until the demo's live has been shared to both
// Pages and offered for the group, as the engine logs it.
func (p *readmeProfile) waitForDemoShares(t *testing.T) {
	t.Helper()
	p.waitForLog(t, "live video shared", 2, "share to a group by hand", 1)
}

// waitForLog reads the headless run's log until each of its (line, count)
// pairs was seen count times; the demo's live starts 20 s after the app.
func (p *readmeProfile) waitForLog(t *testing.T, pairs ...any) {
	t.Helper()
	want := map[string]int{}
	for i := 0; i < len(pairs); i += 2 {
		want[pairs[i].(string)] = pairs[i+1].(int)
	}
	deadline := time.After(2 * time.Minute)
	var seen []string
	for len(want) > 0 {
		select {
		case line, ok := <-p.logs:
			if !ok {
				t.Fatalf("the headless app ended:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, line)
			for w := range want {
				if strings.Contains(line, w) {
					if want[w]--; want[w] == 0 {
						delete(want, w)
					}
				}
			}
		case <-deadline:
			t.Fatalf("waiting for %v in the headless app's log:\n%s", want, strings.Join(seen, "\n"))
		}
	}
}

func (p *readmeProfile) stop(t *testing.T) {
	t.Helper()
	if err := p.headless.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range p.logs { // drain, so the app can log its way out
		}
	}()
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("headless run exited with %v after SIGTERM", err)
		}
		p.stopped = true
	case <-time.After(30 * time.Second):
		t.Fatal("headless run did not stop on SIGTERM")
	}
}

// run runs c with its placeholders filled from this profile's data.
func (p *readmeProfile) run(t *testing.T, c readmeCommand) cliResult {
	t.Helper()
	if len(c.words) > 1 && c.words[0] == "routes" && c.words[1] == "add" {
		p.removeReadmeRoutes(t) // each form of `routes add` adds the same route
	}
	args := []string{"--demo"}
	for i := 0; i < len(c.words); i++ {
		args = append(args, p.fill(t, c.words, i)...)
	}
	r := runCLIBinary(t, p.env, args...)
	p.learnRouteIDs(t)
	return r
}

// removeReadmeRoutes removes, through the binary, the routes this test
// added (every route but the demo's).
func (p *readmeProfile) removeReadmeRoutes(t *testing.T) {
	var routes []struct{ ID, Name string }
	decodeJSON(t, runCLIBinary(t, p.env, "--demo", "routes", "list", "--json"), &routes)
	for _, r := range routes {
		if r.Name == "Sunday service" {
			continue
		}
		if res := runCLIBinary(t, p.env, "--demo", "routes", "remove", r.ID); res.code != 0 {
			t.Fatalf("remove the route %s: %s", r.ID, res.stderr)
		}
	}
}

// The demo's data, as seedDemo and fakefb.SeedDemo make it.
const (
	demoPage2 = "200000000000002"
	demoPage3 = "200000000000003"
)

// fill returns what stands for words[i] on the command line.
func (p *readmeProfile) fill(t *testing.T, words []string, i int) []string {
	w := words[i]
	prev := ""
	if i > 0 {
		prev = words[i-1]
	}
	cmd := words[0]
	if len(words) > 1 {
		cmd += " " + words[1]
	}
	switch {
	case w == "PAGE_ID":
		// The demo's live Page already shares to every Page: a second
		// route from it would be refused.
		return []string{demoPage2}
	case w == "ID,ID":
		return []string{demoPage3 + ",demo-prayer-circle"}
	case w == "NAME" && cmd == "groups add":
		return []string{"Readme Group"}
	case w == "NAME":
		return []string{"Readme route"}
	case w == "TEMPLATE":
		return []string{"{title} {url}"}
	case w == "ROUTE_ID":
		return []string{p.routeNamed(t, "Readme route")}
	case w == "URL" && cmd == "groups add":
		return []string{"https://www.facebook.com/groups/readme-group"}
	case w == "URL" && cmd == "pages add":
		return []string{"https://www.facebook.com/" + demoPage3}
	case w == "ID" && cmd == "pages add":
		return []string{demoPage2}
	case w == "ROUTE" || w == "VIDEO" || w == "GROUP" || w == "PAGE":
		return []string{p.shareField(t, cmd, w)}
	case w == "DURATION":
		return []string{"10m"}
	case w == "FILE":
		return []string{filepath.Join(p.dir, "liveroute-export.json")}
	case strings.ToUpper(w) == w && len(w) > 1 && prev != "" && strings.HasPrefix(prev, "--"):
		t.Fatalf("README placeholder %s (after %s) has no value in this test: add it to fill", w, prev)
	}
	return []string{w}
}

// routeNamed is the ID of the route called name, or "" when there is none.
func (p *readmeProfile) routeNamed(t *testing.T, name string) string {
	var routes []struct{ ID, Name string }
	decodeJSON(t, runCLIBinary(t, p.env, "--demo", "routes", "list", "--json"), &routes)
	for _, r := range routes {
		if r.Name == name {
			return r.ID
		}
	}
	return "no-such-route"
}

// shareField is the route, video or destination of the share a `groups
// shared` or `shares …` command names: the demo's group share, or the
// demo's share to its second Page.
func (p *readmeProfile) shareField(t *testing.T, cmd, field string) string {
	var history []struct {
		Kind          string `json:"kind"`
		RouteID       string `json:"route_id"`
		VideoID       string `json:"video_id"`
		DestinationID string `json:"destination_id"`
	}
	decodeJSON(t, runCLIBinary(t, p.env, "--demo", "history", "--json"), &history)
	for _, h := range history {
		group := h.DestinationID == "demo-prayer-circle"
		if (cmd == "groups shared") != group || h.VideoID == "" {
			continue
		}
		if !group && h.DestinationID != demoPage2 {
			continue
		}
		switch field {
		case "ROUTE":
			return h.RouteID
		case "VIDEO":
			return h.VideoID
		default:
			return h.DestinationID
		}
	}
	t.Fatalf("no share in the demo's history for %s %s", cmd, field)
	return ""
}

// learnRouteIDs names every route ID of the profile after its route, so
// the random IDs compare equal across profiles.
func (p *readmeProfile) learnRouteIDs(t *testing.T) {
	var routes []struct{ ID, Name string }
	decodeJSON(t, runCLIBinary(t, p.env, "--demo", "routes", "list", "--json"), &routes)
	for _, r := range routes {
		if _, ok := p.routeIDs[r.ID]; !ok {
			p.routeIDs[r.ID] = "ROUTE<" + r.Name + ">"
		}
	}
}

var (
	rfc3339   = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	clockTime = regexp.MustCompile(`\b\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?\b|\b\d\d:\d\d(:\d\d)?\b`)
	// The fake Facebook's post IDs count up per run.
	postID       = regexp.MustCompile(`\b\d{15}_\d+\b`)
	loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// normalise rewrites what legitimately differs between the two profiles:
//   - timestamps (each profile ran at its own moment) and the fake's post IDs;
//   - random route IDs, named after their route;
//   - the profile's temporary folder;
//   - whether LiveRoute runs: status and check say "is running: STATE" or
//     "is not running" (and "stopped" in JSON), and only a running app
//     names its live sources ("Live now on …", "live_sources");
//   - `shares again`: the running app shares again at once, a stopped one
//     at its next start, and each says which;
//   - the demo's fake Facebook listens on a new port every run (the demo
//     group's address names it);
//   - the order of `history`'s automatic shares of one live that lie next
//     to each other ("Shared to …"): the engine shares to several Pages at
//     once and notes each as Facebook answers, so two profiles may note
//     them in either order; every other line keeps its place.
func (p *readmeProfile) normalise(c readmeCommand, r cliResult) string {
	text := "exit " + string(rune('0'+r.code)) + "\nstdout:\n" + r.stdout + "stderr:\n" + r.stderr
	text = strings.ReplaceAll(text, p.dir, "DIR")
	for id, name := range p.routeIDs {
		text = strings.ReplaceAll(text, id, name)
	}
	text = rfc3339.ReplaceAllString(text, "TIME")
	text = clockTime.ReplaceAllString(text, "TIME")
	text = postID.ReplaceAllString(text, "POST")
	text = loopbackPort.ReplaceAllString(text, "127.0.0.1:PORT")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		switch {
		// Each profile must say what it is: a running app that said "not
		// running" (or the reverse) is left as it is, and the two differ.
		case !p.stopped && strings.HasPrefix(l, "LiveRoute is running: "), p.stopped && l == "LiveRoute is not running.":
			l = "LiveRoute: RUNNING OR NOT"
		case strings.HasPrefix(l, "Live now on "):
			continue
		case strings.HasPrefix(l, "Sharing again to "):
			l = "SHARE AGAIN"
		}
		lines = append(lines, l)
	}
	if c.words[0] == "history" {
		return sortSameMomentShares(strings.Join(lines, "\n"))
	}
	if c.words[0] != "status" {
		return strings.Join(lines, "\n")
	}
	wantState := "healthy"
	if p.stopped {
		wantState = "stopped"
	}
	return normaliseStatusJSON(strings.Join(lines, "\n"), wantState)
}

// sortSameMomentShares sorts each run of neighbouring automatic shares
// ("Shared to …") in `history`'s text or JSON by their sentence.
func sortSameMomentShares(text string) string {
	start, end := strings.Index(text, "stdout:\n")+len("stdout:\n"), strings.Index(text, "stderr:\n")
	if start < len("stdout:\n") || end < start {
		return text
	}
	body := text[start:end]
	var items []map[string]any
	if strings.HasPrefix(strings.TrimSpace(body), "[") && json.Unmarshal([]byte(body), &items) == nil {
		message := func(item map[string]any) string { m, _ := item["message"].(string); return m }
		sortRuns(items, func(item map[string]any) bool { return strings.HasPrefix(message(item), "Shared to ") },
			func(x, y map[string]any) int { return strings.Compare(message(x), message(y)) })
		out, _ := json.MarshalIndent(items, "", "  ")
		return text[:start] + string(out) + "\n" + text[end:]
	}
	lines := strings.Split(body, "\n")
	sortRuns(lines, func(l string) bool { return strings.Contains(l, " Shared to ") }, strings.Compare)
	return text[:start] + strings.Join(lines, "\n") + text[end:]
}

// sortRuns sorts, in place, each maximal run of neighbouring elements of xs
// for which in holds.
func sortRuns[T any](xs []T, in func(T) bool, cmp func(x, y T) int) {
	for i := 0; i < len(xs); i++ {
		j := i
		for j < len(xs) && in(xs[j]) {
			j++
		}
		slices.SortStableFunc(xs[i:j], cmp)
		i = j
	}
}

// normaliseStatusJSON drops the running-only fields from `status --json`
// and its state when it is the one this profile must report (wantState):
// any other state is kept, so the profiles differ.
func normaliseStatusJSON(text, wantState string) string {
	start, end := strings.Index(text, "stdout:\n")+len("stdout:\n"), strings.Index(text, "stderr:\n")
	body := strings.TrimSpace(text[start:end])
	var obj map[string]any
	if !strings.HasPrefix(body, "{") || json.Unmarshal([]byte(body), &obj) != nil {
		return text
	}
	for _, k := range []string{"running", "live_sources"} {
		delete(obj, k)
	}
	if s, ok := obj["state"].(string); ok && s == wantState {
		obj["state"] = "RUNNING OR NOT"
	}
	out, _ := json.MarshalIndent(obj, "", "  ")
	return text[:start] + string(out) + "\n" + text[end:]
}
