package agent

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// What cannot be tested on Linux: that osascript and PowerShell show these
// notifications (notify_darwin.go, notify_windows.go). What can is that no
// text reaches either program but as data, and how execCommand runs a
// program.

// hostile are titles and bodies a Page or a video could carry.
var hostile = []string{
	`Sunday "service"`,
	`"; do shell script "touch /tmp/pwned" --`,
	`" & (do shell script "id") & "`,
	`back\slash \" \\`,
	"two\nlines\r\nand a\ttab",
	`-e`,
	`--`,
	`$(Start-Process calc) ${env:USERNAME} $env:PATH`,
	"`whoami` ``",
	`'); Start-Process calc; ('`,
	"‘typographic’ quotes’); Start-Process calc; (‘",
	`</text><action content="x" arguments="y"/><text>`,
	`]]><!ENTITY x "y"> &amp; &lt; <![CDATA[`,
	"nul\x00 esc\x1b[31m del\x7f",
	"bad \xff\xfe utf-8",
	"émoji 🎥 ünïcödé \u2028 \uFEFF",
	"",
}

// wantText is what a notification may show of s: the same text less the
// control characters no program argument or XML can carry.
func wantText(s string) string { return plainText(s) }

func TestPlainTextDropsOnlyWhatCannotTravel(t *testing.T) {
	if got := plainText("nul\x00 esc\x1b[31m del\x7f\ttab\nline \uFFFE\uFFFF."); got != "nul esc[31m del\ttab\nline ." {
		t.Errorf("plainText = %q", got)
	}
	if got := plainText("bad \xff"); got != "bad \uFFFD" {
		t.Errorf("plainText of invalid UTF-8 = %q", got)
	}
}

// reconnect is a note with an action: Linux shows a button for it.
func reconnect(title, body string) Note {
	return Note{Title: title, Body: body, Open: ShowReconnect, Button: "Reconnect", TrayItem: LabelReset}
}

func TestOsascriptPassesTheTextAsArgumentsNeverAsScript(t *testing.T) {
	for _, title := range hostile {
		for _, body := range []string{hostile[1], title} {
			c := osascriptCommand(reconnect(title, body))
			if c.Name != "osascript" || c.Env != nil {
				t.Fatalf("program %q, env %q", c.Name, c.Env)
			}
			// The script is the same constant whatever the text.
			want := []string{"-e", osascriptScript, "LiveRoute", wantText(title), wantText(body),
				"Choose “Reset connection…” from LiveRoute's icon in the menu bar."}
			if strings.Join(c.Args, "\x00|") != strings.Join(want, "\x00|") {
				t.Errorf("title %q body %q:\n got %q\nwant %q", title, body, c.Args, want)
			}
			for _, a := range c.Args {
				if strings.ContainsRune(a, 0) {
					t.Errorf("an argument holds a NUL: %q", a)
				}
			}
		}
	}
	// The script reads the text from its run handler's arguments 2 to 4
	// (the first is the fixed word that ends osascript's options), the
	// hint as the subtitle.
	if !strings.Contains(osascriptScript, "on run argv") ||
		!strings.Contains(osascriptScript, "(item 3 of argv) with title (item 2 of argv) subtitle (item 4 of argv)") {
		t.Errorf("script: %s", osascriptScript)
	}
}

// toastCommand checks c runs Windows PowerShell by its full path with the
// one constant script, and returns the script.
func toastCommand(t *testing.T, c command) string {
	t.Helper()
	wantArgs := []string{"-NoProfile", "-NonInteractive", "-EncodedCommand", encodePowerShell(toastScript)}
	if c.Name != `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe` || strings.Join(c.Args, "|") != strings.Join(wantArgs, "|") {
		t.Fatalf("command: %s %q", c.Name, c.Args)
	}
	raw, err := base64.StdEncoding.DecodeString(c.Args[len(c.Args)-1])
	if err != nil || len(raw)%2 != 0 {
		t.Fatalf("-EncodedCommand is not base64 UTF-16: %v", err)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	return string(utf16.Decode(units))
}

// envOf is c's added environment as a map, each entry checked to be one
// Windows can hold.
func envOf(t *testing.T, c command) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, kv := range c.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.ContainsRune(kv, 0) || len(utf16.Encode([]rune(kv))) > 32767 {
			t.Fatalf("environment entry %.40q… (%d bytes) Windows cannot hold", kv, len(kv))
		}
		env[k] = v
	}
	return env
}

func TestToastTextTravelsInTheEnvironmentNeverInTheScript(t *testing.T) {
	t.Setenv("SystemRoot", `C:\Windows`)
	for _, title := range hostile {
		n := reconnect(title, title+" "+hostile[9])
		c := powershellCommand(n)
		toastCommand(t, c) // the same command line for every text
		want := map[string]string{
			envNoteTitle: wantText(title),
			envNoteBody:  wantText(n.Body),
			envNoteHint:  "Choose “Reset connection…” from LiveRoute's icon in the taskbar.",
		}
		if got := envOf(t, c); !maps.Equal(got, want) {
			t.Errorf("title %q: environment\n got %q\nwant %q", title, got, want)
		}
	}
	// The script puts each variable, XML-escaped, in a text of its own.
	script := toastCommand(t, powershellCommand(reconnect("t", "b")))
	for _, want := range []string{
		"[System.Security.SecurityElement]::Escape($s)",
		"(ToastText $env:" + envNoteTitle + ") + (ToastText $env:" + envNoteBody + ")",
		"if ($env:" + envNoteHint + ") { $texts += (ToastText $env:" + envNoteHint + ") }",
		`'<toast><visual><binding template="ToastGeneric">' + $texts + '</binding></visual></toast>'`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("the script lacks %s:\n%s", want, script)
		}
	}
}

func TestPowerShellRunsFromSystemRoot(t *testing.T) {
	const exe = `\System32\WindowsPowerShell\v1.0\powershell.exe`
	for root, want := range map[string]string{
		`C:\Windows`:    `C:\Windows` + exe,
		`d:\WINNT\`:     `d:\WINNT` + exe,
		"":              `C:\Windows` + exe,
		`Windows`:       `C:\Windows` + exe, // relative: PATH or the working directory could answer
		`\\host\share`:  `C:\Windows` + exe,
		`C:\"; calc; "`: `C:\Windows` + exe,
		`C:`:            `C:\Windows` + exe,
	} {
		if got := powershellPath(root); got != want {
			t.Errorf("SystemRoot %q: %s, want %s", root, got, want)
		}
	}
}

func TestAnInformationalNoteNamesNoTrayItem(t *testing.T) {
	t.Setenv("SystemRoot", `C:\Windows`)
	n := Note{Title: "LiveRoute is sharing again", Body: "Sharing resumed.", Open: ShowMain, TrayItem: LabelOpen}
	if args := osascriptCommand(n).Args; args[4] != "Sharing resumed." || args[5] != "" {
		t.Errorf("osascript body %q, subtitle %q", args[4], args[5])
	}
	if env := envOf(t, powershellCommand(n)); env[envNoteBody] != "Sharing resumed." || env[envNoteHint] != "" {
		t.Errorf("toast body %q, hint %q", env[envNoteBody], env[envNoteHint])
	}
}

func TestEachNotificationTextIsCapped(t *testing.T) {
	t.Setenv("SystemRoot", `C:\Windows`)
	huge := strings.Repeat("é🎥", 20000)
	n := reconnect(huge, huge)
	n.TrayItem = huge
	wantCut := string([]rune(huge)[:maxNoteRunes]) + "…"
	osa := osascriptCommand(n).Args
	for i, got := range osa[3:] {
		if i < 2 && got != wantCut || i == 2 && utf8.RuneCountInString(got) != maxNoteRunes+1 {
			t.Errorf("osascript argument %d has %d runes", i+4, utf8.RuneCountInString(got))
		}
	}
	for k, v := range envOf(t, powershellCommand(n)) {
		if k != envNoteHint && v != wantCut || utf8.RuneCountInString(v) != maxNoteRunes+1 {
			t.Errorf("%s has %d runes", k, utf8.RuneCountInString(v))
		}
	}
	if got := noteText("short"); got != "short" {
		t.Errorf("noteText cut a short text: %q", got)
	}
	if got := noteText(strings.Repeat("a", maxNoteRunes)); got != strings.Repeat("a", maxNoteRunes) {
		t.Errorf("noteText cut a text of exactly %d runes", maxNoteRunes)
	}
}

// recorder is an injected runCommand that keeps what it was asked to run.
type recorder struct {
	mu   sync.Mutex
	ran  chan command
	fail error
}

func (r *recorder) run(_ context.Context, c command) error {
	r.ran <- c
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fail
}

func TestCommandNotifierRunsOneProgramPerNoteInOrder(t *testing.T) {
	rec := &recorder{ran: make(chan command, 8)}
	n := newCommandNotifier(osascriptCommand, rec.run, quietLogger())
	notes := []Note{{Title: "first"}, {Title: "second"}, {Title: "third"}}
	for _, note := range notes {
		if err := n.Notify(note); err != nil {
			t.Fatal(err)
		}
	}
	for _, note := range notes {
		if c := <-rec.ran; c.Args[3] != note.Title {
			t.Errorf("ran %q, want the note %q next", c.Args, note.Title)
		}
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(Note{Title: "late"}); err == nil {
		t.Error("a closed notifier took a note")
	}
	select {
	case c := <-rec.ran:
		t.Errorf("ran %q after Close", c.Args)
	default:
	}
}

func TestAFailedNotificationIsLoggedWithoutItsBody(t *testing.T) {
	rec := &recorder{ran: make(chan command, 1), fail: errors.New("exit status 1")}
	var logged syncBuffer
	n := newCommandNotifier(powershellCommand, rec.run, slog.New(slog.NewTextHandler(&logged, nil)))
	if err := n.Notify(Note{Title: "LiveRoute: Reconnect to Facebook", Body: "Choir friends"}); err != nil {
		t.Fatal(err)
	}
	<-rec.ran
	n.Close() // waits for the log line
	out := logged.String()
	if !strings.Contains(out, "Reconnect to Facebook") || !strings.Contains(out, "exit status 1") || strings.Contains(out, "Choir friends") {
		t.Errorf("log: %s", out)
	}
}

func TestAStuckProgramFillsTheQueueAndCloseEndsIt(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	stuck := func(ctx context.Context, c command) error {
		once.Do(func() { close(started) })
		<-ctx.Done() // Close cancels the program being run
		return ctx.Err()
	}
	n := newCommandNotifier(osascriptCommand, stuck, quietLogger())
	n.Notify(Note{Title: "stuck"})
	<-started
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = n.Notify(Note{Title: "waiting"})
	}
	if !errors.Is(err, errNotifyBacklog) {
		t.Errorf("Notify with the queue full: %v", err)
	}
	n.Close()
}

// syncBuffer is a bytes.Buffer safe for the notifier's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// stuckNotifier is a notifier whose program never ends until Close; it
// returns once that program has started.
func stuckNotifier(t *testing.T, log *slog.Logger) *commandNotifier {
	t.Helper()
	started := make(chan struct{})
	var once sync.Once
	stuck := func(ctx context.Context, c command) error {
		once.Do(func() { close(started) })
		<-ctx.Done()
		return ctx.Err()
	}
	n := newCommandNotifier(osascriptCommand, stuck, log)
	if err := n.Notify(Note{Title: "stuck"}); err != nil {
		t.Fatal(err)
	}
	<-started
	return n
}

func TestCloseLogsOnceHowManyQueuedNotesWereNotShown(t *testing.T) {
	var logged syncBuffer
	n := stuckNotifier(t, slog.New(slog.NewTextHandler(&logged, nil)))
	for i := 0; i < 3; i++ {
		if err := n.Notify(Note{Title: "queued", Body: "Choir friends"}); err != nil {
			t.Fatal(err)
		}
	}
	n.Close()
	n.Close()
	out := logged.String()
	if strings.Count(out, "3 notifications not shown: LiveRoute was quitting") != 1 || strings.Contains(out, "Choir friends") {
		t.Errorf("log:\n%s", out)
	}
}

// Every note Notify takes is shown or counted as not shown, however Notify
// and Close interleave.
func TestNotesQueuedWhileClosingAreCounted(t *testing.T) {
	for round := 0; round < 20; round++ {
		var logged syncBuffer
		rec := &recorder{ran: make(chan command, 1000)}
		n := newCommandNotifier(osascriptCommand, rec.run, slog.New(slog.NewTextHandler(&logged, nil)))
		var wg sync.WaitGroup
		var mu sync.Mutex
		taken := 0
		for g := 0; g < 4; g++ {
			wg.Go(func() {
				for i := 0; i < 10; i++ {
					if n.Notify(Note{Title: "t"}) == nil {
						mu.Lock()
						taken++
						mu.Unlock()
					}
				}
			})
		}
		n.Close()
		wg.Wait()
		unshown := 0
		if _, after, ok := strings.Cut(logged.String(), "msg=\""); ok {
			unshown, _ = strconv.Atoi(strings.Fields(after)[0])
		}
		if shown := len(rec.ran); shown+unshown != taken {
			t.Fatalf("round %d: %d notes taken, %d shown, %d logged as not shown", round, taken, shown, unshown)
		}
	}
}
