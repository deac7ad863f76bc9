// Package store keeps LiveRoute's state: one bbolt database (accounts,
// destinations, routes, settings, the share ledger and the activity log) and
// the OS keychain, which holds every secret. Nothing else in LiveRoute writes
// to disk, and no secret ever reaches the database.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Options tune Open. The zero value works.
type Options struct {
	// Timeout bounds the wait for the database lock, so a second instance
	// gets ErrAlreadyRunning instead of hanging. Default 1s.
	Timeout time.Duration
	// Now is the clock for timestamps, backups and trimming. Default time.Now.
	Now func() time.Time
	// BackupsKept is how many automatic daily backups are kept. Default 3.
	BackupsKept int
	// ValidateTemplate checks a route's message template; store knows no
	// template syntax. Nil accepts any template.
	ValidateTemplate func(string) error
	// ActivityMaxAge and ActivityMaxCount bound the activity log.
	// Defaults 30 days and 5000 entries.
	ActivityMaxAge   time.Duration
	ActivityMaxCount int
	// NewID returns a fresh route ID. Default: 8 random base32 characters.
	NewID func() string
}

// DB is an open LiveRoute database. Its methods are safe for concurrent use;
// every write is its own durable transaction.
type DB struct {
	bolt      *bolt.DB
	path      string
	opts      Options
	recovered *Recovery

	backupMu sync.Mutex
}

// ErrDamaged is returned when a page of the database turned out damaged
// while LiveRoute ran. The next Open finds the damage and restores a backup.
var ErrDamaged = errors.New("the database is damaged: quit and restart LiveRoute to restore the newest backup")

// ErrAlreadyRunning is returned by Open when another LiveRoute holds the
// database: bbolt's file lock did not free up within Options.Timeout.
var ErrAlreadyRunning = errors.New("LiveRoute is already running")

// NewerDatabaseError is returned by Open for a database written by a newer
// LiveRoute. The file is left exactly as it is: it is not damaged, only newer.
type NewerDatabaseError struct {
	Path    string
	Version int // the file's schema version
	Known   int // the newest schema this build understands
}

// Error tells the person what to do.
func (e *NewerDatabaseError) Error() string {
	return fmt.Sprintf("the database %s was written by a newer LiveRoute (schema %d, this one knows %d): install the newer LiveRoute again", e.Path, e.Version, e.Known)
}

// CorruptError describes a database file that was damaged or not
// LiveRoute's. Open never writes to such a file: it moves it aside to
// MovedTo, bytes unchanged, and restores the newest good backup
// (RestoredFrom, empty when none was good and LiveRoute starts empty).
// DB.Recovered reports it after a successful Open; Open returns it as an
// error only when it could not move the file aside.
type CorruptError struct {
	Path         string    // the database file that was bad
	MovedTo      string    // where the bad file (or, with KeptInUse, its copy) now is; empty if moving failed
	RestoredFrom string    // the backup now in use; empty when none was usable
	RestoredAt   time.Time // when RestoredFrom was written
	// DamagedBackups are newer backups that were bad too and were skipped;
	// they stay where they are.
	DamagedBackups []string
	// KeptInUse is set when only one of the two meta pages was damaged, as
	// a commit cut short leaves it, and the rest of the file was good:
	// bbolt then reads the other one. MovedTo is an unchanged copy, the file
	// stays in use and no backup was restored.
	KeptInUse bool
	Cause     error // what was wrong with the file, for the log
}

// Recovery is what Open did about a bad database file; see CorruptError.
type Recovery = CorruptError

// Error tells the person what happened and what it cost, in plain words.
func (e *CorruptError) Error() string {
	switch {
	case e.MovedTo == "":
		return fmt.Sprintf("The database %s is damaged (%v) and LiveRoute could not move it aside: move it away by hand, then start LiveRoute again.", e.Path, e.Cause)
	case e.KeptInUse:
		return fmt.Sprintf("The database %s was damaged in one of its two header pages; LiveRoute kept an unchanged copy as %s and went on from the other one, so the last change before the damage may be lost.", e.Path, e.MovedTo)
	case e.RestoredFrom == "":
		return fmt.Sprintf("The database %s was damaged; LiveRoute kept it unchanged as %s and started empty because no backup was usable: connect your account and set up your routes again.", e.Path, e.MovedTo) + e.damagedBackups()
	default:
		return fmt.Sprintf("The database %s was damaged; LiveRoute kept it unchanged as %s and restored the backup from %s (%s): changes made after that are lost.",
			e.Path, e.MovedTo, e.RestoredAt.UTC().Format("2 Jan 2006 15:04 UTC"), e.RestoredFrom) + e.damagedBackups()
	}
}

func (e *CorruptError) damagedBackups() string {
	switch len(e.DamagedBackups) {
	case 0:
		return ""
	case 1:
		return " The backup " + e.DamagedBackups[0] + " was damaged too and was left as it is."
	default:
		return " The backups " + strings.Join(e.DamagedBackups, ", ") + " were damaged too and were left as they are."
	}
}

// Unwrap returns the cause.
func (e *CorruptError) Unwrap() error { return e.Cause }

// Open opens (or creates) the database at path. It creates the folder (0700)
// and file (0600), refuses a second instance with ErrAlreadyRunning, moves a
// bad file aside and restores the newest good backup (see Recovered),
// applies schema migrations in one transaction, and writes the daily
// backup. A damaged file never makes it panic.
func Open(path string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("protect the data folder: %w", err)
	}

	db := &DB{path: path, opts: opts}
	err := db.open(false)
	var bad *badFileError
	var torn *tornMetaError
	switch {
	case err == nil:
		return db, nil
	case errors.As(err, &torn):
		err = db.keepCopyAndGoOn(torn)
		if errors.As(err, &bad) {
			// bbolt refused the file after all: restore a backup instead.
			// Its original bytes are in the copy kept first, too.
			err = db.moveAsideAndRestore(bad.cause)
		}
	case errors.As(err, &bad):
		err = db.moveAsideAndRestore(bad.cause)
	}
	if err != nil {
		return nil, err
	}
	db.noteRecovery()
	return db, nil
}

// open opens db.path: it checks the file deeply and read-only (inspect),
// and only then opens it for writing, migrates and writes the daily backup.
// A *badFileError means the file is not usable, a *tornMetaError that one
// meta page is damaged (tornOK accepts that: a copy was kept).
func (db *DB) open(tornOK bool) (err error) {
	report, err := inspect(db.path, db.opts.Timeout)
	if err != nil {
		return err
	}
	if report.damagedMeta >= 0 && !tornOK {
		return &tornMetaError{meta: report.damagedMeta}
	}
	bdb, err := openWritable(db.path, db.opts.Timeout)
	if err != nil {
		return err
	}
	db.bolt = bdb
	defer func() {
		// A damaged page can make bbolt panic rather than return an error.
		if r := recover(); r != nil {
			err = &badFileError{cause: fmt.Errorf("damaged file: %v", r)}
		}
		if err != nil {
			_ = bdb.Close()
			db.bolt = nil
		}
	}()
	// bbolt keeps the mode of an existing file; a copied-in file may be looser.
	if err := os.Chmod(db.path, 0o600); err != nil {
		return fmt.Errorf("protect the database %s: %w", db.path, err)
	}
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return migrate(tx, db.path) }); err != nil {
		return err
	}
	_, err = db.BackupIfDue()
	return err
}

// openWritable opens a file that passed inspect for writing. bbolt reads
// the freelist in its read-write Open, outside any transaction, so a panic
// there is recovered here too.
func openWritable(path string, timeout time.Duration) (bdb *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			bdb, err = nil, &badFileError{cause: fmt.Errorf("damaged file: %v", r)}
		}
	}()
	bdb, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrAlreadyRunning
	}
	if err != nil {
		return nil, fmt.Errorf("open the database %s: %w", path, err)
	}
	return bdb, nil
}

// noteRecovery writes what Open did into the activity log, so the window
// and `liveroute activity` show it after the start-up message is gone. A
// failure here must not stop the start: the caller shows Recovered too.
func (db *DB) noteRecovery() {
	if db.recovered == nil {
		return
	}
	_ = db.AddActivity(Activity{Kind: "database", Message: db.recovered.Error()})
}

// Close closes the database and releases its lock.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close the database: %w", err)
	}
	return nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Recovered reports what Open did about a bad database file, or nil when the
// file opened clean. The caller must tell the person (rec.Error() says it).
func (db *DB) Recovered() *Recovery { return db.recovered }

// view and update run a bbolt transaction, turning the panic of a damaged
// page into ErrDamaged (bbolt rolls the transaction back first).
func (db *DB) view(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	return db.bolt.View(fn)
}

func (db *DB) update(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	return db.bolt.Update(fn)
}

func recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w (%v)", ErrDamaged, r)
	}
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BackupsKept <= 0 {
		o.BackupsKept = 3
	}
	if o.ActivityMaxAge <= 0 {
		o.ActivityMaxAge = 30 * 24 * time.Hour
	}
	if o.ActivityMaxCount <= 0 {
		o.ActivityMaxCount = 5000
	}
	if o.NewID == nil {
		o.NewID = randomID
	}
	return o
}

func (db *DB) now() time.Time { return db.opts.Now().UTC() }

// badFileError marks a file that is not a usable LiveRoute database.
type badFileError struct{ cause error }

func (e *badFileError) Error() string { return e.cause.Error() }

// tornMetaError marks a file whose one meta page is damaged while the
// other one and every page it leads to are good.
type tornMetaError struct{ meta int }

func (e *tornMetaError) Error() string {
	return fmt.Sprintf("meta page %d is damaged; meta page %d and its pages are good", e.meta, 1-e.meta)
}

// inspect checks an existing file read-only, so a damaged or foreign file is
// never written to: bbolt's read-write open may commit to a file it accepts.
// Under bbolt's shared lock (so a running LiveRoute is not mistaken for
// damage) it checks every page with checkPages before bbolt reads a tree,
// then the buckets LiveRoute needs. It returns ErrAlreadyRunning, a
// *NewerDatabaseError, a *badFileError, or what checkPages found.
func inspect(path string, timeout time.Duration) (report pageReport, err error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return pageReport{damagedMeta: -1}, nil
	}
	if err != nil {
		return report, fmt.Errorf("read the database %s: %w", path, err)
	}
	if info.Size() == 0 {
		return pageReport{damagedMeta: -1}, nil // bbolt initialises an empty file; there is nothing to lose
	}
	// bbolt's read-only Open reads only the checksummed meta pages; its
	// panics, if any, are recovered all the same.
	defer func() {
		if r := recover(); r != nil {
			err = &badFileError{cause: fmt.Errorf("damaged file: %v", r)}
		}
	}()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return report, ErrAlreadyRunning
		}
		if errors.Is(err, os.ErrPermission) {
			return report, fmt.Errorf("read the database %s: %w", path, err)
		}
		return report, &badFileError{cause: err}
	}
	defer bdb.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		return report, fmt.Errorf("read the database %s: %w", path, err)
	}
	if report, err = checkPages(data); err != nil {
		return report, &badFileError{cause: err}
	}
	return report, bdb.View(func(tx *bolt.Tx) error { return checkLayout(tx, path) })
}
