//go:build windows

package control

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"

	"github.com/liveroute/liveroute/store"
)

// On Windows the endpoint is a loopback TCP port, not a named pipe: the
// module has no named-pipe library (go-winio), and a pipe's security
// descriptor is easy to get wrong. Any local user may connect to a loopback
// port, so every request must carry a random token that only this user can
// read: it sits with the port in a file in the per-user runtime folder
// (under %LOCALAPPDATA%\Temp, whose ACL admits only this user).

func lockFile(p store.Paths) string { return filepath.Join(p.Runtime, "control.lock") }
func addrFile(p store.Paths) string { return filepath.Join(p.Runtime, "control.addr") }

// tryLock takes the instance lock without waiting; Windows releases it when
// the holder dies.
func tryLock(p store.Paths) (*os.File, bool, error) {
	if err := p.EnsureRuntime(); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(lockFile(p), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("open the instance lock: %w", err)
	}
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("take the instance lock: %w", err)
	}
	return f, true, nil
}

func listenEndpoint(p store.Paths) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("listen on the control port: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("make the control token: %w", err)
	}
	token := hex.EncodeToString(raw)
	if err := os.WriteFile(addrFile(p), []byte(ln.Addr().String()+" "+token+"\n"), 0o600); err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("write the control address: %w", err)
	}
	return ln, token, nil
}

func dialEndpoint(p store.Paths) (net.Conn, string, error) {
	data, err := os.ReadFile(addrFile(p))
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", ErrNotRunning
	}
	if err != nil {
		return nil, "", fmt.Errorf("read the control address: %w", err)
	}
	addr, token, ok := strings.Cut(strings.TrimSpace(string(data)), " ")
	if !ok || !strings.HasPrefix(addr, "127.0.0.1:") {
		return nil, "", ErrNotRunning
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, "", ErrNotRunning
	}
	return c, token, nil
}

// cleanupEndpoint removes the address file when the server closes.
func cleanupEndpoint(p store.Paths) { os.Remove(addrFile(p)) }
