package relay

import (
	"sync"

	"github.com/liveroute/liveroute/fbclient"
)

// tokenCache keeps the tokens read from the keychain, each read once per
// bind: the keychain can take seconds to answer, and a share must not wait
// on it every time. It has its own lock, like partnerCache, so a keychain
// read never holds the engine's. The zero value is empty and ready.
type tokenCache struct {
	mu    sync.Mutex
	byKey map[string]fbclient.Token // keychain key → token
}

// get returns the token under key, asking read (the keychain) only when
// the cache does not hold it yet. Two first reads at once may both ask:
// the keychain answers both alike.
func (c *tokenCache) get(key string, read func(key string) (string, error)) (fbclient.Token, error) {
	c.mu.Lock()
	tok, ok := c.byKey[key]
	c.mu.Unlock()
	if ok {
		return tok, nil
	}
	raw, err := read(key)
	if err != nil {
		return "", err
	}
	tok = fbclient.Token(raw)
	c.mu.Lock()
	if c.byKey == nil {
		c.byKey = map[string]fbclient.Token{}
	}
	c.byKey[key] = tok
	c.mu.Unlock()
	return tok, nil
}

// forget drops every token, for a new bind (a reconnect, another account).
func (c *tokenCache) forget() {
	c.mu.Lock()
	c.byKey = nil
	c.mu.Unlock()
}
