package relay

import (
	"context"
	"errors"
	"sync"

	"github.com/liveroute/liveroute/store"
)

// crashPoints kills the engine at a step the seed chooses, as a crash of
// the process would: the n-th Graph request or ledger write from arm finds
// the process dead, either before or just after it took effect, and
// nothing the dead engine tries afterwards reaches Facebook or the file.
// Counting steps, not goroutine switches, makes one seed crash at one
// place on any machine, however loaded.
// Steps count only while the test moves time (world.advance), once the
// engine has finished what the test's own calls set off: a crash never
// hits the test's calls (Rebind, MarkShared…), and the same steps are
// counted on every run.
type crashPoints struct {
	mu       sync.Mutex
	left     int  // steps still to go before the crash; 0: not armed
	after    bool // the crashing step takes effect first
	batches  bool // count only batch requests (the posts), not every step
	counting bool // the test is moving time
	dead     bool
	cancel   context.CancelFunc
	hit      string // the step the crash hit
}

// errProcessDead is what a step of an engine that crashed meets.
var errProcessDead = errors.New("the process crashed")

// arm crashes the engine at the n-th step from now (with batches, the
// n-th batch request); after: once that step took effect (a request
// Facebook applied, a write on disk).
func (c *crashPoints) arm(n int, after, batches bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.left, c.after, c.batches, c.hit = n, after, batches, ""
}

// count starts or stops counting steps; cancel kills the running engine.
func (c *crashPoints) count(on bool, cancel context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counting, c.cancel = on, cancel
}

// crashed reports whether the engine has crashed.
func (c *crashPoints) crashed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead
}

// step is called before each step: it reports whether the step may take
// effect, and whether it is the one the engine crashed at.
func (c *crashPoints) step(what string, batch bool) (proceed, crashedHere bool) {
	if c == nil {
		return true, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		return false, false
	}
	if c.left == 0 || !c.counting || (c.batches && !batch) {
		return true, false
	}
	c.left--
	if c.left > 0 {
		return true, false
	}
	c.dead = true
	c.hit = what
	if c.after {
		c.hit += " (after it took effect)"
	}
	c.cancel()
	return c.after, true
}

// revive ends the crash, once the dead engine has stopped, and reports
// where it hit.
func (c *crashPoints) revive() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	hit := c.hit
	c.left, c.dead, c.hit = 0, false, ""
	return hit
}

// crashStore is the engine's store with crash points at every write.
type crashStore struct {
	Store
	crash *crashPoints
}

func (s crashStore) write(what string, do func() error) error {
	proceed, crashedHere := s.crash.step(what, false)
	if !proceed {
		return errProcessDead
	}
	if err := do(); err != nil {
		return err
	}
	if crashedHere {
		return errProcessDead // on disk; the process died before it heard so
	}
	return nil
}

func (s crashStore) LedgerBegin(e store.LedgerEntry) (got store.LedgerEntry, began bool, err error) {
	err = s.write("ledger begin "+e.DestinationID, func() error {
		got, began, err = s.Store.LedgerBegin(e)
		return err
	})
	return got, began, err
}

func (s crashStore) LedgerPut(e store.LedgerEntry) error {
	return s.write("ledger "+string(e.State)+" "+e.DestinationID, func() error { return s.Store.LedgerPut(e) })
}

// LedgerPutNoted is one transaction in the engine's store: the crash
// lands before it or after it, never between the entry and its line.
func (s crashStore) LedgerPutNoted(e store.LedgerEntry, note store.Activity) error {
	return s.write("ledger "+string(e.State)+" "+e.DestinationID+" noted", func() error { return s.Store.LedgerPutNoted(e, note) })
}

func (s crashStore) LedgerResolve(k store.LedgerKey, shared bool) (got store.LedgerEntry, err error) {
	err = s.write("ledger resolve "+k.DestinationID, func() error {
		got, err = s.Store.LedgerResolve(k, shared)
		return err
	})
	return got, err
}

func (s crashStore) PutDestination(d store.Destination) error {
	return s.write("destination "+d.ID, func() error { return s.Store.PutDestination(d) })
}

func (s crashStore) AddActivity(a store.Activity) error {
	if s.crash.crashed() {
		return errProcessDead // an activity alone tells nothing the person must act on
	}
	return s.Store.AddActivity(a)
}
