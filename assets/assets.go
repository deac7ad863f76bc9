// Package assets holds LiveRoute's icons, embedded in the binary. The PNGs
// are rendered from the SVGs in src/ (see `make icons`); tray icons must be
// PNG because the Linux tray cannot read SVG.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed icon.png
	iconPNG []byte
	//go:embed window-icon.png
	windowIconPNG []byte
	//go:embed tray-healthy.png
	trayHealthyPNG []byte
	//go:embed tray-live.png
	trayLivePNG []byte
	//go:embed tray-warning.png
	trayWarningPNG []byte
	//go:embed tray-reconnect.png
	trayReconnectPNG []byte
	//go:embed tray-paused.png
	trayPausedPNG []byte
)

// WindowIcon is the application icon at 128×128, for the window: the
// window system gets it as raw pixels when the window opens (X11's
// _NET_WM_ICON), which for the 512 px icon took about 50 ms of every open,
// and task bars and window switchers show it at 128 px or less.
var WindowIcon = fyne.NewStaticResource("liveroute-window.png", windowIconPNG)

// IconPNG returns the application icon (512×512 PNG), for installers: the
// menu entry and the notifications' desktop entry.
func IconPNG() []byte { return iconPNG }

// TrayState names a tray icon.
type TrayState int

// Tray icons, one per state the person must be able to tell apart at 22 px.
const (
	TrayHealthy   TrayState = iota // connected, watching
	TrayLive                       // a live video is being shared
	TrayWarning                    // token expiring soon, or a destination needs attention
	TrayReconnect                  // the connection is dead: sharing stopped
	TrayPaused                     // paused by the person
)

var trayIcons = map[TrayState]fyne.Resource{
	TrayHealthy:   fyne.NewStaticResource("tray-healthy.png", trayHealthyPNG),
	TrayLive:      fyne.NewStaticResource("tray-live.png", trayLivePNG),
	TrayWarning:   fyne.NewStaticResource("tray-warning.png", trayWarningPNG),
	TrayReconnect: fyne.NewStaticResource("tray-reconnect.png", trayReconnectPNG),
	TrayPaused:    fyne.NewStaticResource("tray-paused.png", trayPausedPNG),
}

// TrayIcon returns the tray icon of state.
func TrayIcon(state TrayState) fyne.Resource {
	if r, ok := trayIcons[state]; ok {
		return r
	}
	return trayIcons[TrayHealthy]
}
