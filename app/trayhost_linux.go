package app

import (
	"os"
	"time"

	"github.com/godbus/dbus/v5"
)

// SessionBusReachable reports whether the D-Bus session bus answers. The
// Linux tray lives on it, and Fyne 2.7.1's tray panics at quit when it was
// started without one, so the GUI only sets up a tray when this says yes.
func SessionBusReachable() bool {
	conn := sessionBus()
	if conn == nil {
		return false
	}
	conn.Close()
	return true
}

// sessionBus connects to the session bus on a private connection, or
// returns nil. With no bus address godbus would autolaunch a bus daemon
// that outlives us, so no address means no bus.
func sessionBus() *dbus.Conn {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return nil
	}
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return nil
	}
	if conn.Auth(nil) != nil || conn.Hello() != nil {
		conn.Close()
		return nil
	}
	return conn
}

// TrayHostPresent reports whether a system tray host is registered on the
// session bus (the StatusNotifierItem protocol Fyne's Linux tray speaks).
// Without one, the tray icon is invisible and a hidden window is lost.
func TrayHostPresent() bool {
	conn := sessionBus()
	if conn == nil {
		return false
	}
	defer conn.Close()
	obj := conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher")
	call := make(chan *dbus.Call, 1)
	obj.Go("org.freedesktop.DBus.Properties.Get", 0, call,
		"org.kde.StatusNotifierWatcher", "IsStatusNotifierHostRegistered")
	select {
	case c := <-call:
		if c.Err != nil {
			return false
		}
		var v dbus.Variant
		if err := c.Store(&v); err != nil {
			return false
		}
		registered, _ := v.Value().(bool)
		return registered
	case <-time.After(2 * time.Second):
		return false
	}
}
