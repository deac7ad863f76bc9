//go:build windows

package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// EnsureRuntime creates the runtime folder. On Windows it sits under the
// user's own %LOCALAPPDATA%\Temp, whose ACL admits only the user, and the
// control endpoint is a loopback port guarded by a token file in it, so no
// ownership check is needed.
func (p Paths) EnsureRuntime() error {
	if err := os.MkdirAll(p.Runtime, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", p.Runtime, err)
	}
	return nil
}

// runtimeFolder is where the control endpoint's files of profile folder
// name live: a per-user folder in the user's temp folder.
func runtimeFolder(name string) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("liveroute-%d", os.Getuid()), name)
}
