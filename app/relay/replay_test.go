package relay

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestReplayFaultSeed reruns one fault schedule with details, for
// debugging: RELAY_SEED=17 RELAY_TEST_LOG=1 go test -run TestReplayFaultSeed -v
func TestReplayFaultSeed(t *testing.T) {
	s, err := strconv.Atoi(os.Getenv("RELAY_SEED"))
	if err != nil {
		t.Skip("set RELAY_SEED to replay one fault schedule")
	}
	got := runFaultSchedule(t, uint64(s))
	t.Logf("%s", got)
}

// dumpJobs describes the engine's queued shares and held tokens.
func (e *Engine) dumpJobs() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	for k, j := range e.jobs {
		fmt.Fprintf(&b, "%s inflight=%v check=%v ended=%v attempts=%d due=%s\n", k, j.inflight, j.check, j.ended, j.attempts, j.due)
	}
	fmt.Fprintf(&b, "dead tokens=%d suspect=%v paused=%v", len(e.dead), e.suspect, e.machine.paused)
	return b.String()
}
