package relay

import (
	"sort"
	"sync"
	"time"
)

// Clock is the engine's only source of time. Every wait in the engine goes
// through it, so tests drive time with a ManualClock and never sleep.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer made by a Clock.
type Timer interface {
	// C delivers the time when the timer fires.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was active.
	Stop() bool
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }

// ManualClock is a Clock that moves only when told to. Advance fires due
// timers in deadline order; BlockUntil lets a test wait until the engine's
// goroutines are parked on timers before it moves time, so tests are
// deterministic without sleeping.
type ManualClock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Time
	timers []*manualTimer
}

// NewManualClock returns a ManualClock that reads start.
func NewManualClock(start time.Time) *ManualClock {
	c := &ManualClock{now: start}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer firing when the clock reaches Now()+d. A timer
// with d <= 0 fires at once.
func (c *ManualClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{clock: c, when: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.fired = true
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	c.cond.Broadcast()
	return t
}

// Advance moves the clock forward by d, firing every timer whose deadline
// is reached, earliest first, each seeing the clock at its own deadline.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	end := c.now.Add(d)
	for {
		sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].when.Before(c.timers[j].when) })
		if len(c.timers) == 0 || c.timers[0].when.After(end) {
			break
		}
		t := c.timers[0]
		c.timers = c.timers[1:]
		if t.when.After(c.now) {
			c.now = t.when
		}
		t.fired = true
		t.ch <- c.now
	}
	c.now = end
	c.cond.Broadcast()
}

// Set moves the clock to t (forward or backward, as a suspended laptop's
// wall clock may) and fires every timer that is now due.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	d := t.Sub(c.now)
	if d < 0 {
		c.now = t
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.Advance(d)
}

// Waiters returns how many timers are active (neither fired nor stopped).
func (c *ManualClock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// BlockUntil waits until at least n timers are active: the goroutines that
// made them are about to wait on them.
func (c *ManualClock) BlockUntil(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.timers) < n {
		c.cond.Wait()
	}
}

// NextDeadline returns the earliest active timer's deadline, if any.
func (c *ManualClock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	min := c.timers[0].when
	for _, t := range c.timers[1:] {
		if t.when.Before(min) {
			min = t.when
		}
	}
	return min, true
}

type manualTimer struct {
	clock *ManualClock
	when  time.Time
	ch    chan time.Time
	fired bool // guarded by clock.mu
}

// hasFired lets the engine's idle tracker see a timer that fired but whose
// goroutine has not yet woken.
func (t *manualTimer) hasFired() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	return t.fired
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			c.cond.Broadcast()
			return true
		}
	}
	return false
}

// Jump moves the clock forward by d at once, then fires every timer that is
// due, all seeing the new time: what a laptop waking from sleep sees.
func (c *ManualClock) Jump(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	c.Advance(0)
}
