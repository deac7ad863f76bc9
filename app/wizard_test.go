package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// newBareWizard is a three-step wizard of plain labels, the second one
// tall enough to scroll.
func newBareWizard(t *testing.T) *wizard {
	t.Helper()
	w := newWizard(test.NewTempApp(t), "Bare", []*wizardStep{
		{title: "One", content: widget.NewLabel("one")},
		{title: "Two", content: &minSize{CanvasObject: widget.NewLabel("tall"), min: fyne.NewSize(100, 4000)}},
		{title: "Three", content: widget.NewLabel("three")},
	})
	w.show(0)
	t.Cleanup(func() { closeAndSettle(w) })
	return w
}

// minSize is an object that asks for at least min.
type minSize struct {
	fyne.CanvasObject
	min fyne.Size
}

func (m *minSize) MinSize() fyne.Size { return m.min }

func TestWizardShowsEachStepFromItsTop(t *testing.T) {
	w := newBareWizard(t)
	test.Tap(w.next)
	w.scroll.ScrollToBottom()
	if w.scroll.Offset.Y == 0 {
		t.Fatal("the tall step does not scroll; the test proves nothing")
	}
	test.Tap(w.next)
	if w.scroll.Offset.Y != 0 {
		t.Fatalf("step 3 opens scrolled down by %v: its first lines are hidden", w.scroll.Offset.Y)
	}
}

func TestWizardShowsOnlyTheAnswerOfTheNewestWork(t *testing.T) {
	w := newBareWizard(t)
	releaseOld, releaseNew := make(chan struct{}), make(chan struct{})
	var answers []string
	w.work(func(context.Context) error { <-releaseOld; return nil }, func(error) { answers = append(answers, "old") })
	w.work(func(context.Context) error { <-releaseNew; return nil }, func(error) { answers = append(answers, "new") })
	if w.progress.Hidden {
		t.Fatal("no progress shown while the work runs")
	}
	close(releaseNew)
	close(releaseOld)
	w.wait()
	if len(answers) != 1 || answers[0] != "new" {
		t.Fatalf("answers shown: %v, want only the newest", answers)
	}
	if !w.progress.Hidden {
		t.Fatal("the progress bar stays after the work ended")
	}
}

func TestWizardDropsTheAnswerOfAStepLeftOrAWindowClosed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		leave func(*wizard)
	}{
		{"step left", func(w *wizard) { test.Tap(w.next) }},
		{"window closed", func(w *wizard) { test.Tap(w.cancel) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newBareWizard(t)
			canceled := make(chan struct{})
			shown := false
			w.work(func(ctx context.Context) error {
				<-ctx.Done()
				close(canceled)
				return ctx.Err()
			}, func(error) { shown = true })
			tc.leave(w)
			<-canceled // leaving cancels the work: a hung job would hang here
			w.wait()
			if shown || !w.progress.Hidden {
				t.Fatalf("answer shown %v, progress hidden %v", shown, w.progress.Hidden)
			}
		})
	}
}

func TestClosedWizardStartsNoWork(t *testing.T) {
	w := newBareWizard(t)
	w.close()
	ran := false
	w.work(func(context.Context) error { ran = true; return nil }, func(error) {})
	w.wait()
	if ran {
		t.Fatal("work ran after the wizard closed")
	}
}

// closeAndSettle closes w and waits for the work it cancelled, so that no
// worker outlives its test (the test driver delivers a result on the
// worker's goroutine).
func closeAndSettle(w *wizard) {
	w.close()
	w.wait()
}

// A button a step disables while its work runs comes back when the step
// is left mid-work: only the answer is dropped, not the cleanup.
func TestWizardGivesBackTheButtonsOfWorkLeftUnanswered(t *testing.T) {
	w := newBareWizard(t)
	b := widget.NewButton("Check", nil)
	w.work(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, func(error) {}, b)
	if !b.Disabled() {
		t.Fatal("the button stays enabled while its work runs")
	}
	test.Tap(w.next)
	w.wait()
	if b.Disabled() {
		t.Fatal("the button stays disabled after its step was left mid-work")
	}
}

// manualClock is a clock a test moves by hand.
type manualClock struct{ at time.Time }

func (c *manualClock) now() time.Time             { return c.at }
func (c *manualClock) add(d time.Duration)        { c.at = c.at.Add(d) }
func (c *manualClock) set(w *wizard) *manualClock { w.now = c.now; return c }

// A double-click on Next moves one step: the second click, a moment
// later, would press the next step's button in the same place.
func TestWizardSwallowsTheSecondClickOfADoubleClickOnNext(t *testing.T) {
	w := newBareWizard(t)
	clock := (&manualClock{at: time.Unix(1000, 0)}).set(w)
	test.Tap(w.next)
	clock.add(150 * time.Millisecond)
	test.Tap(w.next)
	if w.current != 1 {
		t.Fatalf("a double-click on Next moved to step %d", w.current+1)
	}
	clock.add(300 * time.Millisecond)
	test.Tap(w.next)
	if w.current != 2 {
		t.Fatalf("a later click on Next stayed on step %d", w.current+1)
	}
}
