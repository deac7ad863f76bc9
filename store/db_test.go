package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesPrivateFolderAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "liveroute.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for p, want := range map[string]os.FileMode{filepath.Dir(path): 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o, want %o", p, got, want)
		}
	}
	if db.Recovered() != nil {
		t.Errorf("a new database reports a recovery: %v", db.Recovered())
	}
}

func TestOpenTightensLooseModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "liveroute.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		info, _ := os.Stat(p)
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o after reopening, want %o", p, got, want)
		}
	}
}

func TestSecondOpenSaysAlreadyRunningWithinTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	done := make(chan error, 1)
	go func() {
		second, err := Open(path, Options{Timeout: 50 * time.Millisecond})
		if err == nil {
			second.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrAlreadyRunning) {
			t.Fatalf("second Open: %v, want ErrAlreadyRunning", err)
		}
		if err.Error() != "LiveRoute is already running" {
			t.Errorf("error text %q", err)
		}
	case <-time.After(10 * time.Second): // a hang guard, far beyond the 50 ms timeout
		t.Fatal("second Open hung")
	}
	// The first instance is untouched.
	if _, err := first.Routes(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAfterCloseSucceeds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	for i := 0; i < 2; i++ {
		db, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// writeForeignBolt writes another app's valid bbolt file.
func writeForeignBolt(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("widgets"))
		if err != nil {
			return err
		}
		return bk.Put([]byte("w1"), []byte("blue"))
	}); err != nil {
		t.Fatal(err)
	}
	b.Close()
}

func TestBadFileIsMovedAsideAndNewestBackupRestored(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, path string)
	}{
		{"garbage bytes", func(t *testing.T, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte("not a database "), 2000), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"another app's bbolt file", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			writeForeignBolt(t, path)
		}},
		{"damaged meta pages", func(t *testing.T, path string) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for i := 16; i < 8192 && i < len(raw); i++ {
				raw[i] ^= 0x5a
			}
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			path := filepath.Join(t.TempDir(), "liveroute.db")
			db, err := Open(path, Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			// Day 1's backup is empty; day 2's holds the route.
			mustRoute(t, db, pageRoute("src", "dest-old"))
			clock.Add(25 * time.Hour)
			if _, err := db.BackupIfDue(); err != nil {
				t.Fatal(err)
			}
			backups, _ := db.Backups()
			db.Close()
			if len(backups) != 2 {
				t.Fatalf("backups: %v", backups)
			}

			tc.spoil(t, path)
			bad, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Hour)
			db, err = Open(path, Options{Now: clock.Now})
			if err != nil {
				t.Fatalf("Open of a bad file: %v", err)
			}
			defer db.Close()

			rec := db.Recovered()
			if rec == nil {
				t.Fatal("Open of a bad file reports no recovery")
			}
			wantAside := path + ".corrupt-" + clock.Now().Format("20060102-150405")
			if rec.MovedTo != wantAside || rec.RestoredFrom != backups[0] || rec.Path != path {
				t.Errorf("recovery = %+v, want moved to %s and restored from %s", rec, wantAside, backups[0])
			}
			aside, err := os.ReadFile(rec.MovedTo)
			if err != nil || !bytes.Equal(aside, bad) {
				t.Errorf("the bad file was not kept byte for byte (err %v)", err)
			}
			for _, want := range []string{path, rec.MovedTo, rec.RestoredFrom} {
				if !strings.Contains(rec.Error(), want) {
					t.Errorf("report %q does not name %s", rec.Error(), want)
				}
			}
			routes, err := db.Routes()
			if err != nil || len(routes) != 1 || routes[0].Targets[0].DestinationID != "dest-old" {
				t.Errorf("restored routes = %+v, %v; want the backed-up route", routes, err)
			}
		})
	}
}

func TestBadFileWithoutBackupStartsEmptyAndSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("\x00garbage", 1024)), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := db.Recovered()
	if rec == nil || rec.MovedTo == "" || rec.RestoredFrom != "" {
		t.Fatalf("recovery = %+v", rec)
	}
	if !strings.Contains(rec.Error(), "started empty") {
		t.Errorf("report %q does not say LiveRoute started empty", rec.Error())
	}
}

func TestRecoverySkipsBadBackups(t *testing.T) {
	clock := newClock()
	path := filepath.Join(t.TempDir(), "liveroute.db")
	db, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mustRoute(t, db, pageRoute("src", "dest"))
	clock.Add(25 * time.Hour)
	good, err := db.BackupIfDue()
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(25 * time.Hour)
	newest, err := db.BackupIfDue()
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, f := range []string{newest, path} {
		if err := os.WriteFile(f, []byte(strings.Repeat("junk", 4096)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err = Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Recovered().RestoredFrom; got != good {
		t.Errorf("restored from %s, want the newest good backup %s", got, good)
	}
}

func TestNewerDatabaseIsRefusedAndLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketVersion).Put(keySchema, []byte("99")) })
	b.Close()
	before, _ := os.ReadFile(path)

	_, err = Open(path, Options{})
	var newer *NewerDatabaseError
	if !errors.As(err, &newer) || newer.Version != 99 {
		t.Fatalf("Open: %v, want a NewerDatabaseError for schema 99", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("Open changed a newer database")
	}
	if matches, _ := filepath.Glob(path + ".corrupt-*"); len(matches) != 0 {
		t.Errorf("a newer database was moved aside: %v", matches)
	}
}

func TestBackupIsWrittenAtMostDailyAndPruned(t *testing.T) {
	clock := newClock()
	path := filepath.Join(t.TempDir(), "liveroute.db")
	db, err := Open(path, Options{Now: clock.Now, BackupsKept: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first, _ := db.Backups()
	if len(first) != 1 {
		t.Fatalf("Open wrote backups %v, want one", first)
	}
	clock.Add(23 * time.Hour)
	if f, err := db.BackupIfDue(); err != nil || f != "" {
		t.Fatalf("BackupIfDue within a day = %q, %v; want none", f, err)
	}
	var written []string
	for i := 0; i < 3; i++ {
		clock.Add(24 * time.Hour)
		f, err := db.BackupIfDue()
		if err != nil || f == "" {
			t.Fatalf("BackupIfDue after a day = %q, %v", f, err)
		}
		written = append(written, f)
	}
	kept, _ := db.Backups()
	if len(kept) != 2 || kept[0] != written[2] || kept[1] != written[1] {
		t.Errorf("kept %v, want the two newest of %v", kept, written)
	}
	for _, f := range kept {
		info, _ := os.Stat(f)
		if info.Mode().Perm() != 0o600 {
			t.Errorf("backup %s has mode %o", f, info.Mode().Perm())
		}
		if report, err := inspect(f, time.Second); err != nil || report.damagedMeta >= 0 {
			t.Errorf("backup %s is not a good database: %v, %+v", f, err, report)
		}
	}
}

// writeRoutes stores n routes named route0000….
func writeRoutes(t *testing.T, db *DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		r := pageRoute(fmt.Sprintf("src%04d", i), "p1") // one source each: routes may not overlap
		r.ID = fmt.Sprintf("route%04d", i)
		mustRoute(t, db, r)
	}
}

// damagePageHolding overwrites, in place, the file page that holds needle.
func damagePageHolding(t *testing.T, path, needle string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(raw, []byte(needle))
	if at < 0 {
		t.Fatalf("%s not found in the file", needle)
	}
	page := os.Getpagesize()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xff}, page), int64(at/page*page)); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedDataPageIsFoundAtOpenAndRecovered(t *testing.T) {
	clock := newClock()
	path := filepath.Join(t.TempDir(), "liveroute.db")
	db, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	writeRoutes(t, db, 300)
	clock.Add(25 * time.Hour)
	good, err := db.BackupIfDue()
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Damage the data page holding one route; the meta pages and the
	// bucket list stay intact, so only reading every page can notice.
	damagePageHolding(t, path, `"id":"route0150"`)
	clock.Add(time.Hour) // no backup is due: the check does not wait for one
	db, err = Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("Open of a file with a damaged page: %v", err)
	}
	defer db.Close()
	rec := db.Recovered()
	if rec == nil || rec.RestoredFrom != good {
		t.Fatalf("recovery = %v, want a restore from %s", rec, good)
	}
	if routes, _ := db.Routes(); len(routes) != 300 {
		t.Errorf("restored %d routes, want 300", len(routes))
	}
}

func TestDamageWhileRunningIsAnErrorNotACrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	writeRoutes(t, db, 300)
	damagePageHolding(t, path, `"id":"route0150"`) // bbolt's shared mapping sees it at once
	if _, err := db.Routes(); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Routes on a damaged page: %v, want ErrDamaged", err)
	}
}
