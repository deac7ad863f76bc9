//go:build unix

package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRuntimeFolderWithoutXDGRuntimeDirIsInTheUsersCacheFolder(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG folders are Linux's")
	}
	cache := shortTempDir(t)
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_CACHE_HOME", cache)
	p, err := DefaultPaths(DemoProfile)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "liveroute-run", "LiveRoute-demo"); p.Runtime != want {
		t.Fatalf("Runtime = %s, want %s", p.Runtime, want)
	}
	if err := p.EnsureRuntime(); err != nil {
		t.Fatal(err)
	}
}

func TestRuntimeFolderUsesXDGRuntimeDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG folders are Linux's")
	}
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	p, err := DefaultPaths("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "LiveRoute"); p.Runtime != want {
		t.Fatalf("Runtime = %s, want %s", p.Runtime, want)
	}
}

func TestRuntimeFolderFallsBackToAShortVerifiedFolderWhenTheSocketPathWouldBeTooLong(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG folders are Linux's")
	}
	tmp := shortTempDir(t)
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), strings.Repeat("c", 80)))
	p, err := DefaultPaths("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Runtime, tmp+string(filepath.Separator)) {
		t.Fatalf("Runtime = %s, want a folder in %s", p.Runtime, tmp)
	}
	if n := len(p.SocketFile()); n > maxSocketPath {
		t.Fatalf("the socket path is %d bytes, more than %d", n, maxSocketPath)
	}
	// The short folder is one another user could make first: it is checked.
	base := filepath.Dir(p.Runtime)
	if err := os.Symlink(t.TempDir(), base); err != nil {
		t.Fatal(err)
	}
	if err := p.Ensure(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("Ensure with the short folder a symbolic link: %v", err)
	}
}

func TestEnsureRuntimeRefusesOrTightensFoldersOthersCouldControl(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup builds the scene under root and returns the runtime folder.
		setup   func(t *testing.T, root string) string
		refused string // substring of the error; "" when accepted
	}{
		{name: "a runtime folder that is a symbolic link is refused", setup: func(t *testing.T, root string) string {
			symlink(t, t.TempDir(), filepath.Join(root, "LiveRoute"))
			return filepath.Join(root, "LiveRoute")
		}, refused: "is a symbolic link"},
		{name: "a parent that is a symbolic link is refused", setup: func(t *testing.T, root string) string {
			symlink(t, t.TempDir(), filepath.Join(root, "liveroute-1000"))
			return filepath.Join(root, "liveroute-1000", "LiveRoute")
		}, refused: "is a symbolic link"},
		{name: "a runtime folder that is a file is refused", setup: func(t *testing.T, root string) string {
			if err := os.WriteFile(filepath.Join(root, "LiveRoute"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(root, "LiveRoute")
		}, refused: "is not a folder"},
		{name: "a runtime folder of ours open to all is tightened", setup: func(t *testing.T, root string) string {
			mkdir(t, filepath.Join(root, "LiveRoute"), 0o777)
			return filepath.Join(root, "LiveRoute")
		}},
		{name: "a parent of ours open to all is tightened", setup: func(t *testing.T, root string) string {
			mkdir(t, filepath.Join(root, "base"), 0o777)
			return filepath.Join(root, "base", "LiveRoute")
		}},
		{name: "missing folders are created", setup: func(t *testing.T, root string) string {
			return filepath.Join(root, "a", "b", "LiveRoute")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := tc.setup(t, root)
			err := Paths{Runtime: dir}.EnsureRuntime()
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) || !strings.Contains(err.Error(), "XDG_RUNTIME_DIR") && runtime.GOOS == "linux" {
					t.Fatalf("EnsureRuntime(%s) = %v, want it refused as %q", dir, err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatalf("EnsureRuntime(%s): %v", dir, err)
			}
			if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Errorf("the runtime folder is %v (%v), want a folder with mode 0700", fi.Mode(), err)
			}
			// The parent need not be 0700 (a 0755 one hides nothing), but
			// no one else may write to it.
			if fi, err := os.Lstat(filepath.Dir(dir)); err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
				t.Errorf("the parent is %v (%v), want a folder only its owner can change", fi.Mode(), err)
			}
		})
	}
}

func TestEnsureRuntimeLeavesASharedStickyParentAlone(t *testing.T) {
	parent := t.TempDir()
	if err := os.Chmod(parent, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := (Paths{Runtime: filepath.Join(parent, "LiveRoute")}).EnsureRuntime(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(parent)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o777 || fi.Mode()&fs.ModeSticky == 0 {
		t.Errorf("the shared parent became %v", fi.Mode())
	}
}

func TestEnsureRuntimeRefusesAFolderOfAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("only root can give a folder to another user; TestFolderOwnerChecks covers the rule")
	}
	for _, which := range []string{"runtime", "parent"} {
		t.Run(which, func(t *testing.T) {
			base := filepath.Join(t.TempDir(), "liveroute-1000")
			dir := filepath.Join(base, "LiveRoute")
			mkdir(t, dir, 0o700)
			theirs := dir
			if which == "parent" {
				theirs = base
			}
			if err := os.Chown(theirs, 4242, 4242); err != nil {
				t.Fatal(err)
			}
			err := Paths{Runtime: dir}.EnsureRuntime()
			if err == nil || !strings.Contains(err.Error(), "the folder "+theirs+" belongs to another user; remove it") {
				t.Fatalf("EnsureRuntime with %s owned by another user: %v", which, err)
			}
		})
	}
}

func TestFolderOwnerChecks(t *testing.T) {
	const me = 1000
	dir := fs.ModeDir | 0o700
	shared := fs.ModeDir | fs.ModeSticky | 0o777
	for _, tc := range []struct {
		name          string
		info          folderInfo
		runtimeOK     bool
		parentOK      bool
		wantInMessage string
	}{
		{"mine", folderInfo{dir, me}, true, true, ""},
		{"another user's", folderInfo{dir, 1001}, false, false, "belongs to another user; remove it or set"},
		{"root's, not sticky", folderInfo{dir, 0}, false, false, "belongs to another user"},
		{"root's shared temp folder", folderInfo{shared, 0}, false, true, "belongs to another user"},
		{"another user's sticky folder", folderInfo{shared, 1001}, false, false, "belongs to another user"},
		{"a symbolic link of mine", folderInfo{fs.ModeSymlink | 0o777, me}, false, false, "is a symbolic link"},
		{"unknown owner", folderInfo{dir, -1}, false, false, "belongs to another user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				what  string
				check func(string, folderInfo, int) error
				ok    bool
			}{{"runtime", runtimeFolderProblem, tc.runtimeOK}, {"parent", parentFolderProblem, tc.parentOK}} {
				err := c.check("/x/y", tc.info, me)
				if (err == nil) != c.ok {
					t.Fatalf("as the %s folder: %v, want accepted=%v", c.what, err, c.ok)
				}
				if err != nil && (!strings.Contains(err.Error(), tc.wantInMessage) || !strings.Contains(err.Error(), "/x/y")) {
					t.Errorf("as the %s folder: %q does not name the folder and say %q", c.what, err, tc.wantInMessage)
				}
			}
		})
	}
}

// shortTempDir is a temp folder with a short name: t.TempDir's names are
// longer than a Unix socket path may be.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lrs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}
