package control

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// child is a second real process running childInstance.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startChild(t *testing.T, runtime string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+runtime)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	t.Cleanup(func() {
		c.stdin.Close()
		_ = c.cmd.Wait()
	})
	return c
}

// line waits for the child's next line of output.
func (c *child) line(t *testing.T) string {
	t.Helper()
	s, err := c.out.ReadString('\n')
	if err != nil {
		t.Fatalf("child output: %v (so far %q)", err, s)
	}
	return strings.TrimSpace(s)
}

func TestSecondInstanceShowsTheFirstAndExits(t *testing.T) {
	paths := testPaths(t)
	first := startChild(t, paths.Runtime)
	if got := first.line(t); got != "listening" {
		t.Fatalf("first instance: %q", got)
	}
	second := startChild(t, paths.Runtime)
	if got := second.line(t); got != "already running" {
		t.Fatalf("second instance: %q", got)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("second instance exit: %v", err)
	}
	if got := first.line(t); got != "shown" {
		t.Fatalf("first instance after the second start: %q, want shown", got)
	}
}

func TestSocketIsPrivateToTheUser(t *testing.T) {
	paths := testPaths(t)
	srv, err := Listen(paths)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for path, want := range map[string]os.FileMode{paths.SocketFile(): 0o600, paths.Runtime: 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
}

func TestStaleSocketOfAKilledInstanceIsReplaced(t *testing.T) {
	paths := testPaths(t)
	crashed := startChild(t, paths.Runtime)
	if got := crashed.line(t); got != "listening" {
		t.Fatalf("first instance: %q", got)
	}
	if err := crashed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = crashed.cmd.Wait()
	if _, err := os.Stat(paths.SocketFile()); err != nil {
		t.Fatalf("a killed instance should leave its socket behind: %v", err)
	}
	if _, err := Call(context.Background(), paths, Request{Cmd: CmdStatus}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Call to a stale socket: %v, want ErrNotRunning", err)
	}
	next := startChild(t, paths.Runtime)
	if got := next.line(t); got != "listening" {
		t.Fatalf("instance after the crash: %q, want listening", got)
	}
	resp, err := Call(context.Background(), paths, Request{Cmd: CmdShow})
	if err != nil || !resp.OK {
		t.Fatalf("show: %+v %v", resp, err)
	}
	if got := next.line(t); got != "shown" {
		t.Fatalf("new instance: %q, want shown", got)
	}
}

func TestCloseRemovesTheSocketAndFreesTheInstance(t *testing.T) {
	paths := testPaths(t)
	srv, err := Listen(paths)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(paths); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Listen: %v, want ErrAlreadyRunning", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(paths.SocketFile()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket after Close: %v", err)
	}
	again, err := Listen(paths)
	if err != nil {
		t.Fatalf("Listen after Close: %v", err)
	}
	again.Close()
}

func TestServerRejectsGarbage(t *testing.T) {
	paths := testPaths(t)
	srv, err := Listen(paths)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- srv.Serve(ctx, Backend{}) }()
	defer func() { cancel(); <-done }()
	c, _, err := dialEndpoint(paths)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("not json\n")); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(line, `"code":"invalid"`) {
		t.Errorf("answer to garbage: %q %v", line, err)
	}
	resp, err := Call(ctx, paths, Request{Cmd: "format-disk"})
	if err != nil || resp.OK || resp.Code != CodeInvalid {
		t.Errorf("unknown command: %+v %v", resp, err)
	}
}
