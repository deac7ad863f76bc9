package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
//
// It keeps wall time and goroutine scheduling out of every outcome (a
// fault test that passed or failed with the machine's load found
// duplicates no real run makes):
//   - a batch request, once sent, is answered by the fake before the
//     client hears anything, even when the engine gives up meanwhile
//     (stopped, as a crash): whether its posts landed is settled before
//     the next engine looks for them. Unsettled, the fake applied an
//     abandoned batch whenever the scheduler ran its handler, sometimes
//     between the new engine's looks, which then missed posts and sent
//     them again; a restarted LiveRoute looks seconds after a crash, not
//     the microseconds the test takes;
//   - timeouts are injected here (timeoutNext), with fakefb's FailTimeout
//     meaning, instead of by a wall-clock HTTP timeout that a slow
//     machine also hits on ordinary requests.
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
	debugs    int          // debug_token calls
	timeouts  int          // Graph calls still to time out (timeoutNext)
	crash     *crashPoints // nil: no crashes
	// trace is every look and batch request in order, with what it met:
	// printed when a schedule ends with a duplicate.
	trace []string
	// beforeBatch, when set, runs before each batch request goes to the
	// fake: a test holds a batch there to stop the engine mid-request.
	beforeBatch func(ctx context.Context)
}

// note adds one line to the trace.
func (g *graphFaults) note(format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.trace = append(g.trace, fmt.Sprintf("%d ", len(g.trace)+1)+fmt.Sprintf(format, args...))
}

func (g *graphFaults) traceLines() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.trace...)
}

// timeoutNext makes the next n Graph calls time out, as fakefb's
// FailTimeout does but without waiting on the wall clock: a plain request
// is not applied and the client gets a timeout; a batch item is applied
// and answered null (each item is a call; the batch request is not).
// An item that timed out may have landed:
// https://developers.facebook.com/docs/graph-api/batch-requests/
func (g *graphFaults) timeoutNext(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.timeouts += n
}

// takeTimeouts takes up to n of the timeouts still to inject.
func (g *graphFaults) takeTimeouts(n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := min(n, g.timeouts)
	g.timeouts -= k
	return k
}

// errInjectedTimeout is what the client gets for a call timeoutNext times out.
var errInjectedTimeout error = injectedTimeout{}

type injectedTimeout struct{}

func (injectedTimeout) Error() string   { return "graph call timed out (injected)" }
func (injectedTimeout) Timeout() bool   { return true }
func (injectedTimeout) Temporary() bool { return true }

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
	pages, isBatch := batchPosts(req)
	what := req.Method + " " + req.URL.Path
	if isBatch {
		what = fmt.Sprintf("batch of posts to %v", pages)
	}
	proceed, crashedHere := g.crash.step(what, isBatch)
	if !proceed {
		return nil, context.Canceled // the process is dead: nothing leaves it
	}
	if crashedHere {
		return g.sendAndDie(req)
	}
	if !isBatch && g.takeTimeouts(1) > 0 {
		g.note("%s %s timed out", req.Method, req.URL.Path)
		return nil, errInjectedTimeout
	}
	if page, ok := lookedAtPage(req); ok {
		g.mu.Lock()
		g.looks[page]++
		refuse := g.refuse != 0
		if g.refuse > 0 {
			g.refuse--
		}
		g.mu.Unlock()
		if refuse {
			g.note("look on %s refused", page)
			return answer(req, http.StatusBadRequest, refusedLook), nil
		}
		resp, err := g.next.RoundTrip(req)
		if err != nil {
			g.note("look on %s: %v", page, err)
		} else {
			g.note("look on %s: HTTP %d", page, resp.StatusCode)
		}
		return resp, err
	}
	if strings.HasSuffix(req.URL.Path, "/debug_token") {
		g.mu.Lock()
		g.debugs++
		g.mu.Unlock()
		return g.next.RoundTrip(req)
	}
	if !isBatch {
		return g.next.RoundTrip(req)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err // the engine stopped before sending it
	}
	g.mu.Lock()
	g.seen++
	f, fail := g.batches[g.seen]
	for _, p := range pages {
		g.posts[p]++
	}
	n := g.seen
	g.mu.Unlock()
	g.note("batch %d of posts to %v (fault %v)", n, pages, fail)
	if fail && !f.applied {
		return answer(req, f.status, f.body), nil
	}
	if g.beforeBatch != nil {
		g.beforeBatch(req.Context())
	}
	resp, raw, err := g.sendSettled(req)
	if err != nil {
		return nil, err
	}
	g.countIdentical(raw)
	g.note("batch %d: HTTP %d %.200s", n, resp.StatusCode, raw)
	if ctxErr := req.Context().Err(); ctxErr != nil {
		g.note("batch %d: the engine had stopped; it hears nothing", n)
		return nil, ctxErr // the engine stopped meanwhile: it hears nothing
	}
	if fail {
		return answer(req, f.status, f.body), nil
	}
	raw = nullItems(raw, g.takeTimeouts(len(pages)))
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	resp.ContentLength = int64(len(raw))
	return resp, nil
}

// sendAndDie sends the request the engine crashed just after sending: it
// reaches Facebook, and its answer reaches no one.
func (g *graphFaults) sendAndDie(req *http.Request) (*http.Response, error) {
	if pages, ok := batchPosts(req); ok {
		g.mu.Lock()
		g.seen++
		for _, p := range pages {
			g.posts[p]++
		}
		g.mu.Unlock()
	}
	_, raw, err := g.sendSettled(req)
	if err == nil {
		g.countIdentical(raw)
	}
	g.note("%s %s reached the fake as the engine crashed", req.Method, req.URL.Path)
	return nil, context.Canceled
}

// sendSettled sends a write to the fake and reads the whole answer, whether
// or not the engine gives up meanwhile: only the answer tells that the fake
// is done with the request (see graphFaults).
func (g *graphFaults) sendSettled(req *http.Request) (*http.Response, []byte, error) {
	resp, err := g.next.RoundTrip(req.Clone(context.WithoutCancel(req.Context())))
	if err != nil {
		return nil, nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	return resp, raw, nil
}

// nullItems answers the first n items of a batch answer null, as Facebook
// answers items that timed out (they were applied all the same).
func nullItems(raw []byte, n int) []byte {
	if n == 0 {
		return raw
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return raw
	}
	for i := 0; i < n && i < len(items); i++ {
		items[i] = json.RawMessage("null")
	}
	out, err := json.Marshal(items)
	if err != nil {
		return raw
	}
	return out
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
