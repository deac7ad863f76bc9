package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BackupInterval is how often Open and BackupIfDue write a backup.
const BackupInterval = 24 * time.Hour

const (
	backupPrefix = "liveroute-"
	backupSuffix = ".db"
	stampLayout  = "20060102-150405"
)

// BackupDir is the folder of the automatic backups.
func (db *DB) BackupDir() string { return filepath.Join(filepath.Dir(db.path), "backups") }

// Backups lists the backup files, newest first.
func (db *DB) Backups() ([]string, error) { return listBackups(db.BackupDir()) }

// BackupIfDue writes a backup when the newest is BackupInterval old or
// there is none, and keeps Options.BackupsKept of them. It returns the new
// file, or "" when none was due. A long-running app calls it now and then.
func (db *DB) BackupIfDue() (string, error) {
	db.backupMu.Lock()
	defer db.backupMu.Unlock()
	now := db.now()
	files, err := listBackups(db.BackupDir())
	if err != nil {
		return "", err
	}
	if len(files) > 0 {
		if t, ok := backupTime(files[0]); ok && now.Sub(t) < BackupInterval && !t.After(now) {
			return "", nil
		}
	}
	return db.backup(now)
}

// backup writes a consistent copy with tx.WriteTo, but only of a database
// whose every page reads back: a backup must never carry damage forward.
// It then prunes the oldest backups.
func (db *DB) backup(now time.Time) (string, error) {
	dir := db.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create the backup folder: %w", err)
	}
	name := filepath.Join(dir, backupPrefix+now.Format(stampLayout)+backupSuffix)
	tmp, err := os.CreateTemp(dir, ".backup-*")
	if err != nil {
		return "", fmt.Errorf("write a backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename this is a no-op
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if err := readEveryPage(tx); err != nil {
			return &badFileError{cause: fmt.Errorf("%w, so no backup was written", err)}
		}
		_, err := tx.WriteTo(tmp)
		return err
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = checkBackupFile(tmp.Name())
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return "", fmt.Errorf("write a backup: %w", err)
	}
	files, err := listBackups(dir)
	if err != nil {
		return "", err
	}
	for _, old := range files[min(len(files), db.opts.BackupsKept):] {
		if err := os.Remove(old); err != nil {
			return "", fmt.Errorf("remove an old backup: %w", err)
		}
	}
	return name, nil
}

// moveAsideAndRestore handles a bad database file: it renames the file
// aside, bytes unchanged (nothing wrote to it: open checks before it
// writes), then tries the backups newest first, each once, and opens the
// first that passes the same checks. A damaged backup is left where it is
// and the next older one tried; when none is good, LiveRoute starts empty.
// It sets db.recovered, and returns it as an error only when the file could
// not be moved aside.
func (db *DB) moveAsideAndRestore(cause error) error {
	rec := &Recovery{Path: db.path, Cause: cause}
	aside := db.asideName()
	if err := os.Rename(db.path, aside); err != nil {
		rec.Cause = errors.Join(cause, fmt.Errorf("move it aside: %w", err))
		return rec
	}
	rec.MovedTo = aside
	db.recovered = rec
	files, err := listBackups(db.BackupDir())
	if err != nil {
		rec.Cause = errors.Join(rec.Cause, err) // start empty; the sentence says no backup was usable
	}
	for _, f := range files {
		err := db.openBackup(f)
		if err == nil {
			rec.RestoredFrom = f
			rec.RestoredAt, _ = backupTime(f)
			return nil
		}
		if errors.Is(err, ErrAlreadyRunning) {
			return err
		}
		rec.DamagedBackups = append(rec.DamagedBackups, f)
		rec.Cause = errors.Join(rec.Cause, fmt.Errorf("backup %s: %w", filepath.Base(f), err))
	}
	return db.open(false) // an empty database
}

// openBackup copies backup in as the database and opens it. When the copy
// does not open, it is removed again; the backup itself is only read.
func (db *DB) openBackup(backup string) error {
	if err := copyFile(backup, db.path); err != nil {
		return fmt.Errorf("copy it in: %w", err)
	}
	err := db.open(false) // a backup is whole: one damaged meta page is damage here
	if err != nil && !errors.Is(err, ErrAlreadyRunning) {
		if rmErr := os.Remove(db.path); rmErr != nil {
			return errors.Join(err, fmt.Errorf("remove the copy: %w", rmErr))
		}
	}
	return err
}

// keepCopyAndGoOn handles a file whose one meta page is damaged and
// everything else good, which is what a commit cut short by a power loss
// leaves: bbolt reads the other meta page, and its next commit rewrites the
// damaged one. Restoring a day-old backup would lose far more. The file is
// first copied aside unchanged, for support.
func (db *DB) keepCopyAndGoOn(torn *tornMetaError) error {
	rec := &Recovery{Path: db.path, KeptInUse: true, Cause: torn}
	aside := db.asideName()
	if err := copyFile(db.path, aside); err != nil {
		rec.Cause = errors.Join(torn, fmt.Errorf("copy it aside: %w", err))
		return rec
	}
	rec.MovedTo = aside
	db.recovered = rec
	return db.open(true)
}

// asideName is a free name for a bad file next to the database.
func (db *DB) asideName() string {
	stamp := db.now().Format(stampLayout)
	aside := fmt.Sprintf("%s.corrupt-%s", db.path, stamp)
	for i := 2; fileExists(aside); i++ {
		aside = fmt.Sprintf("%s.corrupt-%s-%d", db.path, stamp, i)
	}
	return aside
}

// checkBackupFile reads a written backup back through checkPages: restore
// relies on a backup being whole, both meta pages included.
func checkBackupFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	report, err := checkPages(data)
	if err == nil && report.damagedMeta >= 0 {
		err = fmt.Errorf("meta page %d is damaged", report.damagedMeta)
	}
	if err != nil {
		return fmt.Errorf("the backup did not read back whole (%w)", err)
	}
	return nil
}

func listBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var files []string
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); ok && e.Type().IsRegular() {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	// The stamp sorts as text; newest first.
	slices.Sort(files)
	slices.Reverse(files)
	return files, nil
}

func backupTime(file string) (time.Time, bool) {
	base := filepath.Base(file)
	if !strings.HasPrefix(base, backupPrefix) || !strings.HasSuffix(base, backupSuffix) {
		return time.Time{}, false
	}
	t, err := time.Parse(stampLayout, strings.TrimSuffix(strings.TrimPrefix(base, backupPrefix), backupSuffix))
	return t, err == nil
}

// copyFile copies src to dst (0600) through a temporary file, so dst is
// either absent or complete.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// readEveryPage walks every bucket, key and value, so every page is loaded
// and bbolt's page assertions run, before a backup is written from the live
// database (damage that appeared while LiveRoute ran). The written copy is
// then checked byte by byte (checkBackupFile); Open checks with checkPages
// before bbolt reads anything. bbolt's own tx.Check runs on a goroutine of
// its own, where a damaged page's panic would kill the app; here the panic
// is recovered and reported.
func readEveryPage(tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the database has a damaged page (%v)", r)
		}
	}()
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if child := b.Bucket(k); child != nil {
					return walk(child)
				}
			}
			return nil
		})
	}
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
}
