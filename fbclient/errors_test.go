package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

func TestEveryDocumentedErrorCodeHasItsClass(t *testing.T) {
	cases := []struct {
		name string
		err  fbclient.Error
		want fbclient.Class
	}{
		{"190 app removed", fbclient.Error{Code: 190, Subcode: 458}, fbclient.ClassNeedsReconnect},
		{"190 checkpoint", fbclient.Error{Code: 190, Subcode: 459}, fbclient.ClassNeedsReconnect},
		{"190 password", fbclient.Error{Code: 190, Subcode: 460}, fbclient.ClassNeedsReconnect},
		{"190 expired", fbclient.Error{Code: 190, Subcode: 463}, fbclient.ClassNeedsReconnect},
		{"190 unconfirmed", fbclient.Error{Code: 190, Subcode: 464}, fbclient.ClassNeedsReconnect},
		{"190 session", fbclient.Error{Code: 190, Subcode: 467}, fbclient.ClassNeedsReconnect},
		{"190 no subcode", fbclient.Error{Code: 190, Type: "OAuthException"}, fbclient.ClassNeedsReconnect},
		{"190 role lost", fbclient.Error{Code: 190, Subcode: 492}, fbclient.ClassPageRoleLost},
		{"102 session", fbclient.Error{Code: 102, Type: "OAuthException"}, fbclient.ClassNeedsReconnect},
		{"10 permission", fbclient.Error{Code: 10}, fbclient.ClassPermissionMissing},
		{"200 permission", fbclient.Error{Code: 200}, fbclient.ClassPermissionMissing},
		{"299 permission", fbclient.Error{Code: 299}, fbclient.ClassPermissionMissing},
		{"4 app limit", fbclient.Error{Code: 4}, fbclient.ClassRateLimited},
		{"17 user limit", fbclient.Error{Code: 17}, fbclient.ClassRateLimited},
		{"32 page limit", fbclient.Error{Code: 32}, fbclient.ClassRateLimited},
		{"613 custom limit", fbclient.Error{Code: 613}, fbclient.ClassRateLimited},
		{"80000 buc", fbclient.Error{Code: 80000}, fbclient.ClassRateLimited},
		{"80001 pages buc", fbclient.Error{Code: 80001}, fbclient.ClassRateLimited},
		{"80014 buc", fbclient.Error{Code: 80014}, fbclient.ClassRateLimited},
		{"rate limit marked transient", fbclient.Error{Code: 4, Transient: true}, fbclient.ClassRateLimited},
		{"1 unknown", fbclient.Error{Code: 1}, fbclient.ClassTransient},
		{"2 service", fbclient.Error{Code: 2}, fbclient.ClassTransient},
		{"is_transient", fbclient.Error{Code: 9000, Transient: true}, fbclient.ClassTransient},
		{"bare 503", fbclient.Error{HTTPStatus: 503}, fbclient.ClassTransient},
		{"368 blocked", fbclient.Error{Code: 368}, fbclient.ClassBlocked},
		{"506 duplicate", fbclient.Error{Code: 506}, fbclient.ClassDuplicate},
		{"100 invalid", fbclient.Error{Code: 100}, fbclient.ClassInvalid},
		{"100 cursor", fbclient.Error{Code: 100, Message: "(#100) The after cursor is not valid."}, fbclient.ClassInvalid},
		{"341 application limit", fbclient.Error{Code: 341, Transient: true}, fbclient.ClassRateLimited},
		{"12 deprecated field", fbclient.Error{Code: 12}, fbclient.ClassInvalid},
		{"1609005 link post failed", fbclient.Error{Code: 1609005}, fbclient.ClassInvalid},
		{"-1/1363103 crossposting", fbclient.Error{Code: -1, Subcode: 1363103, Transient: true}, fbclient.ClassInvalid},
		{"-1 alone is unknown", fbclient.Error{Code: -1}, fbclient.ClassUnknown},
		{"unknown code", fbclient.Error{Code: 12345}, fbclient.ClassUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.err
			if got := e.Class(); got != c.want {
				t.Errorf("Class = %v, want %v", got, c.want)
			}
			if got := fbclient.Classify(fmt.Errorf("wrapped: %w", &e)); got != c.want {
				t.Errorf("Classify(wrapped) = %v, want %v", got, c.want)
			}
			if e.Reason() == "" || !strings.HasSuffix(e.Reason(), ".") && !strings.Contains(e.Reason(), ":") {
				t.Errorf("Reason %q is not a sentence", e.Reason())
			}
		})
	}
}

func TestEach190SubcodeHasItsSentence(t *testing.T) {
	cases := map[int]string{
		458: "LiveRoute was removed from your Facebook account",
		459: "log in on facebook.com and follow Facebook's steps",
		460: "Your Facebook password changed",
		463: "Your connection expired",
		464: "Confirm your Facebook account",
		467: "Facebook ended this session",
		492: "You are no longer an admin of this Page",
		0:   "Facebook ended this session",
	}
	for sub, want := range cases {
		e := &fbclient.Error{Code: 190, Subcode: sub}
		if !strings.Contains(e.Reason(), want) {
			t.Errorf("190/%d: reason %q lacks %q", sub, e.Reason(), want)
		}
	}
}

func TestTerminalCodesHaveSentencesWithTheFix(t *testing.T) {
	cases := []struct {
		err  fbclient.Error
		want string
	}{
		{fbclient.Error{Code: 12, Message: "(#12) link field is deprecated for versions v3.3 and higher"}, "update LiveRoute"},
		{fbclient.Error{Code: 1609005, Message: "Error posting link"}, "share it by hand"},
		{fbclient.Error{Code: -1, Subcode: 1363103, Message: "Invalid parameter"}, "posts a link instead"},
		{fbclient.Error{Code: 341, Message: "(#341) Application limit reached"}, "slow down"},
	}
	for _, c := range cases {
		if got := c.err.Reason(); !strings.Contains(got, c.want) || strings.Contains(got, c.err.Message) {
			t.Errorf("%d/%d: reason %q, want one with %q and without Facebook's words", c.err.Code, c.err.Subcode, got, c.want)
		}
	}
}

func TestRateLimitReasonSaysWhenSharingResumes(t *testing.T) {
	e := &fbclient.Error{Code: 32, RetryAfter: 4*time.Minute + time.Second}
	if !strings.Contains(e.Reason(), "about 5 minutes") {
		t.Errorf("reason %q", e.Reason())
	}
}

func TestClassifyNetworkFailuresAsTransientAndCancellationAsUnknown(t *testing.T) {
	cases := []struct {
		err  error
		want fbclient.Class
	}{
		{context.DeadlineExceeded, fbclient.ClassTransient},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, fbclient.ClassTransient},
		{fmt.Errorf("post: %w", fbclient.ErrAmbiguous), fbclient.ClassTransient},
		{context.Canceled, fbclient.ClassUnknown},
		{errors.New("something else"), fbclient.ClassUnknown},
		{nil, fbclient.ClassUnknown},
	}
	for _, c := range cases {
		if got := fbclient.Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestAmbiguousErrorsMatchErrAmbiguous(t *testing.T) {
	e := &fbclient.Error{HTTPStatus: 500, Ambiguous: true}
	if !errors.Is(fmt.Errorf("x: %w", e), fbclient.ErrAmbiguous) || fbclient.IsAmbiguous(&fbclient.Error{Code: 2}) {
		t.Fatal("ambiguity not reported through errors.Is")
	}
}

func TestErrorStringNamesCodeSubcodeAndTrace(t *testing.T) {
	e := &fbclient.Error{Code: 190, Subcode: 460, Type: "OAuthException", Message: "Error validating access token", FBTraceID: "AbC"}
	want := "facebook: error 190/460 (OAuthException): Error validating access token [fbtrace_id AbC]"
	if e.Error() != want {
		t.Errorf("Error() = %q", e.Error())
	}
}
