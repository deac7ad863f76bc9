package fbclient

import "fmt"

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
	ErrRelayURL = LoginError("The relay page address must be a full https:// address, such as https://you.github.io/relay.html. " +
		"Host the relay page on an HTTPS static host, register the address as a Valid OAuth Redirect URI, and enter it here.")
	ErrLoopbackUnavailable = LoginError("LiveRoute could not listen on this computer's loopback address for Facebook's answer. " +
		"Use paste-back instead, or check that no firewall blocks local connections.")
	ErrCodeRejected = LoginError("Facebook did not accept the login code: it was already used or has expired. " +
		"Press Connect to log in again.")
	ErrRedirectMismatch = LoginError("Facebook refused the login because the return address differs from the one its dialog used. " +
		"Check that the redirect address registered in your Meta app matches LiveRoute's setting exactly, then press Connect again.")
	ErrPKCERejected = LoginError("Facebook refused LiveRoute's extra login check (PKCE). " +
		"Turn PKCE off in LiveRoute's Facebook settings and press Connect again.")
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
