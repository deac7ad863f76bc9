package store

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// maxIDLen bounds every ID: Facebook IDs are short digit strings, ours are 8 characters.
const maxIDLen = 128

// validID checks an ID used as (part of) a database key. NUL separates the
// parts of composite keys, so it may not appear; nor may other control bytes.
func validID(what, id string) error {
	if id == "" {
		return fmt.Errorf("the %s is missing", what)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("the %s is longer than %d characters", what, maxIDLen)
	}
	if !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("the %s %q contains characters that are not allowed", what, id)
	}
	return nil
}

// validText checks a person-visible string of at most max characters.
func validText(what, s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("the %s is not valid text", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("the %s is %d characters long; the limit is %d", what, n, max)
	}
	return nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := b.Put(key, raw); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// getJSON decodes key of b into v and reports whether it was there.
func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

var idEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// randomID is a short route ID: 40 random bits, plenty for one person's routes
// (PutRoute still retries on the unlikely collision).
func randomID() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24
	return idEncoding.EncodeToString(b[:])
}

func getJSONRaw(key, raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}
