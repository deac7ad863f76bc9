package control

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

const profileSentence = fbclient.ProfileLiveVideosUnsupported

// TestStatusSaysAProfileSourceCannotShare checks both faces of status, with
// the app running (the engine's word) and stopped (the routes' sources).
func TestStatusSaysAProfileSourceCannotShare(t *testing.T) {
	for _, running := range []bool{false, true} {
		h := newHarness(t, running)
		h.seed()
		h.withDB(func(db *store.DB) {
			_, err := db.PutRoute(store.Route{Name: "From me", SourceID: "100", SourceName: "Ana Lima", SourceKind: store.SourceProfile,
				Enabled: true, Targets: []store.Target{{DestinationID: "200", Mode: store.ModePost, Message: "{url}"}}})
			must(t, err)
		})
		h.engine.problems = []SourceProblem{{SourceID: "100", Name: "Ana Lima", State: SourceUnsupported, Reason: profileSentence}}

		want := "Routes from Ana Lima (100) will not share anything: " + profileSentence
		if out := h.ok("status"); !strings.Contains(out, want) {
			t.Errorf("running=%v: status does not say the profile cannot share:\n%s", running, out)
		}
		var s StatusData
		if err := json.Unmarshal([]byte(h.ok("status", "--json")), &s); err != nil {
			t.Fatal(err)
		}
		if len(s.SourceProblems) != 1 || s.SourceProblems[0] != h.engine.problems[0] {
			t.Errorf("running=%v: status --json source_problems = %+v", running, s.SourceProblems)
		}
	}
}

func TestStatusNamesNoProblemForPageSources(t *testing.T) {
	h := newHarness(t, false)
	h.seed()
	h.ok("routes", "add", "--source", "200", "--to", "400")
	if out := h.ok("status", "--json"); strings.Contains(out, "source_problems") {
		t.Errorf("a Page source reported as a problem:\n%s", out)
	}
}
