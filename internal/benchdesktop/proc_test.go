package main

import (
	"fmt"
	"reflect"
	"testing"
	"testing/fstest"
)

// statLine is a /proc/PID/stat line with the fields the benchmark reads.
func statLine(pid int, name string, ppid, session int, utime, stime, start uint64) string {
	return fmtStat(pid, name, "S", ppid, session, utime, stime, start)
}

func fmtStat(pid int, name, state string, ppid, session int, utime, stime, start uint64) string {
	// Fields 3 to 22 of proc(5): state ppid pgrp session tty tpgid flags
	// minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
	// threads itrealvalue starttime, then more the benchmark ignores.
	return fmt.Sprintf("%d (%s) %s %d %d %d 0 -1 4194560 10 0 0 0 %d %d 7 7 20 0 3 0 %d 100 200",
		pid, name, state, ppid, pid, session, utime, stime, start)
}

func TestParseStatReadsTheFieldsAfterANameWithSpacesAndParentheses(t *testing.T) {
	got, err := parseStat(statLine(4242, "Web (Content) x", 1, 4200, 120, 30, 98765))
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{PID: 4242, Name: "Web (Content) x", State: "S", PPID: 1, Session: 4200, CPUTicks: 150, Start: 98765}
	if got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
}

func TestParseStatRejectsATruncatedLine(t *testing.T) {
	for _, line := range []string{"", "12 (x) S 1 12 12", "12 x S 1", "x (y) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"} {
		if _, err := parseStat(line); err == nil {
			t.Errorf("parseStat(%q) accepted it", line)
		}
	}
}

func TestTreeHoldsTheSessionAndEveryDescendantOfIt(t *testing.T) {
	stats := map[int]procStat{
		100: {PID: 100, PPID: 50, Session: 100},  // the run's leader
		101: {PID: 101, PPID: 100, Session: 100}, // its child
		102: {PID: 102, PPID: 101, Session: 102}, // a grandchild with a session of its own
		103: {PID: 103, PPID: 1, Session: 100},   // orphaned, still in the session
		104: {PID: 104, PPID: 103, Session: 104}, // the orphan's child, in a session of its own
		200: {PID: 200, PPID: 1, Session: 200},   // someone else
		201: {PID: 201, PPID: 200, Session: 200},
		50:  {PID: 50, PPID: 1, Session: 50}, // the benchmark that started the run
	}
	if got, want := treeOf(stats, 100), []int{100, 101, 102, 103, 104}; !reflect.DeepEqual(got, want) {
		t.Errorf("treeOf = %v, want %v", got, want)
	}
}

func TestTreeOfAnEndedSessionIsEmpty(t *testing.T) {
	stats := map[int]procStat{200: {PID: 200, PPID: 1, Session: 200}}
	if got := treeOf(stats, 100); len(got) != 0 {
		t.Errorf("treeOf = %v, want nothing", got)
	}
}

func TestLiveTreeLeavesOutZombies(t *testing.T) {
	stats := map[int]procStat{
		100: {PID: 100, State: "S", Session: 100},
		101: {PID: 101, State: "Z", PPID: 100, Session: 100},
	}
	if got, want := liveTree(stats, 100), []int{100}; !reflect.DeepEqual(got, want) {
		t.Errorf("liveTree = %v, want %v", got, want)
	}
}

// fakeProc is a /proc with one process of two threads.
func fakeProc() fstest.MapFS {
	return fstest.MapFS{
		"self":                 {Data: []byte("not a process folder")},
		"meminfo":              {Data: []byte("MemTotal: 1 kB\n")},
		"100/stat":             {Data: []byte(statLine(100, "liveroute", 50, 100, 500, 100, 42) + "\n")},
		"100/smaps_rollup":     {Data: []byte("00400000-7fff [rollup]\nRss:              150000 kB\nPss:              120000 kB\nPss_Anon:          80000 kB\nAnonymous:         90000 kB\n")},
		"100/status":           {Data: []byte("Name:\tliveroute\nVmRSS:\t  150000 kB\n")},
		"100/task/100/status":  {Data: []byte("Name:\tliveroute\nvoluntary_ctxt_switches:\t30\nnonvoluntary_ctxt_switches:\t4\n")},
		"100/task/107/status":  {Data: []byte("Name:\tliveroute\nvoluntary_ctxt_switches:\t1000\nnonvoluntary_ctxt_switches:\t7\n")},
		"300/stat":             {Data: []byte(statLine(300, "other", 1, 300, 1, 1, 7) + "\n")},
		"300/task/300/status":  {Data: []byte("voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t1\n")},
		"300/smaps_rollup":     {Data: []byte("Rss: 1 kB\nPss: 1 kB\n")},
		"100/task/107/comm":    {Data: []byte("liveroute\n")},
		"100/task/notatid/foo": {Data: []byte("x")},
	}
}

func TestSnapshotReadsMemoryAndEveryThreadsSwitchesOfTheTreeOnly(t *testing.T) {
	snap, err := takeSnapshot(fakeProc(), 100, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Procs) != 1 {
		t.Fatalf("snapshot holds %d processes, want only the run's one", len(snap.Procs))
	}
	p := snap.Procs[procKey{PID: 100, Start: 42}]
	if p.RSSKiB != 150000 || p.PSSKiB != 120000 || p.AnonKiB != 90000 {
		t.Errorf("RSS, PSS, anonymous = %d, %d, %d kB, want 150000, 120000, 90000 (smaps_rollup)", p.RSSKiB, p.PSSKiB, p.AnonKiB)
	}
	if want := map[int]uint64{100: 34, 107: 1007}; !reflect.DeepEqual(p.Threads, want) {
		t.Errorf("threads' switches = %v, want %v", p.Threads, want)
	}
	if p.CPUTicks != 600 {
		t.Errorf("CPU ticks = %d, want utime+stime 600", p.CPUTicks)
	}
}

func TestSnapshotFallsBackToStatusRSSWithoutSmapsRollup(t *testing.T) {
	proc := fakeProc()
	delete(proc, "100/smaps_rollup")
	snap, err := takeSnapshot(proc, 100, epoch)
	if err != nil {
		t.Fatal(err)
	}
	p := snap.Procs[procKey{PID: 100, Start: 42}]
	if p.RSSKiB != 150000 || p.PSSKiB != 0 {
		t.Errorf("RSS, PSS = %d, %d kB, want 150000 from status and PSS unknown (0)", p.RSSKiB, p.PSSKiB)
	}
}
