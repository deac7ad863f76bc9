package remote

import (
	"context"
	"encoding/json"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
)

// connectRequest is service.ConnectRequest on the wire: the secret as a
// plain string (an fbclient.Token prints as [redacted] in JSON; it travels
// only inside the user-only socket), and in place of the callbacks which
// of them the window set. The agent calls them back over the session: the
// login's loopback listener runs in the agent, the person answers in the
// window.
type connectRequest struct {
	AppID, ConfigID string
	Secret          string
	Transport       string
	RelayURL        string
	Rerequest       bool
	Port            int
	PKCE            bool

	Paste, Progress, OnLoginURL bool
}

func wireConnectRequest(req service.ConnectRequest) connectRequest {
	return connectRequest{AppID: req.AppID, ConfigID: req.ConfigID, Secret: req.Secret.Reveal(),
		Transport: req.Transport, RelayURL: req.RelayURL, Rerequest: req.Rerequest, Port: req.Port, PKCE: req.PKCE,
		Paste: req.Paste != nil, Progress: req.Progress != nil, OnLoginURL: req.OnLoginURL != nil}
}

// request is the request without its callbacks.
func (w connectRequest) request() service.ConnectRequest {
	return service.ConnectRequest{AppID: w.AppID, ConfigID: w.ConfigID, Secret: fbclient.Token(w.Secret),
		Transport: w.Transport, RelayURL: w.RelayURL, Rerequest: w.Rerequest, Port: w.Port, PKCE: w.PKCE}
}

// The callbacks of a Connect, by name on the wire.
const (
	callbackProgress = "progress"
	callbackLoginURL = "login_url"
	callbackPaste    = "paste"
)

type loginURLArgs struct{ LoginURL, URLBlockedHint string }

type pasteArgs struct {
	LoginURL string
	Problem  *wireError // why the last paste was refused; nil the first time
}

// connect runs the agent's Connect with callbacks that reach the window.
func (ss *session) connect(ctx context.Context, m message) (any, error) {
	var w connectRequest
	if err := decodeArgs(m, &w); err != nil {
		return nil, err
	}
	req := w.request()
	if w.Progress {
		req.Progress = func(step fbclient.LoginStep) {
			_, _ = ss.callBack(ctx, m.ID, callbackProgress, step, false)
		}
	}
	if w.OnLoginURL {
		req.OnLoginURL = func(loginURL, hint string) {
			_, _ = ss.callBack(ctx, m.ID, callbackLoginURL, loginURLArgs{loginURL, hint}, false)
		}
	}
	if w.Paste {
		req.Paste = func(ctx context.Context, loginURL string, problem error) (string, error) {
			answer, err := ss.callBack(ctx, m.ID, callbackPaste, pasteArgs{loginURL, encodeError(problem)}, true)
			if err != nil {
				return "", err
			}
			var address string
			if err := answer.Err.decode(); err != nil {
				return "", err
			}
			if err := json.Unmarshal(answer.Body, &address); err != nil {
				return "", errVersion
			}
			return address, nil
		}
	}
	return ss.api.Connect(ctx, req)
}

// Connect logs in through the agent, which listens for Facebook's answer
// and opens the browser; req's callbacks run in this process, in order,
// and all of them before Connect returns. Cancelling ctx cancels the
// login in the agent.
func (c *Client) Connect(ctx context.Context, req service.ConnectRequest) (account.Result, error) {
	var res account.Result
	err := c.do(ctx, "Connect", wireConnectRequest(req), &res, func(ctx context.Context, cb message) func() {
		return c.connectCallback(ctx, req, cb)
	})
	return res, err
}

// connectCallback is the work for one callback of a Connect.
func (c *Client) connectCallback(ctx context.Context, req service.ConnectRequest, cb message) func() {
	switch cb.Method {
	case callbackProgress:
		var step fbclient.LoginStep
		if req.Progress == nil || json.Unmarshal(cb.Body, &step) != nil {
			return nil
		}
		return func() { req.Progress(step) }
	case callbackLoginURL:
		var args loginURLArgs
		if req.OnLoginURL == nil || json.Unmarshal(cb.Body, &args) != nil {
			return nil
		}
		return func() { req.OnLoginURL(args.LoginURL, args.URLBlockedHint) }
	case callbackPaste:
		var args pasteArgs
		if req.Paste == nil || json.Unmarshal(cb.Body, &args) != nil {
			return nil
		}
		return func() {
			address, err := req.Paste(ctx, args.LoginURL, args.Problem.decode())
			answer := message{Kind: kindAnswer, ID: cb.ID, Seq: cb.Seq, Err: encodeError(err)}
			if err == nil {
				answer.Body = mustJSON(address)
			}
			_ = c.wire.send(answer)
		}
	}
	return nil
}
