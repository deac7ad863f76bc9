package app

import (
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any leaves a goroutine running:
// a wizard's check or login must end with its window. godbus keeps its
// shared session connection (go-keyring's) open for the life of the
// process, with a reader and a context watcher: those are expected.
func TestMain(m *testing.M) {
	// Tests tap Next again at once: each reading of the wizards' clock is
	// a second later, so no tap is taken for a double-click unless a test
	// sets its own clock.
	var tick atomic.Int64
	wizardClock = func() time.Time { return time.Unix(tick.Add(1), 0) }
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.newConn.func1"),
	)
}
