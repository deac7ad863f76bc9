//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/internal/memtrim"
)

// TestIdleLiveRouteGivesBackTheProgramPagesItsStartUsed: the tray agent
// and `run --headless` map most of their program while they start; once
// idle (memtrim.FirstTrim after the start) they give those pages back, as
// the kernel's own count of each process's mapped program shows.
func TestIdleLiveRouteGivesBackTheProgramPagesItsStartUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the GUI binary")
	}
	d := newDesktopSession(t)
	// Each its own copy of the program, written to disk: the kernel
	// leaves alone pages two processes map (as it should while the window
	// is open) and cannot reclaim pages not yet written (a program just
	// built), and neither is the case of a program installed to run.
	agent := startProgram(t, savedCopyOfTheProgram(t), d.env(t), "--demo", "--minimised")
	agent.trayMenu(t, d).click(t, "Check now") // answered: the agent is up
	headless := startProgram(t, savedCopyOfTheProgram(t), isolatedEnv(t.TempDir()), "--demo", "run", "--headless")
	started := time.Now()
	for !strings.Contains(headless.output.String(), "running headless") {
		if time.Since(started) > 60*time.Second || !headless.running() {
			t.Fatalf("headless run did not start\n%s", headless.output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	procs := map[string]*appProcess{"the tray agent": agent, "run --headless": headless}
	atStart, least := map[string]int{}, map[string]int{}
	for name, p := range procs {
		atStart[name] = programKiB(t, p.cmd.Process.Pid)
		least[name] = atStart[name]
	}
	deadline := time.Now().Add(memtrim.FirstTrim + 60*time.Second)
	for {
		trimmed := 0
		for name, p := range procs {
			least[name] = min(least[name], programKiB(t, p.cmd.Process.Pid))
			if least[name] < atStart[name]*2/3 {
				trimmed++
			}
		}
		if trimmed == len(procs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v after the start, the program pages mapped (KiB) are at least %v of %v at the start: want both under two thirds",
				memtrim.FirstTrim+60*time.Second, least, atStart)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("program pages mapped (KiB): %v at the start, %v after the trim", atStart, least)
}

// savedCopyOfTheProgram copies the built program to a file of its own and
// waits until it is on disk.
func savedCopyOfTheProgram(t *testing.T) string {
	t.Helper()
	program, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "liveroute")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o700)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(program); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// programKiB is the RSS of process pid's mappings of its own program file
// (/proc/PID/smaps).
func programKiB(t *testing.T, pid int) int {
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
	kib, ours := 0, false
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 5 && strings.Contains(f[0], "-") { // a mapping's first line
			ours = len(f) >= 6 && strings.HasSuffix(sc.Text(), " "+exe)
			continue
		}
		if ours && len(f) == 3 && f[0] == "Rss:" {
			n, _ := strconv.Atoi(f[1])
			kib += n
		}
	}
	if kib == 0 {
		t.Fatalf("process %d maps none of its program %s", pid, exe)
	}
	return kib
}
