package fbclient

import (
	"errors"
	"fmt"
	"strings"
)

// LoginError is a login failure the person sees: a sentence with the fix.
// Its values are constants, so they compare with errors.Is and cannot be
// reassigned.
type LoginError string

// Error returns the sentence.
func (e LoginError) Error() string { return string(e) }

// Login failures. Each says what happened and what to do.
const (
	ErrLoginDenied = LoginError("You declined LiveRoute's request in Facebook's dialog. " +
		"To connect, press Connect again and choose Continue in Facebook's dialog.")
	ErrStateMismatch = LoginError("This answer from Facebook belongs to a different login attempt, so LiveRoute ignored it. " +
		"Finish the login in the browser window LiveRoute opened last, or press Connect to start again.")
	ErrLoginTimeout = LoginError("The Facebook login was not finished in time. " +
		"Press Connect to try again, and finish Facebook's dialog within a few minutes.")
	ErrLoginCanceled    = LoginError("The Facebook login was canceled. Press Connect to start again.")
	ErrLoginFinished    = LoginError("This Facebook login has already finished. Press Connect to start a new one.")
	ErrBadPaste         = LoginError("The pasted address is not the one Facebook's login ended on.")
	ErrBrowserNotOpened = LoginError("LiveRoute could not open your web browser. " +
		"Open the login address shown here in your browser yourself.")
	ErrAppNotConfigured = LoginError("LiveRoute does not know your Meta app yet. " +
		"Enter the App ID and App secret from App settings → Basic in your Meta app, then press Connect.")
	ErrRedirectPageURL = LoginError("The relay page address must be a full https:// address, such as https://you.github.io/relay.html. " +
		"Host the relay page on an HTTPS static host, register the address as a Valid OAuth Redirect URI, and enter it here.")
	ErrLoopbackUnavailable = LoginError("LiveRoute could not listen on this computer's loopback address for Facebook's answer. " +
		"Use paste-back instead, or check that no firewall blocks local connections.")
	ErrCodeRejected = LoginError("Facebook did not accept the login code: it was already used or has expired. " +
		"Press Connect to log in again.")
	ErrRedirectMismatch = LoginError("Facebook refused the login because the return address differs from the one its dialog used. " +
		"Check that the redirect address registered in your Meta app matches LiveRoute's setting exactly, then press Connect again.")
	ErrPKCERejected = LoginError("Facebook refused LiveRoute's extra login check (PKCE). " +
		"Turn off “Use PKCE” under Connection → Advanced (or leave out --pkce) and press Connect again.")
	// ErrPKCEDropped is Facebook's dialog dropping the PKCE challenge of a
	// login that is not OIDC, then refusing its verifier.
	ErrPKCEDropped = LoginError("Facebook ignored LiveRoute's extra login check (PKCE) in its dialog and then refused the login because of it: " +
		"Facebook supports PKCE only for OpenID Connect logins. LiveRoute logs in without PKCE unless you turn it on; " +
		"turn off “Use PKCE” under Connection → Advanced (or leave out --pkce) and press Connect again.")
	// ErrPKCEWithConfiguration is PKCE asked for with a Configuration ID:
	// a Facebook Login for Business login is never OpenID Connect, so
	// Facebook would drop the challenge and refuse the login.
	ErrPKCEWithConfiguration = LoginError("PKCE works only with classic Facebook Login (no Configuration ID): " +
		"with a Configuration ID Facebook never uses OpenID Connect, drops PKCE and refuses the login. " +
		"Turn off “Use PKCE” under Connection → Advanced (or leave out --pkce), or clear the Configuration ID, and press Connect again.")
	// ErrIDTokenMismatch is an OpenID Connect answer whose id_token was
	// not made for this login: its nonce differs.
	ErrIDTokenMismatch = LoginError("Facebook's answer to this login carried proof of identity made for a different login, so LiveRoute did not trust it. " +
		"Press Connect to log in again.")
	ErrAppCredentials = LoginError("Facebook does not accept the App ID or App secret. " +
		"Copy both again from App settings → Basic in your Meta app, then press Connect.")
	ErrTokenNotExtended = LoginError("Facebook ended the new connection before LiveRoute could make it last 60 days. " +
		"Press Connect to log in again.")
)

// PasteError says what is wrong with an address pasted back after the
// login dialog. It matches ErrBadPaste with errors.Is.
type PasteError struct {
	Problem string // a sentence saying what is wrong and what to copy instead
}

// Error returns the sentence.
func (e *PasteError) Error() string { return e.Problem }

// Is makes errors.Is(err, ErrBadPaste) true for every paste problem.
func (e *PasteError) Is(target error) bool { return target == ErrBadPaste }

// DialogError is an error other than "access denied" that Facebook's
// dialog sent back to the redirect URI.
type DialogError struct {
	Code, Reason, Description string // error, error_reason, error_description
}

// Error says what Facebook answered and what to do.
func (e *DialogError) Error() string {
	return fmt.Sprintf("Facebook's login dialog ended with an error (%s: %s). Press Connect to try again.", e.Code, e.Description)
}

// PortBusyError is a loopback port LiveRoute cannot listen on: another
// program holds it (or it is not a port at all).
type PortBusyError struct {
	Port    int
	Invalid bool // not a port number (1 to 65535)
}

// Error names the port and how to choose another.
func (e *PortBusyError) Error() string {
	if e.Invalid {
		return fmt.Sprintf("%d is not a port number: choose one from 1024 to 65535 under Connection → Advanced (or with connect --port N).", e.Port)
	}
	return fmt.Sprintf("Port %d on this computer is in use by another program, so LiveRoute cannot wait there for Facebook's answer. "+
		"Close that program, or choose another port N under Connection → Advanced (or with liveroute connect --port N) "+
		"and register http://localhost:N/callback under Valid OAuth Redirect URIs in your Meta app.", e.Port)
}

// Is makes errors.Is(err, ErrLoopbackUnavailable) true for a busy port.
func (e *PortBusyError) Is(target error) bool { return target == ErrLoopbackUnavailable }

// RefusedError is a refusal of the login by Facebook that LiveRoute has no
// sentence of its own for: it shows Facebook's words, scrubbed of every
// secret of the request.
type RefusedError struct {
	Message string // Facebook's message, scrubbed
	Code    int
	cause   error
}

// Error quotes Facebook and says what to do.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("Facebook refused the login: “%s” (code %d). Check your Meta app's settings against LiveRoute's setup steps, then press Connect again.", e.Message, e.Code)
}

// Unwrap returns Facebook's error object.
func (e *RefusedError) Unwrap() error { return e.cause }

// LoginProblem returns the sentence for the person in a login failure, and
// whether err carries one (a LoginError, a busy port, a dialog error or
// Facebook's own words). The window shows it without the wire details.
func LoginProblem(err error) (string, bool) {
	var le LoginError
	var busy *PortBusyError
	var refused *RefusedError
	var dialog *DialogError
	switch {
	case errors.As(err, &busy):
		return busy.Error(), true
	case errors.As(err, &le):
		return string(le), true
	case errors.As(err, &refused):
		return refused.Error(), true
	case errors.As(err, &dialog):
		return dialog.Error(), true
	}
	return "", false
}

// InTerminalWords rewrites a login sentence written for LiveRoute's window
// (LoginProblem, URLBlockedHint) into the words of `liveroute connect`:
// flags instead of the Connection tab's fields, "run liveroute connect"
// instead of "press Connect". The window's sentences are the one source;
// this only swaps the phrases that name the window.
func InTerminalWords(sentence string) string {
	return terminalWords.Replace(sentence)
}

// terminalWords maps the window's phrases to the command line's. Longer
// phrases come first: a Replacer tries its pairs in order at each place.
var terminalWords = strings.NewReplacer(
	"and press Cancel, then Connect again", "then stop this command (Ctrl-C) and run liveroute connect again",
	"Turn off “Use PKCE” under Connection → Advanced (or leave out --pkce), or clear the Configuration ID,", "Leave out --pkce or --config-id",
	"Turn off “Use PKCE” under Connection → Advanced (or leave out --pkce)", "Leave out --pkce",
	"turn off “Use PKCE” under Connection → Advanced (or leave out --pkce)", "leave out --pkce",
	"under Connection → Advanced (or with liveroute connect --port N)", "with liveroute connect --port N",
	"under Connection → Advanced (or with connect --port N)", "with liveroute connect --port N",
	"LiveRoute logs in without PKCE unless you turn it on", "LiveRoute logs in without PKCE unless you give --pkce",
	"Enter the App ID and App secret", "Give the App ID (--app-id) and the App secret",
	"and enter it here", "and give it as --via relay=URL",
	"Use paste-back instead", "Use --via paste instead",
	"the login address shown here", "the login address printed above",
	"Check that the redirect address registered in your Meta app matches LiveRoute's setting exactly",
	"Check that the redirect address registered in your Meta app matches the one liveroute connect printed exactly",
	"press Connect", "run liveroute connect",
	"Press Connect", "Run liveroute connect",
)
