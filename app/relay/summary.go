package relay

import "github.com/liveroute/liveroute/store"

// Summary counts what LiveRoute holds, as `liveroute status` says it.
type Summary struct {
	Routes, RoutesEnabled                  int
	Destinations, DestinationsWithProblems int
	Pages, Groups                          int // by kind; Pages include those that are only a source
	GroupSharesWaiting                     int
	// UnsupportedSources are the sources of enabled routes that can never
	// start a share, read from the routes (a running engine says it from
	// what it watches: Status).
	UnsupportedSources []SourceStatus
}

// Summarize counts db's routes, destinations and waiting group shares.
func Summarize(db *store.DB) (Summary, error) {
	var s Summary
	routes, err := db.Routes()
	if err != nil {
		return s, err
	}
	s.Routes = len(routes)
	for _, r := range routes {
		if r.Enabled {
			s.RoutesEnabled++
		}
	}
	s.UnsupportedSources = unsupportedSources(routes)
	dests, err := db.Destinations()
	if err != nil {
		return s, err
	}
	s.Destinations = len(dests)
	for _, d := range dests {
		if d.Status != store.StatusOK {
			s.DestinationsWithProblems++
		}
		switch d.Kind {
		case store.KindPage:
			s.Pages++
		case store.KindGroup:
			s.Groups++
		}
	}
	waiting, err := db.LedgerInState(store.LedgerAssistedOpen)
	s.GroupSharesWaiting = len(waiting)
	return s, err
}

// unsupportedSources names the sources of enabled routes that can never
// start a share, each once.
func unsupportedSources(routes []store.Route) []SourceStatus {
	var out []SourceStatus
	seen := map[string]bool{}
	for _, r := range routes {
		why := UnsupportedSourceReason(r.SourceKind)
		if !r.Enabled || why == "" || seen[r.SourceID] {
			continue
		}
		seen[r.SourceID] = true
		out = append(out, SourceStatus{SourceID: r.SourceID, Name: r.SourceName, State: SourceUnsupported, Reason: why})
	}
	return out
}
