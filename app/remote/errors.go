package remote

import (
	"context"
	"errors"
	"net"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// ErrAgentGone is every call's error once the agent's session has ended
// (the agent quit or crashed): the window cannot do anything more, so it
// closes (Client.Done).
var ErrAgentGone = errors.New("LiveRoute's background agent has stopped, so this window cannot reach it: start LiveRoute again")

// sentinels are the errors that keep their identity across the session,
// by their Go name: every exported sentinel of the packages under the
// service (a test keeps this list complete) and the context's two.
var sentinels = map[string]error{
	"context.Canceled":                context.Canceled,
	"context.DeadlineExceeded":        context.DeadlineExceeded,
	"store.ErrNotUnconfirmed":         store.ErrNotUnconfirmed,
	"store.ErrSecretNotFound":         store.ErrSecretNotFound,
	"store.ErrNoKeychain":             store.ErrNoKeychain,
	"store.ErrKeychainTimeout":        store.ErrKeychainTimeout,
	"store.ErrSecretTooLong":          store.ErrSecretTooLong,
	"store.ErrDamaged":                store.ErrDamaged,
	"store.ErrLoginChangesMoved":      store.ErrLoginChangesMoved,
	"store.ErrAlreadyRunning":         store.ErrAlreadyRunning,
	"store.ErrPKCEWithConfiguration":  store.ErrPKCEWithConfiguration,
	"store.ErrLoopbackPort":           store.ErrLoopbackPort,
	"store.ErrRelayURLMissing":        store.ErrRelayURLMissing,
	"store.ErrRelayURLNotHTTPS":       store.ErrRelayURLNotHTTPS,
	"store.ErrRelayURLUserInfo":       store.ErrRelayURLUserInfo,
	"store.ErrRelayURLFragment":       store.ErrRelayURLFragment,
	"store.ErrAppIDFormat":            store.ErrAppIDFormat,    // service.ErrAppIDFormat too
	"store.ErrConfigIDFormat":         store.ErrConfigIDFormat, // service.ErrConfigIDFormat too
	"store.ErrExportTooLarge":         store.ErrExportTooLarge,
	"service.ErrAppIDFormat":          service.ErrAppIDFormat,
	"service.ErrUnknownApp":           service.ErrUnknownApp,
	"service.ErrWrongSecret":          service.ErrWrongSecret,
	"service.ErrSecretFormat":         service.ErrSecretFormat,
	"service.ErrConfigIDFormat":       service.ErrConfigIDFormat,
	"service.ErrFacebookUnreachable":  service.ErrFacebookUnreachable,
	"service.ErrNoSavedApp":           service.ErrNoSavedApp,
	"service.ErrNoSavedSecret":        service.ErrNoSavedSecret,
	"service.ErrNoGroupShareWaiting":  service.ErrNoGroupShareWaiting,
	"fbclient.ErrAmbiguous":           fbclient.ErrAmbiguous,
	"fbclient.ErrSecretFormat":        fbclient.ErrSecretFormat, // service.ErrSecretFormat too
	"fbclient.ErrCannotVerify":        fbclient.ErrCannotVerify,
	"fbclient.ErrNotCrossposted":      fbclient.ErrNotCrossposted,
	"fbclient.ErrBadNextPage":         fbclient.ErrBadNextPage,
	"fbclient.ErrBatchWithoutToken":   fbclient.ErrBatchWithoutToken,
	"fbclient.ErrGroupAddressForPage": fbclient.ErrGroupAddressForPage,
	"relay.ErrRunning":                relay.ErrRunning,
	"relay.ErrNegativeLimit":          relay.ErrNegativeLimit,
	"control.ErrNotRunning":           control.ErrNotRunning,
	"control.ErrAlreadyRunning":       control.ErrAlreadyRunning,
}

// wireError is an error on the wire: its sentence and what errors.Is and
// errors.As must still find in it.
type wireError struct {
	Message   string                  `json:"message"`
	Sentinels []string                `json:"sentinels,omitempty"` // names in sentinels
	Login     string                  `json:"login,omitempty"`     // a fbclient.LoginError in the chain
	Facebook  *fbclient.Error         `json:"facebook,omitempty"`  // exported fields only
	Paste     *fbclient.PasteError    `json:"paste,omitempty"`
	Dialog    *fbclient.DialogError   `json:"dialog,omitempty"`
	PortBusy  *fbclient.PortBusyError `json:"port_busy,omitempty"`
	Refused   *refusedFields          `json:"refused,omitempty"`
	Template  *relay.TemplateError    `json:"template,omitempty"`
	Route     *relay.RouteError       `json:"route,omitempty"`
	Control   *control.Error          `json:"control,omitempty"`
	// Network: no answer from Facebook at all, which fbclient.Classify
	// calls transient ("check the internet connection").
	Network bool `json:"network,omitempty"`
}

// refusedFields are fbclient.RefusedError's exported fields; its cause
// travels as Facebook.
type refusedFields struct {
	Message string
	Code    int
}

// encodeError writes err for the wire; nil stays nil.
func encodeError(err error) *wireError {
	if err == nil {
		return nil
	}
	w := &wireError{Message: err.Error()}
	var le fbclient.LoginError
	if errors.As(err, &le) {
		w.Login = string(le)
	}
	w.Facebook = typed[*fbclient.Error](err)
	w.Paste = typed[*fbclient.PasteError](err)
	w.Dialog = typed[*fbclient.DialogError](err)
	w.PortBusy = typed[*fbclient.PortBusyError](err)
	if r := typed[*fbclient.RefusedError](err); r != nil {
		w.Refused = &refusedFields{Message: r.Message, Code: r.Code}
	}
	w.Template = typed[*relay.TemplateError](err)
	w.Route = typed[*relay.RouteError](err)
	w.Control = typed[*control.Error](err)
	// Only what the typed errors do not already answer, so the far side
	// finds each thing once.
	partial := w.decode()
	for name, s := range sentinels {
		if errors.Is(err, s) && !errors.Is(partial, s) {
			w.Sentinels = append(w.Sentinels, name)
		}
	}
	w.Network = fbclient.Classify(err) == fbclient.ClassTransient && fbclient.Classify(w.decode()) != fbclient.ClassTransient
	return w
}

// typed returns the first error of type E in err's chain, or nil.
func typed[E error](err error) E {
	var e E
	errors.As(err, &e)
	return e
}

// decode rebuilds the error: the sentence unchanged, the sentinels and
// typed errors found by errors.Is and errors.As. An error that is exactly
// one sentinel, or one login error, comes back as that very value.
func (w *wireError) decode() error {
	if w == nil {
		return nil
	}
	var known []error
	for _, name := range w.Sentinels {
		if s, ok := sentinels[name]; ok {
			known = append(known, s)
		}
	}
	if w.Login != "" {
		known = append(known, fbclient.LoginError(w.Login))
	}
	if len(known) == 1 && known[0].Error() == w.Message && w.onlyNamed() {
		return known[0]
	}
	known = appendTyped(known, w)
	return &Error{message: w.Message, known: known}
}

// onlyNamed reports whether w carries no typed error.
func (w *wireError) onlyNamed() bool {
	return w.Facebook == nil && w.Paste == nil && w.Dialog == nil && w.PortBusy == nil &&
		w.Refused == nil && w.Template == nil && w.Route == nil && w.Control == nil && !w.Network
}

func appendTyped(known []error, w *wireError) []error {
	add := func(present bool, e error) {
		if present {
			known = append(known, e)
		}
	}
	add(w.Facebook != nil, w.Facebook)
	add(w.Paste != nil, w.Paste)
	add(w.Dialog != nil, w.Dialog)
	add(w.PortBusy != nil, w.PortBusy)
	add(w.Refused != nil, refusedError(w.Refused))
	add(w.Template != nil, w.Template)
	add(w.Route != nil, w.Route)
	add(w.Control != nil, w.Control)
	add(w.Network, networkError{})
	return known
}

func refusedError(r *refusedFields) error {
	if r == nil {
		return nil
	}
	return &fbclient.RefusedError{Message: r.Message, Code: r.Code}
}

// Error is an error the agent answered. Error returns its sentence
// unchanged; errors.Is and errors.As find the sentinels and typed errors
// it carried (see the package doc).
type Error struct {
	message string
	known   []error
}

func (e *Error) Error() string { return e.message }

// Unwrap returns the sentinels and typed errors the agent's error held.
func (e *Error) Unwrap() []error { return e.known }

// networkError stands for a failure to get any answer from Facebook: as a
// net.Error it makes fbclient.Classify say transient, as it did in the
// agent.
type networkError struct{}

func (networkError) Error() string   { return "no answer from Facebook" }
func (networkError) Timeout() bool   { return false }
func (networkError) Temporary() bool { return true }

var _ net.Error = networkError{}
