package main

import (
	"math"
	"reflect"
	"testing"
	"time"
)

var epoch = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// proc is one process of a snapshot: its CPU ticks, RSS in MiB and each
// thread's context switches.
func proc(pid int, start, ticks, rssMiB uint64, threads map[int]uint64) procSample {
	return procSample{procStat: procStat{PID: pid, Name: "p", Start: start, CPUTicks: ticks},
		RSSKiB: rssMiB * 1024, PSSKiB: rssMiB * 512, AnonKiB: rssMiB * 256, Threads: threads}
}

func snapAt(seconds int, procs ...procSample) snapshot {
	s := snapshot{At: epoch.Add(time.Duration(seconds) * time.Second), Procs: map[procKey]procSample{}}
	for _, p := range procs {
		s.Procs[p.key()] = p
	}
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSummariseCountsWhatGrewBetweenTheFirstAndLastSnapshot(t *testing.T) {
	f, err := summarise([]snapshot{
		snapAt(0, proc(100, 1, 1000, 100, map[int]uint64{100: 50, 101: 10})),
		snapAt(5, proc(100, 1, 1040, 100, map[int]uint64{100: 150, 101: 20})),
		snapAt(10, proc(100, 1, 1100, 100, map[int]uint64{100: 250, 101: 60})),
	})
	if err != nil {
		t.Fatal(err)
	}
	// 100 ticks = 1 s of CPU in 10 s; 250 switches in 10 s.
	if !near(f.CPUPercent, 10) || !near(f.WakeupsPerSec, 25) || f.Seconds != 10 {
		t.Errorf("CPU %v %%, wake-ups %v/s over %v s; want 10 %%, 25/s over 10 s", f.CPUPercent, f.WakeupsPerSec, f.Seconds)
	}
}

func TestSummariseCountsAProcessOrThreadStartedDuringTheSampleFromItsStart(t *testing.T) {
	f, err := summarise([]snapshot{
		snapAt(0, proc(100, 1, 1000, 30, map[int]uint64{100: 50})),
		snapAt(10, proc(100, 1, 1000, 30, map[int]uint64{100: 50, 102: 40}),
			proc(200, 9, 50, 100, map[int]uint64{200: 60})), // the window, opened meanwhile
	})
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.CPUPercent, 5) || !near(f.WakeupsPerSec, 10) {
		t.Errorf("CPU %v %%, wake-ups %v/s; want the new process's 50 ticks (5 %%) and 100 new switches (10/s)", f.CPUPercent, f.WakeupsPerSec)
	}
	want := []processFigures{{Name: "p", PID: 100, RSSMiB: 30, AnonMiB: 7.5, CPUPercent: 0}, {Name: "p", PID: 200, RSSMiB: 100, AnonMiB: 25, CPUPercent: 5}}
	if !reflect.DeepEqual(f.Processes, want) || f.MaxThreads != 3 {
		t.Errorf("processes %+v, %d threads at most; want %+v, 3 threads", f.Processes, f.MaxThreads, want)
	}
}

func TestSummariseTakesAReusedPIDForANewProcess(t *testing.T) {
	f, err := summarise([]snapshot{
		snapAt(0, proc(100, 1, 5000, 30, map[int]uint64{100: 9000})),
		snapAt(10, proc(100, 2, 20, 30, map[int]uint64{100: 30})), // PID 100 again, started anew
	})
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.CPUPercent, 2) || !near(f.WakeupsPerSec, 3) {
		t.Errorf("CPU %v %%, wake-ups %v/s; want the new process's own 20 ticks and 30 switches", f.CPUPercent, f.WakeupsPerSec)
	}
}

func TestSummariseStopsCountingAProcessThatEnded(t *testing.T) {
	f, err := summarise([]snapshot{
		snapAt(0, proc(100, 1, 0, 30, nil), proc(101, 1, 100, 30, nil)),
		snapAt(5, proc(100, 1, 0, 30, nil), proc(101, 1, 150, 30, nil)),
		snapAt(10, proc(100, 1, 0, 30, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.CPUPercent, 5) {
		t.Errorf("CPU %v %%, want the ended process's 50 ticks up to its last snapshot (5 %%)", f.CPUPercent)
	}
}

func TestSummariseAveragesTheTreesMemoryOverTheSnapshots(t *testing.T) {
	f, err := summarise([]snapshot{
		snapAt(0, proc(100, 1, 0, 30, nil)),
		snapAt(1, proc(100, 1, 0, 30, nil), proc(200, 1, 0, 60, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.RSSMiB, 60) || !near(f.PSSMiB, 30) {
		t.Errorf("RSS %v MiB, PSS %v MiB; want (30 + 90) / 2 = 60 and half that", f.RSSMiB, f.PSSMiB)
	}
}

func TestSummariseNeedsTwoSnapshotsApart(t *testing.T) {
	one := snapAt(0, proc(100, 1, 0, 30, nil))
	for name, snaps := range map[string][]snapshot{"none": nil, "one": {one}, "same time": {one, one}} {
		if _, err := summarise(snaps); err == nil {
			t.Errorf("%s: summarise gave figures", name)
		}
	}
}
