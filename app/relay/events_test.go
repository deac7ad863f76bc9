package relay

import (
	"testing"
)

func TestSubscriberThatNeverReadsDoesNotBlockPublisherAndKeepsStateChanges(t *testing.T) {
	var b bus
	ch, cancel := b.subscribe(3)
	defer cancel()
	b.publish(StateChanged{To: State{Kind: NeedsReconnect}})
	for i := 0; i < 100; i++ {
		b.publish(UsageChanged{Slowdown: float64(i)})
	}
	if b.dropped.Load() == 0 {
		t.Fatal("no drops counted for a subscriber that fell behind")
	}
	// The pump may hold one event in hand; read up to the newest.
	var got []Event
	for {
		ev := <-ch
		got = append(got, ev)
		if u, ok := ev.(UsageChanged); ok && u.Slowdown == 99 {
			break
		}
	}
	if len(got) > 5 {
		t.Fatalf("a subscriber with a buffer of 3 received %d events", len(got))
	}
	sawState := false
	for _, ev := range got {
		if sc, ok := ev.(StateChanged); ok && sc.To.Kind == NeedsReconnect {
			sawState = true
		}
	}
	if !sawState {
		t.Fatalf("the state change was dropped: %#v", got)
	}
	if last, ok := got[len(got)-1].(UsageChanged); !ok || last.Slowdown != 99 {
		t.Fatalf("the newest event is not last: %#v", got[len(got)-1])
	}
}

func TestCancelClosesTheChannel(t *testing.T) {
	var b bus
	ch, cancel := b.subscribe(1)
	cancel()
	cancel() // twice is harmless
	if _, open := <-ch; open {
		t.Fatal("channel still open after cancel")
	}
	b.publish(UsageChanged{}) // no subscriber left; must not panic
}
