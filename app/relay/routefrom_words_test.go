package relay

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/store"
)

// RouteFrom's refusals fit both faces: the window's route editor shows
// them as the command line does, so none names a command or a flag.
func TestRouteFromRefusalsNameNoCommand(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{ValidateTemplate: Validate})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, d := range []store.Destination{{ID: "200", Name: "Choir", Kind: store.KindPage}, {ID: "g1", Name: "Friends", Kind: store.KindGroup}} {
		if err := db.PutDestination(d); err != nil {
			t.Fatal(err)
		}
	}
	routes := map[string]store.Route{
		"no profile":          {SourceID: SourceMe, Targets: []store.Target{{DestinationID: "200"}}},
		"unknown Page":        {SourceID: "999", Targets: []store.Target{{DestinationID: "200"}}},
		"unknown destination": {SourceID: "200", Targets: []store.Target{{DestinationID: "998"}}},
		"a mode for a group":  {SourceID: "200", Targets: []store.Target{{DestinationID: "g1", Mode: store.ModePost}}},
		"a group as source":   {SourceID: "g1", Targets: []store.Target{{DestinationID: "200"}}},
	}
	for name, r := range routes {
		_, err := RouteFrom(db, r)
		var re *RouteError
		if !errors.As(err, &re) {
			t.Errorf("%s: %v, want a RouteError", name, err)
			continue
		}
		if strings.Contains(re.Message, "liveroute") || strings.Contains(re.Message, "--") {
			t.Errorf("%s: %q names a command or a flag", name, re.Message)
		}
	}
}
