package fbclient_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

const videoLink = "https://www.facebook.com/300000000000001/videos/42/"

func TestPostLinkStoresAPostOnlyRoleHoldersSeeInDevelopmentMode(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	id, err := e.c.PostLink(context.Background(), tok, e.pages[0], "We are live!", videoLink)
	if err != nil {
		t.Fatal(err)
	}
	posts := e.fb.Posts(e.pages[0])
	if len(posts) != 1 || posts[0].ID != id || posts[0].Message != "We are live!" || posts[0].Link != videoLink {
		t.Fatalf("posts = %+v, id %s", posts, id)
	}
	if posts[0].Visibility != fakefb.VisibleToRoleHolders || !posts[0].CreatedAt.Equal(graphStart) {
		t.Errorf("post = %+v", posts[0])
	}
	if !strings.HasPrefix(id, e.pages[0]+"_") {
		t.Errorf("post id %q is not PAGEID_POSTID", id)
	}
}

func TestPostingTheSamePostTwiceInARowIsADuplicate(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	if _, err := e.c.PostLink(context.Background(), tok, e.pages[0], "Live", videoLink); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.PostLink(context.Background(), tok, e.pages[0], "Live", videoLink)
	fe := asError(t, err)
	if fe.Class() != fbclient.ClassDuplicate || fe.UserTitle == "" || fe.UserMessage == "" {
		t.Fatalf("err = %+v", fe)
	}
}

func TestPostLinkWithoutCreateContentIsAMissingPermission(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	e.fb.SetPageTasks(e.pages[0], e.userID, "ANALYZE")
	_, err := e.c.PostLink(context.Background(), tok, e.pages[0], "Live", videoLink)
	if fbclient.Classify(err) != fbclient.ClassPermissionMissing {
		t.Fatalf("err = %v", err)
	}
}

func TestAShareWhoseConnectionDroppedIsAmbiguousAndFoundOnTheFeed(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	e.fb.DropAfterWrite(1)
	_, err := e.c.PostLink(context.Background(), tok, e.pages[0], "Live", videoLink)
	if !fbclient.IsAmbiguous(err) || fbclient.Classify(err) != fbclient.ClassTransient {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	e.clock.Advance(time.Minute)
	id, found, err := e.c.FindPostLinking(context.Background(), tok, e.pages[0], strings.TrimSuffix(videoLink, "/"), graphStart.Add(-time.Minute))
	if err != nil || !found {
		t.Fatalf("found=%v err=%v", found, err)
	}
	if posts := e.fb.Posts(e.pages[0]); len(posts) != 1 || posts[0].ID != id {
		t.Fatalf("posts %+v, found %s", posts, id)
	}
	_, found, err = e.c.FindPostLinking(context.Background(), tok, e.pages[0], "https://www.facebook.com/other/videos/7/", graphStart)
	if err != nil || found {
		t.Fatalf("found a post for another link: %v %v", found, err)
	}
}

func TestFailedReadsAreNotAmbiguous(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.fb.FailNext(1, fakefb.FailServerError)
	_, err := e.c.Me(context.Background(), e.userTok)
	if err == nil || fbclient.IsAmbiguous(err) || fbclient.Classify(err) != fbclient.ClassTransient {
		t.Fatalf("err = %v", err)
	}
}

func TestAssistedShareURLOpensFacebooksShareDialogForTheVideo(t *testing.T) {
	c := fbclient.New(fbclient.Config{})
	got := c.AssistedShareURL("/300/videos/42/")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "www.facebook.com" || u.Path != "/sharer/sharer.php" || u.Query().Get("u") != "https://www.facebook.com/300/videos/42/" {
		t.Fatalf("url %s", got)
	}
}
