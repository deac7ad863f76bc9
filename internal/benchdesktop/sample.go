package main

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

// snapshot is the measured tree at one moment.
type snapshot struct {
	At    time.Time
	Procs map[procKey]procSample
}

// takeSnapshot reads the tree of session sid at time at.
func takeSnapshot(proc fs.FS, sid int, at time.Time) (snapshot, error) {
	stats, err := readStats(proc)
	if err != nil {
		return snapshot{}, err
	}
	snap := snapshot{At: at, Procs: make(map[procKey]procSample)}
	for _, pid := range treeOf(stats, sid) {
		s, err := readDetails(proc, stats[pid])
		if errors.Is(err, fs.ErrNotExist) {
			continue // ended between the two reads
		}
		if err != nil {
			return snapshot{}, fmt.Errorf("read process %d: %w", pid, err)
		}
		snap.Procs[s.key()] = s
	}
	return snap, nil
}

// figures are one run's costs over its sample.
type figures struct {
	Seconds       float64
	RSSMiB        float64 // mean over the snapshots of the tree's summed RSS
	PSSMiB        float64 // the same with PSS: shared pages split between processes
	CPUPercent    float64 // of one core
	WakeupsPerSec float64 // context switches of every thread of the tree
	Processes     []string
	MaxThreads    int
}

// summarise turns consecutive snapshots into figures. CPU time and context
// switches are summed interval by interval, so a process or thread that
// starts during the sample counts from its start and one that ends counts
// up to the last snapshot that saw it.
func summarise(snaps []snapshot) (figures, error) {
	if len(snaps) < 2 {
		return figures{}, errors.New("fewer than two snapshots: nothing to measure")
	}
	var f figures
	var ticks, switches uint64
	for i := 1; i < len(snaps); i++ {
		t, s := intervalUsage(snaps[i-1], snaps[i])
		ticks += t
		switches += s
	}
	f.Seconds = snaps[len(snaps)-1].At.Sub(snaps[0].At).Seconds()
	if f.Seconds <= 0 {
		return figures{}, errors.New("the snapshots span no time")
	}
	f.CPUPercent = float64(ticks) / userHZ / f.Seconds * 100
	f.WakeupsPerSec = float64(switches) / f.Seconds
	var rss, pss uint64
	names := make(map[string]bool)
	for _, snap := range snaps {
		threads := 0
		for _, p := range snap.Procs {
			rss += p.RSSKiB
			pss += p.PSSKiB
			threads += len(p.Threads)
			names[fmt.Sprintf("%s (%d)", p.Name, p.PID)] = true
		}
		f.MaxThreads = max(f.MaxThreads, threads)
	}
	n := float64(len(snaps))
	f.RSSMiB = float64(rss) / 1024 / n
	f.PSSMiB = float64(pss) / 1024 / n
	for name := range names {
		f.Processes = append(f.Processes, name)
	}
	sort.Strings(f.Processes)
	return f, nil
}

// intervalUsage is the CPU ticks and context switches the tree spent
// between two snapshots.
func intervalUsage(before, after snapshot) (ticks, switches uint64) {
	for key, p := range after.Procs {
		prev, seen := before.Procs[key]
		ticks += growth(prev.CPUTicks, p.CPUTicks, seen)
		for tid, n := range p.Threads {
			was, threadSeen := prev.Threads[tid]
			switches += growth(was, n, seen && threadSeen)
		}
	}
	return ticks, switches
}

// growth is how much a counter grew: all of it when it was not seen before.
func growth(before, after uint64, seen bool) uint64 {
	switch {
	case !seen:
		return after
	case after < before:
		return 0 // not a counter we know: never count backwards
	default:
		return after - before
	}
}
