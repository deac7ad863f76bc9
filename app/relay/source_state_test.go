package relay

import (
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// profileWorld is a world whose route starts from the person's profile.
func profileWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, worldOpts{dests: 1, template: "{title}"})
	r := w.route
	r.SourceID, r.SourceKind, r.SourceName = testUserID, store.SourceProfile, "Test Person"
	r, err := w.db.PutRoute(r)
	must(t, err)
	w.route = r
	return w
}

func (w *world) sourceStatus(id string) SourceStatus {
	w.t.Helper()
	for _, s := range w.engine.Status().Sources {
		if s.SourceID == id {
			return s
		}
	}
	w.t.Fatalf("the engine does not watch %s", id)
	return SourceStatus{}
}

// profileRequests counts the Graph calls made about the profile.
func (w *world) profileRequests() int {
	n := 0
	for _, r := range w.fake.Requests() {
		if strings.HasPrefix(r.Path, "/me/") || strings.HasPrefix(r.Path, "/"+testUserID+"/") {
			n++
		}
	}
	return n
}

func TestEngineNeverReportsAProfileSourceHealthy(t *testing.T) {
	w := profileWorld(t)
	w.start()
	for i := range 3 {
		if i == 1 {
			_, err := w.fake.StartLive(testUserID, fakefb.LiveSpec{Title: "On my profile"})
			must(t, err)
		}
		w.advance(unsupportedPollEvery)
		s := w.sourceStatus(testUserID)
		if s.State != SourceUnsupported || s.Reason != fbclient.ProfileLiveVideosUnsupported {
			t.Fatalf("after %d polls the profile source is %q (%q), want unsupported", i+1, s.State, s.Reason)
		}
	}
	if posts := w.fake.Posts(w.dests[0]); len(posts) != 0 {
		t.Fatalf("shared %+v from a profile Facebook does not show", posts)
	}
}

func TestAProfileSourceIsPolledSparingly(t *testing.T) {
	w := profileWorld(t)
	w.start()
	w.advance(time.Hour)
	// At most two calls a poll (live_videos refused, the videos fallback).
	if n, most := w.profileRequests(), 2*(int(time.Hour/unsupportedPollEvery)+1); n > most {
		t.Fatalf("%d profile calls in an hour, want at most %d", n, most)
	}
}

func TestAProfileFacebookShowsAfterAllIsWatchedLikeAPage(t *testing.T) {
	w := profileWorld(t)
	w.fake.AllowProfileLiveVideos(true) // leniency: older Graph versions answered /me/live_videos
	w.start()
	b, err := w.fake.StartLive(testUserID, fakefb.LiveSpec{Title: "Old behaviour"})
	must(t, err)
	w.advance(unsupportedPollEvery)
	if s := w.sourceStatus(testUserID); s.State != SourceWatching {
		t.Fatalf("profile source is %q (%q), want watching once Facebook listed a live", s.State, s.Reason)
	}
	if n := w.postsLinking(w.dests[0], b); n != 1 {
		t.Fatalf("%d posts of the profile's live, want 1", n)
	}
}

func TestAPageSourceIsWatchingAfterItsFirstPoll(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 1})
	w.start()
	w.advance(time.Second)
	if s := w.sourceStatus(sourcePageID); s.State != SourceWatching || s.Reason != "" {
		t.Fatalf("page source is %q (%q)", s.State, s.Reason)
	}
}

func TestUnsupportedSourceReasonNamesOnlyProfiles(t *testing.T) {
	if UnsupportedSourceReason(store.SourceProfile) == "" || UnsupportedSourceReason(store.SourcePage) != "" {
		t.Fatal("only a profile source is unsupported")
	}
}

func TestDryRunOfAProfileRouteSaysItCannotShare(t *testing.T) {
	w := profileWorld(t)
	w.start()
	w.advance(time.Second)
	plan, err := w.engine.DryRun(t.Context(), w.route.ID)
	must(t, err)
	if plan.SourceProblem != fbclient.ProfileLiveVideosUnsupported {
		t.Fatalf("dry run of a profile route: source problem %q", plan.SourceProblem)
	}
}
