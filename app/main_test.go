package app

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any leaves a goroutine running:
// a wizard's check or login must end with its window.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
