package relay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// simulatedRTT is the round trip every Graph request takes in the latency benchmark.
const simulatedRTT = 100 * time.Millisecond

// BenchmarkDetectionToLastShare measures, with a 100 ms round trip on every
// Graph request, the wall time from "check now" with a live on the source
// to the last destination's share recorded, and reports it against the
// floor measured in the same run: one poll round trip plus the batch round
// trip(s) for the same destinations, made directly with fbclient.
func BenchmarkDetectionToLastShare(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("dests=%d", n), func(b *testing.B) {
			w := newWorld(b, worldOpts{dests: n})
			w.start()
			w.fake.SetLatency(simulatedRTT)
			floor := measureFloor(b, w)
			var total time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				live := w.live(fmt.Sprintf("bench %d", i))
				begin := time.Now()
				w.engine.CheckNow()
				w.idle()
				total += time.Since(begin)
				b.StopTimer()
				for _, id := range w.dests {
					if w.postsLinking(id, live) != 1 {
						b.Fatalf("live %d not shared exactly once to %s", i, id)
					}
				}
				must(b, w.fake.StopLive(live.ID))
				w.engine.CheckNow()
				w.idle()
				b.StartTimer()
			}
			mean := total / time.Duration(b.N)
			b.ReportMetric(float64(mean.Milliseconds()), "ms/detect-to-last-share")
			b.ReportMetric(float64(floor.Milliseconds()), "ms/floor")
			b.ReportMetric(float64(mean)/float64(floor), "x-floor")
		})
	}
}

// measureFloor times one LiveVideos call plus one Batch of a post per
// destination, straight through fbclient, on throwaway posts.
func measureFloor(b *testing.B, w *world) time.Duration {
	b.Helper()
	ctx := context.Background()
	srcTok, _ := w.secrets.Get(store.PageTokenKey(sourcePageID))
	var ops []fbclient.BatchOp
	var first fbclient.Token
	for _, id := range w.dests {
		tok, _ := w.secrets.Get(store.PageTokenKey(id))
		if first == "" {
			first = fbclient.Token(tok)
		}
		ops = append(ops, fbclient.PostLinkOp(fbclient.Token(tok), id, "floor", w.fake.URL+"/floor"))
	}
	begin := time.Now()
	if _, err := w.client.LiveVideos(ctx, fbclient.Token(srcTok), sourcePageID); err != nil {
		b.Fatal(err)
	}
	if _, err := w.client.Batch(ctx, first, ops); err != nil {
		b.Fatal(err)
	}
	return time.Since(begin)
}

// Facebook's budgets, per hour
// (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/):
// calls with user or app tokens (debug_token, a batch's own token, a
// profile source) 200 per app user; calls with a Page token 4 800 × the
// Page's engaged users per 24 h, read here as 200 an hour for a Page with
// one engaged user.
const (
	pageBudgetPerHour = 4800 / 24
	userBudgetPerHour = fakefb.UserCallsPerHour
	// idleShareOfBudget is the most of either budget idle polling may
	// spend, leaving the rest for shares, share checks and health checks.
	idleShareOfBudget = 0.75
)

// idleUsage is the Graph calls one hour of idle watching costs.
type idleUsage struct {
	perSource float64 // Page-token calls of the busiest source
	user      int     // user- and app-token calls: debug_token, batches, /me
}

// idleScenario is the sources one idle hour watches.
type idleScenario struct {
	sources int
	// refusedEdge: Facebook refuses every live_videos edge, so the
	// sources are watched through the /videos fallback.
	refusedEdge bool
	// pastVideos is how many ended lives each source already has, all
	// listed by /videos.
	pastVideos int
}

func (s idleScenario) String() string {
	name := fmt.Sprintf("sources=%d", s.sources)
	if s.refusedEdge {
		name += fmt.Sprintf("/refused-edge/past-videos=%d", s.pastVideos)
	}
	return name
}

// measureIdleHour runs the scenario's idle Page sources with the default
// poll interval for the first hour after start (health checks included),
// against a fake that holds each Page to its hourly budget, and counts the
// calls by the budget they spend.
func measureIdleHour(tb testing.TB, sc idleScenario) idleUsage {
	w := newWorld(tb, worldOpts{dests: 1, noRoute: true, pollInterval: store.DefaultSettings().PollInterval})
	w.fake.SetRateLimits(fakefb.RateLimits{PageCalls: pageBudgetPerHour, PageWindow: time.Hour})
	w.fake.RefuseLiveVideosEdge(sc.refusedEdge)
	for s := range sc.sources {
		id := fmt.Sprintf("31000000000%04d", s)
		w.fake.AddPage(fakefb.Page{ID: id, Name: "Idle " + id}, testUserID)
		w.secrets.Set(store.PageTokenKey(id), w.fake.MintPageToken(testAppID, testUserID, id, testScopes, 0).Value)
		_, err := w.db.PutRoute(store.Route{Name: id, SourceID: id, SourceKind: store.SourcePage, Enabled: true,
			Targets: []store.Target{{DestinationID: w.dests[0], Mode: store.ModePost}}})
		must(tb, err)
		addPastVideos(tb, w, id, sc.pastVideos)
	}
	begin := w.clock.Now()
	w.start()
	w.advance(time.Hour)
	w.stop()
	var u idleUsage
	perPage := map[string]int{}
	for _, r := range w.fake.Requests() {
		if r.At.Sub(begin) >= time.Hour {
			continue
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		if r.Batch || id == "debug_token" || id == "me" || id == "" {
			u.user++
			continue
		}
		perPage[id]++
	}
	for _, c := range perPage {
		u.perSource = max(u.perSource, float64(c))
	}
	return u
}

// addPastVideos gives source n lives that ended before the world's clock.
func addPastVideos(tb testing.TB, w *world, source string, n int) {
	for i := range n {
		start := w.clock.Now().Add(-time.Duration(n-i) * 24 * time.Hour)
		_, err := w.fake.StartLive(source, fakefb.LiveSpec{Title: "past", StartAt: start, StopAt: start.Add(time.Hour)})
		must(tb, err)
	}
}

// BenchmarkIdleCallsPerHour reports, for 1, 5 and 20 idle Page sources
// under the default poll interval (and 5 watched through the /videos
// fallback, each with 300 past videos), the Graph calls of one hour against
// Facebook's two budgets: Page-token calls per source against the Page
// budget, user- and app-token calls against the per-user budget. Both
// ratios must stay at or below idleShareOfBudget.
func BenchmarkIdleCallsPerHour(b *testing.B) {
	scenarios := []idleScenario{{sources: 1}, {sources: 5}, {sources: 20},
		{sources: 5, refusedEdge: true, pastVideos: 300}}
	for _, sc := range scenarios {
		b.Run(sc.String(), func(b *testing.B) {
			var u idleUsage
			for i := 0; i < b.N; i++ {
				u = measureIdleHour(b, sc)
			}
			b.ReportMetric(u.perSource, "page-calls/source/hour")
			b.ReportMetric(u.perSource/pageBudgetPerHour, "x-page-budget")
			b.ReportMetric(float64(u.user), "user-calls/hour")
			b.ReportMetric(float64(u.user)/userBudgetPerHour, "x-user-budget")
		})
	}
}

// BenchmarkIdleTick measures one idle poll (no live) through the engine —
// timer, call, bookkeeping — against the bare fbclient call it makes,
// measured in the same run; allocations are reported per tick.
func BenchmarkIdleTick(b *testing.B) {
	w := newWorld(b, worldOpts{dests: 1})
	w.start()
	tok, _ := w.secrets.Get(store.PageTokenKey(sourcePageID))
	ctx := context.Background()
	const baseN = 200
	begin := time.Now()
	for i := 0; i < baseN; i++ {
		if _, err := w.client.LiveVideos(ctx, fbclient.Token(tok), sourcePageID); err != nil {
			b.Fatal(err)
		}
	}
	bare := time.Since(begin) / baseN
	b.ReportAllocs()
	b.ResetTimer()
	begin = time.Now()
	for i := 0; i < b.N; i++ {
		w.advance(DefaultPollInterval)
	}
	tick := time.Since(begin) / time.Duration(b.N)
	b.StopTimer()
	b.ReportMetric(float64(bare.Microseconds()), "µs/bare-call")
	b.ReportMetric(float64(tick)/float64(bare), "x-bare-call")
}
