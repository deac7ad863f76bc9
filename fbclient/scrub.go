package fbclient

import (
	"net/url"
	"slices"
	"strings"
)

// secretParams are the request parameters whose values are secrets.
// Facebook sometimes echoes one in an error message ("Malformed access
// token EAAB…"), and error messages reach the window, the terminal and the
// login page in the browser, so every error built from an answer is
// scrubbed of them first.
var secretParams = [...]string{
	"access_token", "appsecret_proof", "client_secret", "code",
	"code_verifier", "fb_exchange_token", "input_token",
}

// minSecretLen is the length below which a value is not scrubbed: no token,
// code or secret Facebook issues is that short, and blanking a short value
// would blank ordinary words of the message too.
const minSecretLen = 8

// scrubber replaces every secret one request carried with [redacted].
type scrubber struct{ r *strings.Replacer }

// scrubberFor collects the secrets of q's secret parameters, the extra
// tokens and the app secret, raw and URL-encoded.
func (c *Client) scrubberFor(q url.Values, extra ...Token) scrubber {
	var secrets []string
	add := func(s string) {
		if len(s) >= minSecretLen {
			secrets = append(secrets, s, url.QueryEscape(s))
		}
	}
	for _, k := range secretParams {
		for _, v := range q[k] {
			add(v)
		}
	}
	for _, t := range extra {
		add(t.Reveal())
	}
	add(c.cfg.AppSecret.Reveal())
	// Longest first: at each position strings.Replacer takes the first pair
	// that matches, and a secret may contain another (APPID|SECRET).
	slices.SortFunc(secrets, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	secrets = slices.Compact(secrets)
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, redacted)
	}
	return scrubber{strings.NewReplacer(pairs...)}
}

// text returns s without any of the secrets.
func (s scrubber) text(v string) string { return s.r.Replace(v) }

// graphError scrubs every text field of a Graph error in place.
func (s scrubber) graphError(e *Error) {
	if e == nil {
		return
	}
	for _, f := range []*string{&e.Message, &e.UserTitle, &e.UserMessage, &e.Type, &e.FBTraceID, &e.reason} {
		*f = s.text(*f)
	}
}

// oauthError scrubs every text field of an OAuth endpoint's error in place.
func (s scrubber) oauthError(e *oauthFailure) {
	for _, f := range []*string{&e.Message, &e.Type, &e.FBTraceID} {
		*f = s.text(*f)
	}
}
