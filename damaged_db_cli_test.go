package main

import (
	"bytes"
	bin "encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusOnADamagedDatabaseSaysWhatHappenedInsteadOfCrashing damages the
// freelist page of a stopped profile's database (bbolt's read-write open
// used to panic on it, before any recover) and runs `liveroute status`.
func TestStatusOnADamagedDatabaseSaysWhatHappenedInsteadOfCrashing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dir := t.TempDir()
	env := isolatedEnv(dir)
	if r := runCLIBinary(t, env, "status"); r.code != 0 {
		t.Fatalf("status on a new profile: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	db := findDatabase(t, dir)
	damageFreelist(t, db)
	damaged, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	r := runCLIBinary(t, env, "status")
	if r.code != 0 || strings.Contains(r.stderr, "panic") {
		t.Fatalf("status on a damaged database: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"The database " + db + " was damaged", "kept it unchanged as " + db + ".corrupt-", "restored the backup from"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("status said %q, want it to contain %q", r.stderr, want)
		}
	}
	aside, _ := filepath.Glob(db + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("kept copies: %v", aside)
	}
	if kept, err := os.ReadFile(aside[0]); err != nil || !bytes.Equal(kept, damaged) {
		t.Errorf("the damaged database was not kept byte for byte (err %v)", err)
	}
	// The next run finds a good database and says nothing more.
	if r := runCLIBinary(t, env, "status"); r.code != 0 || strings.Contains(r.stderr, "damaged") {
		t.Errorf("status after the recovery: exit %d: %s", r.code, r.stderr)
	}
}

// findDatabase is the one liveroute.db under dir.
func findDatabase(t *testing.T, dir string) string {
	t.Helper()
	var found []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "liveroute.db" {
			found = append(found, p)
		}
		return nil
	})
	if len(found) != 1 {
		t.Fatalf("databases under %s: %v", dir, found)
	}
	return found[0]
}

// damageFreelist fills the freelist page of bbolt's current meta with 0xff,
// reading the meta pages' layout (go.etcd.io/bbolt internal/common/meta.go)
// from the file.
func damageFreelist(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := bin.LittleEndian
	const metaAt = 16 // after the page header
	pageSize := int(le.Uint32(raw[metaAt+8:]))
	meta := raw[metaAt:]
	if other := raw[pageSize+metaAt:]; le.Uint64(other[48:]) > le.Uint64(meta[48:]) { // the newer txid
		meta = other
	}
	freelist := int(le.Uint64(meta[32:]))
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xff}, pageSize), int64(freelist*pageSize)); err != nil {
		t.Fatal(err)
	}
}
