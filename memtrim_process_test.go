//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/internal/memtrim"
)

// TestIdleLiveRouteGivesBackTheProgramPagesItsStartUsed: the tray agent
// and `run --headless` map most of their program's code and read-only
// data while they start; once idle (memtrim.FirstTrim after the start)
// they give those pages back, as the kernel's own count of each process's
// mapped program shows.
func TestIdleLiveRouteGivesBackTheProgramPagesItsStartUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	d := newDesktopSession(t)
	// Each its own copy of the program, written as `liveroute install`
	// writes one: the kernel leaves alone the pages two processes map (as
	// it should while the window is open).
	agent := startProgram(t, copyOfTheProgram(t), d.env(t), "--demo", "--minimised")
	agent.trayMenu(t, d).click(t, "Check now") // answered: the agent is up
	headless := startProgram(t, copyOfTheProgram(t), isolatedEnv(t.TempDir()), "--demo", "run", "--headless")
	waitRunningHeadless(t, headless)

	// Without a trim, and with memory to spare, the pages a process maps
	// only grow: a trim is a fall of at least a tenth of the program. The
	// deadline comes before a minute of idling, after which a machine's own
	// proactive reclaim (DAMON, on some) could page them out unasked.
	procs := map[string]*appProcess{"the tray agent": agent, "run --headless": headless}
	most, fall, size := map[string]int{}, map[string]int{}, map[string]int{}
	deadline := time.Now().Add(memtrim.FirstTrim + 30*time.Second)
	for {
		trimmed := 0
		for name, p := range procs {
			mapped, of := programKiB(t, p.cmd.Process.Pid)
			most[name] = max(most[name], mapped)
			fall[name] = max(fall[name], most[name]-mapped)
			size[name] = of
			if fall[name] >= of/10 {
				trimmed++
			}
		}
		if trimmed == len(procs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v after they started, the programs' mapped pages fell at most %v KiB from %v KiB: want a tenth of their %v KiB",
				memtrim.FirstTrim+30*time.Second, fall, most, size)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("program pages mapped: at most %v KiB, then fell by %v KiB (of %v KiB)", most, fall, size)
}

// copyOfTheProgram copies the built program to a file of its own.
func copyOfTheProgram(t *testing.T) string {
	t.Helper()
	program, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "liveroute")
	if err := os.WriteFile(path, program, 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// programKiB is the RSS of process pid's read-only mappings of its own
// program file, and their size (/proc/PID/smaps).
func programKiB(t *testing.T, pid int) (mapped, size int) {
	t.Helper()
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	exe, err := os.Readlink(filepath.Join(dir, "exe"))
	if err != nil {
		t.Fatal(err)
	}
	smaps, err := os.ReadFile(filepath.Join(dir, "smaps"))
	if err != nil {
		t.Fatal(err)
	}
	ours := false
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 5 && strings.Contains(f[0], "-") { // a mapping's first line
			ours = len(f) >= 6 && f[1][1] == '-' && strings.HasSuffix(sc.Text(), " "+exe)
			if ours {
				var start, end uint64
				fmt.Sscanf(f[0], "%x-%x", &start, &end)
				size += int(end-start) / 1024
			}
			continue
		}
		if ours && len(f) == 3 && f[0] == "Rss:" {
			n, _ := strconv.Atoi(f[1])
			mapped += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		t.Fatalf("process %d maps none of its program %s", pid, exe)
	}
	return mapped, size
}
