package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// userHZ is the unit of utime and stime in /proc/PID/stat. The kernel
// reports them in USER_HZ, which is 100 on every Linux architecture (it is
// part of the user-space ABI, whatever the kernel's own HZ), so no sysconf
// (and no cgo) is needed.
const userHZ = 100

// procStat is what /proc/PID/stat says of one process.
type procStat struct {
	PID      int
	Name     string
	State    string // R, S, Z…: a zombie has ended and holds no memory
	PPID     int
	Session  int
	CPUTicks uint64 // utime+stime of every thread, exited ones included
	Start    uint64 // starttime, in ticks since boot
}

// procKey names one process across samples: a PID alone can be reused.
type procKey struct {
	PID   int
	Start uint64
}

func (s procStat) key() procKey { return procKey{PID: s.PID, Start: s.Start} }

// procSample is one process of the measured tree at one moment.
type procSample struct {
	procStat
	RSSKiB uint64
	PSSKiB uint64 // 0 when smaps_rollup cannot be read
	// AnonKiB is the RSS not backed by a file (heap, stacks); the rest is
	// the program's and its libraries' pages. 0 without smaps_rollup.
	AnonKiB uint64
	Threads map[int]uint64 // thread ID → voluntary+nonvoluntary context switches
}

// parseStat reads one /proc/PID/stat line. The command name sits in
// parentheses and may itself hold spaces and parentheses, so the fields
// are counted from its last closing parenthesis (proc(5)).
func parseStat(line string) (procStat, error) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("no command name in stat line %q", line)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return procStat{}, fmt.Errorf("stat line %q: pid: %w", line, err)
	}
	// rest[0] is field 3 (state) of proc(5); field n is rest[n-3].
	rest := strings.Fields(line[end+1:])
	if len(rest) < 20 {
		return procStat{}, fmt.Errorf("stat line of %d has %d fields after the name, want at least 20", pid, len(rest))
	}
	nums, err := parseUints(rest, 1, 3, 11, 12, 19) // ppid, session, utime, stime, starttime
	if err != nil {
		return procStat{}, fmt.Errorf("stat line of %d: %w", pid, err)
	}
	return procStat{PID: pid, Name: line[open+1 : end], State: rest[0], PPID: int(nums[0]), Session: int(nums[1]),
		CPUTicks: nums[2] + nums[3], Start: nums[4]}, nil
}

func parseUints(fields []string, indexes ...int) ([]uint64, error) {
	out := make([]uint64, len(indexes))
	for i, idx := range indexes {
		n, err := strconv.ParseUint(fields[idx], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("field %d: %w", idx+3, err)
		}
		out[i] = n
	}
	return out, nil
}

// parseNumberFields reads "Name:   123 kB" or "Name:	123" lines (status,
// smaps_rollup) and returns the named ones' numbers (the kernel's kB are KiB).
func parseNumberFields(text string, names ...string) map[string]uint64 {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string]uint64, len(names))
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || !want[name] {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		if n, err := strconv.ParseUint(fields[0], 10, 64); err == nil {
			out[name] = n
		}
	}
	return out
}

// readStats reads the stat line of every process under proc (an fs.FS of
// /proc). A process that ends while it is read is skipped.
func readStats(proc fs.FS) (map[int]procStat, error) {
	entries, err := fs.ReadDir(proc, ".")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	stats := make(map[int]procStat)
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		data, err := fs.ReadFile(proc, e.Name()+"/stat")
		if err != nil {
			continue // ended in the meantime
		}
		st, err := parseStat(strings.TrimSpace(string(data)))
		if err != nil {
			return nil, err
		}
		stats[st.PID] = st
	}
	return stats, nil
}

// treeOf returns, sorted, the PIDs measured for a run started as the leader
// of session sid: every process still in that session and every
// descendant of one. The session keeps a process whose parent has exited
// (a launcher that hands over to an agent); descendance keeps a child that
// started a session of its own (a window process). The leader itself may be
// gone.
func treeOf(stats map[int]procStat, sid int) []int {
	children := make(map[int][]int)
	var queue []int
	for pid, st := range stats {
		children[st.PPID] = append(children[st.PPID], pid)
		if st.Session == sid {
			queue = append(queue, pid)
		}
	}
	seen := make(map[int]bool)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		queue = append(queue, children[pid]...)
	}
	tree := make([]int, 0, len(seen))
	for pid := range seen {
		tree = append(tree, pid)
	}
	sort.Ints(tree)
	return tree
}

// readDetails adds memory and per-thread context switches to st. It fails
// with fs.ErrNotExist when the process ended in the meantime.
func readDetails(proc fs.FS, st procStat) (procSample, error) {
	dir := strconv.Itoa(st.PID)
	s := procSample{procStat: st, Threads: make(map[int]uint64)}
	if rollup, err := fs.ReadFile(proc, dir+"/smaps_rollup"); err == nil {
		kib := parseNumberFields(string(rollup), "Rss", "Pss", "Anonymous")
		s.RSSKiB, s.PSSKiB, s.AnonKiB = kib["Rss"], kib["Pss"], kib["Anonymous"]
	} else {
		status, err := fs.ReadFile(proc, dir+"/status")
		if err != nil {
			return procSample{}, err
		}
		s.RSSKiB = parseNumberFields(string(status), "VmRSS")["VmRSS"]
	}
	// /proc/PID/status counts the switches of the main thread only: every
	// thread's own status is read.
	tasks, err := fs.ReadDir(proc, dir+"/task")
	if err != nil {
		return procSample{}, err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		status, err := fs.ReadFile(proc, dir+"/task/"+t.Name()+"/status")
		if errors.Is(err, fs.ErrNotExist) {
			continue // the thread ended in the meantime
		}
		if err != nil {
			return procSample{}, err
		}
		sw := parseNumberFields(string(status), "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")
		s.Threads[tid] = sw["voluntary_ctxt_switches"] + sw["nonvoluntary_ctxt_switches"]
	}
	return s, nil
}
