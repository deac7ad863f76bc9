package fbclient

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
)

// maxBody bounds what the client reads of one answer.
const maxBody = 16 << 20

// AppSecretProof is appsecret_proof for tok: hex HMAC-SHA256 of the token
// keyed by the app secret. It reveals neither.
func AppSecretProof(tok, secret Token) string {
	m := hmac.New(sha256.New, []byte(secret.Reveal()))
	m.Write([]byte(tok.Reveal()))
	return hex.EncodeToString(m.Sum(nil))
}

// get does a GET and decodes the JSON answer into out.
func (c *Client) get(ctx context.Context, tok Token, path string, params url.Values, out any) error {
	return c.call(ctx, http.MethodGet, tok, path, params, out)
}

// call does one Graph request and decodes the JSON answer into out (if not nil).
func (c *Client) call(ctx context.Context, method string, tok Token, path string, params url.Values, out any) error {
	body, err := c.send(ctx, method, tok, path, params)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode answer to %s %s: %w", method, path, err)
	}
	return nil
}

// send does one Graph request with the token and its appsecret_proof and
// returns the body of a successful answer. Failures come back as *Error, or
// as transport errors Classify calls transient; a write that may have landed
// is marked ambiguous either way.
func (c *Client) send(ctx context.Context, method string, tok Token, path string, params url.Values) ([]byte, error) {
	q := url.Values{}
	for k, vs := range params {
		q[k] = append([]string(nil), vs...)
	}
	if !tok.IsZero() {
		q.Set("access_token", tok.Reveal())
		if !c.cfg.AppSecret.IsZero() {
			q.Set("appsecret_proof", AppSecretProof(tok, c.cfg.AppSecret))
		}
	}
	endpoint := c.cfg.GraphURL + "/" + c.cfg.Version + "/" + strings.TrimPrefix(path, "/")
	var req *http.Request
	var err error
	if method == http.MethodGet || method == http.MethodDelete {
		req, err = http.NewRequestWithContext(ctx, method, endpoint+"?"+q.Encode(), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, endpoint, strings.NewReader(q.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, stripQuery(err))
	}
	write := method != http.MethodGet
	var wrote atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
	}))
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, transportError(method, path, err, write && wrote.Load())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, transportError(method, path, err, write)
	}
	usage, _ := ParseUsage(resp.Header, c.cfg.Now())
	c.noteUsage(resp.Header, usage)
	if fe, ok := decodeError(body); ok {
		c.finishError(fe, resp.StatusCode, write, usage, c.scrubberFor(q))
		return nil, fe
	}
	if resp.StatusCode != http.StatusOK {
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return nil, &Error{HTTPStatus: resp.StatusCode, Transient: resp.StatusCode >= 500,
			Ambiguous: write && resp.StatusCode >= 500,
			Message:   fmt.Sprintf("unexpected answer to %s %s: %s (%s)", method, path, resp.Status, ct)}
	}
	return body, nil
}

// finishError completes a decoded Graph error with what the answer's status
// and headers say, and scrubs any secret of the request Facebook may have
// echoed.
func (c *Client) finishError(fe *Error, status int, write bool, usage Usage, scrub scrubber) {
	fe.HTTPStatus = status
	if status >= 500 {
		fe.Transient = true
		fe.Ambiguous = write
	}
	if fe.Class() == ClassRateLimited {
		fe.RetryAfter = usage.RegainAfter
		c.noteRateLimit(fe.Code)
	}
	scrub.graphError(fe)
}

// transportError wraps a failure to get an answer, without the URL's query
// (it holds the token).
func transportError(method, path string, err error, mayHaveLanded bool) error {
	err = stripQuery(err)
	if mayHaveLanded {
		return fmt.Errorf("%s %s: %w (%w: %w)", method, path, ErrAmbiguous, errTransport, err)
	}
	return fmt.Errorf("%s %s: %w: %w", method, path, errTransport, err)
}

// stripQuery drops the query (access_token, appsecret_proof,
// input_token …) from the URL net/http puts in its errors.
func stripQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// isJSONString reports whether raw is a JSON string literal.
func isJSONString(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '"'
}
