package agent

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// macOS and Windows show a notification by running a program of their own
// for each one: osascript's `display notification`, and PowerShell with
// the WinRT ToastNotificationManager. Neither needs cgo or a module. The
// builders below have no build tag, so their quoting is tested on every
// OS; only running them is per OS (notify_darwin.go, notify_windows.go).
//
// Neither tells LiveRoute about a click (a click on an osascript
// notification opens Script Editor; a toast's actions need a registered
// COM activator), so the body names the tray menu's item that does what
// the button does on Linux, and Opened never receives.

// A command is one program run with its arguments, no shell between.
type command struct {
	Name string
	Args []string
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
				return // closed: select chose at random
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
	if n.ctx.Err() != nil {
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

// Close stops the notifications still queued and the one being shown.
func (n *commandNotifier) Close() error {
	n.once.Do(func() {
		n.stop()
		n.wg.Wait()
	})
	return nil
}

// Where each system shows LiveRoute's icon, for withTrayHint.
const (
	menuBar = "LiveRoute's icon in the menu bar" // macOS
	taskbar = "LiveRoute's icon in the taskbar"  // Windows
)

// withTrayHint is the body shown where a notification has no button: it
// ends with the tray menu's item that does what the button would, and
// where is where the icon is.
func withTrayHint(n Note, where string) string {
	if n.TrayItem == "" {
		return n.Body
	}
	hint := "Choose “" + n.TrayItem + "” from " + where + "."
	if n.Body == "" {
		return hint
	}
	return n.Body + " " + hint
}

// osascriptScript shows the notification whose title and body are the
// run handler's second and third arguments. The text never becomes part
// of the script, so no quote, backslash or newline in a Page's name or a
// video's title can change what the script does. The first argument is a
// fixed word: osascript reads options until its first plain argument, so
// a title starting with "-" is passed on rather than taken for an option.
const osascriptScript = `on run argv
display notification (item 3 of argv) with title (item 2 of argv)
end run`

// osascriptCommand is macOS's `display notification` for n.
func osascriptCommand(n Note) command {
	return command{Name: "osascript", Args: []string{"-e", osascriptScript, "LiveRoute", plainText(n.Title), plainText(withTrayHint(n, menuBar))}}
}

// plainText drops what cannot travel in a program's argument: NUL ends a
// C string, and the other control characters but tab and newline have no
// place in a notification. Invalid UTF-8 becomes U+FFFD.
func plainText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// powershellAppID is the application the toast is shown for. Windows only
// shows toasts of an AppUserModelID with a Start-menu shortcut, and
// LiveRoute's shortcut (app/install) carries none, so the toast is
// PowerShell's, whose shortcut every Windows 10 and 11 has.
const powershellAppID = `{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe`

// powershellCommand shows n as a Windows toast. The script goes as
// -EncodedCommand (UTF-16LE in base64), so no part of it is parsed by a
// command line; the text enters it only inside the toast's XML, escaped
// to plain ASCII with no quote (toastXML), within a single-quoted
// PowerShell string, where nothing expands.
func powershellCommand(n Note) command {
	return command{Name: "powershell.exe", Args: []string{"-NoProfile", "-NonInteractive",
		"-ExecutionPolicy", "Bypass", "-WindowStyle", "Hidden", "-EncodedCommand", encodePowerShell(toastScript(n))}}
}

// toastScript is the PowerShell that shows n's toast.
func toastScript(n Note) string {
	return strings.Join([]string{
		`$ErrorActionPreference = 'Stop'`,
		`[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null`,
		`[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] > $null`,
		`$xml = New-Object Windows.Data.Xml.Dom.XmlDocument`,
		`$xml.LoadXml('` + toastXML(n) + `')`,
		`$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)`,
		`[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('` + powershellAppID + `').Show($toast)`,
	}, "\n")
}

// toastXML is n as a toast's XML (the ToastGeneric template: a title line
// and a body).
func toastXML(n Note) string {
	return `<toast><visual><binding template="ToastGeneric"><text>` + xmlASCII(n.Title) +
		`</text><text>` + xmlASCII(withTrayHint(n, taskbar)) + `</text></binding></visual></toast>`
}

// xmlASCII escapes s as XML character data made of printable ASCII only:
// markup characters and quotes become entities, everything else outside
// ASCII a character reference. So the result can sit in any quoted string
// — PowerShell takes the typographic quotes ‘ ’ for ' too. Characters XML
// 1.0 forbids (control characters but tab and newline) are dropped.
func xmlASCII(s string) string {
	var b strings.Builder
	for _, r := range plainText(s) {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&apos;")
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r == 0xFFFE || r == 0xFFFF:
			// not XML characters
		default: // tab, newline and everything beyond ASCII
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		}
	}
	return b.String()
}

// encodePowerShell is script as -EncodedCommand takes it.
func encodePowerShell(script string) string {
	units := utf16.Encode([]rune(script))
	raw := make([]byte, 0, 2*len(units))
	for _, u := range units {
		raw = append(raw, byte(u), byte(u>>8))
	}
	return base64.StdEncoding.EncodeToString(raw)
}
