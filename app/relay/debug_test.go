package relay

import (
	"testing"
	"time"
)

func TestDebugWorld(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	d, ok := w.clock.NextDeadline()
	t.Logf("waiters=%d next=%v ok=%v now=%v running=%d parked=%d", w.clock.Waiters(), d, ok, w.clock.Now(), w.engine.idle.running, len(w.engine.idle.parked))
	w.live("x")
	w.advance(15 * time.Second)
	d, ok = w.clock.NextDeadline()
	t.Logf("waiters=%d next=%v ok=%v now=%v status=%+v", w.clock.Waiters(), d, ok, w.clock.Now(), w.engine.Status())
}
