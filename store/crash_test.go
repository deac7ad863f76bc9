package store

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// childLedgerWriter shares forever the way the engine does: begin (pending),
// then done with a post ID, each its own transaction, printing a line after
// each write returns. After each line it waits for "go" on stdin, so it is
// never more than one write ahead of what the parent has read; the parent
// kills it after some "go".
func childLedgerWriter() {
	db, err := Open(os.Getenv("LIVEROUTE_STORE_DB"), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	route := os.Getenv("LIVEROUTE_STORE_ROUTE")
	steps := bufio.NewReader(os.Stdin)
	report := func(what string, i int) {
		fmt.Println(what, i)
		if line, err := steps.ReadString('\n'); err != nil || line != "go\n" {
			os.Exit(0) // the parent is gone or done
		}
	}
	for i := 0; ; i++ {
		// Each round shares its own lives: a share is one per live and
		// Page whatever the route, so reused video IDs would collide.
		k := LedgerKey{RouteID: route, VideoID: route + "-video-" + strconv.Itoa(i), DestinationID: "page-1"}
		if _, _, err := db.LedgerBegin(LedgerEntry{LedgerKey: k}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		report("begun", i)
		if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerDone, PostID: "post-" + strconv.Itoa(i), Attempts: 1}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		report("done", i)
	}
}

func TestLedgerStaysTruthfulWhenTheProcessIsKilledBetweenWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	path := filepath.Join(t.TempDir(), "liveroute.db")

	for round := 0; round < 4; round++ {
		route := fmt.Sprintf("round-%d", round)
		killAfter := 1 + rng.IntN(120) // lines the child prints before it dies
		begun, done := runAndKillWriter(t, path, route, killAfter, rng.IntN(1000))

		db, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		if rec := db.Recovered(); rec != nil {
			t.Fatalf("round %d: a killed writer left a file that needed recovery: %v", round, rec)
		}
		assertConsistent(t, db)
		assertLedgerTruthful(t, db, route, begun, done)
		db.Close()
	}
}

// runAndKillWriter runs the writer child step by step until it has printed
// killAfter lines, lets it start the next write, and SIGKILLs it after
// yielding the processor spin times, so the kill lands anywhere in that
// one write. It returns the highest begun and done indexes the child
// reported (-1 for none).
func runAndKillWriter(t *testing.T, path, route string, killAfter, spin int) (begun, done int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=ledger-writer", "LIVEROUTE_STORE_DB="+path, "LIVEROUTE_STORE_ROUTE="+route)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	steps, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	begun, done = -1, -1
	lines := bufio.NewScanner(out)
	for n := 0; n < killAfter && lines.Scan(); n++ {
		var what string
		var i int
		if _, err := fmt.Sscan(lines.Text(), &what, &i); err != nil {
			t.Fatalf("child said %q", lines.Text())
		}
		if what == "begun" {
			begun = i
		} else {
			done = i
		}
		if _, err := io.WriteString(steps, "go\n"); err != nil {
			t.Fatalf("step the child: %v (%s)", err, stderr.String())
		}
	}
	for range spin {
		runtime.Gosched()
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if begun < 0 {
		t.Fatalf("the writer child wrote nothing: %s", stderr.String())
	}
	return begun, done
}

// assertLedgerTruthful checks the ledger against what the child reported:
// everything it said it wrote is there, and at most the one write in flight
// when it died went further than it said.
func assertLedgerTruthful(t *testing.T, db *DB, route string, begun, done int) {
	t.Helper()
	pending := map[LedgerKey]bool{}
	all, err := db.LedgerPending()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		pending[e.LedgerKey] = true
	}
	for i := 0; ; i++ {
		k := LedgerKey{RouteID: route, VideoID: route + "-video-" + strconv.Itoa(i), DestinationID: "page-1"}
		e, ok, err := db.LedgerGet(k)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			if i <= begun {
				t.Fatalf("entry %d was reported begun but is missing", i)
			}
			// The write in flight after the last line finishes entry
			// begun, or, when that was done, begins the next one.
			last := begun
			if done == begun {
				last++
			}
			if i > last+1 {
				t.Fatalf("entry %d exists beyond the one write in flight", i-1)
			}
			return
		}
		switch e.State {
		case LedgerDone:
			if e.PostID != "post-"+strconv.Itoa(i) || e.DoneAt.IsZero() || e.Attempts != 1 {
				t.Errorf("done entry %d is not whole: %+v", i, e)
			}
			if pending[k] {
				t.Errorf("done entry %d is still in the pending index", i)
			}
		case LedgerPending:
			if i <= done {
				t.Errorf("entry %d was reported done but is pending", i)
			}
			if !pending[k] {
				t.Errorf("pending entry %d is missing from the pending index", i)
			}
			// A pending share is never begun twice.
			if _, created, err := db.LedgerBegin(LedgerEntry{LedgerKey: k}); err != nil || created {
				t.Errorf("LedgerBegin on pending entry %d: created=%v err=%v", i, created, err)
			}
		default:
			t.Errorf("entry %d is in state %q", i, e.State)
		}
	}
}

// assertConsistent runs bbolt's full page check.
func assertConsistent(t *testing.T, db *DB) {
	t.Helper()
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() {
			if first == nil {
				first = err
			}
		}
		return first
	}); err != nil {
		t.Fatalf("the database fails bbolt's check: %v", err)
	}
}
