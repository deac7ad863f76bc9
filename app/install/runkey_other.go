//go:build !windows

package install

import "errors"

// defaultRunKey exists only on Windows; elsewhere a Windows layout (in
// tests) must inject its RunKey.
func defaultRunKey() (RunKey, error) {
	return nil, errors.New("the Windows registry is not available on this system")
}
