package relay

import (
	"fmt"
	"strings"

	"github.com/liveroute/liveroute/store"
)

// SourceMe names the connected account's own profile as a route's
// source, as Graph's /me does.
const SourceMe = "me"

// RouteError is a route that cannot be built as it was described, said
// for a person in words that fit the window and the command line alike
// (no command, no flag); NotFound when it names something LiveRoute does
// not know.
type RouteError struct {
	Message  string
	NotFound bool
}

func (e *RouteError) Error() string { return e.Message }

// RouteFrom completes a route as the person described it — the window's
// route editor or `routes add` — with the one reading of its parts: the
// source must be a Page LiveRoute knows or the connected profile (SourceID
// "me" or its ID), whose kind and name it takes; every target must be a
// known destination; a group is always an assisted share, and a Page's
// mode is a link post unless it says crosspost. A mode given for groups
// alone is refused: no app may post to them. An edited route keeps its
// stored source even when that account is no longer connected. The store
// checks the rest when the route is saved (service.SaveRoute). It reads
// db alone, so a stopped app answers as a running one.
func RouteFrom(db *store.DB, r store.Route) (store.Route, error) {
	if err := resolveSource(db, &r); err != nil && !keepsStoredSource(db, &r) {
		return r, err
	}
	targets, err := routeTargets(db, r.Targets)
	r.Targets = targets
	return r, err
}

// keepsStoredSource gives an edited route its stored source's kind and
// name, when it still watches that source; false for a new route or a
// changed source.
func keepsStoredSource(db *store.DB, r *store.Route) bool {
	if r.ID == "" {
		return false
	}
	old, ok, err := db.Route(r.ID)
	if err != nil || !ok || old.SourceID != r.SourceID {
		return false
	}
	r.SourceKind, r.SourceName = old.SourceKind, old.SourceName
	return true
}

// resolveSource sets r's source kind and name from what LiveRoute knows.
func resolveSource(db *store.DB, r *store.Route) error {
	acct, connected, err := db.Account()
	if err != nil {
		return err
	}
	if connected && (acct.UserID == r.SourceID || r.SourceID == SourceMe) {
		r.SourceID, r.SourceKind, r.SourceName = acct.UserID, store.SourceProfile, acct.Name
		return nil
	}
	if r.SourceID == SourceMe {
		return &RouteError{NotFound: true, Message: "LiveRoute has no profile to watch: connect your Facebook account first"}
	}
	d, known, err := db.Destination(r.SourceID)
	switch {
	case err != nil:
		return err
	case known && d.Kind == store.KindPage:
		r.SourceKind, r.SourceName = store.SourcePage, d.Name
		return nil
	case known:
		return &RouteError{Message: destName(d) + " is a group: a route watches a Page or your profile, and shares to groups"}
	case !connected:
		return &RouteError{NotFound: true, Message: fmt.Sprintf("LiveRoute does not know the Page %s: connect your Facebook account first", r.SourceID)}
	}
	return &RouteError{NotFound: true, Message: fmt.Sprintf("LiveRoute does not know the Page %s: connect the account that manages it, or add the Page to LiveRoute first", r.SourceID)}
}

// routeTargets gives every target its mode: assisted for a group, the
// mode asked for (a link post by default) for a Page.
func routeTargets(db *store.DB, in []store.Target) ([]store.Target, error) {
	out := make([]store.Target, 0, len(in))
	var groups []string
	modeAsked := false
	for _, t := range in {
		d, ok, err := db.Destination(t.DestinationID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &RouteError{NotFound: true, Message: fmt.Sprintf("LiveRoute does not know the destination %s: add it to LiveRoute first, as a Page or a group", t.DestinationID)}
		}
		modeAsked = modeAsked || (t.Mode != "" && t.Mode != store.ModeAssisted)
		if t.Mode = store.ShareMode(t.Mode, d.Kind); t.Mode == "" {
			t.Mode = store.ModePost // a Page's default: a link post
		}
		if d.Kind == store.KindGroup {
			groups = append(groups, destName(d))
		}
		out = append(out, t)
	}
	if modeAsked && len(groups) == len(out) {
		are := " is a group"
		if len(groups) > 1 {
			are = " are groups"
		}
		return nil, &RouteError{Message: strings.Join(groups, ", ") + are + ": no app may post to Facebook groups, so a group is always an assisted share; a share mode applies to Pages only"}
	}
	return out, nil
}

// destName names a destination in a sentence: its name and ID, or its
// ID when it has no name.
func destName(d store.Destination) string {
	if d.Name != "" {
		return d.Name + " (" + d.ID + ")"
	}
	return d.ID
}
