package fbclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxBatch is the most operations Facebook takes in one batch request.
const MaxBatch = 50

// BatchOp is one operation of a batch request.
type BatchOp struct {
	Method      string     // GET, POST, DELETE
	RelativeURL string     // e.g. "PAGEID/feed", without version
	Body        url.Values // for POST
	Token       Token      // this operation's own token (its appsecret_proof is added); zero: the batch's
}

// BatchResult is one operation's outcome. Each operation is decided from
// its own result: a batch of more than MaxBatch operations goes out as
// several requests, and one request's failure says nothing about the
// operations another request carried.
type BatchResult struct {
	Code int             // the operation's HTTP status (0: no answer)
	Body json.RawMessage // its JSON answer
	// Err is why the operation has no good answer: its own error, or the
	// failure of the whole request that carried it (Whole). For a write it
	// is ambiguous (IsAmbiguous) when the write may have landed anyway.
	Err error
	// Whole reports that Err is the failure of the request as a whole (or
	// that the operation was never sent), not an answer about the operation.
	Whole bool
}

// ErrBatchWithoutToken is Batch called without the batch's own token: a
// bug of the caller, refused before anything is sent.
var ErrBatchWithoutToken = errors.New("a Graph batch needs its own access token")

// Batch runs ops in Graph batch requests of at most MaxBatch operations
// each, in order, and returns one result per op in op order; tok is the
// batch's token, used by ops without their own. A request that fails as a
// whole gives its error to its own operations only, ambiguous for writes
// when the request may have been applied. After a dead token or a rate
// limit, or once ctx ends, the remaining requests are not sent: their
// operations fail unambiguously.
//
// err is the first request-level failure, for the caller's pacing and
// health checks only; it decides nothing about any one operation.
//
// Facebook answers in request order, one response per operation, to be
// judged one by one; each operation counts as a call against the limits:
// https://developers.facebook.com/docs/graph-api/batch-requests
//
// tok is required: Facebook refuses a batch without its own access_token
// even when every operation carries one.
func (c *Client) Batch(ctx context.Context, tok Token, ops []BatchOp) ([]BatchResult, error) {
	if tok.IsZero() {
		return nil, ErrBatchWithoutToken
	}
	results := make([]BatchResult, len(ops))
	var first, stopped error
	for start := 0; start < len(ops); start += MaxBatch {
		chunk := ops[start:min(start+MaxBatch, len(ops))]
		out := results[start : start+len(chunk)]
		if stopped != nil {
			failChunk(chunk, out, stopped)
			continue
		}
		err := c.batchChunk(ctx, tok, chunk, out)
		if err == nil {
			continue
		}
		if first == nil {
			first = err
		}
		failChunk(chunk, out, err)
		stopped = stopReason(ctx, err)
	}
	return results, first
}

// failChunk gives a request's failure to the operations it carried. A read
// cannot have changed anything, so it is never ambiguous.
func failChunk(chunk []BatchOp, out []BatchResult, err error) {
	for i, op := range chunk {
		out[i] = BatchResult{Err: err, Whole: true}
		if !isWrite(op.Method) && IsAmbiguous(err) {
			out[i].Err = fmt.Errorf("batch request failed: %w", errTransport)
		}
	}
}

// Once a rate limit is reached every further request fails until the count
// drops: https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
//
// stopReason says why the requests after a failed one must not be sent
// (nil: send them): the context ended, a token died, or Facebook asked to
// slow down. The unsent operations' error is never ambiguous.
func stopReason(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("batch stopped before this operation was sent: %w", ctx.Err())
	}
	cl := Classify(err)
	if cl != ClassNeedsReconnect && cl != ClassRateLimited {
		return nil
	}
	var fe *Error
	if !errors.As(err, &fe) {
		return nil
	}
	cp := *fe
	cp.Ambiguous = false
	return fmt.Errorf("batch stopped before this operation was sent: %w", &cp)
}

// PostLinkOp is PostLink as a batch operation.
func PostLinkOp(pageTok Token, pageID, message, link string) BatchOp {
	return BatchOp{Method: http.MethodPost, RelativeURL: pageID + "/feed",
		Body: url.Values{"message": {message}, "link": {link}}, Token: pageTok}
}

// PostIDFromResult reads the post ID from the result of a PostLinkOp.
func PostIDFromResult(r BatchResult) (string, error) {
	if r.Err != nil {
		return "", r.Err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		return "", fmt.Errorf("decode post answer: %w", err)
	}
	if out.ID == "" {
		return "", errors.New("post answer has no post id")
	}
	return out.ID, nil
}

// batchChunk sends one batch request and fills out.
func (c *Client) batchChunk(ctx context.Context, tok Token, ops []BatchOp, out []BatchResult) error {
	items := make([]map[string]string, len(ops))
	for i, op := range ops {
		items[i] = c.batchItem(op)
	}
	if tok.IsZero() && len(ops) > 0 {
		tok = ops[0].Token
	}
	batch, err := json.Marshal(items)
	if err != nil {
		return fmt.Errorf("encode batch: %w", err)
	}
	body, err := c.send(ctx, http.MethodPost, tok, "", url.Values{"batch": {string(batch)}, "include_headers": {"true"}})
	if err != nil {
		// The request carried every operation's token, not only tok.
		var fe *Error
		if errors.As(err, &fe) {
			opToks := make([]Token, 0, len(ops)+1)
			opToks = append(opToks, tok)
			for _, op := range ops {
				opToks = append(opToks, op.Token)
			}
			c.scrubberFor(nil, opToks...).graphError(fe)
		}
		return fmt.Errorf("batch of %d: %w", len(ops), err)
	}
	answers, err := decodeBatch(body)
	if err == nil && len(answers) != len(ops) {
		err = fmt.Errorf("%d answers for %d operations", len(answers), len(ops))
	}
	if err != nil {
		// The request was taken: its writes may have landed.
		return &Error{HTTPStatus: http.StatusOK, Message: "unreadable batch answer: " + err.Error(), Transient: true, Ambiguous: true}
	}
	for i, a := range answers {
		out[i] = c.batchResult(ops[i], a, tok)
	}
	return nil
}

// batchItem encodes op, with its own token and proof when it has one.
func (c *Client) batchItem(op BatchOp) map[string]string {
	method := strings.ToUpper(op.Method)
	if method == "" {
		method = http.MethodGet
	}
	rel := strings.TrimPrefix(op.RelativeURL, "/")
	body := url.Values{}
	for k, vs := range op.Body {
		body[k] = append([]string(nil), vs...)
	}
	if !op.Token.IsZero() {
		auth := url.Values{"access_token": {op.Token.Reveal()}}
		if !c.cfg.AppSecret.IsZero() {
			auth.Set("appsecret_proof", AppSecretProof(op.Token, c.cfg.AppSecret))
		}
		if isWrite(method) && method != http.MethodDelete {
			for k, vs := range auth {
				body[k] = vs
			}
		} else {
			sep := "?"
			if strings.Contains(rel, "?") {
				sep = "&"
			}
			rel += sep + auth.Encode()
		}
	}
	item := map[string]string{"method": method, "relative_url": rel}
	if len(body) > 0 {
		item["body"] = body.Encode()
	}
	return item
}

// batchResult turns one answer into a result. batchTok is the batch's own
// token: an operation without one ran with it, and Facebook may quote
// either in the operation's error.
func (c *Client) batchResult(op BatchOp, a *batchAnswer, batchTok Token) BatchResult {
	write := isWrite(op.Method)
	if a == nil {
		return BatchResult{Err: &Error{Message: "Facebook gave no answer for this batch operation (it timed out)",
			Transient: true, Ambiguous: write}}
	}
	r := BatchResult{Code: a.Code, Body: a.Body}
	fe, isErr := decodeError(a.Body)
	switch {
	case isErr:
		usage, _ := ParseUsage(a.Headers, c.cfg.Now())
		c.finishError(fe, a.Code, write, usage, c.scrubberFor(op.Body, op.Token, batchTok))
		r.Err = fe
	case a.Code != http.StatusOK:
		r.Err = &Error{HTTPStatus: a.Code, Transient: a.Code >= 500, Ambiguous: write && a.Code >= 500,
			Message: fmt.Sprintf("batch operation answered HTTP %d", a.Code)}
	}
	return r
}

// batchAnswer is one item of a batch answer.
type batchAnswer struct {
	Code    int
	Headers http.Header
	Body    json.RawMessage // JSON, unquoted from the string Facebook sends
}

// decodeBatch reads a batch answer: an array, in request order, of null
// (the item timed out) or {"code","headers":[{"name","value"}],"body"},
// where body is JSON inside a string (a bare JSON body is taken too).
func decodeBatch(data []byte) ([]*batchAnswer, error) {
	var raw []*struct {
		Code    int `json:"code"`
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode batch answer: %w", err)
	}
	out := make([]*batchAnswer, len(raw))
	for i, r := range raw {
		if r == nil {
			continue
		}
		a := &batchAnswer{Code: r.Code, Headers: http.Header{}}
		for _, h := range r.Headers {
			if h.Name != "" {
				a.Headers.Add(h.Name, h.Value)
			}
		}
		body := bytes.TrimSpace(r.Body)
		switch {
		case len(body) == 0 || bytes.Equal(body, []byte("null")):
		case isJSONString(body):
			var s string
			if err := json.Unmarshal(body, &s); err != nil {
				return nil, fmt.Errorf("decode batch answer %d: %w", i, err)
			}
			if s != "" && !json.Valid([]byte(s)) {
				return nil, fmt.Errorf("decode batch answer %d: body is not JSON", i)
			}
			a.Body = json.RawMessage(s)
		default:
			a.Body = append(json.RawMessage(nil), body...)
		}
		out[i] = a
	}
	return out, nil
}

func isWrite(method string) bool {
	m := strings.ToUpper(method)
	return m != "" && m != http.MethodGet && m != http.MethodHead
}
