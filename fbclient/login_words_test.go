package fbclient_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
)

// windowWords name LiveRoute's window: a person at a terminal has none of
// them.
var windowWords = []string{"press ", "Press ", "Connection →", "“Use PKCE”", "shown here", "enter it here", "paste-back", "LiveRoute's setting"}

func TestEveryLoginSentenceHasTerminalWords(t *testing.T) {
	sentences := []error{
		fbclient.ErrLoginDenied, fbclient.ErrStateMismatch, fbclient.ErrLoginTimeout, fbclient.ErrLoginCanceled,
		fbclient.ErrLoginFinished, fbclient.ErrBadPaste, fbclient.ErrBrowserNotOpened, fbclient.ErrAppNotConfigured,
		fbclient.ErrRedirectPageURL, fbclient.ErrLoopbackUnavailable, fbclient.ErrCodeRejected, fbclient.ErrRedirectMismatch,
		fbclient.ErrPKCERejected, fbclient.ErrPKCEDropped, fbclient.ErrPKCEWithConfiguration, fbclient.ErrIDTokenMismatch,
		fbclient.ErrAppCredentials, fbclient.ErrTokenNotExtended,
		&fbclient.PortBusyError{Port: 28761}, &fbclient.PortBusyError{Port: 70000, Invalid: true},
		&fbclient.RefusedError{Message: "Some refusal", Code: 1},
		&fbclient.DialogError{Code: "server_error", Description: "Something broke"},
	}
	for _, err := range sentences {
		sentence, ok := fbclient.LoginProblem(err)
		if !ok {
			t.Fatalf("%T %v has no sentence", err, err)
		}
		words := fbclient.InTerminalWords(sentence)
		for _, w := range windowWords {
			if strings.Contains(words, w) {
				t.Errorf("terminal words still say %q:\n%s", w, words)
			}
		}
	}
	hint := fbclient.InTerminalWords(fbclient.URLBlockedHint("http://localhost:28761/callback", ""))
	if !strings.Contains(hint, "http://localhost:28761/callback") || !strings.Contains(hint, "Ctrl-C") || strings.Contains(hint, "press ") {
		t.Errorf("the URL-blocked hint in terminal words: %s", hint)
	}
}

func TestTerminalWordsNameTheFlagsThatFixTheProblem(t *testing.T) {
	for _, tc := range []struct {
		err  error
		flag string
	}{
		{fbclient.ErrPKCEDropped, "leave out --pkce"},
		{fbclient.ErrPKCEWithConfiguration, "Leave out --pkce or --config-id"},
		{&fbclient.PortBusyError{Port: 28761}, "liveroute connect --port N"},
		{fbclient.ErrLoginTimeout, "Run liveroute connect"},
		{fmt.Errorf("exchange login code: %w", errors.New("wire detail")), ""},
	} {
		sentence, ok := fbclient.LoginProblem(tc.err)
		if tc.flag == "" {
			if ok {
				t.Errorf("%v: a wire error has a sentence %q", tc.err, sentence)
			}
			continue
		}
		if words := fbclient.InTerminalWords(sentence); !strings.Contains(words, tc.flag) {
			t.Errorf("%v in terminal words %q lacks %q", tc.err, words, tc.flag)
		}
	}
}
