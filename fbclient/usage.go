package fbclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"time"
)

// Usage headers Facebook puts on answers.
const (
	HeaderAppUsage      = "X-App-Usage"
	HeaderBusinessUsage = "X-Business-Use-Case-Usage"
	HeaderPageUsage     = "X-Page-Usage"
)

// Usage is how much of Facebook's rate budgets LiveRoute has spent, in
// percent (100: throttled), so the engine can pace itself before Facebook
// refuses.
type Usage struct {
	App         int            // X-App-Usage: the highest of call count, time and CPU time
	User        int            // no header carries it: 100 after a code 17 answer, else 0
	Page        int            // X-Page-Usage, when Facebook sends it
	Business    map[string]int // X-Business-Use-Case-Usage: object ID → highest percent
	RegainAfter time.Duration  // the longest estimated_time_to_regain_access
	At          time.Time      // when the answer came (zero: no usage seen yet)
}

// Max is the highest percent of any budget.
func (u Usage) Max() int {
	m := max(u.App, u.User, u.Page)
	for _, v := range u.Business {
		m = max(m, v)
	}
	return m
}

// ParseUsage reads the usage headers of one answer. Headers that are absent
// leave their fields zero; a malformed header is reported in the error and
// the others are still read.
func ParseUsage(h http.Header, now time.Time) (Usage, error) {
	u := Usage{At: now}
	var errs []error
	if v := h.Get(HeaderAppUsage); v != "" {
		var c usageCounts
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", HeaderAppUsage, err))
		} else {
			u.App = c.percent()
			u.RegainAfter = max(u.RegainAfter, c.regain())
		}
	}
	if v := h.Get(HeaderPageUsage); v != "" {
		var c usageCounts
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", HeaderPageUsage, err))
		} else {
			u.Page = c.percent()
			u.RegainAfter = max(u.RegainAfter, c.regain())
		}
	}
	if v := h.Get(HeaderBusinessUsage); v != "" {
		var m map[string][]usageCounts
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", HeaderBusinessUsage, err))
		} else {
			u.Business = map[string]int{}
			for id, list := range m {
				pct := 0
				for _, c := range list {
					pct = max(pct, c.percent())
					u.RegainAfter = max(u.RegainAfter, c.regain())
				}
				u.Business[id] = pct
			}
		}
	}
	return u, errors.Join(errs...)
}

// Usage returns the usage last seen: each header's latest value, Business
// entries merged per object.
func (c *Client) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.usage
	u.Business = maps.Clone(c.usage.Business)
	return u
}

// usageCounts is one usage object; Facebook sends numbers as integers, but
// nothing promises it.
type usageCounts struct {
	Type         string  `json:"type"`
	CallCount    float64 `json:"call_count"`
	TotalTime    float64 `json:"total_time"`
	TotalCPUTime float64 `json:"total_cputime"`
	Regain       float64 `json:"estimated_time_to_regain_access"` // minutes
}

func (c usageCounts) percent() int {
	m := max(c.CallCount, c.TotalTime, c.TotalCPUTime)
	if m <= 0 || math.IsNaN(m) {
		return 0
	}
	return int(math.Min(math.Ceil(m), 1e6))
}

func (c usageCounts) regain() time.Duration {
	if c.Regain <= 0 || math.IsNaN(c.Regain) {
		return 0
	}
	return time.Duration(math.Min(c.Regain, 1e6) * float64(time.Minute))
}

// noteUsage merges the usage headers of one answer into c.usage.
func (c *Client) noteUsage(h http.Header, u Usage) {
	hasApp, hasPage, hasBiz := h.Get(HeaderAppUsage) != "", h.Get(HeaderPageUsage) != "", h.Get(HeaderBusinessUsage) != ""
	if !hasApp && !hasPage && !hasBiz {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if hasApp {
		c.usage.App = u.App
	}
	if hasPage {
		c.usage.Page = u.Page
	}
	if hasBiz {
		if c.usage.Business == nil {
			c.usage.Business = map[string]int{}
		}
		maps.Copy(c.usage.Business, u.Business)
	}
	c.usage.RegainAfter = u.RegainAfter
	c.usage.At = u.At
	if c.usage.User > 0 && !c.usage.At.IsZero() {
		c.usage.User = 0 // an answer came: the per-person limit has passed
	}
}

// noteRateLimit records limits no header shows (17: the person's limit
// across apps).
func (c *Client) noteRateLimit(code int) {
	if code != 17 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.usage.User = 100
}
