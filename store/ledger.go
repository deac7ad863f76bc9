package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// LedgerState is where one share stands.
type LedgerState string

// The ledger states. Pending is written before any request goes out, so a
// pending entry found at start is ambiguous: the share may have landed.
const (
	LedgerPending      LedgerState = "pending"
	LedgerDone         LedgerState = "done"
	LedgerFailed       LedgerState = "failed"
	LedgerSkipped      LedgerState = "skipped"
	LedgerAssistedOpen LedgerState = "assisted-open"
	LedgerAssistedDone LedgerState = "assisted-done"
	LedgerMissed       LedgerState = "missed"
	// LedgerUnconfirmed is a share whose outcome LiveRoute could not learn:
	// a try may have posted, and the look for that post failed every time
	// (or Facebook refused the look). It is never retried by itself: the
	// person opens the Page and marks it shared, or asks to share again.
	LedgerUnconfirmed LedgerState = "unconfirmed"
)

// LedgerKey names one share: a live video to one destination. A live is
// shared to a destination once whatever the routes: the ledger is keyed by
// (VideoID, DestinationID), and RouteID records which route shared it.
// Looking a share up ignores RouteID.
type LedgerKey struct {
	RouteID       string `json:"route_id"`
	VideoID       string `json:"video_id"`
	DestinationID string `json:"destination_id"`
}

// LedgerEntry is the record of one share.
type LedgerEntry struct {
	LedgerKey
	State      LedgerState `json:"state"`
	PostID     string      `json:"post_id,omitempty"`
	Reason     string      `json:"reason,omitempty"` // the classified failure or skip reason
	Attempts   int         `json:"attempts,omitempty"`
	VideoURL   string      `json:"video_url,omitempty"`
	VideoTitle string      `json:"video_title,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	DoneAt     time.Time   `json:"done_at,omitzero"`
	// NoCheck is set on a pending share the person asked to share again
	// after it could not be confirmed: it is posted without a look first.
	// The engine clears it before the post goes out, so a crash after the
	// post leads to a look, never to a second post.
	NoCheck bool `json:"no_check,omitempty"`
	// VideoDescription is kept for a group share, whose message the
	// person pastes later: it renders {description} as the engine did
	// (LiveVideo's description field:
	// https://developers.facebook.com/docs/graph-api/reference/live-video/).
	VideoDescription string `json:"video_description,omitempty"`
}

// LedgerBegin records e as pending if its key is new (created is true) and
// returns the stored entry; an existing entry is returned untouched, so a
// share already begun or done is never begun again — also when another
// route begins it (the key is the video and the destination). One
// transaction, synced to disk before it returns.
func (db *DB) LedgerBegin(e LedgerEntry) (stored LedgerEntry, created bool, err error) {
	e.State = LedgerPending
	if err := validLedgerEntry(e); err != nil {
		return LedgerEntry{}, false, err
	}
	err = db.update(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketLedger), ledgerKey(e.LedgerKey), &stored)
		if err != nil || found {
			return err
		}
		now := db.now()
		stored = e
		stored.CreatedAt, stored.UpdatedAt, stored.DoneAt = now, now, time.Time{}
		created = true
		return putLedger(tx, stored, "")
	})
	if err != nil {
		return LedgerEntry{}, false, fmt.Errorf("record the start of share %s: %w", e.LedgerKey, err)
	}
	return stored, created, nil
}

// LedgerPut writes e's new state in its own durable transaction. UpdatedAt
// is set; CreatedAt is kept from the stored entry; DoneAt is set when e
// becomes done or assisted-done without one; Attempts is stored as given.
// An entry that was never begun is created.
func (db *DB) LedgerPut(e LedgerEntry) error {
	return db.ledgerPut(e, nil)
}

// LedgerPutNoted writes e and the activity line that tells the person
// about it in one transaction: a crash can never leave an entry the
// person must act on (unconfirmed, missed) without its line.
func (db *DB) LedgerPutNoted(e LedgerEntry, note Activity) error {
	return db.ledgerPut(e, &note)
}

func (db *DB) ledgerPut(e LedgerEntry, note *Activity) error {
	if err := validLedgerEntry(e); err != nil {
		return err
	}
	if note != nil {
		if err := validActivity(note); err != nil {
			return err
		}
	}
	err := db.update(func(tx *bolt.Tx) error {
		var old LedgerEntry
		found, err := getJSON(tx.Bucket(bucketLedger), ledgerKey(e.LedgerKey), &old)
		if err != nil {
			return err
		}
		now := db.now()
		e.UpdatedAt = now
		e.CreatedAt = now
		prev := LedgerState("")
		if found {
			e.CreatedAt = old.CreatedAt
			prev = old.State
		}
		if (e.State == LedgerDone || e.State == LedgerAssistedDone) && e.DoneAt.IsZero() {
			e.DoneAt = now
		}
		if err := putLedger(tx, e, prev); err != nil {
			return err
		}
		if note != nil {
			return db.addActivityTx(tx, *note)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record share %s as %s: %w", e.LedgerKey, e.State, err)
	}
	return nil
}

// LedgerGet returns one entry; ok is false when the share was never begun.
func (db *DB) LedgerGet(k LedgerKey) (e LedgerEntry, ok bool, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		ok, err = getJSON(tx.Bucket(bucketLedger), ledgerKey(k), &e)
		return err
	})
	return e, ok, err
}

// LedgerPending returns every pending entry, the shares whose outcome is
// unknown after a crash. It reads an index, so it stays fast however long
// the history grows.
func (db *DB) LedgerPending() ([]LedgerEntry, error) {
	return db.LedgerInState(LedgerPending)
}

// LedgerInState returns every entry in state, ordered by key.
func (db *DB) LedgerInState(state LedgerState) ([]LedgerEntry, error) {
	var out []LedgerEntry
	err := db.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(state), 0)
		ledger := tx.Bucket(bucketLedger)
		c := tx.Bucket(bucketLedgerState).Cursor()
		for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			e, err := ledgerAt(ledger, k[len(prefix):])
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s shares: %w", state, err)
	}
	return out, nil
}

// LedgerByVideo returns every share of one live video, ordered by
// destination.
func (db *DB) LedgerByVideo(videoID string) ([]LedgerEntry, error) {
	var out []LedgerEntry
	err := db.view(func(tx *bolt.Tx) error {
		// The ledger's own keys start with the video.
		prefix := append([]byte(videoID), 0)
		c := tx.Bucket(bucketLedger).Cursor()
		for k, v := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var e LedgerEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("read ledger entry %q: %w", k, err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the shares of video %s: %w", videoID, err)
	}
	return out, nil
}

// LedgerByDestination returns the shares to one destination, newest first;
// limit ≤ 0 means all.
func (db *DB) LedgerByDestination(destID string, limit int) ([]LedgerEntry, error) {
	var out []LedgerEntry
	err := db.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(destID), 0)
		ledger := tx.Bucket(bucketLedger)
		c := tx.Bucket(bucketLedgerDest).Cursor()
		// Seek past the last key with the prefix, then walk backwards.
		k, _ := c.Seek(append(append([]byte(destID), 0), bytes.Repeat([]byte{0xff}, 9)...))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; bytes.HasPrefix(k, prefix) && (limit <= 0 || len(out) < limit); k, _ = c.Prev() {
			rest := k[len(prefix):]
			if len(rest) < 8 {
				return fmt.Errorf("bad destination index key %q", k)
			}
			video := string(rest[8:])
			e, err := ledgerAt(ledger, ledgerKey(LedgerKey{VideoID: video, DestinationID: destID}))
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the shares to %s: %w", destID, err)
	}
	return out, nil
}

// String names the share in errors and logs.
func (k LedgerKey) String() string {
	return fmt.Sprintf("(video %s, destination %s)", k.VideoID, k.DestinationID)
}

// Share is k without its route: the identity of a share, one per live
// video and destination.
func (k LedgerKey) Share() LedgerKey {
	return LedgerKey{VideoID: k.VideoID, DestinationID: k.DestinationID}
}

// ledgerKey is video \0 destination (schema 3); IDs never hold NUL.
func ledgerKey(k LedgerKey) []byte {
	return []byte(k.VideoID + "\x00" + k.DestinationID)
}

func ledgerAt(ledger *bolt.Bucket, key []byte) (LedgerEntry, error) {
	var e LedgerEntry
	found, err := getJSON(ledger, key, &e)
	if err != nil {
		return e, err
	}
	if !found {
		return e, fmt.Errorf("the ledger index names a missing entry %q", key)
	}
	return e, nil
}

// putLedger writes e and keeps the indexes in step, all inside tx.
// prev is the state e had before, "" for a new entry.
func putLedger(tx *bolt.Tx, e LedgerEntry, prev LedgerState) error {
	if err := putJSON(tx.Bucket(bucketLedger), ledgerKey(e.LedgerKey), e); err != nil {
		return err
	}
	return indexLedger(tx, e, prev)
}

func indexLedger(tx *bolt.Tx, e LedgerEntry, prev LedgerState) error {
	key := ledgerKey(e.LedgerKey)
	states := tx.Bucket(bucketLedgerState)
	if prev != "" && prev != e.State {
		if err := states.Delete(stateIndexKey(prev, key)); err != nil {
			return fmt.Errorf("unindex state: %w", err)
		}
	}
	if err := states.Put(stateIndexKey(e.State, key), nil); err != nil {
		return fmt.Errorf("index state: %w", err)
	}
	if prev != "" {
		return nil // the destination key never changes
	}
	if err := tx.Bucket(bucketLedgerDest).Put(destIndexKey(e), nil); err != nil {
		return fmt.Errorf("index destination: %w", err)
	}
	return nil
}

// destIndexKey is destination \0 created(8, big endian) video.
func destIndexKey(e LedgerEntry) []byte {
	dk := make([]byte, 0, len(e.DestinationID)+len(e.VideoID)+9)
	dk = append(dk, e.DestinationID...)
	dk = append(dk, 0)
	dk = binary.BigEndian.AppendUint64(dk, uint64(e.CreatedAt.UnixNano()))
	return append(dk, e.VideoID...)
}

func stateIndexKey(s LedgerState, key []byte) []byte {
	return append(append([]byte(s), 0), key...)
}

func validLedgerKey(k LedgerKey) error {
	if err := validID("route ID", k.RouteID); err != nil {
		return err
	}
	if err := validID("video ID", k.VideoID); err != nil {
		return err
	}
	return validID("destination ID", k.DestinationID)
}

func validLedgerEntry(e LedgerEntry) error {
	if err := validLedgerKey(e.LedgerKey); err != nil {
		return err
	}
	switch e.State {
	case LedgerPending, LedgerDone, LedgerFailed, LedgerSkipped, LedgerAssistedOpen, LedgerAssistedDone, LedgerMissed,
		LedgerUnconfirmed:
	default:
		return fmt.Errorf("the ledger state %q is not valid", e.State)
	}
	if e.Attempts < 0 {
		return errors.New("the attempt count cannot be negative")
	}
	for _, f := range []struct{ what, s string }{
		{"post ID", e.PostID}, {"reason", e.Reason}, {"video address", e.VideoURL}, {"video title", e.VideoTitle},
	} {
		if err := validText(f.what, f.s, 2000); err != nil {
			return err
		}
	}
	// No limit short of a damaged value: a long description must not cost
	// the share its entry.
	if err := validText("video description", e.VideoDescription, 1<<16); err != nil {
		return err
	}
	return nil
}

// ErrNotUnconfirmed is returned by LedgerResolve when the share is not
// waiting for the person to confirm it.
var ErrNotUnconfirmed = errors.New("that share is not waiting to be confirmed")

// LedgerResolve settles an unconfirmed share as the person decided after
// looking at the Page: shared records it done; otherwise it becomes pending
// with NoCheck, to be posted again without a look. Resolving a share the
// same way twice is not an error (the window and the CLI may both have
// been used); any other state gives ErrNotUnconfirmed. One transaction.
func (db *DB) LedgerResolve(k LedgerKey, shared bool) (LedgerEntry, error) {
	var out LedgerEntry
	err := db.update(func(tx *bolt.Tx) error {
		var e LedgerEntry
		found, err := getJSON(tx.Bucket(bucketLedger), ledgerKey(k), &e)
		if err != nil {
			return err
		}
		switch {
		case !found:
			return ErrNotUnconfirmed
		case shared && e.State == LedgerDone, !shared && e.State == LedgerPending && e.NoCheck:
			out = e
			return nil
		case e.State != LedgerUnconfirmed:
			return ErrNotUnconfirmed
		}
		prev := e.State
		e.UpdatedAt = db.now()
		e.State, e.NoCheck, e.Reason = LedgerPending, true, "You asked to share it again."
		if shared {
			e.State, e.NoCheck, e.Reason, e.DoneAt = LedgerDone, false, "You confirmed the post on the Page.", e.UpdatedAt
		}
		out = e
		return putLedger(tx, e, prev)
	})
	if err != nil {
		return LedgerEntry{}, fmt.Errorf("settle share %s: %w", k, err)
	}
	return out, nil
}
