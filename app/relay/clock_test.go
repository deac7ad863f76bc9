package relay

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func TestManualClockFiresTimersInDeadlineOrderAtTheirDeadlines(t *testing.T) {
	c := NewManualClock(t0)
	late := c.NewTimer(3 * time.Second)
	early := c.NewTimer(1 * time.Second)
	stopped := c.NewTimer(2 * time.Second)
	if !stopped.Stop() {
		t.Fatal("Stop of an active timer reported false")
	}
	c.Advance(2 * time.Second)
	select {
	case at := <-early.C():
		if !at.Equal(t0.Add(time.Second)) {
			t.Fatalf("early fired at %v, want its deadline", at)
		}
	default:
		t.Fatal("the 1 s timer did not fire after 2 s")
	}
	select {
	case <-late.C():
		t.Fatal("the 3 s timer fired after 2 s")
	default:
	}
	c.Advance(time.Second)
	if at := <-late.C(); !at.Equal(t0.Add(3 * time.Second)) {
		t.Fatalf("late fired at %v", at)
	}
	if got := c.Waiters(); got != 0 {
		t.Fatalf("Waiters = %d after every timer fired or stopped", got)
	}
}

func TestManualClockBlockUntilReturnsOnceAGoroutineWaits(t *testing.T) {
	c := NewManualClock(t0)
	done := make(chan struct{})
	go func() {
		<-c.NewTimer(time.Minute).C()
		close(done)
	}()
	c.BlockUntil(1)
	c.Advance(time.Minute)
	<-done
}

func TestManualClockZeroTimerFiresAtOnce(t *testing.T) {
	c := NewManualClock(t0)
	select {
	case <-c.NewTimer(0).C():
	default:
		t.Fatal("a zero-duration timer did not fire at once")
	}
}
