package install

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// mkdirAll creates dir and its missing parents and returns the ones it
// created, outermost first, so Uninstall can take back exactly those.
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("look at %s: %w", d, err)
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	created := make([]string, 0, len(missing))
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return created, fmt.Errorf("create %s: %w", missing[i], err)
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// writeFile makes path hold data with mode. It replaces through a rename,
// so a running program can be replaced (Linux refuses to write into a
// running executable) and a crash never leaves half a file.
func writeFile(path string, data []byte, mode os.FileMode) (Action, error) {
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() == mode.Perm() {
			return Unchanged, nil
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return Wrote, nil
}

// removeFile removes path if it exists and reports it.
func removeFile(path, what string) ([]Change, error) {
	err := os.Remove(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("remove %s: %w", path, err)
	}
	return []Change{{Action: Removed, What: what, Path: path}}, nil
}

// removeEmptyDir removes dir if it exists and is empty; a folder the person
// put their own files in is kept and reported.
func removeEmptyDir(dir string) ([]Change, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look at %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return []Change{{Action: Kept, What: "folder", Path: dir, Note: "it holds other files"}}, nil
	}
	if err := os.Remove(dir); err != nil {
		return nil, fmt.Errorf("remove %s: %w", dir, err)
	}
	return []Change{{Action: Removed, What: "folder", Path: dir}}, nil
}
