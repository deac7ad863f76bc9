package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DemoProfile is the profile --demo runs in, so demo data never mixes with real data.
const DemoProfile = "demo"

// Paths are LiveRoute's per-user folders for one profile. Every folder comes
// from the OS's conventions (XDG on Linux), so HOME or XDG_* isolate a run.
type Paths struct {
	Profile string // "" for the person's real profile, DemoProfile for --demo
	Data    string // database and its backups
	State   string // log files
	Runtime string // control socket
}

// DefaultPaths returns the folders of profile under the current user's dirs.
func DefaultPaths(profile string) (Paths, error) {
	name := "LiveRoute"
	if profile != "" {
		name += "-" + profile
	}
	config, err := os.UserConfigDir()
	if err != nil {
		return Paths{}, fmt.Errorf("find the config folder: %w", err)
	}
	state, err := stateDir()
	if err != nil {
		return Paths{}, err
	}
	return Paths{
		Profile: profile,
		Data:    filepath.Join(config, name),
		State:   filepath.Join(state, name),
		Runtime: runtimeFolder(name),
	}, nil
}

// Ensure creates every folder, private to the user (0700). The runtime
// folder, where the control socket lives, must moreover be provably this
// user's: see EnsureRuntime.
func (p Paths) Ensure() error {
	for _, dir := range []string{p.Data, p.State} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		// MkdirAll keeps an existing folder's mode; tighten it.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("protect %s: %w", dir, err)
		}
	}
	return p.EnsureRuntime()
}

// DatabaseFile is the bbolt database.
func (p Paths) DatabaseFile() string { return filepath.Join(p.Data, "liveroute.db") }

// LogFile is the current log file; rotated ones sit beside it.
func (p Paths) LogFile() string { return filepath.Join(p.State, "liveroute.log") }

// SocketFile is the control socket of the running instance (Unix only).
func (p Paths) SocketFile() string { return filepath.Join(p.Runtime, "control.sock") }

// KeychainService is the keychain service name of the profile's secrets.
func (p Paths) KeychainService() string {
	if p.Profile == "" {
		return "LiveRoute"
	}
	return "LiveRoute-" + p.Profile
}

func stateDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := os.Getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
		return "", errors.New("find the state folder: %LocalAppData% is not set")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the state folder: %w", err)
		}
		return filepath.Join(home, "Library", "Logs"), nil
	}
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state folder: %w", err)
	}
	return filepath.Join(home, ".local", "state"), nil
}
