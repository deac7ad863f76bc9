package fbclient_test

import (
	"context"
	"slices"
	"strings"
	"sync"
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

// pastVideos gives source n ended lives, older than anything a test starts.
func pastVideos(t *testing.T, e *graphEnv, source string, n int) {
	t.Helper()
	for i := range n {
		start := graphStart.Add(-time.Duration(n-i) * 24 * time.Hour)
		if _, err := e.fb.StartLive(source, fakefb.LiveSpec{Title: "past", StartAt: start, StopAt: start.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
}

// pollRequests polls source once and returns the paths it asked for.
func pollRequests(t *testing.T, e *graphEnv, tok fbclient.Token, source string) ([]fbclient.LiveVideo, []string) {
	t.Helper()
	before := len(e.fb.Requests())
	got, err := e.c.LiveVideos(context.Background(), tok, source)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range e.fb.Requests()[before:] {
		paths = append(paths, r.Path)
	}
	return got, paths
}

func TestARefusedLiveEdgeIsRememberedAndOnlyTheNewestVideosAreRead(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	tok := e.pageToken(t, page)
	pastVideos(t, e, page, 300)
	live, err := e.fb.StartLive(page, fakefb.LiveSpec{Title: "Sunday service"})
	if err != nil {
		t.Fatal(err)
	}
	e.fb.RefuseLiveVideosEdge(true)
	edge, videos := "/"+page+"/live_videos", "/"+page+"/videos"
	polls := []struct {
		after time.Duration
		want  []string
	}{
		{0, []string{edge, videos}},           // refused: remembered, one page of /videos
		{30 * time.Second, []string{videos}},  // straight to /videos
		{59 * time.Minute, []string{videos}},  // still within the hour
		{time.Minute, []string{edge, videos}}, // an hour on: the edge is asked again
		{30 * time.Second, []string{videos}},  // and its refusal remembered again
	}
	for i, p := range polls {
		e.clock.Advance(p.after)
		got, paths := pollRequests(t, e, tok, page)
		if !slices.Equal(paths, p.want) {
			t.Errorf("poll %d asked %v, want %v", i, paths, p.want)
		}
		if len(got) != 1 || got[0].VideoID != live.VideoID {
			t.Errorf("poll %d found %+v, want the live", i, got)
		}
	}
}

func TestAnEdgeThatAnswersAgainIsUsedAgain(t *testing.T) {
	e := newGraphEnv(t, 1)
	page := e.pages[0]
	tok := e.pageToken(t, page)
	e.fb.RefuseLiveVideosEdge(true)
	pollRequests(t, e, tok, page)
	e.fb.RefuseLiveVideosEdge(false)
	e.clock.Advance(time.Hour)
	edge := "/" + page + "/live_videos"
	for i := range 2 {
		if _, paths := pollRequests(t, e, tok, page); !slices.Equal(paths, []string{edge}) {
			t.Errorf("poll %d after the edge came back asked %v, want only %s", i, paths, edge)
		}
	}
}

func TestRefusedEdgesAreRememberedPerSourceUnderConcurrentPolls(t *testing.T) {
	e := newGraphEnv(t, 2)
	e.fb.RefuseLiveVideosEdge(true)
	var wg sync.WaitGroup
	for _, page := range e.pages {
		tok := e.pageToken(t, page)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.c.LiveVideos(context.Background(), tok, page); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	for _, page := range e.pages {
		if _, paths := pollRequests(t, e, e.pageToken(t, page), page); !slices.Equal(paths, []string{"/" + page + "/videos"}) {
			t.Errorf("%s: asked %v, want only its /videos", page, paths)
		}
	}
}
