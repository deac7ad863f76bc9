package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startHeadless runs the binary headless on the demo profile of env until
// the test ends.
func startHeadless(t *testing.T, env []string) {
	t.Helper()
	cmd := exec.Command(binary(t), "--demo", "run", "--headless")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// ended is closed once the process was waited for; logs is complete then.
	ready, ended := make(chan struct{}), make(chan struct{})
	var logs bytes.Buffer
	var waitErr error
	go func() {
		defer close(ended)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "running headless") {
				close(ready)
			}
		}
		waitErr = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-ended:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-ended
		}
	})
	select {
	case <-ready:
	case <-ended:
		t.Fatalf("headless run ended: %v\n%s", waitErr, logs.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-ended
		t.Fatalf("headless run did not start\n%s", logs.String())
	}
}

// TestBigImportExportRunning (a short name: the socket path has a limit) imports a
// file of more than 1 MiB into the running app and exports it back: the
// control socket once refused any line over 1 MiB, only while the app ran.
func TestBigImportExportRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	env := isolatedEnv(t.TempDir())
	startHeadless(t, env)

	r := runCLIBinary(t, env, "--demo", "export", "-")
	var file map[string]any
	decodeJSON(t, r, &file)
	dests, _ := file["destinations"].([]any)
	routes, _ := file["routes"].([]any)
	// Twenty more Pages, each the source of a route with a long message
	// (a Page may take a source's lives through one route only).
	for i := range 20 {
		id := fmt.Sprint(300000000000100 + i)
		dests = append(dests, map[string]any{"id": id, "name": "Big Page " + id, "kind": "page"})
		routes = append(routes, map[string]any{"id": "big" + id, "source_id": id, "source_kind": "page", "enabled": true,
			"targets": []any{map[string]any{"destination_id": "200000000000003", "mode": "post", "message": strings.Repeat("m", 60000)}}})
	}
	file["destinations"], file["routes"] = dests, routes
	raw, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) <= 1<<20 {
		t.Fatalf("the file is %d bytes; the test needs more than 1 MiB", len(raw))
	}
	in := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(in, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Routes int `json:"routes"`
	}
	decodeJSON(t, runCLIBinary(t, env, "--demo", "import", in, "--json"), &res)
	if res.Routes != len(routes) {
		t.Errorf("imported %d routes, want %d", res.Routes, len(routes))
	}
	out := filepath.Join(t.TempDir(), "out.json")
	if r := runCLIBinary(t, env, "--demo", "export", out); r.code != 0 {
		t.Fatalf("export of the large profile: exit %d, %s", r.code, r.stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() <= 1<<20 {
		t.Errorf("the export is %d bytes; want more than 1 MiB", st.Size())
	}
}
