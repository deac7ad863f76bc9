//go:build unix

package control

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/liveroute/liveroute/store"
)

// On Unix the endpoint is a socket file in the per-user runtime folder
// (0700), itself 0600; the kernel's permission check is the authentication.

func lockFile(p store.Paths) string { return filepath.Join(p.Runtime, "control.lock") }

// tryLock takes the instance lock without waiting. The kernel drops a
// flock when its holder dies, so a crashed instance never blocks a new one.
func tryLock(p store.Paths) (*os.File, bool, error) {
	if err := os.MkdirAll(p.Runtime, 0o700); err != nil {
		return nil, false, fmt.Errorf("create the runtime folder: %w", err)
	}
	if err := os.Chmod(p.Runtime, 0o700); err != nil {
		return nil, false, fmt.Errorf("protect the runtime folder: %w", err)
	}
	f, err := os.OpenFile(lockFile(p), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("open the instance lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("take the instance lock: %w", err)
	}
	return f, true, nil
}

// listenEndpoint listens on the socket. The caller holds the lock, so a
// socket file already there is a crashed instance's: it is replaced.
func listenEndpoint(p store.Paths) (net.Listener, string, error) {
	path := p.SocketFile()
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("remove the stale control socket: %w", err)
	}
	// Create the socket 0600 from the start: chmod after listening would
	// leave a moment in which others could connect.
	old := syscall.Umask(0o177)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, "", fmt.Errorf("listen on the control socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	return ln, "", nil
}

// dialEndpoint connects to a running instance.
func dialEndpoint(p store.Paths) (net.Conn, string, error) {
	c, err := net.Dial("unix", p.SocketFile())
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, "", ErrNotRunning
		}
		return nil, "", fmt.Errorf("connect to the control socket: %w", err)
	}
	return c, "", nil
}

// cleanupEndpoint has nothing to do: the listener unlinks its socket.
func cleanupEndpoint(store.Paths) {}
