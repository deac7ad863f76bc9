package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A LiveRoute run is prepared in its own profile (`liveroute --demo check`
// connects the demo there) before it is started and measured.
func TestPrepareRunsTheCommandInTheProfilesOwnHome(t *testing.T) {
	p, err := newProfile()
	if err != nil {
		t.Fatal(err)
	}
	defer p.remove()
	if err := p.prepare(context.Background(), nil); err != nil {
		t.Fatalf("nothing to prepare: %v", err)
	}
	if err := p.prepare(context.Background(), []string{"sh", "-c", `echo prepared > "$HOME/mark"`}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(p.dir, "home", "mark"))
	if err != nil || strings.TrimSpace(string(got)) != "prepared" {
		t.Errorf("the command did not run in the profile's home: %q, %v", got, err)
	}
}

func TestAPrepareThatFailsSaysWhatTheCommandPrinted(t *testing.T) {
	p, err := newProfile()
	if err != nil {
		t.Fatal(err)
	}
	defer p.remove()
	err = p.prepare(context.Background(), []string{"sh", "-c", "echo the demo could not connect; exit 3"})
	if err == nil || !strings.Contains(err.Error(), "the demo could not connect") {
		t.Errorf("a failed prepare said %v", err)
	}
}
