package install

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Layout is where LiveRoute lives on one platform for one user.
type Layout struct {
	GOOS      string
	Program   string // the installed program file
	Manifest  string // the install record Uninstall reads
	Autostart string // autostart file (Linux .desktop, macOS LaunchAgent); "" on Windows (Run key)

	// Linux
	DesktopEntry string // ~/.local/share/applications/<AppID>.desktop
	IconTheme    string // ~/.local/share/icons/hicolor

	// macOS
	Bundle string // ~/Applications/LiveRoute.app

	// Windows
	ProgramDir string // %LOCALAPPDATA%\Programs\LiveRoute
	StartMenu  string // the Start-menu shortcut (.lnk)
}

// Layout returns where LiveRoute is (or would be) installed for opts.
func (opts Options) Layout() (Layout, error) { return opts.layout() }

func (opts Options) layout() (Layout, error) {
	goos := opts.goos()
	abs := func(key string) string {
		// The XDG spec says relative values are invalid and must be ignored.
		if v := opts.env(key); filepath.IsAbs(v) {
			return v
		}
		return ""
	}
	switch goos {
	case "windows":
		local, roaming := abs("LOCALAPPDATA"), abs("APPDATA")
		if local == "" || roaming == "" {
			return Layout{}, errors.New("find the user's program folders: %LOCALAPPDATA% or %APPDATA% is not set")
		}
		dir := filepath.Join(local, "Programs", AppName)
		return Layout{
			GOOS:       goos,
			ProgramDir: dir,
			Program:    filepath.Join(dir, "liveroute.exe"),
			Manifest:   filepath.Join(dir, "install.json"),
			StartMenu:  filepath.Join(roaming, "Microsoft", "Windows", "Start Menu", "Programs", AppName+".lnk"),
		}, nil
	case "darwin":
		home := abs("HOME")
		if home == "" {
			return Layout{}, errors.New("find the home folder: $HOME is not set")
		}
		bundle := filepath.Join(home, "Applications", AppName+".app")
		return Layout{
			GOOS:      goos,
			Bundle:    bundle,
			Program:   filepath.Join(bundle, "Contents", "MacOS", "liveroute"),
			Manifest:  filepath.Join(bundle, "Contents", "Resources", "install.json"),
			Autostart: filepath.Join(home, "Library", "LaunchAgents", AppID+".plist"),
		}, nil
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		home := abs("HOME")
		if home == "" {
			return Layout{}, errors.New("find the home folder: $HOME is not set")
		}
		data := abs("XDG_DATA_HOME")
		if data == "" {
			data = filepath.Join(home, ".local", "share")
		}
		config := abs("XDG_CONFIG_HOME")
		if config == "" {
			config = filepath.Join(home, ".config")
		}
		return Layout{
			GOOS: goos,
			// ~/.local/bin has no XDG variable; systemd's file-hierarchy(7)
			// and most distributions' default PATH name it.
			Program:      filepath.Join(home, ".local", "bin", "liveroute"),
			Manifest:     filepath.Join(data, AppName, "install.json"),
			Autostart:    filepath.Join(config, "autostart", AppID+".desktop"),
			DesktopEntry: filepath.Join(data, "applications", AppID+".desktop"),
			IconTheme:    filepath.Join(data, "icons", "hicolor"),
		}, nil
	}
	return Layout{}, fmt.Errorf("installing is not supported on %s; run the program from where it is", goos)
}

// file is one file of an installation.
type file struct {
	What string
	Path string
	Data []byte
	Mode os.FileMode
}

// files returns every file Install writes for l, in writing order: the
// program first, so a menu entry never points at a missing program.
func (l Layout) files(program, icon []byte) ([]file, error) {
	if len(icon) == 0 {
		return nil, errors.New("install: no icon given")
	}
	fs := []file{{What: "program", Path: l.Program, Data: program, Mode: 0o755}}
	switch l.GOOS {
	case "windows":
		ico, err := icoFile(icon)
		if err != nil {
			return nil, err
		}
		icoPath := filepath.Join(l.ProgramDir, "liveroute.ico")
		lnk := shortcut{
			Target:      l.Program,
			WorkingDir:  l.ProgramDir,
			Description: "Share your Facebook live videos to your Pages",
			IconPath:    icoPath,
		}
		fs = append(fs,
			file{What: "icon", Path: icoPath, Data: ico, Mode: 0o644},
			file{What: "Start-menu entry", Path: l.StartMenu, Data: lnk.bytes(), Mode: 0o644},
		)
	case "darwin":
		icns, err := icnsFile(icon)
		if err != nil {
			return nil, err
		}
		fs = append(fs,
			file{What: "app bundle info", Path: filepath.Join(l.Bundle, "Contents", "Info.plist"), Data: infoPlist(), Mode: 0o644},
			file{What: "icon", Path: filepath.Join(l.Bundle, "Contents", "Resources", AppName+".icns"), Data: icns, Mode: 0o644},
		)
	default:
		icons, err := themeIcons(icon)
		if err != nil {
			return nil, err
		}
		for _, ic := range icons {
			fs = append(fs, file{
				What: "icon",
				Path: filepath.Join(l.IconTheme, fmt.Sprintf("%dx%d", ic.size, ic.size), "apps", AppID+".png"),
				Data: ic.png,
				Mode: 0o644,
			})
		}
		fs = append(fs, file{What: "menu entry", Path: l.DesktopEntry, Data: desktopEntry(l.Program, false), Mode: 0o644})
	}
	return fs, nil
}

// autostartEntry is the content of the autostart file that starts program.
func (l Layout) autostartEntry(program string) []byte {
	if l.GOOS == "darwin" {
		return launchAgent(program)
	}
	return desktopEntry(program, true)
}

// whatIs names a recorded file for a report.
func (l Layout) whatIs(path string) string {
	switch {
	case path == l.Program:
		return "program"
	case path == l.DesktopEntry:
		return "menu entry"
	case path == l.StartMenu:
		return "Start-menu entry"
	case filepath.Ext(path) == ".png" || filepath.Ext(path) == ".ico" || filepath.Ext(path) == ".icns":
		return "icon"
	case filepath.Base(path) == "Info.plist":
		return "app bundle info"
	}
	return "file"
}
