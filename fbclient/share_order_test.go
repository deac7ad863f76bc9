package fbclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

// A Page's /posts is newest first, but a pinned post can stand at the top
// however old it is: the look must not take it for the end of the time
// range and miss the share below it (which would post it a second time).
func TestTheLookGoesPastAPinnedOldPost(t *testing.T) {
	since := graphStart.Add(-time.Hour)
	old := since.Add(-30 * 24 * time.Hour).UTC().Format("2006-01-02T15:04:05-0700")
	recent := graphStart.UTC().Format("2006-01-02T15:04:05-0700")
	page := `{"data":[` +
		`{"id":"1_pinned","created_time":"` + old + `","from":{"id":"1"},"attachments":{"data":[{"url":"https://example.com/welcome"}]}},` +
		`{"id":"1_share","created_time":"` + recent + `","from":{"id":"1"},"attachments":{"data":[{"unshimmed_url":"` + videoLink + `"}]}}` +
		`]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v27.0/1/posts" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"(#100) unexpected request","type":"OAuthException","code":100}}`)
			return
		}
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	c := fbclient.New(fbclient.Config{GraphURL: srv.URL, FacebookURL: srv.URL, AppID: "1", AppSecret: "s",
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, Now: func() time.Time { return graphStart }})
	id, found, err := c.FindPostLinking(context.Background(), "page-token", "1", videoLink, since)
	if err != nil || !found || id != "1_share" {
		t.Fatalf("id=%q found=%v err=%v, want the share below the pinned post", id, found, err)
	}
}
