//go:build unix

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// maxSocketPath is the longest control socket path LiveRoute uses: sun_path
// holds 108 bytes on Linux and 104 on macOS and the BSDs, the NUL included.
const maxSocketPath = 103

// EnsureRuntime creates the runtime folder and proves it is this user's
// alone, because whoever controls it can hold the instance lock or answer
// on the control socket. The folder must be a real folder (not a symbolic
// link) owned by the user; it is tightened to 0700. Its parent must be a
// real folder that no one else can change: owned by the user (tightened to
// 0700 if others may write to it), or a shared temp folder with the sticky
// bit. Anything else is refused with a sentence saying what to remove.
func (p Paths) EnsureRuntime() error {
	if !filepath.IsAbs(p.Runtime) {
		return fmt.Errorf("the runtime folder %q is not an absolute path", p.Runtime)
	}
	parent := filepath.Dir(p.Runtime)
	if parent == filepath.Dir(parent) {
		return fmt.Errorf("the runtime folder %s sits in the file system's root; set XDG_RUNTIME_DIR to a folder of your own", p.Runtime)
	}
	// Above the parent are shared or home folders (/tmp, /run/user, ~/.cache):
	// created if missing, never checked or changed.
	if err := os.MkdirAll(filepath.Dir(parent), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(parent), err)
	}
	uid := os.Getuid()
	if err := ensureFolder(parent, uid, parentFolderProblem, func(m fs.FileMode) bool {
		return m&0o022 != 0 && m&fs.ModeSticky == 0
	}); err != nil {
		return err
	}
	return ensureFolder(p.Runtime, uid, runtimeFolderProblem, func(m fs.FileMode) bool {
		return m.Perm() != 0o700
	})
}

// runtimeFolder is where the control socket of profile folder name lives:
// XDG_RUNTIME_DIR on Linux, else a folder in the user's own cache folder,
// so no other user can have made it first. Where that would make the
// socket path too long, and off Linux, it is a per-user folder in the temp
// folder, which EnsureRuntime then verifies.
func runtimeFolder(name string) string {
	if runtime.GOOS == "linux" {
		if dir := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(dir) {
			return filepath.Join(dir, name)
		}
		if cache, err := os.UserCacheDir(); err == nil && filepath.IsAbs(cache) {
			dir := filepath.Join(cache, "liveroute-run", name)
			if len(Paths{Runtime: dir}.SocketFile()) <= maxSocketPath {
				return dir
			}
		}
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("liveroute-%d", os.Getuid()), name)
}

// folderInfo is what the checks need of a folder's Lstat.
type folderInfo struct {
	mode  fs.FileMode
	owner int
}

// runtimeFolderProblem says why dir, with info, cannot be the runtime
// folder of user uid, or returns nil.
func runtimeFolderProblem(dir string, info folderInfo, uid int) error {
	if err := realFolderProblem(dir, info); err != nil {
		return err
	}
	if info.owner != uid {
		return fmt.Errorf("the folder %s belongs to another user; remove it or set %s", dir, runtimeEnv())
	}
	return nil
}

// parentFolderProblem says why dir, with info, cannot hold the runtime
// folder of user uid, or returns nil. A sticky folder of root's (/tmp) is
// fine: no one else can rename or remove what the user makes in it.
func parentFolderProblem(dir string, info folderInfo, uid int) error {
	if err := realFolderProblem(dir, info); err != nil {
		return err
	}
	if info.owner != uid && (info.owner != 0 || info.mode&fs.ModeSticky == 0) {
		return fmt.Errorf("the folder %s belongs to another user; remove it or set %s", dir, runtimeEnv())
	}
	return nil
}

func realFolderProblem(dir string, info folderInfo) error {
	switch {
	case info.mode&fs.ModeSymlink != 0:
		return fmt.Errorf("the folder %s is a symbolic link, which LiveRoute does not trust for its control socket; remove it or set %s", dir, runtimeEnv())
	case !info.mode.IsDir():
		return fmt.Errorf("%s is not a folder; remove it or set %s", dir, runtimeEnv())
	}
	return nil
}

// runtimeEnv names the variable that moves the runtime folder.
func runtimeEnv() string {
	if runtime.GOOS == "linux" {
		return "XDG_RUNTIME_DIR to a folder of your own"
	}
	return "TMPDIR to a folder of your own"
}

// ensureFolder creates dir (0700) if missing, refuses it if problem says
// so, and sets it to 0700 when loose says its mode is too open. The mode
// is changed through a descriptor opened without following links, after
// checking again, so a folder swapped in meanwhile is not changed.
func ensureFolder(dir string, uid int, problem func(string, folderInfo, int) error, loose func(fs.FileMode) bool) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	if err := problem(dir, infoOf(fi), uid); err != nil {
		return err
	}
	if !loose(fi.Mode()) {
		return nil
	}
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return fmt.Errorf("open %s to protect it: %w", dir, err)
	}
	defer f.Close()
	fi, err = f.Stat()
	if err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	if err := problem(dir, infoOf(fi), uid); err != nil {
		return err
	}
	if err := f.Chmod(0o700); err != nil {
		return fmt.Errorf("protect %s: %w", dir, err)
	}
	return nil
}

func infoOf(fi fs.FileInfo) folderInfo {
	info := folderInfo{mode: fi.Mode(), owner: -1}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		info.owner = int(st.Uid)
	}
	return info
}
