package relay

import (
	"context"
	"sync"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
)

// lateGraph lets the next DebugToken answer, then holds that answer back
// until release: debug_token vouched for the token just before it died.
type lateGraph struct {
	Graph
	mu       sync.Mutex
	hold     bool
	answered chan struct{}
	release  chan struct{}
}

func (g *lateGraph) DebugToken(ctx context.Context, tok fbclient.Token) (fbclient.TokenInfo, error) {
	info, err := g.Graph.DebugToken(ctx, tok)
	g.mu.Lock()
	hold := g.hold
	g.hold = false
	g.mu.Unlock()
	if hold {
		close(g.answered)
		<-g.release
	}
	return info, err
}

// A check that asked before Facebook ended the connection and answers
// after a newer check found it dead must not announce "sharing again".
func TestAStaleTokenCheckNeverUndoesANewerOne(t *testing.T) {
	w := newWorld(t, worldOpts{dests: 2})
	late := &lateGraph{Graph: w.graph, answered: make(chan struct{}), release: make(chan struct{})}
	w.graph = late
	w.engine = w.newEngine(w.interval)
	w.start()
	if k := w.engine.Status().State.Kind; k != Healthy {
		t.Fatalf("the engine starts %v, want healthy", k)
	}

	late.mu.Lock()
	late.hold = true
	late.mu.Unlock()
	ctx := context.Background()
	older := make(chan error, 1)
	go func() { older <- w.engine.Rebind(ctx) }()
	<-late.answered // the older check has its "valid"

	w.fake.InvalidateUser(testUserID, 460) // the password changed
	if err := w.engine.Rebind(ctx); err != nil {
		t.Fatal(err)
	}
	if k := w.engine.Status().State.Kind; k != NeedsReconnect {
		t.Fatalf("after the newer check the engine is %v, want needs reconnect", k)
	}
	close(late.release)
	if err := <-older; err != nil {
		t.Fatal(err)
	}
	if st := w.engine.Status().State; st.Kind != NeedsReconnect {
		t.Fatalf("the older check's late answer made the engine %v, want it still needs reconnect", st.Kind)
	}
	w.idle()
	for _, sc := range w.stateChanges() {
		if sc.From.Kind == NeedsReconnect {
			t.Errorf("the dead connection changed to %v", sc.To.Kind)
		}
	}
}
