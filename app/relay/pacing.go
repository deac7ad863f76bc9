package relay

import (
	"sync"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

// Pacing thresholds. Facebook counts calls made while throttled, so the
// engine slows down before the limit and stops dead at it.
const (
	// SlowdownAbove is the usage percent above which polling slows down.
	SlowdownAbove = 75
	// MaxSlowdown is the poll interval multiplier at 100 % usage.
	MaxSlowdown = 4.0
	// ThrottleBackoff is how long to stop after a rate-limit error that
	// does not say when access returns.
	ThrottleBackoff = 5 * time.Minute
)

// pacer turns Facebook's usage headers into a poll interval multiplier and
// a "no calls before" time. Every Graph call the engine makes waits on it.
type pacer struct {
	mu        sync.Mutex
	usage     fbclient.Usage
	slowdown  float64
	throttled time.Time // no calls before this
}

// Slowdown returns the poll interval multiplier for a usage percent: 1 up
// to SlowdownAbove, rising linearly to MaxSlowdown at 100 %.
func Slowdown(percent int) float64 {
	if percent <= SlowdownAbove {
		return 1
	}
	if percent >= 100 {
		return MaxSlowdown
	}
	return 1 + (MaxSlowdown-1)*float64(percent-SlowdownAbove)/float64(100-SlowdownAbove)
}

// observe records usage seen on a response and reports whether pacing
// changed enough to tell the GUI.
func (p *pacer) observe(u fbclient.Usage, now time.Time) (UsageChanged, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u.At.IsZero() || u.At.Before(p.usage.At) {
		return UsageChanged{}, false // no usage seen yet, or an older answer
	}
	changed := u.Max() != p.usage.Max()
	p.usage = u
	p.slowdown = Slowdown(u.Max())
	if u.RegainAfter > 0 {
		if until := u.At.Add(u.RegainAfter); until.After(p.throttled) {
			p.throttled = until
			changed = true
		}
	}
	if !changed {
		return UsageChanged{}, false
	}
	return p.eventLocked(now), true
}

// rateLimited records a rate-limit error: stop for its RetryAfter, or for
// ThrottleBackoff when Facebook did not say.
func (p *pacer) rateLimited(retryAfter time.Duration, now time.Time) UsageChanged {
	p.mu.Lock()
	defer p.mu.Unlock()
	if retryAfter <= 0 {
		retryAfter = ThrottleBackoff
	}
	if until := now.Add(retryAfter); until.After(p.throttled) {
		p.throttled = until
	}
	return p.eventLocked(now)
}

// until returns when calls may be made again (zero or past: now).
func (p *pacer) until() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.throttled
}

// multiplier returns the current poll interval multiplier.
func (p *pacer) multiplier() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slowdown == 0 {
		return 1
	}
	return p.slowdown
}

func (p *pacer) eventLocked(now time.Time) UsageChanged {
	ev := UsageChanged{Usage: p.usage, Slowdown: p.slowdown}
	if ev.Slowdown == 0 {
		ev.Slowdown = 1
	}
	if p.throttled.After(now) {
		ev.ThrottledTil = p.throttled
	}
	return ev
}
