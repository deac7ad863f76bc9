package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Keychain keeps LiveRoute's secrets in the OS keychain (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows). There is no
// plaintext fallback. Every call runs off the caller's goroutine with a
// timeout, so a hung keychain never freezes the UI. The zero value works.
type Keychain struct {
	Service string        // default "LiveRoute" (see Paths.KeychainService)
	Timeout time.Duration // default 5s
}

// The keychain errors. Each is a sentence for the person; errors.Is finds
// them in what Keychain returns. No error ever holds a secret value.
var (
	ErrSecretNotFound  = errors.New("the secret is not in the system keychain")
	ErrNoKeychain      = errors.New("no keychain available: install and unlock gnome-keyring or KWallet")
	ErrKeychainTimeout = errors.New("the system keychain did not answer: unlock it or restart it, then try again")
	ErrSecretTooLong   = fmt.Errorf("the secret is longer than the %d bytes every system keychain accepts", MaxSecretLen)
)

// MaxSecretLen is the longest value Set accepts: Windows' Credential
// Manager limit. macOS limits service, key and value together to about
// 3,000 bytes (maxKeychainItem).
const (
	MaxSecretLen    = 2560
	maxKeychainItem = 3000
)

// AppSecretKey is the keychain key of a Meta app's App secret.
func AppSecretKey(appID string) string { return "app-secret:" + appID }

// UserTokenKey is the keychain key of a user's long-lived token.
func UserTokenKey(userID string) string { return "user-token:" + userID }

// PageTokenKey is the keychain key of a Page's token.
func PageTokenKey(pageID string) string { return "page-token:" + pageID }

// keychainGate lets one keychain call run at a time. A call that hangs keeps
// the gate, so later calls time out waiting for it instead of each leaving
// another goroutine stuck on the bus.
var keychainGate = make(chan struct{}, 1)

// Set stores value under key, replacing any earlier value.
func (k Keychain) Set(key, value string) error {
	if len(value) > MaxSecretLen || len(k.service())+len(key)+len(value) > maxKeychainItem {
		return fmt.Errorf("save %s in the keychain: %w", key, ErrSecretTooLong)
	}
	if err := validKeychainKey(key); err != nil {
		return err
	}
	_, err := k.call("save "+key, value, func() (string, error) {
		return "", keyring.Set(k.service(), key, value)
	})
	return err
}

// Get returns the value under key, or an error wrapping ErrSecretNotFound.
func (k Keychain) Get(key string) (string, error) {
	if err := validKeychainKey(key); err != nil {
		return "", err
	}
	return k.call("read "+key, "", func() (string, error) {
		return keyring.Get(k.service(), key)
	})
}

// Delete removes the value under key, or returns an error wrapping
// ErrSecretNotFound when there is none.
func (k Keychain) Delete(key string) error {
	if err := validKeychainKey(key); err != nil {
		return err
	}
	_, err := k.call("delete "+key, "", func() (string, error) {
		return "", keyring.Delete(k.service(), key)
	})
	return err
}

// DeleteAll removes every secret of the keychain's service: those of Meta
// apps connected earlier and of accounts since removed, and a probe left by
// a Check that was interrupted, which no list of keys would find. Other
// services (other profiles) keep theirs. No secret to delete is not an
// error.
func (k Keychain) DeleteAll() error {
	_, err := k.call("delete every secret of "+k.service(), "", func() (string, error) {
		if err := keyring.DeleteAll(k.service()); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return "", err
		}
		return "", nil
	})
	return err
}

// Check round-trips a random probe value, so the app can say "no keychain
// available…" at start rather than at the first login.
func (k Keychain) Check() error {
	var b [16]byte
	_, _ = rand.Read(b[:])
	probe := hex.EncodeToString(b[:])
	const key = "probe"
	if err := k.Set(key, probe); err != nil {
		return err
	}
	got, err := k.Get(key)
	if err != nil {
		return err
	}
	if err := k.Delete(key); err != nil {
		return err
	}
	if got != probe {
		return errors.New("the system keychain returned a different value than it was given: restart it and try again")
	}
	return nil
}

// DeleteAccountSecrets removes every secret of an account: the App secret,
// the user token and each Page token. Missing secrets are not an error;
// empty IDs are skipped. It tries every key and joins the failures.
func (k Keychain) DeleteAccountSecrets(appID, userID string, pageIDs []string) error {
	var keys []string
	if appID != "" {
		keys = append(keys, AppSecretKey(appID))
	}
	if userID != "" {
		keys = append(keys, UserTokenKey(userID))
	}
	for _, id := range pageIDs {
		if id != "" {
			keys = append(keys, PageTokenKey(id))
		}
	}
	var errs []error
	for _, key := range keys {
		if err := k.Delete(key); err != nil && !errors.Is(err, ErrSecretNotFound) {
			errs = append(errs, err)
			if errors.Is(err, ErrKeychainTimeout) || errors.Is(err, ErrNoKeychain) {
				break // every other key would fail the same way
			}
		}
	}
	return errors.Join(errs...)
}

func (k Keychain) service() string {
	if k.Service == "" {
		return "LiveRoute"
	}
	return k.Service
}

func (k Keychain) timeout() time.Duration {
	if k.Timeout <= 0 {
		return 5 * time.Second
	}
	return k.Timeout
}

type keychainResult struct {
	value string
	err   error
}

// call runs fn on its own goroutine and waits at most the timeout. what
// names the operation for errors; secret, if any, is scrubbed from them.
func (k Keychain) call(what, secret string, fn func() (string, error)) (string, error) {
	timer := time.NewTimer(k.timeout())
	defer timer.Stop()
	select {
	case keychainGate <- struct{}{}:
	case <-timer.C:
		return "", fmt.Errorf("%s: %w", what, ErrKeychainTimeout)
	}
	done := make(chan keychainResult, 1) // buffered: a late answer must not block
	go func() {
		defer func() { <-keychainGate }()
		v, err := fn()
		done <- keychainResult{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return "", fmt.Errorf("%s: %w", what, classifyKeychainError(r.err, secret))
		}
		return r.value, nil
	case <-timer.C:
		return "", fmt.Errorf("%s: %w", what, ErrKeychainTimeout)
	}
}

// classifyKeychainError maps go-keyring's and D-Bus's errors to ours.
func classifyKeychainError(err error, secret string) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrSecretNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrSecretTooLong
	}
	var netErr *net.OpError
	var dbusErr dbus.Error
	noService := errors.As(err, &dbusErr) && (dbusErr.Name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
		dbusErr.Name == "org.freedesktop.DBus.Error.NameHasNoOwner")
	msg := err.Error()
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "[redacted]")
	}
	if noService || errors.As(err, &netErr) || isBusSetupError(msg) {
		return &keychainError{base: ErrNoKeychain, detail: msg}
	}
	return &keychainError{base: errors.New("the system keychain refused"), detail: msg}
}

// isBusSetupError recognises godbus's connection errors, which are plain
// strings: no session bus address, failed autolaunch, failed authentication.
func isBusSetupError(msg string) bool {
	for _, s := range []string{"dbus-launch", "DBUS_SESSION_BUS_ADDRESS", "autolaunch", "Authentication", "connection refused", "no such file or directory", "failed to connect", "no Secret Service"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// keychainError carries the cause's text (already scrubbed of the secret)
// for developers while errors.Is finds the sentinel.
type keychainError struct {
	base   error
	detail string
}

func (e *keychainError) Error() string { return e.base.Error() + " (" + e.detail + ")" }
func (e *keychainError) Unwrap() error { return e.base }

func validKeychainKey(key string) error {
	if key == "" || len(key) > 200 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 }) {
		return fmt.Errorf("the keychain key %q is not valid", key)
	}
	return nil
}
