package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Activity is one line of the activity log: what happened, for the window
// and for support. It must never carry a secret.
type Activity struct {
	Time          time.Time `json:"time"`
	Kind          string    `json:"kind"`
	Message       string    `json:"message"`
	RouteID       string    `json:"route_id,omitempty"`
	VideoID       string    `json:"video_id,omitempty"`
	DestinationID string    `json:"destination_id,omitempty"`
}

// AddActivity appends a to the log (Time defaults to now) and trims the log
// to Options.ActivityMaxCount entries and Options.ActivityMaxAge.
func (db *DB) AddActivity(a Activity) error {
	if err := validActivity(&a); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error { return db.addActivityTx(tx, a) })
	if err != nil {
		return fmt.Errorf("add to the activity log: %w", err)
	}
	return nil
}

// validActivity checks what an activity line may hold.
func validActivity(a *Activity) error {
	if err := validText("activity kind", a.Kind, 100); err != nil {
		return err
	}
	return validText("activity message", a.Message, 4000)
}

func (db *DB) addActivityTx(tx *bolt.Tx, a Activity) error {
	if a.Time.IsZero() {
		a.Time = db.now()
	}
	b := tx.Bucket(bucketActivity)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if err := putJSON(b, binary.BigEndian.AppendUint64(nil, seq), a); err != nil {
		return err
	}
	return db.trimActivity(b, seq)
}

// Activities returns up to limit entries, newest first; limit ≤ 0 means all.
func (db *DB) Activities(limit int) ([]Activity, error) {
	var out []Activity
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketActivity).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var a Activity
			if err := getJSONRaw(k, v, &a); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the activity log: %w", err)
	}
	return out, nil
}

// trimActivity deletes the oldest entries beyond the count limit and those
// older than the age limit. Keys are insertion sequence numbers and only the
// oldest are ever deleted, so the keys stay contiguous and the count is
// last-first+1 without a scan.
func (db *DB) trimActivity(b *bolt.Bucket, last uint64) error {
	cutoff := db.now().Add(-db.opts.ActivityMaxAge)
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.First() {
		first := binary.BigEndian.Uint64(k)
		if last-first+1 <= uint64(db.opts.ActivityMaxCount) {
			// An entry that cannot be read is only a lost log line: trim it.
			var a Activity
			if err := getJSONRaw(k, v, &a); err == nil && !a.Time.Before(cutoff) {
				return nil
			}
		}
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
