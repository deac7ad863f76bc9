//go:build unix

package control

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/store"
)

func TestListenAndCallRefuseARuntimeFolderThatIsASymlink(t *testing.T) {
	paths := testPaths(t)
	elsewhere := t.TempDir() // where whoever made the link wants us
	if err := os.Symlink(elsewhere, paths.Runtime); err != nil {
		t.Fatal(err)
	}
	if srv, err := Listen(paths); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		if srv != nil {
			srv.Close()
		}
		t.Fatalf("Listen in a symlinked runtime folder: %v, want it refused", err)
	}
	if _, err := Call(context.Background(), paths, Request{Cmd: CmdStatus}); err == nil || errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("Call through a symlinked runtime folder: %v, want it refused", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("LiveRoute wrote into the link's target: %v", entries)
	}
}

// The rest need root: only root can give a file to another user.

func TestCallRefusesASocketOfAnotherUser(t *testing.T) {
	paths := othersTestPaths(t)
	if err := os.MkdirAll(paths.Runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", paths.SocketFile())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := os.Lchown(paths.SocketFile(), 4242, 4242); err != nil {
		t.Fatal(err)
	}
	_, err = Call(context.Background(), paths, Request{Cmd: CmdStatus})
	if err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Fatalf("Call to another user's socket: %v, want it refused", err)
	}
}

func TestListenRefusesALockOfAnotherUser(t *testing.T) {
	paths := othersTestPaths(t)
	if err := os.MkdirAll(paths.Runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(paths.Runtime, "control.lock")
	if err := os.WriteFile(lock, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(lock, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	srv, err := Listen(paths)
	if err == nil {
		srv.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Fatalf("Listen with another user's lock: %v, want it refused", err)
	}
}

func TestListenRefusesARuntimeFolderOfAnotherUser(t *testing.T) {
	paths := othersTestPaths(t)
	if err := os.MkdirAll(paths.Runtime, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(paths.Runtime, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	srv, err := Listen(paths)
	if err == nil {
		srv.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "the folder "+paths.Runtime+" belongs to another user; remove it") {
		t.Fatalf("Listen in another user's runtime folder: %v, want it refused", err)
	}
}

// othersTestPaths is testPaths for a test that hands files to another
// user, which only root can do.
func othersTestPaths(t *testing.T) store.Paths {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("only root can give a file to another user; store's TestFolderOwnerChecks covers the rule")
	}
	return testPaths(t)
}
