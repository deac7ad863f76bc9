package relay

import (
	"errors"
	"testing"
)

func TestTokenCacheReadsTheKeychainOncePerBind(t *testing.T) {
	var c tokenCache
	reads := 0
	read := func(key string) (string, error) { reads++; return "token-of-" + key, nil }
	for range 3 {
		if tok, err := c.get("user", read); err != nil || tok != "token-of-user" {
			t.Fatalf("get = %q, %v", tok, err)
		}
	}
	if reads != 1 {
		t.Errorf("the keychain was read %d times, want once", reads)
	}
	c.forget()
	if _, err := c.get("user", read); err != nil || reads != 2 {
		t.Errorf("after forget: %d reads, %v; want the keychain read again", reads, err)
	}
}

func TestTokenCacheKeepsNoFailedRead(t *testing.T) {
	var c tokenCache
	locked := errors.New("keychain locked")
	if _, err := c.get("user", func(string) (string, error) { return "", locked }); !errors.Is(err, locked) {
		t.Fatalf("err = %v, want the keychain's", err)
	}
	if tok, err := c.get("user", func(string) (string, error) { return "fresh", nil }); err != nil || tok != "fresh" {
		t.Errorf("after a failed read: %q, %v; want the keychain read again", tok, err)
	}
}
