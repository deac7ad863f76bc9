package relay

import (
	"context"
	"fmt"
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

// BenchmarkIdleCallsPerHour runs five idle Page sources for three simulated
// hours against Facebook's Page budget read per hour (4 800 a day, 200 an
// hour per Page), and reports the Graph calls per source in the last hour
// against that budget: pacing must keep the ratio at or below 1.
func BenchmarkIdleCallsPerHour(b *testing.B) {
	const budget = 200 // calls per Page per hour
	for i := 0; i < b.N; i++ {
		w := newWorld(b, worldOpts{dests: 1, noRoute: true})
		w.fake.SetRateLimits(fakefb.RateLimits{PageCalls: budget, PageWindow: time.Hour})
		for s := 0; s < 5; s++ {
			id := fmt.Sprintf("31000000000000%d", s)
			w.fake.AddPage(fakefb.Page{ID: id, Name: "Idle " + id}, testUserID)
			w.secrets.Set(store.PageTokenKey(id), w.fake.MintPageToken(testAppID, testUserID, id, testScopes, 0).Value)
			_, err := w.db.PutRoute(store.Route{Name: id, SourceID: id, SourceKind: store.SourcePage, Enabled: true,
				Targets: []store.Target{{DestinationID: w.dests[0], Mode: store.ModePost}}})
			must(b, err)
		}
		w.start()
		w.advance(2 * time.Hour)
		before := w.fake.RequestCount()
		w.advance(time.Hour)
		perSource := float64(w.fake.RequestCount()-before) / 5
		b.ReportMetric(perSource, "calls/source/hour")
		b.ReportMetric(perSource/budget, "x-budget")
		b.ReportMetric(float64(time.Hour/DefaultPollInterval), "unpaced-calls/source/hour")
		w.stop()
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
