package fbclient_test

import (
	"context"
	"errors"
	"fmt"
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

func TestAnAmbiguousShareIsFoundByItsAttachmentOnThePagesPosts(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	tok := e.pageToken(t, page)
	live, err := e.fb.StartLive(page, fakefb.LiveSpec{Title: "Sunday"})
	if err != nil {
		t.Fatal(err)
	}
	link := e.fb.URL + live.PermalinkURL
	e.fb.DropAfterWrite(1)
	if _, err := e.c.PostLink(context.Background(), tok, page, "Live", link); !fbclient.IsAmbiguous(err) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	before := len(e.fb.Requests())
	id, found, err := e.c.FindPostLinking(context.Background(), tok, page, link, graphStart.Add(-time.Hour))
	if err != nil || !found || id != e.fb.Posts(page)[0].ID {
		t.Fatalf("id=%q found=%v err=%v", id, found, err)
	}
	if reqs := e.fb.Requests()[before:]; len(reqs) != 1 || reqs[0].Path != "/"+page+"/posts" {
		t.Errorf("requests %+v, want one GET of /%s/posts", reqs, page)
	}
}

func TestAVisitorsPostLinkingTheVideoDoesNotCount(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	tok := e.pageToken(t, page)
	e.fb.AddUser(fakefb.User{ID: "100000000000777", Name: "A Visitor"})
	if _, err := e.fb.AddVisitorPost(page, "100000000000777", "Watch this", videoLink); err != nil {
		t.Fatal(err)
	}
	_, found, err := e.c.FindPostLinking(context.Background(), tok, page, videoLink, graphStart.Add(-time.Hour))
	if err != nil || found {
		t.Fatalf("found=%v err=%v: a visitor's post counted as the share", found, err)
	}
}

func TestTheEarlierPostIsFoundOnALaterTimePage(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	tok := e.pageToken(t, page)
	e.fb.SetMaxPageSize(2)
	ctx := context.Background()
	want, err := e.c.PostLink(ctx, tok, page, "The share", videoLink)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		e.clock.Advance(time.Minute)
		if _, err := e.c.PostLink(ctx, tok, page, fmt.Sprintf("other %d", i), fmt.Sprintf("https://example.com/%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	before := e.fb.RequestCount()
	id, found, err := e.c.FindPostLinking(ctx, tok, page, videoLink, graphStart.Add(-time.Hour))
	if err != nil || !found || id != want {
		t.Fatalf("id=%q found=%v err=%v, want %s", id, found, err, want)
	}
	if n := e.fb.RequestCount() - before; n != 3 {
		t.Errorf("read %d pages, want 3 (the share is the oldest of five, two a page)", n)
	}
}

func TestACheckFacebookRefusesCannotBeVerifiedButTroubleCanBeRetried(t *testing.T) {
	cases := []struct {
		fault      fakefb.FailKind
		cannotTell bool
	}{
		{fakefb.FailDeprecated, true},
		{fakefb.FailTransient, false},
		{fakefb.FailServerError, false},
		{fakefb.FailAppRateLimit, false},
		{fakefb.FailApplicationLimit, false},
		{fakefb.FailPageRateLimit, false},
	}
	for _, c := range cases {
		e := newGraphEnv(t, 1)
		tok := e.pageToken(t, e.pages[0])
		e.fb.FailNext(1, c.fault)
		_, found, err := e.c.FindPostLinking(context.Background(), tok, e.pages[0], videoLink, graphStart)
		if err == nil || found {
			t.Fatalf("fault %d: found=%v err=%v", c.fault, found, err)
		}
		if got := errors.Is(err, fbclient.ErrCannotVerify); got != c.cannotTell {
			t.Errorf("fault %d: errors.Is(ErrCannotVerify) = %v, want %v (%v)", c.fault, got, c.cannotTell, err)
		}
	}
}

func TestACheckWithoutThePermissionCannotBeVerified(t *testing.T) {
	e := newGraphEnv(t, 1)
	// A user token of someone without a role on the Page: Facebook answers
	// as if the edge did not exist (#100), which asking again will not change.
	e.fb.AddUser(fakefb.User{ID: "100000000000888", Name: "Stranger"})
	stranger := fbclient.Token(e.fb.MintUserToken(e.app.ID, "100000000000888", allScopes, time.Hour, false).Value)
	_, _, err := e.c.FindPostLinking(context.Background(), stranger, e.pages[0], videoLink, graphStart)
	if !errors.Is(err, fbclient.ErrCannotVerify) || fbclient.Classify(err) != fbclient.ClassInvalid {
		t.Fatalf("err = %v (class %v)", err, fbclient.Classify(err))
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
