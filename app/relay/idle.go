package relay

import "sync"

// idleTracker knows which of the engine's goroutines are parked and on
// what, so a test can wait until the engine has nothing left to do before
// it moves the manual clock: no sleeps, no races with the engine's work.
type idleTracker struct {
	mu      sync.Mutex
	cond    *sync.Cond
	running int
	parked  map[*parking]struct{}
}

// parking is what one parked goroutine waits on.
type parking struct {
	timer   Timer
	changed chan struct{}
	wakes   []chan struct{}
	woken   bool // a wake was delivered; the goroutine has not run yet
}

func (t *idleTracker) init() {
	t.cond = sync.NewCond(&t.mu)
	t.parked = map[*parking]struct{}{}
}

// enter and exit count a goroutine's life.
func (t *idleTracker) enter() {
	t.mu.Lock()
	t.running++
	t.mu.Unlock()
}

func (t *idleTracker) exit() {
	t.mu.Lock()
	t.running--
	t.cond.Broadcast()
	t.mu.Unlock()
}

// park and unpark bracket a goroutine's select.
func (t *idleTracker) park(p *parking) {
	t.mu.Lock()
	t.parked[p] = struct{}{}
	t.cond.Broadcast()
	t.mu.Unlock()
}

func (t *idleTracker) unpark(p *parking) {
	t.mu.Lock()
	delete(t.parked, p)
	t.cond.Broadcast()
	t.mu.Unlock()
}

// wait blocks until every goroutine is parked with nothing ready to wake it.
func (t *idleTracker) wait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for !t.idleLocked() {
		t.cond.Wait()
	}
}

func (t *idleTracker) idleLocked() bool {
	if len(t.parked) != t.running {
		return false
	}
	for p := range t.parked {
		if p.woken {
			return false
		}
		if ft, ok := p.timer.(interface{ hasFired() bool }); ok && ft.hasFired() {
			return false
		}
		if p.timer != nil && len(p.timer.C()) > 0 {
			return false
		}
		select {
		case <-p.changed:
			return false
		default:
		}
		for _, w := range p.wakes {
			if len(w) > 0 {
				return false
			}
		}
	}
	return true
}

// poke sends a wake on ch without blocking, marking the goroutine parked
// on it as woken in the same step.
func (t *idleTracker) poke(ch chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	select {
	case ch <- struct{}{}:
	default:
		return
	}
	for p := range t.parked {
		for _, w := range p.wakes {
			if w == ch {
				p.woken = true
			}
		}
	}
}

// broadcast closes changed, marking every goroutine parked on it as woken.
func (t *idleTracker) broadcast(changed chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for p := range t.parked {
		if p.changed == changed {
			p.woken = true
		}
	}
	close(changed)
}
