package main

import (
	"os/exec"
	"strings"
	"testing"
)

// LANG=C.UTF-8 is the default of many minimal systems; Fyne used to print
// "Fyne error: Error parsing user locale C" on every command there.
func TestNoFyneLocaleErrorUnderCUTF8(t *testing.T) {
	bin := binary(t)
	var env []string
	for _, kv := range isolatedEnv(t.TempDir()) {
		name, _, _ := strings.Cut(kv, "=")
		if name != "LANG" && name != "LC_ALL" && name != "LC_MESSAGES" && name != "LANGUAGE" {
			env = append(env, kv)
		}
	}
	for _, args := range [][]string{{"--help"}, {"--version"}, {"status"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(env, "LANG=C.UTF-8")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("liveroute %v: %v\n%s", args, err, stderr.String())
		}
		if strings.Contains(stderr.String(), "locale") {
			t.Errorf("liveroute %v under LANG=C.UTF-8 wrote to stderr:\n%s", args, stderr.String())
		}
	}
}
