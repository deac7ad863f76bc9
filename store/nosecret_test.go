package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestNoSecretReachesTheDatabaseFileOrBackups runs a whole connect-and-share
// flow, secrets to the keychain and the rest to bbolt, then reads the raw
// bytes of every file store wrote and looks for each secret.
func TestNoSecretReachesTheDatabaseFileOrBackups(t *testing.T) {
	k := needKeychain(t)
	secrets := map[string]string{
		AppSecretKey("4242"):   "app-secret-9f8e7d6c5b4a39281706",
		UserTokenKey("100"):    "EAAGuserTokenLongLived0123456789abcdef",
		PageTokenKey("page-1"): "EAAGpageTokenOne0123456789abcdefghij",
		PageTokenKey("page-2"): "EAAGpageTokenTwo0123456789abcdefghij",
	}
	t.Cleanup(func() { _ = k.DeleteAccountSecrets("4242", "100", []string{"page-1", "page-2"}) })

	clock := newClock()
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "liveroute.db")
	db, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	for key, v := range secrets {
		if err := k.Set(key, v); err != nil {
			t.Fatal(err)
		}
	}
	s := DefaultSettings()
	s.AppID = "4242"
	steps := []func() error{
		func() error { return db.PutSettings(s) },
		func() error {
			return db.PutAccount(Account{UserID: "100", Name: "Ana", AppID: "4242", Scopes: []string{"pages_manage_posts"},
				ExpiresAt: clock.Now().Add(60 * 24 * time.Hour)})
		},
		func() error { return db.PutDestination(Destination{ID: "page-1", Name: "Church", Kind: KindPage}) },
		func() error { return db.PutDestination(Destination{ID: "page-2", Name: "School", Kind: KindPage}) },
		func() error { _, err := db.PutRoute(pageRoute("src", "page-1", "page-2")); return err },
		func() error {
			_, _, err := db.LedgerBegin(LedgerEntry{LedgerKey: key("r", "v1", "page-1"), VideoURL: "https://www.facebook.com/100/videos/v1"})
			return err
		},
		func() error {
			return db.LedgerPut(LedgerEntry{LedgerKey: key("r", "v1", "page-1"), State: LedgerDone, PostID: "page-1_9", Attempts: 1})
		},
		func() error { return db.AddActivity(Activity{Kind: "share", Message: "Shared to Church"}) },
		func() error { clock.Add(25 * time.Hour); _, err := db.BackupIfDue(); return err },
		func() error {
			f, err := os.Create(filepath.Join(dir, "export.json"))
			if err != nil {
				return err
			}
			defer f.Close()
			return db.Export(f)
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The secrets did get stored, just not on disk.
	for key, v := range secrets {
		if got, err := k.Get(key); err != nil || got != v {
			t.Fatalf("keychain %s: %v", key, err)
		}
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 4 { // database, two backups, export
		t.Fatalf("expected the database, backups and export, found %v", files)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for key, v := range secrets {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("%s holds the secret %s", f, key)
			}
		}
	}
}
