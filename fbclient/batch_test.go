package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// shareOps makes one link post per Page, each with its own Page token.
func shareOps(t testing.TB, e *graphEnv, pages []string, msg string) []fbclient.BatchOp {
	t.Helper()
	accounts, err := e.c.Accounts(context.Background(), e.userTok)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]fbclient.Token{}
	for _, p := range accounts {
		tokens[p.ID] = p.AccessToken
	}
	ops := make([]fbclient.BatchOp, len(pages))
	for i, id := range pages {
		ops[i] = fbclient.PostLinkOp(tokens[id], id, msg, videoLink)
	}
	return ops
}

func TestBatchSplitsIntoRequestsOfFiftyAndAnswersInOrder(t *testing.T) {
	e := newGraphEnv(t, 120)
	ops := shareOps(t, e, e.pages, "Live")
	before := e.fb.RequestCount()
	res, err := e.c.Batch(context.Background(), e.userTok, ops)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.fb.RequestCount() - before; n != 3 {
		t.Errorf("made %d requests for 120 operations, want 3", n)
	}
	for i, r := range res {
		id, err := fbclient.PostIDFromResult(r)
		if err != nil {
			t.Fatalf("op %d: %v", i, err)
		}
		if posts := e.fb.Posts(e.pages[i]); len(posts) != 1 || posts[0].ID != id {
			t.Fatalf("op %d: post %s, page has %+v", i, id, posts)
		}
	}
}

func TestBatchItemsCarryTheirOwnResultsAndErrors(t *testing.T) {
	e := newGraphEnv(t, 4)
	ops := shareOps(t, e, e.pages, "Live")
	e.fb.RevokePageRole(e.pages[1], e.userID) // item 1: 190/492
	if _, err := e.c.PostLink(context.Background(), ops[2].Token, e.pages[2], "Live", videoLink); err != nil {
		t.Fatal(err) // item 2 will be a duplicate
	}
	e.fb.FailNext(1, fakefb.FailTimeout) // item 0: applied, answered null
	res, err := e.c.Batch(context.Background(), e.userTok, ops)
	if err != nil {
		t.Fatal(err)
	}
	wants := []struct {
		class     fbclient.Class
		ambiguous bool
	}{
		{fbclient.ClassTransient, true},
		{fbclient.ClassPageRoleLost, false},
		{fbclient.ClassDuplicate, false},
		{fbclient.ClassUnknown, false},
	}
	for i, w := range wants {
		if got := fbclient.Classify(res[i].Err); got != w.class || fbclient.IsAmbiguous(res[i].Err) != w.ambiguous {
			t.Errorf("op %d: class %v ambiguous %v (%v), want %v %v", i, got, fbclient.IsAmbiguous(res[i].Err), res[i].Err, w.class, w.ambiguous)
		}
	}
	if res[3].Err != nil || res[3].Code != 200 {
		t.Errorf("op 3: %+v", res[3])
	}
	if len(e.fb.Posts(e.pages[0])) != 1 {
		t.Error("the timed-out item's post did not land, so the test shows nothing")
	}
}

func TestABatchWhoseConnectionDroppedIsAmbiguousForEveryWrite(t *testing.T) {
	e := newGraphEnv(t, 3)
	ops := append(shareOps(t, e, e.pages, "Live"), fbclient.BatchOp{Method: "GET", RelativeURL: "me"})
	e.fb.DropAfterWrite(1)
	res, err := e.c.Batch(context.Background(), e.userTok, ops)
	if err == nil {
		t.Fatal("no error for a dropped batch")
	}
	for i, r := range res {
		if fbclient.IsAmbiguous(r.Err) != (i < 3) {
			t.Errorf("op %d: ambiguous=%v (%v)", i, fbclient.IsAmbiguous(r.Err), r.Err)
		}
	}
	for _, p := range e.pages {
		if len(e.fb.Posts(p)) != 1 {
			t.Errorf("page %s: the write was not applied before the drop", p)
		}
	}
}

func TestBatchStopsAfterADeadToken(t *testing.T) {
	e := newGraphEnv(t, 60)
	ops := shareOps(t, e, e.pages, "Live")
	e.fb.InvalidateToken(e.userTok.Reveal(), 467)
	before := e.fb.RequestCount()
	res, err := e.c.Batch(context.Background(), e.userTok, ops)
	if fbclient.Classify(err) != fbclient.ClassNeedsReconnect {
		t.Fatalf("err %v", err)
	}
	if n := e.fb.RequestCount() - before; n != 1 {
		t.Errorf("made %d requests after a dead token, want 1", n)
	}
	if fbclient.Classify(res[59].Err) != fbclient.ClassNeedsReconnect || fbclient.IsAmbiguous(res[59].Err) {
		t.Errorf("unsent op: %v", res[59].Err)
	}
}

func TestBatchItemsEachCountAgainstTheRateLimit(t *testing.T) {
	e := newGraphEnv(t, 5)
	ops := shareOps(t, e, e.pages, "Live")
	used := e.fb.RequestCount() // calls so far (me/accounts) count too
	e.fb.SetRateLimits(fakefb.RateLimits{AppCallsPerHour: used + 3})
	res, err := e.c.Batch(context.Background(), e.userTok, ops)
	if err != nil {
		t.Fatal(err)
	}
	var limited int
	for _, r := range res {
		if fbclient.Classify(r.Err) == fbclient.ClassRateLimited {
			limited++
		}
	}
	if limited != 2 {
		t.Fatalf("%d operations rate limited, want 2: %v", limited, fmt.Sprint(res))
	}
	if e.c.Usage().App != 100 {
		t.Errorf("usage %+v", e.c.Usage())
	}
}

func TestABatchWithoutItsOwnTokenIsRefusedBeforeAnythingIsSent(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	before := e.fb.RequestCount()
	_, err := e.c.Batch(context.Background(), "", []fbclient.BatchOp{fbclient.PostLinkOp(tok, e.pages[0], "Live", videoLink)})
	if !errors.Is(err, fbclient.ErrBatchWithoutToken) || e.fb.RequestCount() != before {
		t.Fatalf("err = %v after %d requests", err, e.fb.RequestCount()-before)
	}
	if len(e.fb.Posts(e.pages[0])) != 0 {
		t.Fatal("a post was made")
	}
}

// refuseBatchRequest answers the batch request number n (1-based) itself
// with Facebook's error, without passing it on: nothing it carried was
// applied, as when the whole request is refused.
type refuseBatchRequest struct {
	next   http.RoundTripper
	n      int
	status int
	body   string
	seen   atomic.Int32
}

func (r *refuseBatchRequest) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && (req.URL.Path == "/" || strings.HasSuffix(req.URL.Path, ".0/")) {
		if int(r.seen.Add(1)) == r.n {
			return &http.Response{StatusCode: r.status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(r.body)), Request: req}, nil
		}
	}
	return r.next.RoundTrip(req)
}

func TestAFailedSecondRequestLeavesTheFirstRequestsResultsAlone(t *testing.T) {
	e := newGraphEnv(t, 60)
	ops := shareOps(t, e, e.pages, "Live")
	refuse := &refuseBatchRequest{next: http.DefaultTransport.(*http.Transport).Clone(), n: 2, status: http.StatusBadRequest,
		body: `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}`}
	c := fbclient.New(fbclient.Config{GraphURL: e.fb.URL, FacebookURL: e.fb.URL, AppID: e.app.ID,
		AppSecret: fbclient.Token(e.app.Secret), Now: e.clock.Now, HTTPClient: &http.Client{Transport: refuse}})
	res, err := c.Batch(context.Background(), e.userTok, ops)
	if fbclient.Classify(err) != fbclient.ClassInvalid {
		t.Fatalf("err %v, want the second request's #100", err)
	}
	for i, r := range res[:50] {
		if _, perr := fbclient.PostIDFromResult(r); perr != nil || r.Whole {
			t.Fatalf("op %d of the first request: %v (whole %v), want its post", i, perr, r.Whole)
		}
	}
	for i, r := range res[50:] {
		if fbclient.Classify(r.Err) != fbclient.ClassInvalid || !r.Whole || fbclient.IsAmbiguous(r.Err) {
			t.Fatalf("op %d of the second request: %v (whole %v), want its request's #100, not ambiguous", 50+i, r.Err, r.Whole)
		}
	}
}

func TestABatchItemErrorNeverShowsTheBatchsOwnToken(t *testing.T) {
	e := newGraphEnv(t, 1)
	e.fb.EchoTokenInErrors(true)
	e.fb.FailNext(1, fakefb.FailDeprecated)
	// The operation carries no token of its own: it runs with the batch's.
	res, err := e.c.Batch(context.Background(), e.userTok, []fbclient.BatchOp{{Method: "GET", RelativeURL: "me"}})
	if err != nil || len(res) != 1 || res[0].Err == nil {
		t.Fatalf("want the item's own error: %v %+v", err, res)
	}
	var fe *fbclient.Error
	if !errors.As(res[0].Err, &fe) || !strings.Contains(fe.Message, "[access_token ") {
		t.Fatalf("the fake did not quote a token, so the test shows nothing: %v", res[0].Err)
	}
	if strings.Contains(res[0].Err.Error(), e.userTok.Reveal()) || strings.Contains(fe.Message, e.userTok.Reveal()) {
		t.Errorf("the batch's token is in the item's error: %v", res[0].Err)
	}
}
