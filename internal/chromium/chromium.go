// Package chromium runs a real headless Chromium for tests that need a
// browser to follow redirects and run a page's script — the login's
// loopback and relay transports. Every process it starts is killed, with
// its whole process group, when the test ends.
package chromium

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Browser starts headless Chromium processes on behalf of one test.
type Browser struct {
	t    testing.TB
	path string
	dir  string // holds each process's fresh profile; removed after the kill

	mu    sync.Mutex
	procs []*exec.Cmd
	logs  []*bytes.Buffer
}

// New finds Chromium for t. Without it the test is skipped with a message,
// except under CI (CI=true), where a missing browser fails the test: the
// deps step installs it there.
func New(t testing.TB) *Browser {
	t.Helper()
	path, err := find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required under CI: %v (install the Debian package chromium)", err)
		}
		t.Skipf("skipping: %v (install the Debian package chromium to run this test)", err)
	}
	// Not t.TempDir: its cleanup would run before killAll, while Chromium
	// still writes to the profile.
	dir, err := os.MkdirTemp("", "chromium-test-")
	if err != nil {
		t.Fatalf("chromium profile dir: %v", err)
	}
	b := &Browser{t: t, path: path, dir: dir}
	t.Cleanup(b.killAll)
	return b
}

// Open starts Chromium on url and leaves it running, following redirects
// and running scripts by itself, until the test ends. It has the signature
// of fbclient.LoginOptions.OpenBrowser.
func (b *Browser) Open(url string) error {
	var log bytes.Buffer
	cmd := b.command(url)
	cmd.Stdout, cmd.Stderr = &log, &log
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start chromium: %w", err)
	}
	b.procs = append(b.procs, cmd)
	b.logs = append(b.logs, &log)
	return nil
}

// DumpDOM loads url, lets its scripts run, and returns the document as
// Chromium serialises it.
func (b *Browser) DumpDOM(ctx context.Context, url string) (string, error) {
	var out, log bytes.Buffer
	cmd := b.command("--dump-dom", url)
	cmd.Stdout, cmd.Stderr = &out, &log
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start chromium: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		killGroup(cmd) // any helper process the browser left behind
		if err != nil {
			return "", fmt.Errorf("chromium --dump-dom: %w\n%s", err, log.String())
		}
		return out.String(), nil
	case <-ctx.Done():
		killGroup(cmd)
		<-done
		return "", fmt.Errorf("chromium --dump-dom: %w", ctx.Err())
	}
}

func (b *Browser) command(args ...string) *exec.Cmd {
	profile, err := os.MkdirTemp(b.dir, "profile-")
	if err != nil {
		b.t.Fatalf("chromium profile dir: %v", err)
	}
	flags := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-quic", "--disable-extensions", "--disable-default-apps", "--mute-audio",
		// Test HTTPS servers (the relay's stand-in host) use self-signed certificates.
		"--ignore-certificate-errors",
		"--user-data-dir=" + profile,
	}
	cmd := exec.Command(b.path, append(flags, args...)...)
	setProcessGroup(cmd)
	return cmd
}

// killAll ends every Chromium this Browser started, with their children.
func (b *Browser) killAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, cmd := range b.procs {
		killGroup(cmd)
		_ = cmd.Wait()
		if b.t.Failed() {
			b.t.Logf("chromium output:\n%s", lastLines(b.logs[i].String(), 20))
		}
	}
	b.procs, b.logs = nil, nil
	if err := os.RemoveAll(b.dir); err != nil {
		b.t.Errorf("remove chromium profiles: %v", err)
	}
}

func find() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium, chromium-browser or google-chrome on PATH")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
