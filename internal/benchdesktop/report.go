package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// The targets (#14, "Done when") for LiveRoute with its window
// closed to the tray.
const (
	maxRSSOverHeadless = 1.5  // tree RSS ≤ 1.5× `run --headless`
	maxTrayCPUPercent  = 0.2  // ≤ 0.2 % of a core
	minMemoryBelowFyne = 5.0  // ≥ 5× less memory than a bare Fyne window
	minCPUBelowFyne    = 10.0 // ≥ 10× less CPU than a bare Fyne window
	maxOpenTime        = time.Second
)

// results are every figure of one benchmark run.
type results struct {
	Context  string // the machine and the run's settings, one line
	Bare     row    // baseline A
	Headless row    // baseline B
	Tray     row    // LiveRoute, window closed
	Window   row    // LiveRoute, window open
	Opens    []time.Duration
	// BareStarts are A's cold starts to its window on screen: the time a
	// Fyne window takes on this machine under this run's load.
	BareStarts []time.Duration
}

type row struct {
	Name string
	figures
}

// verdict is one target of the issue, met or not.
type verdict struct {
	Pass bool
	Text string
}

// verdicts checks the window-closed run against the targets.
func verdicts(r results) []verdict {
	tray, bare, headless := r.Tray.figures, r.Bare.figures, r.Headless.figures
	rssVsB := ratio(tray.RSSMiB, headless.RSSMiB)
	memBelowA := ratio(bare.RSSMiB, tray.RSSMiB)
	cpuBelowA := ratio(bare.CPUPercent, tray.CPUPercent)
	v := []verdict{
		{rssVsB <= maxRSSOverHeadless, fmt.Sprintf("window closed: tree RSS ≤ %.1f× B — %.1f MiB = %s B",
			maxRSSOverHeadless, tray.RSSMiB, times(rssVsB))},
		{tray.CPUPercent <= maxTrayCPUPercent, fmt.Sprintf("window closed: CPU ≤ %.1f %% of a core over %.0f s — %.2f %%",
			maxTrayCPUPercent, tray.Seconds, tray.CPUPercent)},
		{memBelowA >= minMemoryBelowFyne, fmt.Sprintf("window closed: ≥ %.0f× less memory than A — A's RSS is %s the tray's",
			minMemoryBelowFyne, times(memBelowA))},
		{cpuBelowA >= minCPUBelowFyne, fmt.Sprintf("window closed: ≥ %.0f× less CPU than A — A's CPU is %s the tray's",
			minCPUBelowFyne, times(cpuBelowA))},
	}
	if len(r.Opens) > 0 {
		m := median(r.Opens)
		v = append(v, verdict{m < maxOpenTime, fmt.Sprintf("Open LiveRoute → window on screen in under %s (the issue: \"well under a second\") — median %s",
			millis(maxOpenTime), millis(m))})
	}
	return v
}

// markdown is the report: the table the README's performance table is
// pasted from, the open time and the verdicts.
func markdown(r results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", r.Context)
	b.WriteString("| Run | Processes | RSS MiB | PSS MiB | CPU % of a core | Wake-ups/s | RSS ×A | RSS ×B | CPU ×A | CPU ×B | Wake-ups ×A | Wake-ups ×B |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, x := range []row{r.Bare, r.Headless, r.Tray, r.Window} {
		a, h := r.Bare.figures, r.Headless.figures
		fmt.Fprintf(&b, "| %s | %d | %.1f | %.1f | %.2f | %.1f | %s | %s | %s | %s | %s | %s |\n",
			x.Name, len(x.Processes), x.RSSMiB, x.PSSMiB, x.CPUPercent, x.WakeupsPerSec,
			times(ratio(x.RSSMiB, a.RSSMiB)), times(ratio(x.RSSMiB, h.RSSMiB)),
			times(ratio(x.CPUPercent, a.CPUPercent)), times(ratio(x.CPUPercent, h.CPUPercent)),
			times(ratio(x.WakeupsPerSec, a.WakeupsPerSec)), times(ratio(x.WakeupsPerSec, h.WakeupsPerSec)))
	}
	// utime and stime count whole ticks: say how coarse a small figure is.
	fmt.Fprintf(&b, "\nCPU is counted in ticks of %d ms: one tick is %.3f %% of a core over %.0f s, so a ratio against a figure of a few ticks (B's) is coarse.\n",
		1000/userHZ, cpuPercent(1, r.Tray.Seconds), r.Tray.Seconds)
	if len(r.Opens) > 0 {
		each := make([]string, len(r.Opens))
		for i, d := range r.Opens {
			each[i] = millis(d)
		}
		fmt.Fprintf(&b, "\nOpen LiveRoute (a second `liveroute --demo`) → window on screen, after one start not counted that warms the profile's caches: median **%s** (%s).\n",
			millis(median(r.Opens)), strings.Join(each, ", "))
	}
	if len(r.Opens) > 0 && len(r.BareStarts) > 0 {
		each := make([]string, len(r.BareStarts))
		for i, d := range r.BareStarts {
			each[i] = millis(d)
		}
		fmt.Fprintf(&b, "A's start → window on screen, in the same run: median %s (%s); the open takes **%s** that.\n",
			millis(median(r.BareStarts)), strings.Join(each, ", "),
			times(ratio(float64(median(r.Opens)), float64(median(r.BareStarts)))))
	}
	b.WriteString("\nTargets of issue #14:\n\n")
	for _, v := range verdicts(r) {
		word := "FAIL"
		if v.Pass {
			word = "PASS"
		}
		fmt.Fprintf(&b, "- %s %s\n", word, v.Text)
	}
	b.WriteString("\nEach process measured (RSS and how much of it is anonymous — heap and stacks; the rest is the pages of the program and its libraries —, CPU % of a core):\n\n")
	for _, x := range []row{r.Bare, r.Headless, r.Tray, r.Window} {
		each := make([]string, len(x.Processes))
		for i, p := range x.Processes {
			each[i] = fmt.Sprintf("%s (PID %d): %.1f MiB (%.1f anonymous), %.2f %%", p.Name, p.PID, p.RSSMiB, p.AnonMiB, p.CPUPercent)
		}
		fmt.Fprintf(&b, "- %s — %s; %d threads at most\n", x.Name, strings.Join(each, "; "), x.MaxThreads)
	}
	return b.String()
}

// ratio is a/b; +Inf when only b is zero, 1 when both are.
func ratio(a, b float64) float64 {
	switch {
	case b != 0:
		return a / b
	case a == 0:
		return 1
	default:
		return math.Inf(1)
	}
}

func times(x float64) string {
	if math.IsInf(x, 1) {
		return "∞×"
	}
	switch {
	case x >= 10:
		return fmt.Sprintf("%.0f×", x)
	case x > 0 && x < 0.1:
		return fmt.Sprintf("%.3f×", x) // B against A: keep a figure that is not 0
	default:
		return fmt.Sprintf("%.2f×", x)
	}
}

func millis(d time.Duration) string {
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
}
