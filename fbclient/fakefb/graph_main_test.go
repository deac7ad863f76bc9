package fakefb

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if Close leaves any goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
