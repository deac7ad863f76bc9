package fbclient_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind (the
// fake's handlers, the client's connections).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
