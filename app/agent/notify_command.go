package agent

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// macOS and Windows show a notification by running a program of their own
// for each one: osascript's `display notification`, and PowerShell with
// the WinRT ToastNotificationManager. Neither needs cgo or a module. The
// builders below have no build tag, so their quoting is tested on every
// OS; only running them is per OS (notify_darwin.go, notify_windows.go).
//
// Neither tells LiveRoute about a click (a click on an osascript
// notification opens Script Editor; a toast's actions need a registered
// COM activator), so a line of its own names the tray menu's item that
// does what the button does on Linux (trayHint), and Opened never
// receives.

// A command is one program run with its arguments, no shell between,
// and Env added to LiveRoute's environment ("NAME=value").
type command struct {
	Name string
	Args []string
	Env  []string
}

// runCommand runs c; it is exec on the real systems and a recorder in tests.
type runCommand func(ctx context.Context, c command) error

// commandTimeout bounds one notification's program; PowerShell's start
// alone can take seconds on a busy machine.
const commandTimeout = 30 * time.Second

// commandNotifier runs one program per notification, in order, on its
// own goroutine: PowerShell takes a second or more to start, and the
// agent's event loop must not wait for it.
type commandNotifier struct {
	build func(Note) command
	run   runCommand
	log   *slog.Logger

	queue  chan Note
	opened chan string // never sent on: see the comment at the top
	stop   context.CancelFunc
	ctx    context.Context
	wg     sync.WaitGroup
	once   sync.Once

	mu      sync.Mutex // orders Notify's send before Close's count
	closed  bool
	unshown int // notes serve took but dropped at Close; serve's own
}

// errNotifyBacklog says the notifications' program is stuck.
var errNotifyBacklog = errors.New("too many notifications are waiting to be shown")

func newCommandNotifier(build func(Note) command, run runCommand, log *slog.Logger) *commandNotifier {
	ctx, stop := context.WithCancel(context.Background())
	n := &commandNotifier{build: build, run: run, log: log, queue: make(chan Note, 16),
		opened: make(chan string), stop: stop, ctx: ctx}
	n.wg.Add(1)
	go n.serve()
	return n
}

func (n *commandNotifier) serve() {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case note := <-n.queue:
			if n.ctx.Err() != nil {
				n.unshown++ // closed: select chose at random
				return
			}
			ctx, cancel := context.WithTimeout(n.ctx, commandTimeout)
			c := n.build(note)
			if err := n.run(ctx, c); err != nil {
				// The title only: the body can name a Page or a video.
				n.log.Warn("show a notification", "title", note.Title, "program", c.Name, "err", err)
			}
			cancel()
		}
	}
}

// Notify queues note; it is shown shortly after, or logged if that fails.
func (n *commandNotifier) Notify(note Note) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return errors.New("the notifier is closed")
	}
	select {
	case n.queue <- note:
		return nil
	default:
		return errNotifyBacklog
	}
}

// Opened never receives: these systems report no clicks to LiveRoute.
func (n *commandNotifier) Opened() <-chan string { return n.opened }

// Close stops the notifications still queued and the one being shown,
// and logs how many were queued: they are never shown.
func (n *commandNotifier) Close() error {
	n.once.Do(func() {
		n.mu.Lock()
		n.closed = true // no Notify queues from now on
		n.mu.Unlock()
		n.stop()
		n.wg.Wait()
		unshown := n.unshown + len(n.queue)
		if unshown > 0 {
			n.log.Warn(fmt.Sprintf("%d notifications not shown: LiveRoute was quitting", unshown))
		}
	})
	return nil
}

// Where each system shows LiveRoute's icon, for trayHint.
const (
	menuBar = "LiveRoute's icon in the menu bar" // macOS
	taskbar = "LiveRoute's icon in the taskbar"  // Windows
)

// trayHint names the tray menu's item that does what the notification's
// button does on Linux, and where the icon is: these notifications carry
// no button. Informational notes, which offer no button, get none.
func trayHint(n Note, where string) string {
	if n.Button == "" || n.TrayItem == "" {
		return ""
	}
	return "Choose “" + n.TrayItem + "” from " + where + "."
}

// osascriptScript shows the notification whose title, body and subtitle
// (the tray hint) are the run handler's arguments 2, 3 and 4. The text
// never becomes part of the script, so no quote, backslash or newline in
// a Page's name or a video's title can change what the script does. The
// first argument is a fixed word: osascript reads options until its
// first plain argument, so a title starting with "-" is passed on rather
// than taken for an option. The subtitle goes on its own line, which
// banners do not cut off as they cut the end of a long body.
const osascriptScript = `on run argv
if (item 4 of argv) is "" then
display notification (item 3 of argv) with title (item 2 of argv)
else
display notification (item 3 of argv) with title (item 2 of argv) subtitle (item 4 of argv)
end if
end run`

// osascriptCommand is macOS's `display notification` for n.
func osascriptCommand(n Note) command {
	return command{Name: "osascript", Args: []string{"-e", osascriptScript, "LiveRoute",
		noteText(n.Title), noteText(n.Body), noteText(trayHint(n, menuBar))}}
}

// maxNoteRunes caps each of a notification's texts: banners show far
// less, and a huge title must not make a command line too long (Windows
// takes 32,767 characters).
const maxNoteRunes = 300

// noteText is s as a notification's text: plainText, at most
// maxNoteRunes runes of it, the cut marked with "…".
func noteText(s string) string {
	s = plainText(s)
	if utf8.RuneCountInString(s) <= maxNoteRunes {
		return s
	}
	return string([]rune(s)[:maxNoteRunes]) + "…"
}

// plainText drops what cannot travel in a program's argument or an
// environment variable, or be an XML character: NUL ends a C string, and
// the other control characters but tab and newline, and U+FFFE and
// U+FFFF, have no place in a notification. Invalid UTF-8 becomes U+FFFD.
func plainText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// The environment variables that carry a toast's texts to toastScript.
const (
	envNoteTitle = "LIVEROUTE_NOTE_TITLE"
	envNoteBody  = "LIVEROUTE_NOTE_BODY"
	envNoteHint  = "LIVEROUTE_NOTE_HINT"
)

// powershellCommand shows n as a Windows toast. The script is a constant
// (toastScript); n's texts reach it only as environment variables, which
// it escapes into the toast's XML, so no text is ever parsed as
// PowerShell or as XML markup, and no command line grows with it. The
// window stays hidden by the process's creation flags (hideWindow).
func powershellCommand(n Note) command {
	return command{
		Name: powershellPath(os.Getenv("SystemRoot")),
		Args: []string{"-NoProfile", "-NonInteractive", "-EncodedCommand", encodePowerShell(toastScript)},
		Env: []string{
			envNoteTitle + "=" + noteText(n.Title),
			envNoteBody + "=" + noteText(n.Body),
			envNoteHint + "=" + noteText(trayHint(n, taskbar)),
		},
	}
}

// powershellPath is Windows PowerShell's full path under systemRoot (the
// SystemRoot variable), so no powershell.exe found first on PATH or in
// the working directory runs instead.
func powershellPath(systemRoot string) string {
	root := strings.TrimRight(systemRoot, `\`)
	if !isDrivePath(root) {
		root = `C:\Windows`
	}
	return root + `\System32\WindowsPowerShell\v1.0\powershell.exe`
}

// isDrivePath says whether p is an absolute path on a drive, as C:\Windows.
func isDrivePath(p string) bool {
	if len(p) < 4 || p[1] != ':' || p[2] != '\\' || strings.ContainsAny(p, `"/`) {
		return false
	}
	c := p[0] | 0x20 // lower case
	return c >= 'a' && c <= 'z'
}

// powershellAppID is the application the toast is shown for. Windows only
// shows toasts of an AppUserModelID with a Start-menu shortcut, and
// LiveRoute's shortcut (app/install) carries none, so the toast is
// PowerShell's, whose shortcut every Windows 10 and 11 has.
const powershellAppID = `{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe`

// toastScript shows the toast whose title, body and hint are in the
// environment (ToastGeneric: a title line and up to two more; the hint
// gets its own, which a toast does not cut off as it cuts a long body's
// end). SecurityElement's Escape escapes & < > " and ' for XML.
const toastScript = `$ErrorActionPreference = 'Stop'
function ToastText([string]$s) { '<text>' + [System.Security.SecurityElement]::Escape($s) + '</text>' }
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null
[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] > $null
$texts = (ToastText $env:` + envNoteTitle + `) + (ToastText $env:` + envNoteBody + `)
if ($env:` + envNoteHint + `) { $texts += (ToastText $env:` + envNoteHint + `) }
$xml = New-Object Windows.Data.Xml.Dom.XmlDocument
$xml.LoadXml('<toast><visual><binding template="ToastGeneric">' + $texts + '</binding></visual></toast>')
$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('` + powershellAppID + `').Show($toast)`

// encodePowerShell is script as -EncodedCommand takes it.
func encodePowerShell(script string) string {
	units := utf16.Encode([]rune(script))
	raw := make([]byte, 0, 2*len(units))
	for _, u := range units {
		raw = append(raw, byte(u), byte(u>>8))
	}
	return base64.StdEncoding.EncodeToString(raw)
}
