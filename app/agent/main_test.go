package agent

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any leaves a goroutine running:
// the agent's loop, a window watcher or the notifier's listener.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
