package relay

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// faultTally is what a set of fault schedules ended with.
type faultTally struct {
	schedules, expected, posted, duplicates, missed, stray int
	kills, drops, failures, timeouts, deaths               int
}

func (f *faultTally) add(g faultTally) {
	f.schedules += g.schedules
	f.expected += g.expected
	f.posted += g.posted
	f.duplicates += g.duplicates
	f.missed += g.missed
	f.stray += g.stray
	f.kills += g.kills
	f.drops += g.drops
	f.failures += g.failures
	f.timeouts += g.timeouts
	f.deaths += g.deaths
}

func (f faultTally) String() string {
	return fmt.Sprintf("%d schedules: %d shares expected, %d posts, %d duplicates, %d missed, %d stray; injected %d kills, %d dropped-after-write, %d failures, %d timeouts, %d token deaths",
		f.schedules, f.expected, f.posted, f.duplicates, f.missed, f.stray, f.kills, f.drops, f.failures, f.timeouts, f.deaths)
}

var faultKinds = []fakefb.FailKind{fakefb.FailServerError, fakefb.FailTransient, fakefb.FailAppRateLimit,
	fakefb.FailUserRateLimit, fakefb.FailPageRateLimit, fakefb.FailBusinessRateLimit}

var deathSubcodes = []int{458, 459, 460, 463, 464, 467}

// TestFaultSchedulesShareEveryLiveExactlyOnce runs seeded random schedules
// mixing dropped-after-write, 5xx, timeouts, throttling, token death and
// crashes between any two steps, and checks that each ends with exactly one
// post per (video, destination) and none elsewhere.
func TestFaultSchedulesShareEveryLiveExactlyOnce(t *testing.T) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("RELAY_FAULT_SCHEDULES")); err == nil {
		n = v
	} else if testing.Short() {
		n = 100
	}
	var total faultTally
	for seed := 0; seed < n; seed++ {
		got := runFaultSchedule(t, uint64(seed))
		if got.duplicates > 0 || got.missed > 0 || got.stray > 0 {
			t.Errorf("seed %d: %s", seed, got)
		}
		total.add(got)
		if t.Failed() && seed > 20 {
			break
		}
	}
	report("relay fault test: %s", total)
	t.Logf("%s", total)
}

func runFaultSchedule(t *testing.T, seed uint64) faultTally {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	tally := faultTally{schedules: 1}
	w := newWorld(t, worldOpts{dests: 2 + rng.IntN(4), timeout: 150 * time.Millisecond, seed: seed})
	defer w.stop()
	w.start()
	videos := 1 + rng.IntN(3)
	var lives []fakefb.Broadcast
	dead := false
	reconnect := func() {
		w.mintTokens()
		must(t, w.engine.Rebind(context.Background()))
		dead = false
	}
	steps := 6 + rng.IntN(10)
	for i := 0; i < steps; i++ {
		switch rng.IntN(12) {
		case 0, 1, 2:
			if len(lives) < videos {
				lives = append(lives, w.live(fmt.Sprintf("video %d", len(lives)+1)))
			}
		case 3:
			w.fake.FailNext(1+rng.IntN(2), faultKinds[rng.IntN(len(faultKinds))])
			tally.failures++
		case 4:
			w.fake.DropAfterWrite(1)
			tally.drops++
		case 5:
			if !dead {
				w.fake.InvalidateUser(testUserID, deathSubcodes[rng.IntN(len(deathSubcodes))])
				dead = true
				tally.deaths++
			} else {
				reconnect()
			}
		case 6:
			w.kill(rng, 15*time.Second)
			tally.kills++
		case 7:
			if rng.IntN(3) == 0 {
				w.fake.FailNext(1, fakefb.FailTimeout)
				tally.timeouts++
			}
		}
		w.advance(time.Duration(rng.IntN(25)) * time.Second)
	}
	for len(lives) < videos {
		lives = append(lives, w.live(fmt.Sprintf("video %d", len(lives)+1)))
	}
	if dead {
		reconnect()
	}
	// Let it settle: retries, throttles (5 minutes) and backoffs run out.
	for i := 0; i < 120 && !w.allShared(lives); i++ {
		w.advance(30 * time.Second)
	}
	for _, b := range lives {
		for _, id := range w.dests {
			tally.expected++
			switch n := w.postsLinking(id, b); {
			case n == 0:
				tally.missed++
			case n > 1:
				tally.duplicates += n - 1
			}
		}
	}
	for _, id := range append([]string{sourcePageID}, w.dests...) {
		for _, p := range w.fake.Posts(id) {
			tally.posted++
			if !linksAny(p, lives) {
				tally.stray++
			}
		}
	}
	if tally.missed > 0 && testing.Verbose() {
		for _, b := range lives {
			for _, id := range w.dests {
				e, ok, _ := w.db.LedgerGet(store.LedgerKey{RouteID: w.route.ID, VideoID: b.ID, DestinationID: id})
				t.Logf("seed %d video %s dest %s: ledger %v %+v", seed, b.ID, id, ok, e)
			}
		}
		t.Logf("status %+v", w.engine.Status())
		t.Logf("%s", w.engine.dumpJobs())
	}
	return tally
}

func (w *world) allShared(lives []fakefb.Broadcast) bool {
	for _, b := range lives {
		for _, id := range w.dests {
			e, ok, err := w.db.LedgerGet(store.LedgerKey{RouteID: w.route.ID, VideoID: b.ID, DestinationID: id})
			if err != nil || !ok || e.State != store.LedgerDone {
				return false
			}
		}
	}
	return true
}

func linksAny(p fakefb.Post, lives []fakefb.Broadcast) bool {
	for _, b := range lives {
		if hasSuffix(p.Link, b.PermalinkURL) {
			return true
		}
	}
	return false
}

// report prints a summary line of the test run, and appends it to the file
// LIVEROUTE_TEST_REPORT names: `go test ./...` hides a passing package's
// output, and `make test` prints that file at the end.
func report(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Println(line)
	if path := os.Getenv("LIVEROUTE_TEST_REPORT"); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
}
