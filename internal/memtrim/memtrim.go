// Package memtrim gives back to the system the pages of its own program a
// long-running LiveRoute process (the tray agent, `run --headless`) needed
// only for a burst of work: its start, or a window's visit.
//
// Most of an idle agent's RSS is not its heap but pages of its own
// program file: the one binary carries the window's libraries, every
// package's initialisation runs at start, and the kernel maps the code
// around each page touched (fault-around). Those pages stay mapped, and
// counted, long after the code ran. A trim asks the kernel to reclaim them
// now: Linux's madvise MADV_PAGEOUT on the program's read-only mappings.
// That is reclaim, not discard: a clean page only this process maps
// leaves memory (the page cache too) and is read back from the disk on
// its next use; nothing is lost. The heap is left to Go's own scavenger:
// forcing it back (debug.FreeOSMemory) cost ~11 ms of CPU per trim in a
// measurement by hand, for a few hundred KiB. scripts/bench-desktop
// measures the result (README).
//
// The kernel pages out a file's pages only for a process that owns the
// file or may write it (mm/madvise.c, can_do_file_pageout): a per-user
// install (`liveroute install`) or one's own build; for a program
// installed by root for everyone, a trim changes nothing.
package memtrim

import (
	"context"
	"log/slog"
	"time"
)

// When to trim. A trim costs the idle loop's code being read back from
// the disk (a few MiB, ~25–30 ms of CPU in measurements by hand), so it
// runs after work, not often.
const (
	// FirstTrim: the start's own work — the database opened, every source
	// polled once, the tray drawn — takes a second or two.
	FirstTrim = 10 * time.Second
	// AfterWork: a window closed (its calls ran in this process).
	AfterWork = time.Minute
	// Every bounds what rare work (a share, a renewal) leaves mapped.
	Every = time.Hour
)

// Trim gives back the pages of this process's program file it is not
// using now (Linux; elsewhere it does nothing). It returns the bytes of
// the program's mappings it advised; the kernel says nothing of how much
// it paged out (none, for a program installed by root).
func Trim() (int, error) { return pageOutProgram() }

// Trimmer trims on a schedule: FirstTrim after Run starts, AfterWork
// after each Soon, and Every after each trim.
type Trimmer struct {
	soon chan struct{}
	// after is the clock (time.After); trim is Trim. Tests replace both.
	after func(time.Duration) <-chan time.Time
	trim  func() (int, error)
	log   *slog.Logger
}

// New builds a Trimmer; Run starts it.
func New(log *slog.Logger) *Trimmer {
	if log == nil {
		log = slog.Default()
	}
	return &Trimmer{soon: make(chan struct{}, 1), after: time.After, trim: Trim, log: log}
}

// Soon asks for a trim AfterWork from now (the next one moves there). It
// never blocks; safe from any goroutine.
func (t *Trimmer) Soon() {
	select {
	case t.soon <- struct{}{}:
	default: // one already asked and not yet seen by Run
	}
}

// Run trims until ctx ends.
func (t *Trimmer) Run(ctx context.Context) {
	next := t.after(FirstTrim)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.soon:
			next = t.after(AfterWork)
		case <-next:
			n, err := t.trim()
			if err != nil {
				// An old kernel (before Linux 5.4) has no MADV_PAGEOUT.
				t.log.Debug("give back the program's pages", "err", err)
			} else {
				t.log.Debug("gave back memory", "program_bytes_advised", n)
			}
			next = t.after(Every)
		}
	}
}
