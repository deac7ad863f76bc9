//go:build linux

package agent

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/godbus/dbus/v5"

	"github.com/liveroute/liveroute/app/install"
)

// The freedesktop notification service, which dunst, GNOME and KDE
// implement: https://specifications.freedesktop.org/notification-spec/latest/protocol.html
const (
	notifyName      = "org.freedesktop.Notifications"
	notifyPath      = "/org/freedesktop/Notifications"
	notifyInterface = "org.freedesktop.Notifications"
	// actionDefault is the key the spec gives a click on the
	// notification itself; servers show no button for it.
	actionDefault = "default"
	actionButton  = "open"
)

// DBusNotifier shows notifications through the freedesktop notification
// service on the session bus and reports their actions (ActionInvoked).
type DBusNotifier struct {
	conn    *dbus.Conn
	signals chan *dbus.Signal
	opened  chan string
	done    chan struct{}

	mu   sync.Mutex
	sent map[uint32]string // notification id → what it opens
}

// NewSessionNotifier connects to the session bus of DBUS_SESSION_BUS_ADDRESS.
func NewSessionNotifier() (Notifier, error) {
	// With no address godbus would autolaunch a bus that outlives us.
	address := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if address == "" {
		return nil, errors.New("there is no D-Bus session bus to send notifications on")
	}
	n, err := DialNotifier(address)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return n, nil
}

// DialNotifier connects to the bus at address.
func DialNotifier(address string) (*DBusNotifier, error) {
	conn, err := dbus.Dial(address)
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	if err := conn.AddMatchSignal(dbus.WithMatchInterface(notifyInterface), dbus.WithMatchObjectPath(notifyPath)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("listen to notification actions: %w", err)
	}
	n := &DBusNotifier{conn: conn, signals: make(chan *dbus.Signal, 16), opened: make(chan string, 4),
		done: make(chan struct{}), sent: map[uint32]string{}}
	conn.Signal(n.signals)
	go n.listen()
	return n, nil
}

// Notify implements Notifier with the spec's Notify method.
func (n *DBusNotifier) Notify(note Note) error {
	actions := []string{actionDefault, "Open"}
	if note.Button != "" {
		actions = append(actions, actionButton, note.Button)
	}
	// desktop-entry names the installed .desktop file, so the desktop shows
	// LiveRoute's name and icon and groups its notifications.
	hints := map[string]dbus.Variant{"desktop-entry": dbus.MakeVariant(install.AppID)}
	var id uint32
	// expire_timeout -1: the server's default, so it follows the desktop's settings.
	err := n.conn.Object(notifyName, notifyPath).Call(notifyInterface+".Notify", 0,
		"LiveRoute", uint32(0), "", note.Title, note.Body, actions, hints, int32(-1)).Store(&id)
	if err != nil {
		return fmt.Errorf("send the notification: %w", err)
	}
	n.mu.Lock()
	n.sent[id] = note.Open
	n.mu.Unlock()
	return nil
}

// Opened implements Notifier.
func (n *DBusNotifier) Opened() <-chan string { return n.opened }

// Close implements Notifier.
func (n *DBusNotifier) Close() error {
	err := n.conn.Close() // closes signals, which ends listen
	<-n.done
	return err
}

// listen turns ActionInvoked signals of our notifications into Opened;
// other programs' notifications share the signal and are ignored.
func (n *DBusNotifier) listen() {
	defer close(n.done)
	for sig := range n.signals {
		if len(sig.Body) < 2 {
			continue
		}
		switch sig.Name {
		case notifyInterface + ".ActionInvoked":
			id, _ := sig.Body[0].(uint32)
			n.mu.Lock()
			what, ours := n.sent[id]
			n.mu.Unlock()
			if ours {
				select {
				case n.opened <- what:
				default: // the agent has opens queued: the window comes forward anyway
				}
			}
		case notifyInterface + ".NotificationClosed":
			id, _ := sig.Body[0].(uint32)
			n.mu.Lock()
			delete(n.sent, id)
			n.mu.Unlock()
		}
	}
}
