package fbclient_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

func TestLiveVideosFollowTheScriptedSchedule(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	tok := e.pageToken(t, page)
	live, err := e.fb.StartLive(page, fakefb.LiveSpec{Title: "Evening", StartAt: graphStart.Add(time.Minute), StopAt: graphStart.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at   time.Duration
		want []string // statuses listed
	}{
		{0, nil},
		{2 * time.Minute, []string{"LIVE"}},
		{2 * time.Hour, nil}, // ended: VOD is not listed
	}
	for _, st := range steps {
		e.clock.Set(graphStart.Add(st.at))
		got, err := e.c.LiveVideos(context.Background(), tok, page)
		if err != nil {
			t.Fatalf("at +%v: %v", st.at, err)
		}
		if len(got) != len(st.want) {
			t.Fatalf("at +%v: got %+v, want statuses %v", st.at, got, st.want)
		}
		for i, v := range got {
			if v.Status != st.want[i] || v.ID != live.ID || v.VideoID != live.VideoID || !v.IsLive() {
				t.Errorf("at +%v: video %+v", st.at, v)
			}
			if v.PermalinkURL != e.fb.URL+live.PermalinkURL {
				t.Errorf("permalink %q not made absolute", v.PermalinkURL)
			}
			if !v.StartedAt.Equal(graphStart.Add(time.Minute)) {
				t.Errorf("started at %v", v.StartedAt)
			}
		}
	}
}

func TestLiveVideosListsAnnouncedBroadcastsAsScheduled(t *testing.T) {
	e := newGraphEnv(t, 1)
	if _, err := e.fb.StartLive(e.pages[0], fakefb.LiveSpec{StartAt: graphStart.Add(time.Hour), Announce: true}); err != nil {
		t.Fatal(err)
	}
	got, err := e.c.LiveVideos(context.Background(), e.pageToken(t, e.pages[0]), e.pages[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].IsScheduled() || got[0].IsLive() {
		t.Fatalf("got %+v", got)
	}
}

func TestProfileLiveVideosFallBackToVideosWhenTheEdgeIsRefused(t *testing.T) {
	e := newGraphEnv(t, 0)
	live, err := e.fb.StartLive(e.userID, fakefb.LiveSpec{Title: "From my phone"})
	if err != nil {
		t.Fatal(err)
	}
	tok := fbclient.Token(e.fb.MintUserToken(e.app.ID, e.userID, append(slices.Clone(allScopes), "user_videos"), time.Hour, true).Value)
	got, err := e.c.LiveVideos(context.Background(), tok, "me")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].IsLive() || got[0].VideoID != live.VideoID || got[0].Title != "From my phone" {
		t.Fatalf("got %+v", got)
	}
	if got[0].IsLiveVideoObject() {
		t.Errorf("a video read through the fallback claims a LiveVideo ID: %+v", got[0])
	}
	var paths []string
	for _, r := range e.fb.Requests() {
		paths = append(paths, r.Path)
	}
	if !strings.Contains(strings.Join(paths, " "), "/me/videos") {
		t.Errorf("no fallback request in %v", paths)
	}
}

func TestProfileVideosWithoutUserVideosAnswerAnEmptyListNotAnError(t *testing.T) {
	e := newGraphEnv(t, 0)
	if _, err := e.fb.StartLive(e.userID, fakefb.LiveSpec{Title: "Invisible"}); err != nil {
		t.Fatal(err)
	}
	got, err := e.c.LiveVideos(context.Background(), e.userTok, "me")
	if err != nil || len(got) != 0 {
		t.Fatalf("got %+v, %v; want an empty answer, as Facebook gives", got, err)
	}
}

func TestProfileLiveVideosAnswerOnlyBehindTheLeniencySwitch(t *testing.T) {
	e := newGraphEnv(t, 0)
	live, err := e.fb.StartLive(e.userID, fakefb.LiveSpec{Title: "Old Graph"})
	if err != nil {
		t.Fatal(err)
	}
	e.fb.AllowProfileLiveVideos(true)
	got, err := e.c.LiveVideos(context.Background(), e.userTok, "me")
	if err != nil || len(got) != 1 || got[0].ID != live.ID || !got[0].IsLiveVideoObject() {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestProfileLiveVideosExplainWhenFacebookRefusesBothEdges(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.fb.RefuseProfileLiveVideos(true)
	e.fb.RefuseProfileVideos(true)
	_, err := e.c.LiveVideos(context.Background(), e.userTok, "me")
	fe := asError(t, err)
	if fbclient.Classify(err) != fbclient.ClassPermissionMissing {
		t.Fatalf("class %v: %v", fbclient.Classify(err), err)
	}
	if fe.Reason() != fbclient.ProfileLiveVideosUnsupported {
		t.Errorf("reason %q", fe.Reason())
	}
}

func TestLiveVideosDoNotFallBackOnADeadToken(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.fb.InvalidateToken(e.userTok.Reveal(), 463)
	before := e.fb.RequestCount()
	_, err := e.c.LiveVideos(context.Background(), e.userTok, "me")
	if fbclient.Classify(err) != fbclient.ClassNeedsReconnect {
		t.Fatalf("err = %v", err)
	}
	if n := e.fb.RequestCount() - before; n != 1 {
		t.Errorf("made %d requests, want 1 (no fallback)", n)
	}
}

func TestLiveVideoReadsOneBroadcast(t *testing.T) {
	e := newGraphEnv(t, 1)
	live, err := e.fb.StartLive(e.pages[0], fakefb.LiveSpec{Title: "One", Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.c.LiveVideo(context.Background(), e.pageToken(t, e.pages[0]), live.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != live.ID || v.Title != "One" || v.Description != "d" || !v.IsLive() || v.CreatedAt.IsZero() {
		t.Fatalf("got %+v", v)
	}
	if err := e.fb.StopLive(live.ID); err != nil {
		t.Fatal(err)
	}
	v, err = e.c.LiveVideo(context.Background(), e.pageToken(t, e.pages[0]), live.ID)
	if err != nil || v.Status != "LIVE_STOPPED" {
		t.Fatalf("after stop: %+v, %v", v, err)
	}
}

// Meta's Page Live Videos reference lists no Reading section ("You can't
// perform this operation on this endpoint",
// https://developers.facebook.com/docs/graph-api/reference/page/live_videos),
// though apps read it every day: when Facebook refuses the edge, a Page's
// lives are still found through /{page}/videos and live_status.
func TestPageLiveVideosFallBackToVideosWhenTheEdgeIsRefused(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	live, err := e.fb.StartLive(page, fakefb.LiveSpec{Title: "Sunday service"})
	if err != nil {
		t.Fatal(err)
	}
	e.fb.RefuseLiveVideosEdge(true)
	got, err := e.c.LiveVideos(context.Background(), e.pageToken(t, page), page)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].IsLive() || got[0].VideoID != live.VideoID || got[0].Title != "Sunday service" {
		t.Fatalf("got %+v", got)
	}
	if got[0].IsLiveVideoObject() {
		t.Errorf("a video read through the fallback claims a LiveVideo ID, so it would be crossposted wrongly: %+v", got[0])
	}
	var paths []string
	for _, r := range e.fb.Requests() {
		paths = append(paths, r.Path)
	}
	if !strings.Contains(strings.Join(paths, " "), "/"+page+"/videos") {
		t.Errorf("no fallback request in %v", paths)
	}
}
