package control

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The keychain's problem reads first in the text of a running app's
// status and of check, with its fix.
func TestTheKeychainProblemIsSaidFirstInText(t *testing.T) {
	const fix = "The system keychain is not available: start or unlock it, then restart LiveRoute."
	for name, s := range map[string]StatusData{
		"running": {Running: true, State: StateKeychainBroken, Reason: fix},
	} {
		var out bytes.Buffer
		writeStatus(&out, s, time.UTC)
		first, _, _ := strings.Cut(out.String(), "\n")
		if !strings.Contains(first, "cannot keep your secrets") || !strings.Contains(first, "restart LiveRoute") {
			t.Errorf("status (%s) begins %q", name, first)
		}
	}
	var out bytes.Buffer
	writeHealth(&out, Health{State: StateKeychainBroken, Reason: fix}, time.UTC)
	if !strings.HasPrefix(out.String(), "Facebook connection: LiveRoute cannot keep your secrets — The system keychain") {
		t.Errorf("check says %q", out.String())
	}
}
