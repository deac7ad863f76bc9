package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// wizardStep is one page of a wizard.
type wizardStep struct {
	title   string
	content fyne.CanvasObject
	// enter runs each time the step is shown, on the UI goroutine (for
	// example to start a check with wizard.work).
	enter func()
	// blocking steps keep Next disabled until the step calls
	// wizard.setReady(true).
	blocking bool
	// leave, when set, runs as Next (or Finish) is pressed on the step; it
	// returns false to stay, having said why (say, what the step holds
	// could not be saved).
	leave func() bool
}

// doubleClickGap: a Next (or Finish, or Close) tap this soon after a Next
// tap that changed the step is the second click of a double-click. It
// would land on the next step's button in the same place — Finish, on the
// step before the last — so it is swallowed.
const doubleClickGap = 300 * time.Millisecond

// wizardClock is the clock new wizards read; the package's tests set
// their own in TestMain, before any wizard exists.
var wizardClock = time.Now

// wizard is a window of steps with Back, Next (Finish on the last step)
// and Cancel, and a line saying which step this is. A step can hold Next
// back until it is valid and run slow work off the UI goroutine with a
// progress bar; the window never decides anything itself — the steps call
// the service.
type wizard struct {
	win       fyne.Window
	steps     []*wizardStep
	current   int
	ready     []bool
	indicator *widget.Label
	body      *fyne.Container
	scroll    *container.Scroll
	progress  *widget.ProgressBarInfinite
	back      *widget.Button
	next      *widget.Button
	cancel    *widget.Button
	// stopped: a step ended the wizard early (nothing to do); Next closes.
	stopped bool
	closed  bool
	// onFinish runs when the last step's Finish is pressed.
	onFinish func()
	// onClose runs when the window closes however it closes (Cancel,
	// Finish, the window's own close): it ends a login still waiting.
	onClose func()
	// now is the wizard's clock; movedAt is when a Next tap last changed
	// the step (UI goroutine only).
	now     func() time.Time
	movedAt time.Time

	// run counts the work started or cancelled (UI goroutine only): an
	// answer is shown only if no newer run began since its own.
	run int
	// held are the buttons the work in progress disabled (UI goroutine
	// only): given back when it ends, shown or dropped.
	held    []fyne.Disableable
	mu      sync.Mutex
	stopRun context.CancelFunc // cancels the work in progress
	running sync.WaitGroup
}

func newWizard(a fyne.App, title string, steps []*wizardStep) *wizard {
	w := &wizard{win: a.NewWindow(title), steps: steps, ready: make([]bool, len(steps)), now: wizardClock}
	w.indicator = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.body = container.NewStack()
	w.progress = widget.NewProgressBarInfinite()
	w.progress.Stop()
	w.progress.Hide()
	w.back = widget.NewButton("Back", func() { w.goTo(w.current - 1) })
	w.next = widget.NewButton("Next", w.forward)
	w.next.Importance = widget.HighImportance
	w.cancel = widget.NewButton("Cancel", w.close)
	buttons := container.NewHBox(w.cancel, layout.NewSpacer(), w.back, w.next)
	w.scroll = container.NewVScroll(container.NewPadded(w.body))
	w.win.SetContent(container.NewBorder(container.NewPadded(w.indicator), container.NewVBox(w.progress, buttons),
		nil, nil, w.scroll))
	w.win.Resize(fyne.NewSize(640, 520))
	w.win.SetCloseIntercept(w.close)
	return w
}

// show opens the window on step i.
func (w *wizard) show(i int) {
	w.goTo(i)
	w.front()
}

// goTo shows step i. UI goroutine only.
func (w *wizard) goTo(i int) {
	if i < 0 || i >= len(w.steps) {
		return
	}
	w.stopWork()
	w.current, w.stopped = i, false
	step := w.steps[i]
	w.indicator.SetText(fmt.Sprintf("Step %d of %d — %s", i+1, len(w.steps), step.title))
	w.body.Objects = []fyne.CanvasObject{step.content}
	w.body.Refresh()
	// A step starts at its top: the scroll offset of a long step before it
	// would otherwise hide a short step's first lines.
	w.scroll.ScrollToTop()
	if !step.blocking {
		w.ready[i] = true
	}
	w.refreshButtons()
	if step.enter != nil {
		step.enter()
	}
}

// setReady lets the current step's Next be pressed, or not.
func (w *wizard) setReady(ok bool) { w.setStepReady(w.current, ok) }

// setStepReady lets step i's Next be pressed, or not.
func (w *wizard) setStepReady(i int, ok bool) {
	w.ready[i] = ok
	w.refreshButtons()
}

// stop ends the wizard at this step: there is nothing more to do, and Next
// becomes Close.
func (w *wizard) stop() {
	w.stopped = true
	w.refreshButtons()
}

func (w *wizard) refreshButtons() {
	last := w.current == len(w.steps)-1
	switch {
	case w.stopped:
		w.next.SetText("Close")
	case last:
		w.next.SetText("Finish")
	default:
		w.next.SetText("Next")
	}
	setEnabled(w.next, w.stopped || w.ready[w.current])
	setEnabled(w.back, w.current > 0 && !w.stopped)
}

// front brings the open wizard's window forward, on the step it shows.
func (w *wizard) front() {
	w.win.Show()
	w.win.RequestFocus()
}

func (w *wizard) forward() {
	now := w.now()
	switch {
	case !w.movedAt.IsZero() && now.Sub(w.movedAt) < doubleClickGap:
		// The second click of a double-click on Next: swallowed.
	case w.stopped:
		w.close()
	case !w.ready[w.current]:
	case w.steps[w.current].leave != nil && !w.steps[w.current].leave():
	case w.current == len(w.steps)-1:
		w.close()
		if w.onFinish != nil {
			w.onFinish()
		}
	default:
		w.goTo(w.current + 1)
		// Measured from when the new step shows, not from the click: leave
		// and enter may take long (saving a route is socket round trips),
		// and the second click is handled only after them.
		w.movedAt = w.now()
	}
}

// work runs job off the UI goroutine with the progress bar showing, then
// done on the UI goroutine. Leaving the step, starting other work or
// closing the window cancels job's context, and then done does not run:
// its step is gone. The hold buttons are disabled while job runs and
// enabled again when it ends, even when done does not run: a button only
// done re-enabled would stay dead after Back. UI goroutine only.
//
// The result comes back with fyne.Do, never fyne.DoAndWait: a worker that
// waits for the UI goroutine deadlocks the moment the UI goroutine waits
// for it, and blocks forever once the driver has stopped. Whether done
// still belongs to the step shown is decided on the UI goroutine, by
// comparing runs, so a late answer (the real driver runs fyne.Do after
// the current event) is shown exactly when it is still wanted.
func (w *wizard) work(job func(ctx context.Context) error, done func(error), hold ...fyne.Disableable) {
	if w.closed {
		return
	}
	w.stopWork()
	for _, b := range hold {
		b.Disable()
	}
	w.held = hold
	ctx, cancel := context.WithCancel(context.Background())
	w.mu.Lock()
	w.stopRun = cancel
	w.running.Add(1)
	w.mu.Unlock()
	w.run++
	run := w.run
	w.progress.Show()
	w.progress.Start()
	go func() {
		err := job(ctx)
		fyne.Do(func() {
			defer w.running.Done()
			cancel()
			if run != w.run || w.closed {
				return // superseded: a newer run owns the progress bar
			}
			w.mu.Lock()
			w.stopRun = nil
			w.mu.Unlock()
			w.hideProgress()
			w.release()
			done(err)
		})
	}()
}

// wait blocks until the work in progress has ended and shown its result.
// Tests only, never on the real driver's UI goroutine (the result is
// delivered there).
func (w *wizard) wait() { w.running.Wait() }

// stopWork cancels the work in progress, whose result will not be shown.
// UI goroutine only.
func (w *wizard) stopWork() {
	w.mu.Lock()
	cancel := w.stopRun
	w.stopRun = nil
	w.mu.Unlock()
	if cancel != nil {
		w.run++ // before cancel: the cancelled job then sees it is stale
		cancel()
		w.hideProgress()
		w.release()
	}
}

// release enables the buttons the work in progress held. UI goroutine only.
func (w *wizard) release() {
	for _, b := range w.held {
		b.Enable()
	}
	w.held = nil
}

func (w *wizard) hideProgress() {
	w.progress.Stop()
	w.progress.Hide()
}

// close closes the window once; pressing Close after Finish, or the
// window's own close after Cancel, does nothing more.
func (w *wizard) close() {
	w.stopWork()
	if w.closed {
		return
	}
	w.closed = true
	// The window goes first: ending a login makes it report on the window.
	w.win.Close()
	if w.onClose != nil {
		w.onClose()
	}
}
