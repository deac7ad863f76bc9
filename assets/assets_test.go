package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestEveryIconIsASquarePNG(t *testing.T) {
	icons := map[string][]byte{"app": IconPNG(), "window": WindowIcon.Content()}
	for _, s := range []TrayState{TrayHealthy, TrayLive, TrayWarning, TrayReconnect, TrayPaused} {
		icons[TrayIcon(s).Name()] = TrayIcon(s).Content()
	}
	for name, data := range icons {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: not a PNG: %v", name, err)
			continue
		}
		if cfg.Width != cfg.Height || cfg.Width < 64 {
			t.Errorf("%s: %dx%d, want a square of at least 64 px", name, cfg.Width, cfg.Height)
		}
	}
}

func TestTrayStatesHaveDistinctIcons(t *testing.T) {
	seen := map[string]TrayState{}
	for _, s := range []TrayState{TrayHealthy, TrayLive, TrayWarning, TrayReconnect, TrayPaused} {
		key := string(TrayIcon(s).Content())
		if other, dup := seen[key]; dup {
			t.Errorf("tray states %d and %d share one icon", s, other)
		}
		seen[key] = s
	}
}

// The window's icon is the app icon, small: rendered from the same SVG at
// 128 px (`make icons`), so the window system never gets 512×512 pixels.
func TestTheWindowIconIsTheAppIconAt128Pixels(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(WindowIcon.Content()))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 128 || cfg.Height != 128 {
		t.Errorf("window icon %dx%d, want 128x128", cfg.Width, cfg.Height)
	}
}
