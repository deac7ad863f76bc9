package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPutRouteAssignsAShortIDAndKeepsCreatedAt(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock)
	r := mustRoute(t, db, pageRoute("src", "p1"))
	if len(r.ID) != 8 || !r.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("new route = %+v; want an 8-character ID and CreatedAt now", r)
	}
	created := r.CreatedAt
	clock.Add(time.Hour)
	r.Name = "Sunday service"
	r.CreatedAt = time.Time{}
	r = mustRoute(t, db, r)
	if !r.CreatedAt.Equal(created) || !r.UpdatedAt.Equal(clock.Now()) {
		t.Errorf("updated route times = %v / %v", r.CreatedAt, r.UpdatedAt)
	}
	got, ok, err := db.Route(r.ID)
	if err != nil || !ok || got.Name != "Sunday service" {
		t.Errorf("Route(%s) = %+v, %v, %v", r.ID, got, ok, err)
	}
}

func TestPutRouteNeverOverwritesOnAnIDCollision(t *testing.T) {
	ids := []string{"same", "same", "other"}
	db, err := Open(t.TempDir()+"/liveroute.db", Options{NewID: func() string { id := ids[0]; ids = ids[1:]; return id }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := mustRoute(t, db, pageRoute("src", "p1"))
	b := mustRoute(t, db, pageRoute("src", "p2"))
	if a.ID != "same" || b.ID != "other" {
		t.Errorf("IDs = %s, %s", a.ID, b.ID)
	}
}

func TestPutRouteRefusesBadRoutesAndWritesNothing(t *testing.T) {
	errBadTemplate := errors.New("unknown placeholder {titel}")
	clock := newClock()
	db, err := Open(t.TempDir()+"/liveroute.db", Options{Now: clock.Now, ValidateTemplate: func(s string) error {
		if strings.Contains(s, "{titel}") {
			return errBadTemplate
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PutDestination(Destination{ID: "g1", Name: "Youth Group", Kind: KindGroup}); err != nil {
		t.Fatal(err)
	}
	with := func(edit func(*Route)) Route { r := pageRoute("src", "p1", "p2"); edit(&r); return r }
	cases := []struct {
		name string
		r    Route
		want string
	}{
		{"no source", with(func(r *Route) { r.SourceID = "" }), "choose the Page or profile"},
		{"bad source kind", with(func(r *Route) { r.SourceKind = "event" }), "source kind"},
		{"no targets", with(func(r *Route) { r.Targets = nil }), "at least one"},
		{"duplicate target", with(func(r *Route) { r.Targets[1].DestinationID = "p1" }), "twice"},
		{"source as target", with(func(r *Route) { r.Targets[1].DestinationID = "src" }), "to itself"},
		{"bad mode", with(func(r *Route) { r.Targets[0].Mode = "tweet" }), "share mode"},
		{"post to a group", with(func(r *Route) { r.Targets[0].DestinationID = "g1" }), "assisted share"},
		{"negative delay", with(func(r *Route) { r.Targets[0].Delay = -time.Second }), "between 0 and"},
		{"delay over an hour", with(func(r *Route) { r.Targets[0].Delay = time.Hour + time.Second }), "between 0 and"},
		{"bad template", with(func(r *Route) { r.Targets[1].Message = "Live: {titel}" }), "unknown placeholder"},
		{"NUL in ID", with(func(r *Route) { r.ID = "a\x00b" }), "not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.PutRoute(tc.r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("PutRoute: %v, want an error saying %q", err, tc.want)
			}
			if routes, _ := db.Routes(); len(routes) != 0 {
				t.Errorf("a refused route was written: %+v", routes)
			}
		})
	}
	ok := with(func(r *Route) {
		r.Targets = append(r.Targets, Target{DestinationID: "g1", Mode: ModeAssisted, Delay: time.Hour})
	})
	if _, err := db.PutRoute(ok); err != nil {
		t.Errorf("a valid route with an assisted group was refused: %v", err)
	}
}

func TestDeleteRouteKeepsItsLedger(t *testing.T) {
	db := openTest(t, newClock())
	r := mustRoute(t, db, pageRoute("src", "p1"))
	_, _, _ = db.LedgerBegin(LedgerEntry{LedgerKey: key(r.ID, "v1", "p1")})
	if err := db.DeleteRoute(r.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Route(r.ID); ok {
		t.Error("route still there")
	}
	if _, ok, _ := db.LedgerGet(key(r.ID, "v1", "p1")); !ok {
		t.Error("deleting a route dropped its share record")
	}
}

func TestAccountIsTheOneConnectedAccount(t *testing.T) {
	db := openTest(t, newClock())
	if _, ok, err := db.Account(); ok || err != nil {
		t.Fatalf("fresh database has an account: %v %v", ok, err)
	}
	a := Account{UserID: "100", Name: "Ana", Scopes: []string{"pages_show_list"}, ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := db.PutAccount(a); err != nil {
		t.Fatal(err)
	}
	if err := db.PutAccount(Account{UserID: "200", Name: "Bea"}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Account()
	if err != nil || !ok || got.UserID != "200" {
		t.Fatalf("Account = %+v, %v, %v; want the newest account only", got, ok, err)
	}
	if err := db.DeleteAccount("200"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Account(); ok {
		t.Error("account survived DeleteAccount")
	}
	if err := db.PutAccount(Account{Name: "nobody"}); err == nil {
		t.Error("an account without a user ID was accepted")
	}
}

func TestDestinationsAreKeptAndFlagged(t *testing.T) {
	db := openTest(t, newClock())
	d := Destination{ID: "p1", Name: "Church", Kind: KindPage, Tasks: []string{"CREATE_CONTENT"}}
	if err := db.PutDestination(d); err != nil {
		t.Fatal(err)
	}
	d.Status, d.StatusReason = StatusRoleLost, "You are no longer an admin of Church"
	if err := db.PutDestination(d); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Destination("p1")
	if err != nil || !ok || got.Status != StatusRoleLost || got.Tasks[0] != "CREATE_CONTENT" {
		t.Errorf("Destination = %+v, %v, %v", got, ok, err)
	}
	if err := db.PutDestination(Destination{ID: "x", Kind: "event"}); err == nil {
		t.Error("a destination of unknown kind was accepted")
	}
	all, _ := db.Destinations()
	if len(all) != 1 {
		t.Errorf("Destinations = %+v", all)
	}
	_ = db.DeleteDestination("p1")
	if _, ok, _ := db.Destination("p1"); ok {
		t.Error("destination survived DeleteDestination")
	}
}

func TestRoutesMayNotShareOneSourceToTheSameDestinationTwice(t *testing.T) {
	db := openOverlapDB(t)
	first, err := db.PutRoute(Route{Name: "Sunday", SourceID: "1", SourceKind: SourcePage, Enabled: true,
		Targets: []Target{{DestinationID: "2", Mode: ModePost}, {DestinationID: "3", Mode: ModePost}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.PutRoute(Route{SourceID: "1", SourceKind: SourcePage, Enabled: true,
		Targets: []Target{{DestinationID: "4", Mode: ModePost}, {DestinationID: "3", Mode: ModeCrosspost}}})
	if err == nil || !strings.Contains(err.Error(), `route "Sunday"`) {
		t.Fatalf("an overlapping route: %v", err)
	}
	if routes, _ := db.Routes(); len(routes) != 1 {
		t.Errorf("%d routes after a refused one, want 1", len(routes))
	}
	// Another source to the same destination is fine, and so is editing the first route.
	if _, err := db.PutRoute(Route{SourceID: "5", SourceKind: SourcePage, Enabled: true, Targets: []Target{{DestinationID: "3", Mode: ModePost}}}); err != nil {
		t.Errorf("another source: %v", err)
	}
	first.Name = "Sunday service"
	if _, err := db.PutRoute(first); err != nil {
		t.Errorf("editing the first route: %v", err)
	}
}

func openOverlapDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "liveroute.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestGroupDestinationIsNamedAfterItsAddressUnlessNamed(t *testing.T) {
	if g := GroupDestination("choir.friends", "https://www.facebook.com/groups/choir.friends", "  "); g.Name != "choir.friends" || g.Kind != KindGroup {
		t.Errorf("unnamed group = %+v", g)
	}
	if g := GroupDestination("x1", "https://www.facebook.com/groups/x1", " Friends "); g.Name != "Friends" {
		t.Errorf("named group = %+v", g)
	}
}

// A group's target is always assisted, whatever mode was asked; a Page's
// keeps its own.
func TestShareModeMakesAGroupAssisted(t *testing.T) {
	for _, c := range []struct {
		mode Mode
		kind DestinationKind
		want Mode
	}{{ModePost, KindGroup, ModeAssisted}, {"", KindGroup, ModeAssisted}, {ModeCrosspost, KindPage, ModeCrosspost}, {"", KindPage, ""}} {
		if got := ShareMode(c.mode, c.kind); got != c.want {
			t.Errorf("ShareMode(%q, %q) = %q, want %q", c.mode, c.kind, got, c.want)
		}
	}
}
