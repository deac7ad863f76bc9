package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// childEnv makes the test binary act as a child process (see children)
// instead of running the tests: crash tests kill it, keychain tests give it
// a broken bus. Children skip goleak: a hung keychain call is the point.
const childEnv = "LIVEROUTE_STORE_CHILD"

// children are the roles a re-executed test binary can play.
var children = map[string]func(){
	"ledger-writer":  childLedgerWriter,
	"keychain-probe": childKeychainProbe,
	"open-damaged":   childOpenDamaged,
}

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		run, ok := children[role]
		if !ok {
			os.Stderr.WriteString("unknown child role " + role + "\n")
			os.Exit(2)
		}
		run()
		os.Exit(0)
	}
	code := m.Run()
	if fixtureDir != "" {
		_ = os.RemoveAll(fixtureDir) // the damage tests' shared fixture
	}
	if largeDir != "" {
		_ = os.RemoveAll(largeDir) // the benchmark's shared fixture
	}
	// godbus keeps its shared session connection (go-keyring's) open for
	// the life of the process, with a reader and a context watcher.
	if code == 0 {
		if err := goleak.Find(
			goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
			goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.newConn.func1"),
		); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// testClock is an injected clock a test moves by hand.
type testClock struct{ t time.Time }

func newClock() *testClock { return &testClock{t: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time      { return c.t }
func (c *testClock) Add(d time.Duration) { c.t = c.t.Add(d) }

// openTest opens a fresh database in a temp dir with clock.
func openTest(t testing.TB, clock *testClock) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "data", "liveroute.db"), Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func mustRoute(t testing.TB, db *DB, r Route) Route {
	t.Helper()
	r, err := db.PutRoute(r)
	if err != nil {
		t.Fatalf("PutRoute: %v", err)
	}
	return r
}

func pageRoute(source string, dests ...string) Route {
	r := Route{SourceID: source, SourceKind: SourcePage, Enabled: true}
	for _, d := range dests {
		r.Targets = append(r.Targets, Target{DestinationID: d, Mode: ModePost, Message: "We are live: {title}"})
	}
	return r
}
