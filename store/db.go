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
// LiveRoute's. Open never overwrites such a file: it moves it aside to
// MovedTo and restores the newest good backup (RestoredFrom, empty when
// there was none and LiveRoute starts empty). DB.Recovered reports it after
// a successful Open; Open returns it as an error only when it could not move
// the file aside or restore a backup.
type CorruptError struct {
	Path         string // the database file that was bad
	MovedTo      string // where the bad file now is; empty if moving failed
	RestoredFrom string // the backup now in use; empty when none was usable
	Cause        error  // what was wrong with the file
}

// Recovery is what Open did about a bad database file; see CorruptError.
type Recovery = CorruptError

// Error tells the person what happened in one sentence.
func (e *CorruptError) Error() string {
	what := fmt.Sprintf("the database %s could not be read (%v)", e.Path, e.Cause)
	switch {
	case e.MovedTo == "":
		return what + "; LiveRoute left it untouched and cannot start: move it away or restore a backup by hand"
	case e.RestoredFrom == "":
		return what + "; it was moved to " + e.MovedTo + " and LiveRoute started empty because no backup was usable"
	default:
		return what + "; it was moved to " + e.MovedTo + " and LiveRoute restored the backup " + e.RestoredFrom
	}
}

// Unwrap returns the cause.
func (e *CorruptError) Unwrap() error { return e.Cause }

// Open opens (or creates) the database at path. It creates the folder (0700)
// and file (0600), refuses a second instance with ErrAlreadyRunning, moves a
// bad file aside and restores the newest backup (see Recovered), applies
// schema migrations in one transaction, and writes the daily backup.
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
	// A bad file found on the first try is moved aside and a backup restored;
	// the second try opens that backup (or a fresh file).
	for attempt := 0; ; attempt++ {
		err := db.open()
		var bad *badFileError
		if err == nil || !errors.As(err, &bad) || attempt > 0 {
			if err != nil {
				return nil, err
			}
			return db, nil
		}
		rec, err := db.moveAsideAndRestore(bad.cause)
		if err != nil {
			return nil, err
		}
		db.recovered = rec
	}
}

// open opens db.path: it inspects the file read-only, takes the lock,
// migrates, reads every page (about 20 ms for 100,000 ledger entries), and
// writes the daily backup. A *badFileError means the file is not usable.
func (db *DB) open() (err error) {
	if err := inspect(db.path, db.opts.Timeout); err != nil {
		return err
	}
	bdb, err := bolt.Open(db.path, 0o600, &bolt.Options{Timeout: db.opts.Timeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return ErrAlreadyRunning
		}
		return fmt.Errorf("open the database %s: %w", db.path, err)
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
	if err := db.bolt.View(readEveryPage); err != nil {
		return &badFileError{cause: err}
	}
	_, err = db.BackupIfDue()
	return err
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

// inspect checks an existing file read-only, so a damaged or foreign file is
// never written to: bbolt's read-write open may commit to a file it accepts.
// It returns ErrAlreadyRunning, a *NewerDatabaseError, a *badFileError, or nil.
func inspect(path string, timeout time.Duration) (err error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the database %s: %w", path, err)
	}
	if info.Size() == 0 {
		return nil // bbolt initialises an empty file; there is nothing to lose
	}
	// A damaged page can make bbolt panic rather than return an error.
	defer func() {
		if r := recover(); r != nil {
			err = &badFileError{cause: fmt.Errorf("damaged file: %v", r)}
		}
	}()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return ErrAlreadyRunning
		}
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("read the database %s: %w", path, err)
		}
		return &badFileError{cause: err}
	}
	defer bdb.Close()
	return bdb.View(func(tx *bolt.Tx) error { return checkLayout(tx, path) })
}
