package agent

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// What cannot be tested on Linux: that osascript and PowerShell show these
// notifications (notify_darwin.go, notify_windows.go). What can is that no
// text reaches either program but as data.

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
	if got := plainText("nul\x00 esc\x1b[31m del\x7f\ttab\nline"); got != "nul esc[31m del\ttab\nline" {
		t.Errorf("plainText = %q", got)
	}
	if got := plainText("bad \xff"); got != "bad \uFFFD" {
		t.Errorf("plainText of invalid UTF-8 = %q", got)
	}
}

func TestOsascriptPassesTheTextAsArgumentsNeverAsScript(t *testing.T) {
	for _, title := range hostile {
		for _, body := range []string{hostile[1], title} {
			n := Note{Title: title, Body: body, TrayItem: LabelReset}
			c := osascriptCommand(n)
			if c.Name != "osascript" {
				t.Fatalf("program %q", c.Name)
			}
			// The script is the same constant whatever the text.
			want := []string{"-e", osascriptScript, "LiveRoute", wantText(title),
				wantText(body) + " Choose “Reset connection…” from LiveRoute's icon in the menu bar."}
			if wantText(body) == "" {
				want[4] = "Choose “Reset connection…” from LiveRoute's icon in the menu bar."
			}
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
	// The script reads the text from its run handler's arguments 2 and 3
	// (the first is the fixed word that ends osascript's options).
	if !strings.Contains(osascriptScript, "on run argv") || !strings.Contains(osascriptScript, "(item 3 of argv) with title (item 2 of argv)") {
		t.Errorf("script: %s", osascriptScript)
	}
}

// decodedToast is the toast XML inside a powershell command, and the
// script around it with the XML cut out.
func decodedToast(t *testing.T, c command) (toast, script string) {
	t.Helper()
	if c.Name != "powershell.exe" || len(c.Args) < 2 || c.Args[len(c.Args)-2] != "-EncodedCommand" {
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
	script = string(utf16.Decode(units))
	const open, end = "$xml.LoadXml('", "')\n"
	before, rest, ok := strings.Cut(script, open)
	if !ok {
		t.Fatalf("no LoadXml in\n%s", script)
	}
	toast, after, ok := strings.Cut(rest, end)
	if !ok {
		t.Fatalf("LoadXml's string does not end where expected:\n%s", script)
	}
	return toast, before + open + "…" + end + after
}

func TestToastTextIsEscapedXMLInsideASingleQuotedString(t *testing.T) {
	_, plainScript := decodedToast(t, powershellCommand(Note{Title: "t", Body: "b"}))
	for _, title := range hostile {
		n := Note{Title: title, Body: title + " " + hostile[9], TrayItem: LabelRenew}
		toast, script := decodedToast(t, powershellCommand(n))
		// Only the toast's XML changes with the text.
		if script != plainScript {
			t.Errorf("title %q changed the script outside the XML:\n%s", title, script)
		}
		// The XML is printable ASCII with no quote PowerShell would end
		// its single-quoted string on ('‘’‚‛ all would).
		for _, r := range toast {
			if r < 0x20 || r > 0x7e || r == '\'' {
				t.Fatalf("title %q: toast XML holds %q:\n%s", title, r, toast)
			}
		}
		var parsed struct {
			Texts []string `xml:"visual>binding>text"`
		}
		if err := xml.Unmarshal([]byte(toast), &parsed); err != nil {
			t.Fatalf("title %q: toast XML does not parse: %v\n%s", title, err, toast)
		}
		wantBody := wantText(n.Body) + " Choose “Renew connection…” from LiveRoute's icon in the taskbar."
		if len(parsed.Texts) != 2 || parsed.Texts[0] != wantText(title) || parsed.Texts[1] != wantBody {
			t.Errorf("title %q: toast texts %q, want %q", title, parsed.Texts, []string{wantText(title), wantBody})
		}
	}
}

func TestABodyWithoutTrayItemIsKeptAsIs(t *testing.T) {
	if got := withTrayHint(Note{Body: "Sharing resumed."}, menuBar); got != "Sharing resumed." {
		t.Errorf("body %q", got)
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
