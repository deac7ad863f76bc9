package fakefb

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// MaxBatch is the most operations one batch request may carry.
const MaxBatch = 50

type batchItem struct {
	Method      string `json:"method"`
	RelativeURL string `json:"relative_url"`
	Body        string `json:"body"`
	Name        string `json:"name"`
}

type batchHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type batchAnswer struct {
	Code    int           `json:"code"`
	Headers []batchHeader `json:"headers,omitempty"`
	Body    string        `json:"body"` // JSON as a string, as Facebook sends it
}

// serveBatch answers POST / with batch=[…]: each item is a call of its own
// (own token, own result, own error); an item that timed out is null.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, top call) {
	var items []batchItem
	if err := json.Unmarshal([]byte(top.params.Get("batch")), &items); err != nil {
		s.writeReply(w, oauthErr(100, "(#100) The parameter batch must be a JSON array of requests"))
		return
	}
	if len(items) > MaxBatch {
		s.writeReply(w, errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "GraphBatchException",
			Message: "Too many requests in batch message. Maximum batch size is 50"}))
		return
	}
	// A batch needs its own access_token even when every item carries
	// one: the items' fall back to it
	// (https://developers.facebook.com/docs/graph-api/batch-requests).
	if top.token == "" && !s.batchWithoutToken() {
		s.writeReply(w, oauthErr(104, "An access token is required to request this resource."))
		return
	}
	var topAuth auth
	if top.token != "" {
		a, rep, ok := s.authorize(top)
		if !ok {
			s.writeReply(w, rep)
			return
		}
		topAuth = a
	}
	withHeaders := top.params.Get("include_headers") != "false"
	answers := make([]*batchAnswer, len(items))
	wrote := false
	for i, it := range items {
		c, ok := itemCall(it, top)
		if !ok {
			answers[i] = &batchAnswer{Code: http.StatusBadRequest, Body: oauthErr(100, "(#100) Invalid relative_url").bodyString()}
			continue
		}
		rep := s.echoItemToken(s.handleCall(c, true), c.token)
		wrote = wrote || rep.write
		if rep.hang {
			continue // null: Facebook gave up on this item
		}
		ans := &batchAnswer{Code: rep.status, Body: rep.bodyString()}
		if withHeaders {
			ans.Headers = headerList(rep)
		}
		answers[i] = ans
	}
	if wrote && s.takeDrop() {
		dropConnection(w)
		return
	}
	out := okReply(answers)
	if top.token != "" {
		s.addUsageHeaders(&out, topAuth)
	}
	w.Header().Set("Facebook-Api-Version", top.version)
	s.writeReply(w, out)
}

// echoItemToken makes an item's error quote the token the item ran with —
// its own or the batch's — when EchoTokenInErrors is on: a client must
// scrub a batch's own token from item errors too.
func (s *Server) echoItemToken(rep reply, token string) reply {
	body, ok := rep.body.(map[string]any)
	if !ok {
		return rep
	}
	eb, ok := body["error"].(ErrorBody)
	if !ok || strings.Contains(eb.Message, token) {
		return rep
	}
	rep.body = map[string]any{"error": s.echo(eb, "access_token", token)}
	return rep
}

// itemCall turns a batch item into a call. An item without its own token
// uses the batch's, with the batch's appsecret_proof.
func itemCall(it batchItem, top call) (call, bool) {
	u, err := url.Parse(strings.TrimPrefix(it.RelativeURL, "/"))
	if err != nil || it.RelativeURL == "" {
		return call{}, false
	}
	version, p := pathVersion("/" + u.Path)
	if version == "" {
		version = top.version
	}
	params := u.Query()
	body, err := url.ParseQuery(it.Body)
	if err != nil {
		return call{}, false
	}
	for k, vs := range body {
		params[k] = append(params[k], vs...)
	}
	c := call{method: strings.ToUpper(it.Method), path: p, params: params, version: version,
		token: params.Get("access_token"), proof: params.Get("appsecret_proof")}
	params.Del("access_token")
	params.Del("appsecret_proof")
	if c.method == "" {
		c.method = http.MethodGet
	}
	if c.token == "" {
		c.token, c.proof = top.token, top.proof
	}
	return c, true
}

func headerList(rep reply) []batchHeader {
	out := []batchHeader{{Name: "Content-Type", Value: "text/javascript; charset=UTF-8"}}
	names := make([]string, 0, len(rep.header))
	for k := range rep.header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, batchHeader{Name: k, Value: rep.header.Get(k)})
	}
	return out
}
