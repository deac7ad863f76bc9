package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// childEnv carries a childSpec to a re-executed test binary, which then
// runs an engine on the wall clock until its parent SIGKILLs it.
const childEnv = "LIVEROUTE_RELAY_CHILD"

type childSpec struct {
	FakeURL string
	DBPath  string
	Secrets map[string]string
}

// runChild is the child process: a real engine, a real clock, no test
// framework; it never returns on its own.
func runChild() int {
	var spec childSpec
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "child spec:", err)
		return 2
	}
	db, err := store.Open(spec.DBPath, store.Options{ValidateTemplate: Validate})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child db:", err)
		return 2
	}
	client := fbclient.New(fbclient.Config{GraphURL: spec.FakeURL, FacebookURL: spec.FakeURL, AppID: testAppID,
		AppSecret: testAppSecret, HTTPClient: &http.Client{Timeout: 2 * time.Second}})
	e := New(Config{Graph: client, Store: db, Secrets: &memSecrets{m: spec.Secrets}, Logger: testLogger(),
		PollInterval: 30 * time.Millisecond, RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	if err := e.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "child start:", err)
		return 2
	}
	select {} // until SIGKILL
}

// TestRealProcessKillLeavesEveryShareExactlyOnce runs the engine in a child
// process, SIGKILLs it at a random point of its work (after a random number
// of Graph requests, some with dropped answers), then lets a fresh engine
// finish on the same bbolt file.
func TestRealProcessKillLeavesEveryShareExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	var total faultTally
	pendingAfterKill, childPosts := 0, 0
	for seed := uint64(0); seed < 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0xdead))
		w := newWorld(t, worldOpts{dests: 2 + rng.IntN(4), start: time.Now().UTC().Truncate(time.Second), seed: seed})
		var lives []fakefb.Broadcast
		for i := 0; i <= rng.IntN(2); i++ {
			lives = append(lives, w.live(fmt.Sprintf("killed %d", i)))
		}
		w.fake.SetLatency(time.Duration(2+rng.IntN(10)) * time.Millisecond)
		drops := 0
		if rng.IntN(2) == 0 {
			w.fake.DropAfterWrite(1)
			drops = 1
		}
		must(t, w.db.Close())
		w.secrets.mu.Lock()
		spec, _ := json.Marshal(childSpec{FakeURL: w.fake.URL, DBPath: w.dbPath, Secrets: w.secrets.m})
		w.secrets.mu.Unlock()

		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
		cmd.Stderr = os.Stderr
		must(t, cmd.Start())
		// Wait for the child to be mid-work: a random number of Graph
		// requests seen. This waits on another process, so it polls.
		target := w.fake.RequestCount() + 3 + rng.IntN(2*len(w.dests)+4)
		deadline := time.Now().Add(20 * time.Second)
		for w.fake.RequestCount() < target && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		w.fake.SetLatency(0)

		w.openDB()
		pending, err := w.db.LedgerPending()
		must(t, err)
		postedByChild := 0
		for _, id := range w.dests {
			postedByChild += len(w.fake.Posts(id))
		}
		pendingAfterKill += len(pending)
		childPosts += postedByChild
		w.engine = w.newEngine(15 * time.Second)
		w.start()
		for i := 0; i < 40 && !w.allSettled(lives); i++ {
			w.advance(30 * time.Second)
		}
		got := faultTally{schedules: 1, kills: 1, drops: drops}
		for _, b := range lives {
			for _, id := range w.dests {
				got.expected++
				switch n := w.postsLinking(id, b); {
				case n == 0:
					got.missed++
				case n > 1:
					got.duplicates += n - 1
				}
			}
		}
		for _, id := range w.dests {
			got.posted += len(w.fake.Posts(id))
		}
		if got.duplicates > 0 || got.missed > 0 {
			t.Errorf("seed %d: %s", seed, got)
		}
		total.add(got)
		w.stop()
	}
	report("relay real-kill test: %s; at the kills the child had posted %d and left %d shares pending", total, childPosts, pendingAfterKill)
	t.Logf("%s", total)
}
