package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const (
	benchRoutes  = 1000
	benchEntries = 100_000
	benchPending = 20 // the shares in flight when a crash hits
)

var (
	largeOnce sync.Once
	largeDir  string
	largeErr  error
)

// largeDatabase builds, once per process, a database with 1,000 routes and
// 100,000 ledger entries (benchPending of them pending), writing in large
// batches through the same encoders the store uses.
func largeDatabase(b *testing.B) string {
	largeOnce.Do(func() {
		largeDir, largeErr = os.MkdirTemp("", "liveroute-bench-")
		if largeErr != nil {
			return
		}
		path := filepath.Join(largeDir, "liveroute.db")
		clock := newClock()
		var db *DB
		if db, largeErr = Open(path, Options{Now: clock.Now}); largeErr != nil {
			return
		}
		defer db.Close()
		largeErr = db.bolt.Update(func(tx *bolt.Tx) error {
			for i := 0; i < benchRoutes; i++ {
				r := pageRoute(fmt.Sprintf("src-%d", i), fmt.Sprintf("page-%d", i%50), fmt.Sprintf("page-%d", (i+1)%50))
				r.ID = fmt.Sprintf("route%04d", i)
				if _, err := db.putRoute(tx, r); err != nil {
					return err
				}
			}
			return nil
		})
		const batch = 10_000
		for start := 0; start < benchEntries && largeErr == nil; start += batch {
			largeErr = db.bolt.Update(func(tx *bolt.Tx) error {
				for i := start; i < start+batch; i++ {
					clock.Add(time.Second)
					e := LedgerEntry{
						LedgerKey: key(fmt.Sprintf("route%04d", i%benchRoutes), fmt.Sprintf("video-%d", i/2), fmt.Sprintf("page-%d", i%50)),
						State:     LedgerDone, PostID: fmt.Sprintf("page_%d", i), Attempts: 1,
						VideoURL:  fmt.Sprintf("https://www.facebook.com/videos/%d", i/2),
						CreatedAt: clock.Now(), UpdatedAt: clock.Now(), DoneAt: clock.Now(),
					}
					if i%(benchEntries/benchPending) == 0 {
						e.State, e.PostID, e.DoneAt = LedgerPending, "", time.Time{}
					}
					if err := putLedger(tx, e, ""); err != nil {
						return err
					}
				}
				return nil
			})
		}
	})
	if largeErr != nil {
		b.Fatalf("build the large database: %v", largeErr)
	}
	return filepath.Join(largeDir, "liveroute.db")
}

// BenchmarkLedgerPending opens an empty database and one with 1,000 routes
// and 100,000 ledger entries, and lists the pending shares of each; the
// large sub-benchmarks report their time as a ratio to the empty ones,
// measured in the same run.
func BenchmarkLedgerPending(b *testing.B) {
	large := largeDatabase(b)
	empty := filepath.Join(b.TempDir(), "liveroute.db")
	if db, err := Open(empty, Options{Now: newClock().Now}); err != nil {
		b.Fatal(err)
	} else {
		db.Close()
	}
	var baseline = map[string]float64{}
	for _, op := range []string{"open", "pending"} {
		for _, c := range []struct{ name, path string }{{"empty", empty}, {"large", large}} {
			b.Run(op+"/"+c.name, func(b *testing.B) {
				want := 0
				if c.name == "large" {
					want = benchPending
				}
				var db *DB
				if op == "pending" {
					var err error
					if db, err = Open(c.path, Options{Now: newClock().Now}); err != nil {
						b.Fatal(err)
					}
					defer db.Close()
				}
				b.ResetTimer()
				for b.Loop() {
					if op == "open" {
						d, err := Open(c.path, Options{Now: newClock().Now})
						if err != nil {
							b.Fatal(err)
						}
						d.Close()
						continue
					}
					pending, err := db.LedgerPending()
					if err != nil || len(pending) != want {
						b.Fatalf("LedgerPending: %d entries, %v; want %d", len(pending), err, want)
					}
				}
				perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				if c.name == "empty" {
					baseline[op] = perOp
				} else if baseline[op] > 0 {
					b.ReportMetric(perOp/baseline[op], "x-empty")
				}
			})
		}
	}
}
