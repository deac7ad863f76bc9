package main

import (
	"go/build"
	"path"
	"strings"
	"testing"
)

// TestLayersImportOnlyDownward enforces docs/architecture.md's dependency
// direction: the faces (the window, app, and the command line,
// app/control) reach the database and the engine through app/service, and
// nothing below them imports anything above. A rule broken here is a rule
// that will be written twice.
func TestLayersImportOnlyDownward(t *testing.T) {
	const mod = "github.com/liveroute/liveroute/"
	// mayNotImport lists, per package, our packages it must not import.
	mayNotImport := map[string][]string{
		"store":       {"fbclient", "app", "app/relay", "app/account", "app/service", "app/control", "app/install"},
		"fbclient":    {"store", "app", "app/relay", "app/account", "app/service", "app/control", "app/install"},
		"app/relay":   {"app", "app/account", "app/service", "app/control", "app/install"},
		"app/account": {"app", "app/relay", "app/service", "app/control", "app/install"},
		// control declares the App it needs; app/service implements it.
		"app/control": {"app", "app/service", "app/account"},
		"app/service": {"app", "app/agent", "app/remote"},
		"app":         {"app/control", "app/agent"},
		// The tray agent never loads the window (and with it Fyne's GL
		// driver); the window reaches the agent only through app/remote.
		"app/agent":  {"app"},
		"app/remote": {"app", "app/agent"},
		// The memory trim is the processes' own business, below every rule.
		"internal/memtrim": {"store", "fbclient", "app", "app/relay", "app/account", "app/service",
			"app/control", "app/agent", "app/remote", "app/install"},
	}

	for pkg, banned := range mayNotImport {
		imports := ourImports(t, mod, pkg)
		for _, b := range banned {
			edge := pkg + " -> " + b
			if imports[b] {
				t.Errorf("%s: see docs/architecture.md for who may import whom", edge)
			}
		}
	}
}

// ourImports are the module's packages that pkg (a path inside the
// module) imports, without its tests.
func ourImports(t *testing.T, mod, pkg string) map[string]bool {
	t.Helper()
	p, err := build.Default.Import(mod+pkg, ".", 0)
	if err != nil {
		t.Fatalf("read %s: %v", pkg, err)
	}
	out := map[string]bool{}
	for _, imp := range p.Imports {
		if rest, ok := strings.CutPrefix(imp, mod); ok {
			out[path.Clean(rest)] = true
		}
	}
	return out
}
