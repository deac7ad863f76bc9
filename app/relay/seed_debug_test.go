package relay

import (
	"os"
	"strconv"
	"testing"
)

func TestDebugSeed(t *testing.T) {
	s, err := strconv.Atoi(os.Getenv("RELAY_SEED"))
	if err != nil {
		t.Skip()
	}
	got := runFaultSchedule(t, uint64(s))
	t.Logf("%s", got)
}

func (e *Engine) debugDump() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := ""
	for k, j := range e.jobs {
		s += k.String() + " " + strconv.FormatBool(j.inflight) + " check=" + strconv.FormatBool(j.check) + " ended=" + strconv.FormatBool(j.ended) + " due=" + j.due.String() + "\n"
	}
	s += "dead: "
	for k, v := range e.dead {
		s += k + "=" + v + "; "
	}
	s += " suspect=" + strconv.FormatBool(e.suspect) + " paused=" + strconv.FormatBool(e.machine.paused)
	return s
}
