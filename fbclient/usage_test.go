package fbclient_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

func TestParseUsageReadsFacebooksDocumentedHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-App-Usage", `{"call_count":28,"total_time":25,"total_cputime":25}`)
	h.Set("X-Business-Use-Case-Usage", `{"112233":[{"type":"pages","call_count":97,"total_cputime":23,"total_time":23,"estimated_time_to_regain_access":3}]}`)
	h.Set("X-Page-Usage", `{"call_count":40,"total_time":12,"total_cputime":9}`)
	u, err := fbclient.ParseUsage(h, graphStart)
	if err != nil {
		t.Fatal(err)
	}
	if u.App != 28 || u.Page != 40 || u.Business["112233"] != 97 || u.RegainAfter != 3*time.Minute || u.Max() != 97 || !u.At.Equal(graphStart) {
		t.Fatalf("usage %+v", u)
	}
}

func TestParseUsageReportsAMalformedHeaderAndKeepsTheOthers(t *testing.T) {
	h := http.Header{}
	h.Set("X-App-Usage", `{"call_count":`)
	h.Set("X-Page-Usage", `{"call_count":5}`)
	u, err := fbclient.ParseUsage(h, graphStart)
	if err == nil || u.Page != 5 {
		t.Fatalf("usage %+v, err %v", u, err)
	}
}

func TestThePageRateLimitIsEnforcedPerWindowAndGivesRetryAfter(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	e.fb.SetRateLimits(fakefb.RateLimits{PageCalls: 2, PageWindow: time.Hour})
	e.fb.SendPageUsage(true)
	for i := range 2 {
		if _, err := e.c.LiveVideos(context.Background(), tok, e.pages[0]); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		e.clock.Advance(10 * time.Minute)
	}
	if u := e.c.Usage(); u.Business[e.pages[0]] != 100 || u.Page != 100 {
		t.Errorf("usage before the limit: %+v", u)
	}
	_, err := e.c.LiveVideos(context.Background(), tok, e.pages[0])
	fe := asError(t, err)
	// Throttled calls count too: room for one more call comes when the call
	// at +10 min leaves the hour, 50 minutes after this one at +20 min.
	if fe.Class() != fbclient.ClassRateLimited || fe.Code != 32 || fe.RetryAfter != 50*time.Minute {
		t.Fatalf("err %v retry after %v", err, fe.RetryAfter)
	}
	e.clock.Advance(2 * time.Hour)
	if _, err := e.c.LiveVideos(context.Background(), tok, e.pages[0]); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestInjectedFaultsAreClassified(t *testing.T) {
	cases := []struct {
		kind  fakefb.FailKind
		class fbclient.Class
		retry bool
	}{
		{fakefb.FailServerError, fbclient.ClassTransient, false},
		{fakefb.FailTransient, fbclient.ClassTransient, false},
		{fakefb.FailAppRateLimit, fbclient.ClassRateLimited, false},
		{fakefb.FailUserRateLimit, fbclient.ClassRateLimited, false},
		{fakefb.FailPageRateLimit, fbclient.ClassRateLimited, true},
		{fakefb.FailBusinessRateLimit, fbclient.ClassRateLimited, true},
	}
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	for _, c := range cases {
		e.fb.FailNext(1, c.kind)
		_, err := e.c.LiveVideos(context.Background(), tok, e.pages[0])
		fe := asError(t, err)
		if fe.Class() != c.class || (fe.RetryAfter == fakefb.FaultRegainAfter) != c.retry {
			t.Errorf("kind %d: %v class %v retry %v", c.kind, err, fe.Class(), fe.RetryAfter)
		}
	}
	if e.c.Usage().User != 0 {
		t.Errorf("user usage stuck at %d after later answers", e.c.Usage().User)
	}
}

func TestAHangingCallEndsWithTheContext(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.fb.FailNext(1, fakefb.FailTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.c.Me(ctx, e.userTok)
	if fbclient.Classify(err) != fbclient.ClassTransient {
		t.Fatalf("err %v", err)
	}
}

func TestTheHourlyUserTokenLimitIsARateLimitWithFullAppUsage(t *testing.T) {
	e := newGraphEnv(t, 0)
	ctx := context.Background()
	for i := range fakefb.UserCallsPerHour {
		if _, err := e.c.Me(ctx, e.userTok); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	_, err := e.c.Me(ctx, e.userTok)
	if fbclient.Classify(err) != fbclient.ClassRateLimited || e.c.Usage().App != 100 {
		t.Fatalf("call %d: err %v (class %v), app usage %d", fakefb.UserCallsPerHour+1, err, fbclient.Classify(err), e.c.Usage().App)
	}
}
