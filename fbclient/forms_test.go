package fbclient

import (
	"errors"
	"strings"
	"testing"
)

// The one form of an App secret every face checks: the error never quotes
// what was typed.
func TestCheckAppSecretForm(t *testing.T) {
	for secret, ok := range map[string]bool{
		strings.Repeat("a1", 16):   true,
		strings.Repeat("a", 16):    true,
		strings.Repeat("a", 64):    true,
		strings.Repeat("a", 15):    false,
		strings.Repeat("a", 65):    false,
		"0123456789abcdef 0123456": false,
		"":                         false,
	} {
		err := CheckAppSecretForm(secret)
		if (err == nil) != ok || (err != nil && (!errors.Is(err, ErrSecretFormat) || secret != "" && strings.Contains(err.Error(), secret))) {
			t.Errorf("CheckAppSecretForm(%q) = %v, want ok %v", secret, err, ok)
		}
	}
}
