package fakefb

import (
	"encoding/json"
	"math"
	"net/http"
	"time"
)

// RateLimits are the budgets the fake enforces. Calls made while throttled
// still count, as Facebook's do; each item of a batch is a call, the batch
// request itself is not (https://developers.facebook.com/docs/graph-api/batch-requests).
type RateLimits struct {
	AppCallsPerHour int // every call of an app, any token, rolling hour: a safety cap for tests
	// UserCallsPerHour is Facebook's Platform Rate Limit: calls made with
	// user or app tokens may number this many × the app's users per
	// rolling hour, refused with code 4 and X-App-Usage at 100 %
	// (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/).
	UserCallsPerHour int
	PageCalls        int           // per Page, for Page tokens, within PageWindow (the Business Use Case limit)
	PageWindow       time.Duration // Facebook's docs say 24 h, older text 1 h
}

// UserCallsPerHour is Facebook's Platform Rate Limit per app user.
const UserCallsPerHour = 200

// DefaultRateLimits are Facebook's own budgets for one engaged user, with
// a generous overall cap.
var DefaultRateLimits = RateLimits{AppCallsPerHour: 10000, UserCallsPerHour: UserCallsPerHour, PageCalls: 4800, PageWindow: 24 * time.Hour}

// LiftUserCallLimit turns off the Platform Rate Limit of 200 user- and
// app-token calls per hour per app user, for tests that genuinely make
// more (a long --demo run). Facebook itself never lifts it.
func (s *Server) LiftUserCallLimit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.limits.UserCallsPerHour = math.MaxInt32
}

// SetRateLimits replaces the enforced budgets; zero fields keep the default.
func (s *Server) SetRateLimits(r RateLimits) {
	if r.AppCallsPerHour <= 0 {
		r.AppCallsPerHour = DefaultRateLimits.AppCallsPerHour
	}
	if r.UserCallsPerHour <= 0 {
		r.UserCallsPerHour = DefaultRateLimits.UserCallsPerHour
	}
	if r.PageCalls <= 0 {
		r.PageCalls = DefaultRateLimits.PageCalls
	}
	if r.PageWindow <= 0 {
		r.PageWindow = DefaultRateLimits.PageWindow
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph.limits = r
}

// meter counts one call against its app's and Page's budgets and refuses it
// when a budget is spent.
func (s *Server) meter(a auth) (reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	lim := s.graph.limits
	calls := append(inWindow(s.graph.appCalls[a.appID], now, time.Hour), now)
	s.graph.appCalls[a.appID] = calls
	if len(calls) > lim.AppCallsPerHour {
		return appLimitReply(), true
	}
	if a.platform() {
		pc := append(inWindow(s.graph.platformCalls[a.appID], now, time.Hour), now)
		s.graph.platformCalls[a.appID] = pc
		if len(pc) > s.platformBudgetLocked(a.appID) {
			return appLimitReply(), true
		}
		return reply{}, false
	}
	pc := append(inWindow(s.graph.pageCalls[a.rec.PageID], now, lim.PageWindow), now)
	s.graph.pageCalls[a.rec.PageID] = pc
	if len(pc) > lim.PageCalls {
		regain := pc[len(pc)-lim.PageCalls].Add(lim.PageWindow).Sub(now)
		rep := errReply(http.StatusForbidden, ErrorBody{Code: 32, Type: "OAuthException", IsTransient: true,
			Message: "(#32) Page request limit reached"})
		rep.header = http.Header{}
		rep.header.Set("X-Business-Use-Case-Usage", bucUsageJSON(a.rec.PageID, 100, minutesUp(regain)))
		return rep, true
	}
	return reply{}, false
}

// appLimitReply is Facebook's answer once the app's budget is spent.
func appLimitReply() reply {
	rep := errReply(http.StatusForbidden, ErrorBody{Code: 4, Type: "OAuthException", IsTransient: true,
		Message: "(#4) Application request limit reached"})
	rep.header = http.Header{}
	rep.header.Set("X-App-Usage", appUsageJSON(100))
	return rep
}

// platform reports whether a call counts against the Platform Rate Limit:
// made with a user or app token. Page tokens count against the Page's
// Business Use Case limit instead.
func (a auth) platform() bool { return a.rec == nil || a.rec.Kind == UserToken }

// platformBudgetLocked is an app's Platform budget per hour:
// UserCallsPerHour × its users (the people holding its tokens), at least one.
func (s *Server) platformBudgetLocked(appID string) int {
	per := s.graph.limits.UserCallsPerHour
	users := map[string]bool{}
	for _, t := range s.tokens {
		if t.AppID == appID && t.UserID != "" {
			users[t.UserID] = true
		}
	}
	n := max(1, len(users))
	if per > math.MaxInt32/n {
		return math.MaxInt32
	}
	return per * n
}

// addUsageHeaders puts the caller's current usage on rep, as Facebook does
// on every answer.
func (s *Server) addUsageHeaders(rep *reply, a auth) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	lim := s.graph.limits
	if rep.header == nil {
		rep.header = http.Header{}
	}
	if a.appID != "" {
		n := len(inWindow(s.graph.appCalls[a.appID], now, time.Hour))
		pn := len(inWindow(s.graph.platformCalls[a.appID], now, time.Hour))
		pct := max(percent(n, lim.AppCallsPerHour), percent(pn, s.platformBudgetLocked(a.appID)))
		rep.header.Set("X-App-Usage", appUsageJSON(pct))
	}
	if a.rec != nil && a.rec.Kind == PageToken {
		n := len(inWindow(s.graph.pageCalls[a.rec.PageID], now, lim.PageWindow))
		pct := percent(n, lim.PageCalls)
		rep.header.Set("X-Business-Use-Case-Usage", bucUsageJSON(a.rec.PageID, pct, 0))
		if s.graph.pageUsageHeader {
			rep.header.Set("X-Page-Usage", appUsageJSON(pct))
		}
	}
}

func inWindow(calls []time.Time, now time.Time, window time.Duration) []time.Time {
	cut := now.Add(-window)
	i := 0
	for i < len(calls) && !calls[i].After(cut) {
		i++
	}
	return calls[i:]
}

func percent(n, budget int) int {
	if budget <= 0 {
		return 0
	}
	return min(100, n*100/budget)
}

func minutesUp(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Minute - 1) / time.Minute)
}

func appUsageJSON(pct int) string {
	b, _ := json.Marshal(map[string]int{"call_count": pct, "total_time": pct / 2, "total_cputime": pct / 3})
	return string(b)
}

func bucUsageJSON(id string, pct, regainMinutes int) string {
	b, _ := json.Marshal(map[string][]map[string]any{id: {{
		"type": "pages", "call_count": pct, "total_cputime": pct / 3, "total_time": pct / 2,
		"estimated_time_to_regain_access": regainMinutes,
	}}})
	return string(b)
}
