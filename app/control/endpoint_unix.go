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
// That holds only if the folder, the lock and the socket are the user's:
// another user who made them first could hold the lock or answer requests.
// So both ends check them before use (store.Paths.EnsureRuntime and
// ownedByUser) and refuse what is not the user's.

func lockFile(p store.Paths) string { return filepath.Join(p.Runtime, "control.lock") }

// tryLock takes the instance lock without waiting. The kernel drops a
// flock when its holder dies, so a crashed instance never blocks a new one.
func tryLock(p store.Paths) (*os.File, bool, error) {
	if err := p.EnsureRuntime(); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(lockFile(p), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("open the instance lock: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("check the instance lock: %w", err)
	}
	if err := ownedByUser(lockFile(p), fi, os.Getuid()); err != nil {
		f.Close()
		return nil, false, err
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
	if err := p.EnsureRuntime(); err != nil {
		return nil, "", err
	}
	fi, err := os.Lstat(p.SocketFile())
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", ErrNotRunning
	}
	if err != nil {
		return nil, "", fmt.Errorf("check the control socket: %w", err)
	}
	if err := ownedByUser(p.SocketFile(), fi, os.Getuid()); err != nil {
		return nil, "", err
	}
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

// ownedByUser refuses a file in the runtime folder that user uid does not
// own: one left by another user before the folder was made private.
func ownedByUser(path string, fi os.FileInfo, uid int) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != uid {
		return fmt.Errorf("the file %s belongs to another user; remove it, then start LiveRoute again", path)
	}
	return nil
}
