package fbclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Class is what an error means for LiveRoute: what to do about it.
type Class int

// Error classes, from FACEBOOK.md's error table.
const (
	ClassUnknown           Class = iota
	ClassNeedsReconnect          // the token is dead: reconnect (Reason says why)
	ClassPageRoleLost            // 190/492: the person lost their role on the Page
	ClassPermissionMissing       // 10, 200–299: a permission is missing or was removed
	ClassRateLimited             // 4, 17, 32, 341, 613, 80000–80014: back off (RetryAfter)
	ClassTransient               // 1, 2, is_transient, network trouble: retry with backoff
	ClassDuplicate               // 506: already posted
	ClassBlocked                 // 368: blocked for policy for a while
	ClassInvalid                 // 100, 12, 1609005, -1/1363103: a bad request; retrying will not help
)

// Codes whose meaning LiveRoute relies on beyond their class
// (https://developers.facebook.com/docs/graph-api/guides/error-handling).
const (
	// CodeDeprecated (#12): a field or edge removed in this Graph API
	// version, e.g. link on Post since v3.3
	// (https://developers.facebook.com/docs/graph-api/reference/post/).
	CodeDeprecated = 12
	// CodeAppLimit (#341): the application's limit reached; temporary.
	CodeAppLimit = 341
	// CodeLinkPostFailed: Facebook could not post the link (its scrape of
	// the address failed).
	CodeLinkPostFailed = 1609005
	// CodeUnknownOrInvalid (-1) with SubcodeInvalidCrossposting: the
	// crossposting options were refused.
	CodeUnknownOrInvalid       = -1
	SubcodeInvalidCrossposting = 1363103
)

var classNames = [...]string{"unknown", "needs-reconnect", "page-role-lost", "permission-missing",
	"rate-limited", "transient", "duplicate", "blocked", "invalid"}

// String names the class for logs.
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return "class(" + strconv.Itoa(int(c)) + ")"
	}
	return classNames[c]
}

// ErrAmbiguous marks a failed write that may nevertheless have landed: the
// request went out and no clear answer came back (timeout, dropped
// connection, 5xx, a null batch item). Look before retrying.
var ErrAmbiguous = errors.New("facebook may have applied the request")

// IsAmbiguous reports whether err is a write that may have landed.
func IsAmbiguous(err error) bool { return errors.Is(err, ErrAmbiguous) }

// ErrCannotVerify marks a failed look for an earlier post whose failure is
// Facebook refusing the look itself (a removed field, a missing permission,
// a bad parameter): asking again will not answer it. The share it was for
// can be neither confirmed nor safely retried; the person decides.
var ErrCannotVerify = errors.New("facebook refused the check for an earlier post")

// ErrNotCrossposted marks a crosspost Facebook did not make: it raises no
// error for a refused crosspost, the destination is simply missing from
// the LiveVideo's crossposted_broadcasts. Nothing was posted there.
var ErrNotCrossposted = errors.New("facebook did not crosspost the live video")

// Error is an error the Graph API answered, or one the client made from a
// reply that was not a clean answer. It never contains a token.
type Error struct {
	HTTPStatus  int
	Code        int
	Subcode     int
	Type        string
	Message     string // for developers, as Facebook wrote it
	UserTitle   string // error_user_title, for people, when Facebook gave one
	UserMessage string // error_user_msg
	FBTraceID   string
	Transient   bool          // is_transient, or a code/status that means "try again"
	RetryAfter  time.Duration // for rate limits: estimated time to regain access (0: unknown)
	Ambiguous   bool          // a write that may have landed (see ErrAmbiguous)

	class  Class  // overrides the code's class when set
	reason string // overrides the class's sentence when set
}

// Error describes the failure for developers.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("facebook: ")
	if e.Code != 0 {
		fmt.Fprintf(&b, "error %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
		if e.Type != "" {
			fmt.Fprintf(&b, " (%s)", e.Type)
		}
		b.WriteString(": ")
	} else if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "HTTP %d: ", e.HTTPStatus)
	}
	msg := e.Message
	if msg == "" {
		msg = "no message"
	}
	b.WriteString(msg)
	if e.FBTraceID != "" {
		fmt.Fprintf(&b, " [fbtrace_id %s]", e.FBTraceID)
	}
	return b.String()
}

// Is lets errors.Is(err, ErrAmbiguous) see an ambiguous Error.
func (e *Error) Is(target error) bool { return target == ErrAmbiguous && e.Ambiguous }

// Class says what the error means for LiveRoute.
func (e *Error) Class() Class {
	if e.class != ClassUnknown {
		return e.class
	}
	switch c := e.Code; {
	case c == 190 && e.Subcode == 492:
		return ClassPageRoleLost
	case c == 190, c == 102, c == 104:
		return ClassNeedsReconnect
	case c == 10, c >= 200 && c <= 299:
		return ClassPermissionMissing
	case c == 4, c == 17, c == 32, c == CodeAppLimit, c == 613, c >= 80000 && c <= 80014:
		return ClassRateLimited
	case c == 368:
		return ClassBlocked
	case c == 506:
		return ClassDuplicate
	case c == CodeDeprecated, c == CodeLinkPostFailed, c == CodeUnknownOrInvalid && e.Subcode == SubcodeInvalidCrossposting:
		return ClassInvalid // before is_transient: asking again gives the same answer
	case c == 1, c == 2, e.Transient, e.HTTPStatus >= 500:
		return ClassTransient
	case c == 100:
		return ClassInvalid
	}
	return ClassUnknown
}

// Reason is the sentence to show the person: what happened and what to do.
func (e *Error) Reason() string {
	if e.reason != "" {
		return e.reason
	}
	if r := codeReason(e.Code, e.Subcode); r != "" {
		return r
	}
	switch e.Class() {
	case ClassNeedsReconnect:
		return reconnectReason(e.Subcode)
	case ClassPageRoleLost:
		return "You are no longer an admin of this Page — ask an admin of the Page to give you back access, or remove it from your routes."
	case ClassPermissionMissing:
		return "LiveRoute is missing a Facebook permission for this — reconnect and allow every permission it asks for."
	case ClassRateLimited:
		if e.RetryAfter > 0 {
			return fmt.Sprintf("Facebook asked LiveRoute to slow down; sharing resumes by itself in about %s.", roundUp(e.RetryAfter))
		}
		return "Facebook asked LiveRoute to slow down; sharing resumes by itself shortly."
	case ClassTransient:
		return "Facebook had a temporary problem; LiveRoute will try again."
	case ClassDuplicate:
		return "Facebook says this was already posted, so it was not posted again."
	case ClassBlocked:
		return "Facebook has temporarily blocked posting from this account for a policy reason — sharing here is paused; check your Facebook notifications."
	case ClassInvalid:
		return "Facebook refused the request as invalid: " + e.personMessage()
	}
	return "Facebook answered with an unexpected error: " + e.personMessage()
}

// codeReason is the sentence for a terminal code whose class's sentence
// would not say what to do ("" for the others).
func codeReason(code, subcode int) string {
	switch {
	case code == CodeDeprecated:
		return "Facebook no longer offers something this version of LiveRoute asks for — update LiveRoute; asking again will not help."
	case code == CodeLinkPostFailed:
		return "Facebook could not read the live video's address to post it — check that the video is public and still exists, then share it by hand."
	case code == CodeUnknownOrInvalid && subcode == SubcodeInvalidCrossposting:
		return "Facebook refused to crosspost to this Page — check the crossposting relationship in Meta Business Suite; LiveRoute posts a link instead."
	}
	return ""
}

// reconnectReason is the sentence for each 190 subcode (FACEBOOK.md's table).
func reconnectReason(subcode int) string {
	switch subcode {
	case 458:
		return "LiveRoute was removed from your Facebook account — reconnect to resume sharing."
	case 459:
		return "Facebook locked your account for a check — log in on facebook.com and follow Facebook's steps, then reconnect."
	case 460:
		return "Your Facebook password changed — reconnect to resume sharing."
	case 463:
		return "Your connection expired — reconnect to resume sharing."
	case 464:
		return "Confirm your Facebook account on facebook.com, then reconnect."
	}
	return "Facebook ended this session — reconnect to resume sharing."
}

func (e *Error) personMessage() string {
	switch {
	case e.UserMessage != "":
		return e.UserMessage
	case e.Message != "":
		return e.Message
	}
	return fmt.Sprintf("code %d", e.Code)
}

func roundUp(d time.Duration) string {
	if d < time.Minute {
		return "a minute"
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// Classify says what any error means: an *Error its class; a network
// failure or timeout ClassTransient; anything else ClassUnknown.
func Classify(err error) Class {
	var fe *Error
	var ne net.Error
	switch {
	case err == nil:
		return ClassUnknown
	case errors.As(err, &fe):
		return fe.Class()
	case errors.Is(err, context.Canceled):
		return ClassUnknown
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne), errors.Is(err, ErrAmbiguous),
		errors.Is(err, errTransport):
		return ClassTransient
	}
	return ClassUnknown
}

// errTransport marks a failure to get any answer from Facebook.
var errTransport = errors.New("no answer from Facebook")

// wireError is Facebook's error object.
type wireError struct {
	Message      string          `json:"message"`
	Type         string          `json:"type"`
	Code         json.RawMessage `json:"code"`
	Subcode      json.RawMessage `json:"error_subcode"`
	ShortSubcode json.RawMessage `json:"subcode"` // debug_token's spelling
	UserTitle    string          `json:"error_user_title"`
	UserMsg      string          `json:"error_user_msg"`
	FBTraceID    string          `json:"fbtrace_id"`
	IsTransient  bool            `json:"is_transient"`
}

// decodeError reads a Graph error answer ({"error":{…}}). ok is false when
// body holds no error object.
func decodeError(body []byte) (e *Error, ok bool) {
	var env struct {
		Error *wireError `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil {
		return nil, false
	}
	return env.Error.toError(), true
}

func (w *wireError) toError() *Error {
	sub := flexInt(w.Subcode)
	if sub == 0 {
		sub = flexInt(w.ShortSubcode)
	}
	return &Error{Code: flexInt(w.Code), Subcode: sub, Type: w.Type, Message: w.Message,
		UserTitle: w.UserTitle, UserMessage: w.UserMsg, FBTraceID: w.FBTraceID, Transient: w.IsTransient}
}

// flexInt reads a number Facebook may send as 190 or "190".
func flexInt(raw json.RawMessage) int {
	if len(raw) == 0 {
		return 0
	}
	var n json.Number
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0
		}
		n = json.Number(s)
	} else if json.Unmarshal(raw, &n) != nil {
		return 0
	}
	i, err := strconv.Atoi(string(n))
	if err != nil {
		return 0
	}
	return i
}
