package fakefb

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultVersion is the Graph API version the fake answers as when a path
// carries none.
const DefaultVersion = "v27.0"

// graphState holds the Graph API side's data: posts, live videos, switches.
// Every field is guarded by Server.mu except done/inflight.
type graphState struct {
	done      chan struct{} // closed by Close: ends sleeping and hanging handlers
	closeOnce sync.Once
	inflight  sync.WaitGroup // Graph handlers still running
	// entry orders each handler's inflight.Add before Close's Wait (an Add
	// from zero racing a Wait is a data race); closed refuses new handlers.
	entry  sync.Mutex
	closed bool

	latency              time.Duration
	faults               []FailKind
	dropWrites           int
	refuseLive           bool
	refuseProfileLive    bool
	refuseProfileVideos  bool
	allowProfileLive     bool // leniency: /{user}/live_videos answers as older versions did
	badCrosspostOptions  int  // the next n crossposting_actions answer -1/1363103
	bareCrosspostAnswer  bool // AnswerCrosspostsWithoutBroadcasts
	emptyPages           bool
	maxPageSize          int
	pageUsageHeader      bool
	echoSecrets          bool
	deprecatedPostFields bool // AllowDeprecatedPostFields: serve link & co. instead of (#12)
	batchNoToken         bool // AcceptBatchWithoutToken
	limits               RateLimits
	appCalls             map[string][]time.Time // app ID → call times in the window
	pageCalls            map[string][]time.Time // Page ID → call times in the window
	platformCalls        map[string][]time.Time // app ID → user- and app-token call times in the hour
	requests             []RequestRecord

	posts      map[string][]*Post         // Page ID → posts, oldest first
	lives      map[string]*liveVideo      // live video ID → video
	liveOrder  []string                   // live video IDs, oldest first
	partners   partnerMap                 // Page → crossposting partners (both agreed)
	handshakes map[string]map[string]bool // Page → Pages it asked to partner with → its allow_live
	pageTokens map[string]string          // app|user|page → Page token handed out
}

// registerGraph adds the Graph API's handlers to s.mux. The Graph side is a
// catch-all: Login's more specific patterns (dialog, oauth) win over it.
func (s *Server) registerGraph() {
	s.graph = graphState{
		done:          make(chan struct{}),
		limits:        DefaultRateLimits,
		appCalls:      map[string][]time.Time{},
		pageCalls:     map[string][]time.Time{},
		platformCalls: map[string][]time.Time{},
		posts:         map[string][]*Post{},
		lives:         map[string]*liveVideo{},
		partners:      partnerMap{},
		handshakes:    map[string]map[string]bool{},
		pageTokens:    map[string]string{},
	}
	s.mux.HandleFunc("/", s.serveGraph)
	s.mux.HandleFunc("GET /sharer/sharer.php", s.serveSharer)
}

// stopGraph wakes every handler that sleeps or hangs, so Close can wait for them.
func (s *Server) stopGraph() {
	s.graph.entry.Lock()
	s.graph.closed = true
	s.graph.entry.Unlock()
	s.graph.closeOnce.Do(func() { close(s.graph.done) })
}

// enterGraph counts a handler in, unless the fake is closing.
func (s *Server) enterGraph() bool {
	s.graph.entry.Lock()
	defer s.graph.entry.Unlock()
	if s.graph.closed {
		return false
	}
	s.graph.inflight.Add(1)
	return true
}

// call is one Graph API call: a plain request or one item of a batch.
type call struct {
	method  string
	path    string // without version, e.g. "/me/accounts"
	params  url.Values
	token   string
	proof   string
	version string
}

// reply is the answer to one call.
type reply struct {
	status int
	body   any // marshalled to JSON
	raw    string
	header http.Header
	write  bool // the call changed something
	hang   bool // answer nothing (a timeout)
}

func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	if !s.enterGraph() {
		http.Error(w, "fakefb is closing", http.StatusServiceUnavailable)
		return
	}
	defer s.graph.inflight.Done()
	version, p := pathVersion(r.URL.Path)
	if version == "" {
		version = DefaultVersion
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	if err := r.ParseForm(); err != nil {
		s.writeReply(w, errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "GraphMethodException", Message: "Invalid request body."}))
		return
	}
	s.logRequest(r.Method, p, len(r.Form.Get("batch")) > 0)
	if !s.sleep(r.Context(), s.latencyNow()) {
		return
	}
	params := cloneValues(r.Form)
	token := params.Get("access_token")
	params.Del("access_token")
	if token == "" {
		token = bearer(r.Header.Get("Authorization"))
	}
	proof := params.Get("appsecret_proof")
	params.Del("appsecret_proof")
	c := call{method: r.Method, path: p, params: params, token: token, proof: proof, version: version}

	if c.method == http.MethodPost && (c.path == "/" || c.path == "") && params.Has("batch") {
		s.serveBatch(w, r, c)
		return
	}
	rep := s.handleCall(c, false)
	if rep.hang {
		s.hang(r.Context())
		return
	}
	if rep.write && s.takeDrop() {
		dropConnection(w)
		return
	}
	w.Header().Set("Facebook-Api-Version", version)
	s.writeReply(w, rep)
}

// handleCall authorizes, meters and routes one call.
func (s *Server) handleCall(c call, inBatch bool) reply {
	a, rep, ok := s.authorize(c)
	if !ok {
		return rep
	}
	if fault, ok := s.takeFault(); ok {
		if fault != FailTimeout {
			return s.faultReply(fault, a)
		}
		if !inBatch {
			return reply{hang: true}
		}
		// A batch item that timed out may still have landed: apply it, answer null.
		rep := s.route(c, a)
		rep.hang = true
		return rep
	}
	if rep, limited := s.meter(a); limited {
		return rep
	}
	rep = s.route(c, a)
	s.addUsageHeaders(&rep, a)
	return rep
}

// route sends a call to the handler of its path.
func (s *Server) route(c call, a auth) reply {
	segs := strings.Split(strings.Trim(c.path, "/"), "/")
	if len(segs) == 1 && segs[0] == "" {
		return unsupported(c)
	}
	id := segs[0]
	if id == "me" {
		id = a.meID()
	}
	id = s.resolveUsername(id)
	switch {
	case len(segs) == 1 && id == "debug_token" && c.method == http.MethodGet:
		return s.debugToken(c, a)
	case len(segs) == 1 && c.method == http.MethodGet:
		return s.getObject(c, a, id)
	case len(segs) == 1 && c.method == http.MethodPost:
		return s.postObject(c, a, id)
	case len(segs) >= 2 && segs[1] == "permissions":
		return s.permissions(c, a, id, segs[2:])
	case len(segs) != 2:
		return unsupported(c)
	}
	edge := segs[1]
	switch {
	case edge == "accounts" && c.method == http.MethodGet:
		return s.accounts(c, a, id)
	case edge == "live_videos" && c.method == http.MethodGet:
		return s.liveVideosEdge(c, a, id, segs[0] == "me")
	case edge == "videos" && c.method == http.MethodGet:
		return s.videosEdge(c, a, id)
	case edge == "feed" && c.method == http.MethodGet:
		return s.readFeed(c, a, id, false)
	case (edge == "posts" || edge == "published_posts") && c.method == http.MethodGet:
		return s.readFeed(c, a, id, true)
	case edge == "feed" && c.method == http.MethodPost:
		return s.postFeed(c, a, id)
	case edge == "crosspost_whitelisted_pages" && c.method == http.MethodGet:
		return s.crosspostPartners(c, a, id)
	}
	return unsupported(c)
}

// resolveUsername turns a Page's username into its ID, as the Graph API
// does for /{username}; Facebook compares usernames without case. Anything
// else comes back unchanged.
func (s *Server) resolveUsername(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pages[id]; ok {
		return id
	}
	for _, p := range s.pages {
		if p.Username != "" && strings.EqualFold(p.Username, id) {
			return p.ID
		}
	}
	return id
}

// writeReply sends rep as Facebook would: JSON, with its headers.
func (s *Server) writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.raw != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rep.status)
		_, _ = w.Write([]byte(rep.raw))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(rep.status)
	_ = json.NewEncoder(w).Encode(rep.body)
}

// bodyString is rep's body as the text Facebook would send.
func (rep reply) bodyString() string {
	if rep.raw != "" {
		return rep.raw
	}
	b, err := json.Marshal(rep.body)
	if err != nil {
		return `{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`
	}
	return string(b)
}

func okReply(body any) reply { return reply{status: http.StatusOK, body: body} }

func errReply(status int, eb ErrorBody) reply {
	if eb.FBTraceID == "" {
		eb.FBTraceID = "A" + randomHex(20)
	}
	return reply{status: status, body: map[string]any{"error": eb}}
}

// oauthErr answers a token or permission problem the way Graph does.
func oauthErr(code int, msg string) reply {
	return errReply(http.StatusBadRequest, ErrorBody{Code: code, Type: "OAuthException", Message: msg})
}

func unsupported(c call) reply {
	return errReply(http.StatusBadRequest, ErrorBody{Code: 100, ErrorSubcode: 33, Type: "GraphMethodException",
		Message: "Unsupported " + strings.ToLower(c.method) + " request. Object with ID '" + strings.Trim(c.path, "/") +
			"' does not exist, cannot be loaded due to missing permissions, or does not support this operation."})
}

// sleep waits d unless the request or the server ends first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.graph.done:
	}
	return false
}

// hang answers nothing until the client gives up or the server closes.
func (s *Server) hang(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.graph.done:
	}
}

// dropConnection closes the connection without a word: the client cannot
// tell whether its request was applied.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fakefb: response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func bearer(h string) string {
	for _, p := range []string{"Bearer ", "OAuth "} {
		if strings.HasPrefix(h, p) {
			return strings.TrimSpace(h[len(p):])
		}
	}
	return ""
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// serveSharer stands in for Facebook's share dialog, so --demo's assisted
// share opens something.
func (s *Server) serveSharer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	u := r.URL.Query().Get("u")
	_, _ = w.Write([]byte("<!doctype html><title>Share (fake Facebook)</title><p>Fake Facebook share dialog for <code>" +
		htmlEscape(u) + "</code>. Pick a group on the real Facebook.</p>"))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
