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
	"sync"
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
	// it should while the window is open). Each is watched from its start,
	// so a trim is seen however slow the rest of the setup is.
	agent := startProgram(t, copyOfTheProgram(t), d.env(t), "--demo", "--minimised")
	watches := map[string]*programPages{"the tray agent": watchProgramPages(t, agent.cmd.Process.Pid)}
	agent.trayMenu(t, d).click(t, "Check now") // answered: the agent is up
	headless := startProgram(t, copyOfTheProgram(t), isolatedEnv(t.TempDir()), "--demo", "run", "--headless")
	watches["run --headless"] = watchProgramPages(t, headless.cmd.Process.Pid)
	waitRunningHeadless(t, headless)

	// Without a trim, and with memory to spare, the pages a process maps
	// only grow: a trim is a fall of at least a tenth of the program. The
	// deadline comes before two minutes of idling, after which a machine's
	// own proactive reclaim (DAMON, on some) could page them out unasked.
	deadline := time.Now().Add(memtrim.FirstTrim + 30*time.Second)
	for {
		trimmed, seen := 0, map[string]string{}
		for name, w := range watches {
			most, fall, size, err := w.read()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if fall >= size/10 {
				trimmed++
			}
			seen[name] = fmt.Sprintf("at most %d KiB mapped, then a fall of %d KiB, of %d KiB", most, fall, size)
		}
		if trimmed == len(watches) {
			t.Logf("program pages: %v", seen)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no trim seen: %v; want a fall of a tenth of the program", seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// programPages follows one process's mapped program pages: the most
// seen, and the largest fall from the most seen before it.
type programPages struct {
	mu               sync.Mutex
	most, fall, size int
	err              error
}

// watchProgramPages reads pid's mapped program pages every 50 ms until
// the test ends.
func watchProgramPages(t *testing.T, pid int) *programPages {
	w := &programPages{}
	stop, done := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(stop); <-done })
	go func() {
		defer close(done)
		for {
			mapped, size, err := programKiB(pid)
			w.mu.Lock()
			if err != nil {
				w.err = err
				w.mu.Unlock()
				return
			}
			w.most, w.size = max(w.most, mapped), size
			w.fall = max(w.fall, w.most-mapped)
			w.mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return w
}

func (w *programPages) read() (most, fall, size int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.most, w.fall, w.size, w.err
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
func programKiB(pid int) (mapped, size int, err error) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	exe, err := os.Readlink(filepath.Join(dir, "exe"))
	if err != nil {
		return 0, 0, err
	}
	smaps, err := os.ReadFile(filepath.Join(dir, "smaps"))
	if err != nil {
		return 0, 0, err
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
		return 0, 0, err
	}
	if size == 0 {
		return 0, 0, fmt.Errorf("process %d maps none of its program %s", pid, exe)
	}
	return mapped, size, nil
}
