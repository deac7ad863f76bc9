package fbclient

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient/fakefb"
)

func TestReplayedLoginAddressIsRefusedBecauseCodesAreSingleUse(t *testing.T) {
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	fb.AddApp(fakefb.App{ID: "1", Secret: "sec", Mode: fakefb.Live, RedirectURIs: []string{fb.LoginSuccessURL()}})
	fb.AddUser(fakefb.User{ID: "9", Name: "Ana"})
	fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	c := New(Config{GraphURL: fb.URL, FacebookURL: fb.URL, AppID: "1", AppSecret: "sec", HTTPClient: hc})
	ctx := context.Background()

	first, err := c.StartLogin(ctx, DefaultLoginOptions(PasteBack))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Get(first.AuthURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	address := resp.Header.Get("Location")
	if _, err := first.Paste(ctx, address); err != nil {
		t.Fatalf("first paste: %v", err)
	}
	// A second session that somehow holds the same state and verifier (an
	// address replayed into a copy of the login) still cannot spend the code again.
	second, err := c.StartLogin(ctx, DefaultLoginOptions(PasteBack))
	if err != nil {
		t.Fatal(err)
	}
	second.state, second.verifier = first.state, first.verifier
	_, err = second.Paste(ctx, address)
	if !errors.Is(err, ErrCodeRejected) || !strings.Contains(err.Error(), "has been used") {
		t.Fatalf("replayed code: %v, want ErrCodeRejected for a used code", err)
	}
}

func TestExchangeErrorsNeverCarrySecrets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // nothing listens: every call fails in the transport
	c := New(Config{GraphURL: dead, AppID: "1", AppSecret: "the-app-secret", HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	ctx := context.Background()
	_, codeErr := c.exchangeCode(ctx, "the-login-code", "http://localhost:1/callback", "the-verifier", "")
	_, _, longErr := c.exchangeLongLived(ctx, Token("the-short-token"))
	_, _, permErr := c.loginPermissions(ctx, Token("the-long-token"))
	for _, err := range []error{codeErr, longErr, permErr} {
		if err == nil {
			t.Fatal("a call to a dead server succeeded")
		}
		for _, secret := range []string{"the-app-secret", "the-login-code", "the-verifier", "the-short-token", "the-long-token"} {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q discloses %s", err, secret)
			}
		}
	}
}

func TestExplainCodeFailureNamesTheFix(t *testing.T) {
	for _, tc := range []struct {
		f    oauthFailure
		want error
	}{
		{oauthFailure{Code: 1, Message: "Error validating client secret."}, ErrAppCredentials},
		{oauthFailure{Code: 101, Message: "Error validating application. Invalid application ID."}, ErrAppCredentials},
		{oauthFailure{Code: 100, Subcode: 36007, Message: "This authorization code has expired."}, ErrCodeRejected},
		{oauthFailure{Code: 100, Subcode: 36009, Message: "This authorization code has been used."}, ErrCodeRejected},
		{oauthFailure{Code: 100, Message: "Invalid verification code format."}, ErrCodeRejected},
		{oauthFailure{Code: 100, Subcode: 36008, Message: "Error validating verification code."}, ErrRedirectMismatch},
		{oauthFailure{Code: 100, Message: "Invalid code verifier"}, ErrPKCERejected},
		{oauthFailure{Code: 1, Message: "code_verifier param is provided without a code_challenge in authorization request."}, ErrPKCEDropped},
	} {
		f := tc.f
		if err := explainCodeFailure(&f); !errors.Is(err, tc.want) {
			t.Errorf("%q: got %v, want %v", f.Message, err, tc.want)
		}
	}
}

func TestExplainCodeFailureShowsFacebooksWordsForAnotherCode1(t *testing.T) {
	other := &oauthFailure{Code: 1, Message: "An unknown error has occurred."}
	err := explainCodeFailure(other)
	if errors.Is(err, ErrAppCredentials) {
		t.Fatalf("code 1 with another message blamed the App ID or secret: %v", err)
	}
	sentence, ok := LoginProblem(err)
	if !ok || !strings.Contains(sentence, "An unknown error has occurred.") || !strings.Contains(sentence, "code 1") {
		t.Fatalf("LoginProblem = %q, %v; want Facebook's words", sentence, ok)
	}
	if !errors.Is(err, other) {
		t.Fatalf("%v does not wrap Facebook's error", err)
	}
}

func TestCode1WithAnotherMessageShowsFacebooksWordsWithoutSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		// Facebook may echo what it was sent; the scrubber must catch it.
		_, _ = w.Write([]byte(`{"error":{"message":"Your app the-app-secret-value is restricted for code the-login-code.","type":"OAuthException","code":1,"fbtrace_id":"Ax"}}`))
	}))
	defer srv.Close()
	c := New(Config{GraphURL: srv.URL, AppID: "1", AppSecret: "the-app-secret-value", HTTPClient: srv.Client()})
	_, err := c.exchangeCode(context.Background(), "the-login-code", "http://localhost:1/callback", "", "")
	if errors.Is(err, ErrAppCredentials) {
		t.Fatalf("code 1 with another message blamed the App ID or secret: %v", err)
	}
	sentence, ok := LoginProblem(err)
	if !ok || !strings.Contains(sentence, "Your app [redacted] is restricted for code [redacted].") {
		t.Fatalf("LoginProblem = %q, want Facebook's words, scrubbed", sentence)
	}
	for _, secret := range []string{"the-app-secret-value", "the-login-code"} {
		if strings.Contains(err.Error(), secret) || strings.Contains(sentence, secret) {
			t.Fatalf("%q discloses %s", sentence, secret)
		}
	}
}

func TestIDTokenMustCarryTheLoginsNonce(t *testing.T) {
	claims := func(json string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(json)) + "."
	}
	for _, tc := range []struct {
		name, idToken, nonce string
		want                 error
	}{
		{"no id_token (not OIDC, or Facebook sent none)", "", "n1", nil},
		{"not an OIDC login", claims(`{"nonce":"other"}`), "", nil},
		{"the login's nonce", claims(`{"nonce":"n1"}`), "n1", nil},
		{"another login's nonce", claims(`{"nonce":"n2"}`), "n1", ErrIDTokenMismatch},
		{"no nonce claim", claims(`{"sub":"42"}`), "n1", ErrIDTokenMismatch},
		{"not a JWT", "garbage", "n1", ErrIDTokenMismatch},
		{"claims not base64", "e30.%%%.", "n1", ErrIDTokenMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkIDTokenNonce(tc.idToken, tc.nonce); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("checkIDTokenNonce = %v, want %v", err, tc.want)
			}
		})
	}
}
