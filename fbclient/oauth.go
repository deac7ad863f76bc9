package fbclient

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// oauthFailure is a Facebook error object as the OAuth endpoints return it.
// Facebook may echo a token or code of the request in its message; oauthGet
// scrubs them before anyone sees one.
type oauthFailure struct {
	HTTPStatus int
	Code       int    `json:"code"`
	Subcode    int    `json:"error_subcode"`
	Type       string `json:"type"`
	Message    string `json:"message"`
	FBTraceID  string `json:"fbtrace_id"`
}

func (e *oauthFailure) Error() string {
	return fmt.Sprintf("facebook: %s (code %d, subcode %d, HTTP %d, fbtrace_id %s)", e.Message, e.Code, e.Subcode, e.HTTPStatus, e.FBTraceID)
}

// tokenAnswer is the body of a successful /oauth/access_token call.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	// IDToken comes with an OpenID Connect login only. It is a secret
	// like the access token: read for its nonce, never kept or logged.
	IDToken string `json:"id_token"`
}

// exchangeCode trades the dialog's code for a short-lived user token.
// redirectURI must be the one the dialog was opened with, byte for byte.
// nonce is the OIDC login's nonce ("" otherwise): an id_token in the answer
// must carry it.
// https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
func (c *Client) exchangeCode(ctx context.Context, code, redirectURI, verifier, nonce string) (Token, error) {
	q := url.Values{
		"client_id":     {c.cfg.AppID},
		"client_secret": {c.cfg.AppSecret.Reveal()},
		"redirect_uri":  {redirectURI},
		"code":          {code},
	}
	if verifier != "" {
		q.Set("code_verifier", verifier)
	}
	var ans tokenAnswer
	if err := c.oauthGet(ctx, "/oauth/access_token", q, &ans); err != nil {
		return "", fmt.Errorf("exchange login code: %w", explainCodeFailure(err))
	}
	if ans.AccessToken == "" {
		return "", errors.New("exchange login code: Facebook's answer has no access_token")
	}
	if err := checkIDTokenNonce(ans.IDToken, nonce); err != nil {
		return "", fmt.Errorf("exchange login code: %w", err)
	}
	return Token(ans.AccessToken), nil
}

// checkIDTokenNonce checks that an OIDC answer's id_token was made for this
// login: its nonce claim must be the one the dialog was sent. The token
// came straight from Facebook's token endpoint over TLS, which OIDC Core
// (3.1.3.7) accepts in place of checking its signature; LiveRoute uses the
// access token, not the identity. Facebook's guide does not say the
// exchange always returns an id_token, so an answer without one passes.
// OIDC with PKCE: https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token
func checkIDTokenNonce(idToken, nonce string) error {
	if idToken == "" || nonce == "" {
		return nil
	}
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return ErrIDTokenMismatch
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ErrIDTokenMismatch
	}
	var claims struct {
		Nonce string `json:"nonce"`
	}
	if json.Unmarshal(payload, &claims) != nil || subtle.ConstantTimeCompare([]byte(claims.Nonce), []byte(nonce)) != 1 {
		return ErrIDTokenMismatch
	}
	return nil
}

// exchangeLongLived trades a short-lived user token for a long-lived one
// (about 60 days) and returns when it expires.
// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
func (c *Client) exchangeLongLived(ctx context.Context, short Token) (Token, time.Time, error) {
	q := url.Values{
		"grant_type":        {"fb_exchange_token"},
		"client_id":         {c.cfg.AppID},
		"client_secret":     {c.cfg.AppSecret.Reveal()},
		"fb_exchange_token": {short.Reveal()},
	}
	var ans tokenAnswer
	if err := c.oauthGet(ctx, "/oauth/access_token", q, &ans); err != nil {
		var f *oauthFailure
		if errors.As(err, &f) && f.Code == 190 {
			err = fmt.Errorf("%w (%w)", ErrTokenNotExtended, err)
		} else {
			err = explainCodeFailure(err)
		}
		return "", time.Time{}, fmt.Errorf("extend user token: %w", err)
	}
	if ans.AccessToken == "" {
		return "", time.Time{}, errors.New("extend user token: Facebook's answer has no access_token")
	}
	var expires time.Time
	if ans.ExpiresIn > 0 {
		expires = c.cfg.Now().Add(time.Duration(ans.ExpiresIn) * time.Second)
	}
	return Token(ans.AccessToken), expires, nil
}

// loginPermissions reads GET /me/permissions: what the person granted and
// declined, each sorted.
func (c *Client) loginPermissions(ctx context.Context, tok Token) (granted, declined []string, err error) {
	q := url.Values{
		"access_token":    {tok.Reveal()},
		"appsecret_proof": {loginProof(tok, c.cfg.AppSecret)},
		"limit":           {"100"},
	}
	var ans struct {
		Data []struct {
			Permission string `json:"permission"`
			Status     string `json:"status"`
		} `json:"data"`
	}
	if err := c.oauthGet(ctx, "/me/permissions", q, &ans); err != nil {
		return nil, nil, fmt.Errorf("read granted permissions: %w", err)
	}
	for _, p := range ans.Data {
		switch p.Status {
		case "granted":
			granted = append(granted, p.Permission)
		case "declined", "expired":
			declined = append(declined, p.Permission)
		}
	}
	sort.Strings(granted)
	sort.Strings(declined)
	return granted, declined, nil
}

// oauthGet calls GET {GraphURL}/{version}{path}?q and decodes the JSON
// answer into out, or returns an *oauthFailure. The query carries secrets,
// so no error it returns contains the URL's query or any secret of it that
// Facebook echoed.
func (c *Client) oauthGet(ctx context.Context, path string, q url.Values, out any) error {
	endpoint := c.cfg.GraphURL + "/" + c.cfg.Version + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", endpoint, redactURLError(err))
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", endpoint, redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("GET %s: read answer: %w", endpoint, err)
	}
	if resp.StatusCode != http.StatusOK {
		var env struct {
			Error *oauthFailure `json:"error"`
		}
		if json.Unmarshal(body, &env) == nil && env.Error != nil {
			env.Error.HTTPStatus = resp.StatusCode
			c.scrubberFor(q).oauthError(env.Error)
			return env.Error
		}
		return fmt.Errorf("GET %s: HTTP %d", endpoint, resp.StatusCode)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("GET %s: decode answer: %w", endpoint, err)
	}
	return nil
}

// Facebook's messages that name a cause, as the code exchange answers them.
const (
	// The exchange's answer when the dialog dropped the PKCE challenge of a
	// login that is not OIDC (code 1); only the message tells it apart.
	msgVerifierWithoutChallenge = "code_verifier param is provided without a code_challenge"
	msgBadClientSecret          = "Error validating client secret" // code 1
	msgBadApplication           = "Error validating application"   // code 101: unknown App ID
	msgCodeFormat               = "verification code format"       // code 100: not a code of this app
	msgCodeVerifier             = "code verifier"                  // the verifier does not match the challenge
)

// explainCodeFailure puts the person-facing sentence in front of the
// Facebook errors a login can meet. Code 1 is both "wrong secret" and other
// refusals, so the message decides; a refusal LiveRoute has no sentence for
// shows Facebook's own (already scrubbed) words.
// Code exchange and its errors: https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
func explainCodeFailure(err error) error {
	var f *oauthFailure
	if !errors.As(err, &f) {
		return err
	}
	var why LoginError
	msg := strings.ToLower(f.Message)
	switch {
	case strings.Contains(msg, strings.ToLower(msgVerifierWithoutChallenge)):
		why = ErrPKCEDropped
	case strings.Contains(msg, strings.ToLower(msgBadClientSecret)),
		f.Code == 101 && strings.Contains(msg, strings.ToLower(msgBadApplication)):
		why = ErrAppCredentials
	case f.Subcode == 36007 || f.Subcode == 36009 || strings.Contains(msg, msgCodeFormat):
		why = ErrCodeRejected
	case f.Subcode == 36008:
		why = ErrRedirectMismatch
	case strings.Contains(msg, msgCodeVerifier):
		why = ErrPKCERejected
	default:
		return &RefusedError{Message: f.Message, Code: f.Code, cause: err}
	}
	return fmt.Errorf("%w (%w)", why, err)
}

// redactURLError drops the query from a *url.Error: it holds the app
// secret, the code and tokens.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
		return &url.Error{Op: ue.Op, URL: "[redacted]", Err: ue.Err}
	}
	return err
}

// loginProof is appsecret_proof: hex HMAC-SHA256 of the token keyed by the
// app secret.
func loginProof(tok, secret Token) string {
	m := hmac.New(sha256.New, []byte(secret.Reveal()))
	m.Write([]byte(tok.Reveal()))
	return hex.EncodeToString(m.Sum(nil))
}
