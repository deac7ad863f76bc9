package fbclient_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

// BenchmarkShare100Pages shares one live video to 100 Pages through a
// Facebook that takes 100 ms per request: in batches, against one request
// per share measured in the same run. It reports HTTP requests per share
// round and, for batched, how many times faster than one-by-one it was.
func BenchmarkShare100Pages(b *testing.B) {
	const n, latency = 100, 100 * time.Millisecond
	e := newGraphEnv(b, n)
	ops := shareOps(b, e, e.pages, "Live")
	e.fb.SetLatency(latency)
	round := 0
	// Each round posts a new message: Facebook refuses a repeat as a duplicate.
	nextOps := func() []fbclient.BatchOp {
		round++
		for i := range ops {
			ops[i].Body.Set("message", fmt.Sprintf("Live, round %d", round))
		}
		return ops
	}
	oneByOne := func() {
		for i, op := range nextOps() {
			if _, err := e.c.PostLink(context.Background(), op.Token, e.pages[i], op.Body.Get("message"), op.Body.Get("link")); err != nil {
				b.Fatal(err)
			}
		}
	}
	batched := func() {
		res, err := e.c.Batch(context.Background(), e.userTok, nextOps())
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if _, err := fbclient.PostIDFromResult(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	var baseline time.Duration
	measure := func(b *testing.B, share func()) time.Duration {
		before := e.fb.RequestCount()
		start := time.Now()
		for b.Loop() {
			share()
		}
		wall := time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(e.fb.RequestCount()-before)/float64(b.N), "http-requests/op")
		return wall
	}
	b.Run("one-by-one", func(b *testing.B) { baseline = measure(b, oneByOne) })
	b.Run("batched", func(b *testing.B) {
		if baseline == 0 { // one-by-one was filtered out: measure it once for the ratio
			start := time.Now()
			oneByOne()
			baseline = time.Since(start)
		}
		wall := measure(b, batched)
		b.ReportMetric(float64(baseline)/float64(wall), "x-faster-than-one-by-one")
	})
}
