package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

// pagedGraph is a Graph stand-in whose /posts answers pages chosen by the
// test, so it can hand the client a paging.next of any shape.
type pagedGraph struct {
	srv   *httptest.Server
	pages map[string]string // __paging_token ("" for the first) → body; "{next}" becomes next
	next  func(srv string, token string) string

	mu      sync.Mutex
	tokens  []string     // access_token of each request, in order
	queries []url.Values // the query of each request, in order
}

func newPagedGraph(t *testing.T, pages map[string]string, next func(srv, token string) string) *pagedGraph {
	t.Helper()
	g := &pagedGraph{pages: pages, next: next}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.tokens = append(g.tokens, r.URL.Query().Get("access_token"))
		g.queries = append(g.queries, r.URL.Query())
		g.mu.Unlock()
		body, ok := g.pages[r.URL.Query().Get("__paging_token")]
		if !ok || r.URL.Path != "/v27.0/300000000000001/posts" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"(#100) unexpected request","type":"OAuthException","code":100}}`)
			return
		}
		fmt.Fprint(w, strings.ReplaceAll(body, "{next}", g.next("http://"+r.Host, r.URL.Query().Get("__paging_token"))))
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *pagedGraph) client() *fbclient.Client {
	return fbclient.New(fbclient.Config{GraphURL: g.srv.URL, FacebookURL: g.srv.URL, AppID: "1", AppSecret: "s",
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, Now: func() time.Time { return graphStart }})
}

func (g *pagedGraph) requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.tokens...)
}

const otherPost = `{"id":"300000000000001_1","from":{"id":"300000000000001"},"attachments":{"data":[{"url":"https://example.com/other"}]}}`

// twoTimePages answers a first page that leads, through next, to a second
// holding the share.
var twoTimePages = map[string]string{
	"":       `{"data":[` + otherPost + `],"paging":{"next":"{next}"}}`,
	"enc_p2": `{"data":[{"id":"300000000000001_2","from":{"id":"300000000000001"},"attachments":{"data":[{"url":"https://l.facebook.com/l.php?u=` + strings.ReplaceAll(videoLink, "/", "%2F") + `&h=AT1"}]}}]}`,
}

func TestTimePagingFollowsNextOnTheSameHostAndPathWithOurOwnToken(t *testing.T) {
	g := newPagedGraph(t, twoTimePages, func(srv, _ string) string {
		return srv + "/v27.0/300000000000001/posts?limit=100&until=1764410000&__paging_token=enc_p2&access_token=NEXT-URL-TOKEN&appsecret_proof=NEXT-URL-PROOF"
	})
	id, found, err := g.client().FindPostLinking(context.Background(), "page-token", "300000000000001", videoLink, graphStart)
	if err != nil || !found || id != "300000000000001_2" {
		t.Fatalf("id=%q found=%v err=%v", id, found, err)
	}
	if got := g.requests(); len(got) != 2 || got[0] != "page-token" || got[1] != "page-token" {
		t.Fatalf("tokens sent %q: the next page must carry ours, never the one in the next address", got)
	}
}

func TestTheNextPageTakesOnlyPagingKeysFromNextAndOurOwnFields(t *testing.T) {
	g := newPagedGraph(t, twoTimePages, func(srv, _ string) string {
		return srv + "/v27.0/300000000000001/posts?method=delete&fields=message&debug=all&since=1&limit=25" +
			"&until=1764410000&__paging_token=enc_p2&__previous=1"
	})
	if _, found, err := g.client().FindPostLinking(context.Background(), "page-token", "300000000000001", videoLink, graphStart); err != nil || !found {
		t.Fatalf("found=%v err=%v", found, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queries) != 2 {
		t.Fatalf("%d requests, want 2", len(g.queries))
	}
	first, second := g.queries[0], g.queries[1]
	for _, k := range []string{"method", "debug"} {
		if second.Has(k) {
			t.Errorf("the next page sent %s=%q from Facebook's next address", k, second.Get(k))
		}
	}
	if second.Get("fields") != first.Get("fields") {
		t.Errorf("fields %q on the next page, want ours %q", second.Get("fields"), first.Get("fields"))
	}
	want := map[string]string{"until": "1764410000", "__paging_token": "enc_p2", "__previous": "1", "since": "1", "limit": "25"}
	for k, v := range want {
		if second.Get(k) != v {
			t.Errorf("%s=%q on the next page, want %q from next", k, second.Get(k), v)
		}
	}
}

func TestANextPageElsewhereIsRefusedAndNotRequested(t *testing.T) {
	var elsewhere sync.Mutex
	hits := 0
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Lock()
		hits++
		elsewhere.Unlock()
		fmt.Fprint(w, `{"data":[]}`)
	}))
	t.Cleanup(other.Close)
	cases := map[string]func(srv, token string) string{
		"another host": func(string, string) string { return other.URL + "/v27.0/300000000000001/posts?__paging_token=enc_p2" },
		"another path": func(srv, _ string) string { return srv + "/v27.0/300000000000002/posts?__paging_token=enc_p2" },
		"another scheme": func(srv, _ string) string {
			return strings.Replace(srv, "http:", "https:", 1) + "/v27.0/300000000000001/posts?__paging_token=enc_p2"
		},
		"a loop": func(srv, tok string) string { return srv + "/v27.0/300000000000001/posts?__paging_token=enc_loop" },
	}
	for name, next := range cases {
		pages := map[string]string{"": twoTimePages[""], "enc_p2": twoTimePages[""], "enc_loop": twoTimePages[""]}
		g := newPagedGraph(t, pages, next)
		_, found, err := g.client().FindPostLinking(context.Background(), "page-token", "300000000000001", videoLink, graphStart)
		if found || !errors.Is(err, fbclient.ErrBadNextPage) || !errors.Is(err, fbclient.ErrCannotVerify) {
			t.Errorf("%s: found=%v err=%v", name, found, err)
		}
		if n, want := len(g.requests()), map[bool]int{true: 2, false: 1}[name == "a loop"]; n != want {
			t.Errorf("%s: %d requests, want %d", name, n, want)
		}
	}
	if hits != 0 {
		t.Errorf("the other host got %d requests", hits)
	}
}

func TestCursorPagingStillFollowsTheAfterCursor(t *testing.T) {
	e := newGraphEnv(t, 5)
	e.fb.SetMaxPageSize(2)
	pages, err := e.c.Accounts(context.Background(), e.userTok)
	if err != nil || len(pages) != 5 {
		t.Fatalf("%d pages, err %v", len(pages), err)
	}
}

func TestAPostByAnotherAuthorLinkingTheVideoDoesNotCount(t *testing.T) {
	visitor := `{"data":[{"id":"300000000000001_9","from":{"id":"100000000000777"},"attachments":{"data":[{"unshimmed_url":"` + videoLink + `"}]}}]}`
	g := newPagedGraph(t, map[string]string{"": visitor}, func(string, string) string { return "" })
	_, found, err := g.client().FindPostLinking(context.Background(), "page-token", "300000000000001", videoLink, graphStart)
	if err != nil || found {
		t.Fatalf("found=%v err=%v", found, err)
	}
}

func TestTheCheckStopsAfterAWholePageOfPostsOlderThanSince(t *testing.T) {
	var posts []string
	for i := range 100 {
		posts = append(posts, fmt.Sprintf(`{"id":"300000000000001_%d","created_time":"2026-11-29T08:00:00+0000","from":{"id":"300000000000001"}}`, i+1))
	}
	old := `{"data":[` + strings.Join(posts, ",") + `],"paging":{"next":"{next}"}}`
	g := newPagedGraph(t, map[string]string{"": old, "enc_p2": twoTimePages["enc_p2"]}, func(srv, _ string) string {
		return srv + "/v27.0/300000000000001/posts?until=1&__paging_token=enc_p2"
	})
	_, found, err := g.client().FindPostLinking(context.Background(), "page-token", "300000000000001", videoLink, graphStart)
	if err != nil || found || len(g.requests()) != 1 {
		t.Fatalf("found=%v err=%v after %d requests; want a stop after a whole page older than since", found, err, len(g.requests()))
	}
}
