package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogFileRotatesBySizeAndKeepsTheNewest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.log")
	l, err := OpenLogFile(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 4; i++ { // 4 writes of 60 bytes: every write after the first rotates
		if _, err := l.Write([]byte(strings.Repeat(string(rune('a'+i)), 59) + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]byte{path: 'd', path + ".1": 'c', path + ".2": 'b'}
	for p, first := range want {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(data) != 60 || data[0] != first {
			t.Errorf("%s holds %q…, want 60 bytes of %c", filepath.Base(p), data[:1], first)
		}
	}
	if _, err := os.Stat(path + ".3"); !os.IsNotExist(err) {
		t.Errorf("a third old file was kept: %v", err)
	}
}

func TestLogFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveroute.log")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLogFile(path, 1<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("log file mode %o, want 600", mode)
	}
}
