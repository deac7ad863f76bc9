package relay

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// graphFaults sits between the client and fakefb and plays what fakefb has
// no switch for: a whole batch request refused (nothing applied) or failed
// after Facebook applied it, and looks at a Page's posts refused. It also
// counts every Graph call each Page's shares cost (looks, batch items), to
// catch request storms. A real HTTP answer, as the client would get it.
type graphFaults struct {
	next http.RoundTripper

	mu      sync.Mutex
	batches map[int]batchFault // batch request number, counted from 1 → its fault
	seen    int                // batch requests so far
	refuse  int                // looks still to refuse; negative: all
	looks   map[string]int     // Page ID → looks for an earlier post
	posts   map[string]int     // Page ID → link posts sent in batches
	// identical counts the posts fakefb refused as identical to the Page's
	// previous post (#506): each is a second POST of one share, which
	// Facebook does not reliably refuse, so the fault test counts it as a
	// duplicate instead of letting the refusal hide it (#506 refuses only a
	// post identical to the one just before it:
	// https://developers.facebook.com/docs/graph-api/guides/error-handling).
	identical int
	debugs    int // debug_token calls
}

// batchFault is what one batch request meets.
type batchFault struct {
	status  int
	body    string
	applied bool // Facebook applied the request, then the answer was an error
}

var (
	// refusedRateLimit is #4 on the whole request: nothing was applied.
	refusedRateLimit = batchFault{status: http.StatusForbidden,
		body: `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"is_transient":true}}`}
	// refusedInvalid is #100 on the whole request: nothing was applied.
	refusedInvalid = batchFault{status: http.StatusBadRequest,
		body: `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}`}
	// refusedToken is #190 on the whole request: the batch's own token was
	// refused (here while debug_token finds it valid), nothing was applied.
	refusedToken = batchFault{status: http.StatusBadRequest,
		body: `{"error":{"message":"Error validating access token: The session has been invalidated","type":"OAuthException","code":190,"error_subcode":467}}`}
	// failedAfterApply is a 500 from a proxy after Facebook applied the writes.
	failedAfterApply = batchFault{status: http.StatusInternalServerError, applied: true,
		body: `<html><body>500 Internal Server Error</body></html>`}
	// refusedLook is Facebook refusing the look itself, as for a field
	// removed in this version.
	refusedLook = `{"error":{"message":"(#12) link field is deprecated for versions v3.3 and higher","type":"OAuthException","code":12}}`
)

func newGraphFaults() *graphFaults {
	return &graphFaults{next: &http.Transport{MaxIdleConnsPerHost: 16}, batches: map[int]batchFault{},
		looks: map[string]int{}, posts: map[string]int{}}
}

// failBatch makes the n-th batch request from now meet f.
func (g *graphFaults) failBatch(n int, f batchFault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.batches[g.seen+n] = f
}

// refuseLooks refuses the next n looks for an earlier post; -1: all.
func (g *graphFaults) refuseLooks(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refuse = n
}

// callsOf is how many Graph calls the shares to pageID have cost.
func (g *graphFaults) callsOf(pageID string) (looks, posts int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.looks[pageID], g.posts[pageID]
}

func (g *graphFaults) RoundTrip(req *http.Request) (*http.Response, error) {
	if page, ok := lookedAtPage(req); ok {
		g.mu.Lock()
		g.looks[page]++
		refuse := g.refuse != 0
		if g.refuse > 0 {
			g.refuse--
		}
		g.mu.Unlock()
		if refuse {
			return answer(req, http.StatusBadRequest, refusedLook), nil
		}
		return g.next.RoundTrip(req)
	}
	if strings.HasSuffix(req.URL.Path, "/debug_token") {
		g.mu.Lock()
		g.debugs++
		g.mu.Unlock()
		return g.next.RoundTrip(req)
	}
	pages, ok := batchPosts(req)
	if !ok {
		return g.next.RoundTrip(req)
	}
	g.mu.Lock()
	g.seen++
	f, fail := g.batches[g.seen]
	for _, p := range pages {
		g.posts[p]++
	}
	g.mu.Unlock()
	if fail && !f.applied {
		return answer(req, f.status, f.body), nil
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	g.countIdentical(raw)
	if fail {
		return answer(req, f.status, f.body), nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp, nil
}

// countIdentical counts the items of a batch answer refused as identical
// to the Page's previous post (#506).
func (g *graphFaults) countIdentical(raw []byte) {
	var items []*struct {
		Body string `json:"body"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return
	}
	for _, it := range items {
		var body struct {
			Error *struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		if it != nil && json.Unmarshal([]byte(it.Body), &body) == nil && body.Error != nil && body.Error.Code == 506 {
			g.mu.Lock()
			g.identical++
			g.mu.Unlock()
		}
	}
}

// graphCalls is what the whole schedule cost beyond the looks and posts of
// each Page: identical posts refused, and debug_token calls.
func (g *graphFaults) graphCalls() (identical, debugs int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.identical, g.debugs
}

// lookedAtPage reports whether req reads a Page's posts, and which Page.
func lookedAtPage(req *http.Request) (string, bool) {
	if req.Method != http.MethodGet {
		return "", false
	}
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	if len(parts) < 2 {
		return "", false
	}
	switch parts[len(parts)-1] {
	case "feed", "posts", "published_posts":
		return parts[len(parts)-2], true
	}
	return "", false
}

// batchPosts reports whether req is a batch request, and the Pages its
// link posts go to. The body is put back for the next transport.
func batchPosts(req *http.Request) ([]string, bool) {
	if req.Method != http.MethodPost || req.Body == nil {
		return nil, false
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil || !form.Has("batch") {
		return nil, false
	}
	var items []struct {
		Method      string `json:"method"`
		RelativeURL string `json:"relative_url"`
	}
	if json.Unmarshal([]byte(form.Get("batch")), &items) != nil {
		return nil, false
	}
	var pages []string
	for _, it := range items {
		if page, ok := strings.CutSuffix(strings.SplitN(it.RelativeURL, "?", 2)[0], "/feed"); ok && it.Method == http.MethodPost {
			pages = append(pages, page)
		}
	}
	return pages, true
}

func answer(req *http.Request, status int, body string) *http.Response {
	ct := "application/json"
	if strings.HasPrefix(body, "<") {
		ct = "text/html"
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{"Content-Type": {ct}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}
