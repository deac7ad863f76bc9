package fbclient

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// TestLoginEndpointErrorsNeverQuoteTheSecretsFacebookEchoes makes the fake
// quote the refused secret in each error of the login's three calls, as
// Facebook does ("Malformed access token EAAB…"), and checks the error the
// person sees has it blanked out while keeping the rest of the message.
func TestLoginEndpointErrorsNeverQuoteTheSecretsFacebookEchoes(t *testing.T) {
	const appID, secret = "1", "the-app-secret-value"
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	fb.AddApp(fakefb.App{ID: appID, Secret: secret, Mode: fakefb.Live})
	fb.AddUser(fakefb.User{ID: "9", Name: "Ana"})
	fb.EchoTokenInErrors(true)
	valid := Token(fb.MintUserToken(appID, "9", []string{"pages_show_list"}, time.Hour, false).Value)
	hc := &http.Client{Timeout: 10 * time.Second}
	defer hc.CloseIdleConnections()
	client := func(secret string) *Client {
		return New(Config{GraphURL: fb.URL, FacebookURL: fb.URL, AppID: appID, AppSecret: Token(secret), HTTPClient: hc})
	}
	right, wrong := client(secret), client("not-the-app-secret")
	ctx := context.Background()
	const forgedCode, verifier, deadToken = "forged-login-code-0123456789", "the-pkce-verifier-0123456789", "EAABnotAtokenFacebookIssued0123456789"
	wrongProof := AppSecretProof(valid, "not-the-app-secret")

	for _, tc := range []struct {
		name    string
		call    func() error
		secrets []string // what the request carried and the fake quoted
		rest    string   // the part of Facebook's message that must survive
	}{
		{"code exchange with a refused code", func() error {
			_, err := right.exchangeCode(ctx, forgedCode, "https://www.facebook.com/connect/login_success.html", verifier, "")
			return err
		}, []string{forgedCode}, "Invalid verification code format."},
		{"code exchange with a wrong client secret", func() error {
			_, err := wrong.exchangeCode(ctx, forgedCode, "https://www.facebook.com/connect/login_success.html", verifier, "")
			return err
		}, []string{"not-the-app-secret"}, "Error validating client secret."},
		{"long-lived exchange of a dead token", func() error {
			_, _, err := right.exchangeLongLived(ctx, deadToken)
			return err
		}, []string{deadToken}, "Cannot parse access token"},
		{"permissions with a dead token", func() error {
			_, _, err := right.loginPermissions(ctx, deadToken)
			return err
		}, []string{deadToken}, "Cannot parse access token"},
		{"permissions with a wrong appsecret_proof", func() error {
			_, _, err := wrong.loginPermissions(ctx, valid)
			return err
		}, []string{wrongProof, valid.Reveal()}, "Invalid appsecret_proof"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil {
				t.Fatal("the call succeeded")
			}
			msg := err.Error()
			for _, s := range tc.secrets {
				if strings.Contains(msg, s) {
					t.Errorf("error discloses %s: %q", s, msg)
				}
			}
			if !strings.Contains(msg, tc.rest) || !strings.Contains(msg, redacted) {
				t.Errorf("error %q lost Facebook's message %q or the mark where the secret was", msg, tc.rest)
			}
		})
	}
}

func TestScrubberBlanksLongestSecretsFirstAndLeavesShortValues(t *testing.T) {
	c := New(Config{AppID: "4242", AppSecret: "app-secret-0123456789"})
	s := c.scrubberFor(map[string][]string{
		"input_token":  {"EAAB/input+token=="},
		"access_token": {"4242|app-secret-0123456789"},
		"code":         {"short"}, // shorter than any real code: left alone
		"fields":       {"id,name-not-a-secret"},
	})
	got := s.text("bad 4242|app-secret-0123456789, EAAB%2Finput%2Btoken%3D%3D, short id,name-not-a-secret")
	want := "bad [redacted], [redacted], short id,name-not-a-secret"
	if got != want {
		t.Errorf("scrubbed to %q, want %q", got, want)
	}
}
