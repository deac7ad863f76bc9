package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// manifestVersion is bumped when the manifest's meaning changes.
const manifestVersion = 1

// manifest records what Install wrote, so Uninstall removes exactly that.
type manifest struct {
	Version int            `json:"version"`
	GOOS    string         `json:"goos"`
	Files   []manifestFile `json:"files"`
	Dirs    []string       `json:"dirs"` // created by Install, outermost first
}

type manifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// readManifest reads the manifest at path; a missing one is empty.
func readManifest(path string) (manifest, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return manifest{}, nil
	}
	if err != nil {
		return manifest{}, fmt.Errorf("read the install record: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return manifest{}, fmt.Errorf("the install record %s is damaged (%v); delete it and install again", path, err)
	}
	if m.Version > manifestVersion {
		return manifest{}, fmt.Errorf("the install record %s was written by a newer LiveRoute; uninstall with that version", path)
	}
	return m, nil
}

func (m manifest) write(path string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the install record: %w", err)
	}
	_, err = writeFile(path, append(data, '\n'), 0o644)
	return err
}

func (m manifest) has(path string) bool {
	for _, f := range m.Files {
		if f.Path == path {
			return true
		}
	}
	return false
}
