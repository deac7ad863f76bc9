package control

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/liveroute/liveroute/store"
)

// childEnv makes the test binary act as a LiveRoute instance (see
// childInstance) instead of running tests.
const childEnv = "LIVEROUTE_CONTROL_TEST_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		childInstance(dir)
		return
	}
	goleak.VerifyTestMain(m)
}

// childInstance is a minimal LiveRoute: it acquires the instance, reports
// on stdout, prints "shown" each time it is asked to show its window, and
// exits when its stdin closes.
func childInstance(runtime string) {
	paths := store.Paths{Runtime: runtime, Data: filepath.Join(runtime, "data")}
	srv, err := Acquire(context.Background(), paths)
	switch {
	case err == ErrAlreadyRunning:
		fmt.Println("already running")
		return
	case err != nil:
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("listening")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		cancel()
	}()
	eng := &fakeEngine{onShow: func() { fmt.Println("shown") }}
	if err := srv.Serve(ctx, Backend{Engine: eng}); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}

func testPaths(t *testing.T) store.Paths {
	t.Helper()
	// Unix socket paths are limited to ~100 bytes; t.TempDir() can be
	// longer, so the runtime folder gets a short name of its own.
	rt, err := os.MkdirTemp("", "lrc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	dir := t.TempDir()
	return store.Paths{Data: filepath.Join(dir, "data"), State: filepath.Join(dir, "state"), Runtime: filepath.Join(rt, "LiveRoute")}
}
