package control

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// seedUnconfirmed records a share to the Page 200 that the engine could
// not confirm.
func (h *harness) seedUnconfirmed() store.LedgerKey {
	key := store.LedgerKey{RouteID: "route1", VideoID: "902", DestinationID: "200"}
	h.later.Add(60)
	h.withDB(func(db *store.DB) {
		e, _, err := db.LedgerBegin(store.LedgerEntry{LedgerKey: key, VideoTitle: "Vespers"})
		must(h.t, err)
		e.State, e.Reason = store.LedgerUnconfirmed, relay.UnconfirmedSentence("Choir")
		must(h.t, db.LedgerPut(e))
	})
	return key
}

func TestAnUnconfirmedShareShowsInHistoryWithBothCommandsUntilSettled(t *testing.T) {
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.engine.db = h.db // nil when stopped: the CLI works on the file
			h.seed()
			key := h.seedUnconfirmed()

			var hist []HistoryEntry
			must(t, json.Unmarshal([]byte(h.ok("history", "--json")), &hist))
			if len(hist) == 0 || hist[0].State != "unconfirmed" || !strings.Contains(hist[0].Message, "Could not confirm the share to Choir") {
				t.Fatalf("history = %+v", hist)
			}
			text := h.ok("history")
			for _, want := range []string{"liveroute shares shared 902 200", "liveroute shares again 902 200"} {
				if !strings.Contains(text, want) {
					t.Errorf("history text lacks %q:\n%s", want, text)
				}
			}

			h.ok("shares", "again", key.VideoID, key.DestinationID)
			h.withDB(func(db *store.DB) {
				if e, _, err := db.LedgerGet(key); err != nil || e.State != store.LedgerPending || !e.NoCheck {
					t.Errorf("after shares again: ledger %+v, %v; want pending, posted without a look", e, err)
				}
			})
			if running && h.engine.resolved != 1 {
				t.Errorf("the running engine settled %d shares, want 1: it must post at once", h.engine.resolved)
			}
			code, _, errOut := h.run("", "shares", "shared", key.VideoID, key.DestinationID)
			if code != ExitError || !strings.Contains(errOut, "waiting to be confirmed") {
				t.Errorf("shares shared on a share no longer waiting: exit %d %q", code, errOut)
			}
		})
	}
}

func TestSharesSharedRecordsThePostThePersonFound(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	key := h.seedUnconfirmed()
	if out := h.ok("shares", "shared", key.VideoID, key.DestinationID); out != "You confirmed the share to Choir.\n" {
		t.Errorf("shares shared said %q", out)
	}
	h.withDB(func(db *store.DB) {
		if e, _, _ := db.LedgerGet(key); e.State != store.LedgerDone {
			t.Errorf("ledger %+v, want done", e)
		}
	})
	h.ok("shares", "shared", key.VideoID, key.DestinationID) // twice is fine
	if code, _, _ := h.run("", "shares", "shared", "902"); code != ExitUsage {
		t.Errorf("one argument: exit %d, want %d", code, ExitUsage)
	}
}
