package memtrim

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"
)

// fakeClock hands the Trimmer channels the test fires, and tells the test
// each delay asked for.
type fakeClock struct {
	asked chan time.Duration
	fire  chan chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{asked: make(chan time.Duration, 8), fire: make(chan chan time.Time, 8)}
}

func (c *fakeClock) after(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.fire <- ch
	c.asked <- d
	return ch
}

// next waits for the Trimmer's next delay and returns the channel that
// ends it.
func (c *fakeClock) next(t *testing.T, want time.Duration) chan time.Time {
	t.Helper()
	select {
	case d := <-c.asked:
		if d != want {
			t.Fatalf("the trimmer waits %v, want %v", d, want)
		}
		return <-c.fire
	case <-time.After(10 * time.Second):
		t.Fatalf("the trimmer never asked to wait %v", want)
		return nil
	}
}

func startTrimmer(t *testing.T) (*Trimmer, *fakeClock, chan struct{}) {
	t.Helper()
	clock, trims := newFakeClock(), make(chan struct{}, 8)
	tr := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	tr.after = clock.after
	tr.trim = func() (int, error) { trims <- struct{}{}; return 0, errors.New("no MADV_PAGEOUT here") }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tr.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done // Run ends with its context: no goroutine left behind
	})
	return tr, clock, trims
}

// expectTrims waits for want more trims, and no more.
func expectTrims(t *testing.T, trims chan struct{}, want int) {
	t.Helper()
	for i := 0; i < want; i++ {
		select {
		case <-trims:
		case <-time.After(10 * time.Second):
			t.Fatalf("trim %d of %d never ran", i+1, want)
		}
	}
	select {
	case <-trims:
		t.Fatalf("more than %d trims ran", want)
	default:
	}
}

func TestTrimmerTrimsAfterStartThenHourly(t *testing.T) {
	_, clock, trims := startTrimmer(t)
	first := clock.next(t, FirstTrim)
	expectTrims(t, trims, 0)
	first <- time.Now()
	// A failed page-out (an old kernel) does not stop the schedule.
	hour := clock.next(t, Every)
	expectTrims(t, trims, 1)
	hour <- time.Now()
	clock.next(t, Every)
	expectTrims(t, trims, 1)
}

func TestTrimmerTrimsAMinuteAfterWorkInsteadOfOnSchedule(t *testing.T) {
	tr, clock, trims := startTrimmer(t)
	first := clock.next(t, FirstTrim)
	tr.Soon()
	afterWork := clock.next(t, AfterWork)
	first <- time.Now() // the schedule it replaced no longer trims
	select {
	case d := <-clock.asked:
		t.Fatalf("the trimmer asked to wait %v more before the work's trim", d)
	case <-time.After(50 * time.Millisecond):
	}
	expectTrims(t, trims, 0)
	afterWork <- time.Now()
	clock.next(t, Every)
	expectTrims(t, trims, 1)
}

func TestSoonNeverBlocks(t *testing.T) {
	tr := New(nil) // not running: nothing reads its requests
	done := make(chan struct{})
	go func() {
		for range 3 {
			tr.Soon()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Soon blocked with no trimmer running")
	}
}
