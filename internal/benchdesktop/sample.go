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
	Processes     []processFigures
	MaxThreads    int
}

// processFigures are one process's share of its tree's figures: with a
// window process beside an agent, each one's cost shows.
type processFigures struct {
	Name       string
	PID        int
	RSSMiB     float64 // mean over the snapshots that saw it
	AnonMiB    float64 // of which anonymous (heap, stacks): the rest is file pages
	CPUPercent float64 // of one core, over the whole sample
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
	f.Seconds = snaps[len(snaps)-1].At.Sub(snaps[0].At).Seconds()
	if f.Seconds <= 0 {
		return figures{}, errors.New("the snapshots span no time")
	}
	ticks := make(map[procKey]uint64)
	var switches uint64
	for i := 1; i < len(snaps); i++ {
		switches += intervalUsage(snaps[i-1], snaps[i], ticks)
	}
	f.WakeupsPerSec = float64(switches) / f.Seconds
	var rss, pss uint64
	procRSS, procAnon := make(map[procKey]uint64), make(map[procKey]uint64)
	seen := make(map[procKey]int)
	names := make(map[procKey]procStat)
	for _, snap := range snaps {
		threads := 0
		for key, p := range snap.Procs {
			rss += p.RSSKiB
			pss += p.PSSKiB
			threads += len(p.Threads)
			procRSS[key] += p.RSSKiB
			procAnon[key] += p.AnonKiB
			seen[key]++
			names[key] = p.procStat
		}
		f.MaxThreads = max(f.MaxThreads, threads)
	}
	n := float64(len(snaps))
	f.RSSMiB = float64(rss) / 1024 / n
	f.PSSMiB = float64(pss) / 1024 / n
	var allTicks uint64
	for key, st := range names {
		allTicks += ticks[key]
		f.Processes = append(f.Processes, processFigures{Name: st.Name, PID: st.PID,
			RSSMiB:     float64(procRSS[key]) / 1024 / float64(seen[key]),
			AnonMiB:    float64(procAnon[key]) / 1024 / float64(seen[key]),
			CPUPercent: cpuPercent(ticks[key], f.Seconds)})
	}
	f.CPUPercent = cpuPercent(allTicks, f.Seconds)
	sort.Slice(f.Processes, func(i, j int) bool { return f.Processes[i].PID < f.Processes[j].PID })
	return f, nil
}

func cpuPercent(ticks uint64, seconds float64) float64 {
	return float64(ticks) / userHZ / seconds * 100
}

// intervalUsage adds the CPU ticks each process of the tree spent between
// two snapshots to ticks, and returns the tree's context switches.
func intervalUsage(before, after snapshot, ticks map[procKey]uint64) (switches uint64) {
	for key, p := range after.Procs {
		prev, seen := before.Procs[key]
		ticks[key] += growth(prev.CPUTicks, p.CPUTicks, seen)
		for tid, n := range p.Threads {
			was, threadSeen := prev.Threads[tid]
			switches += growth(was, n, seen && threadSeen)
		}
	}
	return switches
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
