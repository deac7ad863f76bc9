package fakefb

import (
	"net/http"
	"time"
)

// FailKind is a fault FailNext injects.
type FailKind int

// Faults the real Graph API shows.
const (
	// FailServerError answers HTTP 500 with an HTML page, not JSON, as a
	// load balancer in front of Graph does.
	FailServerError FailKind = iota + 1
	// FailTransient answers error code 2 with is_transient (HTTP 500).
	FailTransient
	// FailAppRateLimit answers code 4 with X-App-Usage at 100%.
	FailAppRateLimit
	// FailUserRateLimit answers code 17 (the person's limit across apps).
	FailUserRateLimit
	// FailPageRateLimit answers code 32 with X-Business-Use-Case-Usage at 100%.
	FailPageRateLimit
	// FailBusinessRateLimit answers code 80001 (Pages business use case).
	FailBusinessRateLimit
	// FailTimeout answers nothing: a plain request hangs until the client
	// gives up (the write is not applied); a batch item is applied and
	// answered null, as Facebook does for an item that timed out.
	FailTimeout
	// FailApplicationLimit answers code 341, "Application limit reached"
	// (temporary), with X-App-Usage at 100%.
	FailApplicationLimit
	// FailLinkPost answers code 1609005, "Error posting link": Facebook
	// could not scrape the link.
	FailLinkPost
	// FailDeprecated answers code 12, a field or edge removed in this version.
	FailDeprecated
	// FailInvalidCrossposting answers code -1 with subcode 1363103,
	// invalid crossposting parameters.
	FailInvalidCrossposting
)

// FaultRegainAfter is the estimated_time_to_regain_access an injected rate
// limit reports.
const FaultRegainAfter = 5 * time.Minute

// RequestRecord is one HTTP request the Graph side received. It holds no
// token: only the method and the path without version or query.
type RequestRecord struct {
	Method string
	Path   string
	Batch  bool // a batch request (POST / with batch=)
	At     time.Time
}

// SetLatency makes every Graph HTTP request wait d (wall time) before it is
// handled. A batch request waits once, not per item.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.latency = d
}

// FailNext makes the next n Graph calls fail with kind. Each batch item is
// a call; the batch request itself is not.
func (s *Server) FailNext(n int, kind FailKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.graph.faults = append(s.graph.faults, kind)
	}
}

// DropAfterWrite makes the next n HTTP requests that change something
// (a post, a crosspost, a batch with a write) apply the change and then close
// the connection without answering: the ambiguous failure.
func (s *Server) DropAfterWrite(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.dropWrites += n
}

// RevokePageRole removes userID's role on pageID, as another admin would.
// Later calls with a Page token of that user for that Page get 190/492, and
// the Page leaves the user's me/accounts.
func (s *Server) RevokePageRole(pageID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pages[pageID]; ok {
		delete(p.Roles, userID)
	}
}

// SetPageTasks replaces userID's tasks on pageID (e.g. without CREATE_CONTENT).
func (s *Server) SetPageTasks(pageID, userID string, tasks ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pages[pageID]; ok {
		p.Roles[userID] = append([]string(nil), tasks...)
	}
}

// RefuseLiveVideosEdge makes /{id}/live_videos refuse every source, Pages
// and profiles alike.
func (s *Server) RefuseLiveVideosEdge(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.refuseLive = refuse
}

// RefuseProfileLiveVideos makes /me/live_videos (and /{user-id}/live_videos)
// refuse, as Facebook's newest reference describes; Pages still answer.
func (s *Server) RefuseProfileLiveVideos(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.refuseProfileLive = refuse
}

// RefuseProfileVideos makes the fallback /{user}/videos edge refuse too.
func (s *Server) RefuseProfileVideos(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.refuseProfileVideos = refuse
}

// InsertEmptyPages makes every paginated list answer, after its first page,
// an empty page that still has paging.next before the data continues, as
// Facebook sometimes does.
func (s *Server) InsertEmptyPages(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.emptyPages = on
}

// AllowDeprecatedPostFields brings back the old leniency: Post's link (and
// caption, description, name, object_id, source, type) served on /feed
// and /posts instead of Facebook's (#12) refusal since v3.3. Only for
// tests of old behaviour; the default is Facebook's.
func (s *Server) AllowDeprecatedPostFields(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.deprecatedPostFields = on
}

// AcceptBatchWithoutToken brings back the old leniency: a batch request
// with no top-level access_token, its items each carrying their own.
// Facebook refuses it; only for tests of old behaviour.
func (s *Server) AcceptBatchWithoutToken(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.batchNoToken = on
}

func (s *Server) batchWithoutToken() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.graph.batchNoToken
}

// SetMaxPageSize caps the items per page of every list (0: Facebook's own
// limit of 100), so tests can paginate with a few items.
func (s *Server) SetMaxPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.maxPageSize = n
}

// SendPageUsage adds the X-Page-Usage header to answers to Page tokens;
// whether Facebook still sends it is unclear, so the fake can do both.
func (s *Server) SendPageUsage(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.pageUsageHeader = on
}

// EchoTokenInErrors makes every error about a secret the request carried
// quote it, as Facebook sometimes does ("Malformed access token EAAB…"):
// a bad access_token, input_token or fb_exchange_token, a wrong
// appsecret_proof or client_secret, a refused code or code_verifier, and
// the token a failed batch item ran with (its own or the batch's). The
// client must never show such a message unscrubbed.
func (s *Server) EchoTokenInErrors(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.echoSecrets = on
}

// RequestCount is how many HTTP requests the Graph side has received.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.graph.requests)
}

// Requests returns the Graph side's request log, oldest first.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestRecord(nil), s.graph.requests...)
}

func (s *Server) logRequest(method, path string, batch bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.requests = append(s.graph.requests, RequestRecord{Method: method, Path: path, Batch: batch, At: s.now()})
}

// echo quotes param's value in eb's message when EchoTokenInErrors is on.
func (s *Server) echo(eb ErrorBody, param, value string) ErrorBody {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.echoLocked(eb, param, value)
}

func (s *Server) echoLocked(eb ErrorBody, param, value string) ErrorBody {
	if s.graph.echoSecrets && value != "" {
		eb.Message += " [" + param + " " + value + "]"
	}
	return eb
}

func (s *Server) latencyNow() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.graph.latency
}

func (s *Server) takeFault() (FailKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.graph.faults) == 0 {
		return 0, false
	}
	k := s.graph.faults[0]
	s.graph.faults = s.graph.faults[1:]
	return k, true
}

func (s *Server) takeDrop() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.graph.dropWrites == 0 {
		return false
	}
	s.graph.dropWrites--
	return true
}

// faultReply is the answer an injected fault gives.
func (s *Server) faultReply(k FailKind, a auth) reply {
	regain := int(FaultRegainAfter / time.Minute)
	switch k {
	case FailServerError:
		return reply{status: http.StatusInternalServerError, raw: "<html><body><h1>500 Internal Server Error</h1></body></html>"}
	case FailTransient:
		return errReply(http.StatusInternalServerError, ErrorBody{Code: 2, Type: "OAuthException", IsTransient: true,
			Message: "An unexpected error has occurred. Please retry your request later."})
	case FailAppRateLimit:
		rep := errReply(http.StatusForbidden, ErrorBody{Code: 4, Type: "OAuthException", IsTransient: true,
			Message: "(#4) Application request limit reached"})
		rep.header = http.Header{}
		rep.header.Set("X-App-Usage", appUsageJSON(100))
		return rep
	case FailUserRateLimit:
		rep := errReply(http.StatusForbidden, ErrorBody{Code: 17, Type: "OAuthException", IsTransient: true,
			Message: "(#17) User request limit reached"})
		rep.header = http.Header{}
		rep.header.Set("X-App-Usage", appUsageJSON(100))
		return rep
	case FailApplicationLimit:
		rep := errReply(http.StatusForbidden, ErrorBody{Code: 341, Type: "OAuthException", IsTransient: true,
			Message: "(#341) Application limit reached"})
		rep.header = http.Header{}
		rep.header.Set("X-App-Usage", appUsageJSON(100))
		return rep
	case FailLinkPost:
		return errReply(http.StatusBadRequest, ErrorBody{Code: 1609005, Type: "OAuthException",
			Message: "Error posting link: the link could not be fetched."})
	case FailDeprecated:
		return errReply(http.StatusBadRequest, ErrorBody{Code: 12, Type: "OAuthException",
			Message: "(#12) link field is deprecated for versions v3.3 and higher"})
	case FailInvalidCrossposting:
		return errReply(http.StatusBadRequest, ErrorBody{Code: -1, ErrorSubcode: 1363103, Type: "OAuthException",
			Message: "Invalid parameter", ErrorUserTitle: "Invalid Crossposting Parameters",
			ErrorUserMsg: "The crossposting parameters are invalid."})
	case FailPageRateLimit, FailBusinessRateLimit:
		code, msg := 32, "(#32) Page request limit reached"
		if k == FailBusinessRateLimit {
			code, msg = 80001, "(#80001) There have been too many calls to this Page account. Wait a bit and try again."
		}
		rep := errReply(http.StatusForbidden, ErrorBody{Code: code, Type: "OAuthException", IsTransient: true, Message: msg})
		rep.header = http.Header{}
		id := a.meID()
		if a.rec != nil && a.rec.PageID != "" {
			id = a.rec.PageID
		}
		rep.header.Set("X-Business-Use-Case-Usage", bucUsageJSON(id, 100, regain))
		return rep
	}
	return errReply(http.StatusInternalServerError, ErrorBody{Code: 1, Type: "OAuthException", Message: "An unknown error has occurred."})
}

// GrantPages limits what a user token shows to the Pages the person granted
// at login (Facebook's dialog asks which Pages), as TokenRecord.GrantedPages.
func (s *Server) GrantPages(token string, pageIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.tokens[token]; ok {
		rec.GrantedPages = append([]string{}, pageIDs...)
	}
}
