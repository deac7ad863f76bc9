package fakefb

import (
	"encoding/json"
	"net/http"
	"time"
)

// RateLimits are the budgets the fake enforces. Calls made while throttled
// still count, as Facebook's do.
type RateLimits struct {
	AppCallsPerHour int           // per app, rolling hour (Facebook: 200 × daily users)
	PageCalls       int           // per Page, for Page tokens, within PageWindow
	PageWindow      time.Duration // Facebook's docs say 24 h, older text 1 h
}

// DefaultRateLimits are generous enough for a long --demo run.
var DefaultRateLimits = RateLimits{AppCallsPerHour: 10000, PageCalls: 4800, PageWindow: 24 * time.Hour}

// SetRateLimits replaces the enforced budgets; zero fields keep the default.
func (s *Server) SetRateLimits(r RateLimits) {
	if r.AppCallsPerHour <= 0 {
		r.AppCallsPerHour = DefaultRateLimits.AppCallsPerHour
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
		rep := errReply(http.StatusForbidden, ErrorBody{Code: 4, Type: "OAuthException", IsTransient: true,
			Message: "(#4) Application request limit reached"})
		rep.header = http.Header{}
		rep.header.Set("X-App-Usage", appUsageJSON(100))
		return rep, true
	}
	if a.rec == nil || a.rec.Kind != PageToken {
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
		rep.header.Set("X-App-Usage", appUsageJSON(percent(n, lim.AppCallsPerHour)))
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
