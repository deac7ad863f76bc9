package main

import (
	"errors"
	"fmt"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// statusNotifierWatcher is the D-Bus name of the desktop's tray (the
// freedesktop StatusNotifierItem protocol fyne.io/systray speaks on Linux).
const statusNotifierWatcher = "org.kde.StatusNotifierWatcher"

// trayWatcher plays the desktop's tray on the session bus: a
// StatusNotifierWatcher with a host registered. Without one LiveRoute
// rightly keeps its window on screen (it could never come back), and the
// bare Fyne app's tray would not register: neither would be measured as a
// person with a tray runs it.
type trayWatcher struct{}

// RegisterStatusNotifierItem accepts every tray item.
func (trayWatcher) RegisterStatusNotifierItem(dbus.Sender, string) *dbus.Error { return nil }

// RegisterStatusNotifierHost accepts every host.
func (trayWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// startTrayHost owns the watcher's name on the session bus until the
// returned stop is called. The bus must be a private one (scripts/test-env
// starts it): on a person's own, their desktop owns the name already.
func startTrayHost() (stop func(), err error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus (run under scripts/test-env): %w", err)
	}
	if err := exportWatcher(conn); err != nil {
		conn.Close()
		return nil, err
	}
	return func() { conn.Close() }, nil
}

func exportWatcher(conn *dbus.Conn) error {
	const path = "/StatusNotifierWatcher"
	if err := conn.Export(trayWatcher{}, path, statusNotifierWatcher); err != nil {
		return err
	}
	if _, err := prop.Export(conn, path, prop.Map{statusNotifierWatcher: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
		"ProtocolVersion":                {Value: int32(0)},
	}}); err != nil {
		return err
	}
	reply, err := conn.RequestName(statusNotifierWatcher, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("own %s: %w", statusNotifierWatcher, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return errors.New("another tray owns " + statusNotifierWatcher + " on this session bus: run under scripts/test-env, whose bus is private")
	}
	return nil
}
