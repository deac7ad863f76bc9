package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func key(route, video, dest string) LedgerKey {
	return LedgerKey{RouteID: route, VideoID: video, DestinationID: dest}
}

func TestLedgerBeginRecordsPendingOnceAndReturnsTheExistingEntryAfter(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock)
	k := key("r1", "v1", "p1")
	e, created, err := db.LedgerBegin(LedgerEntry{LedgerKey: k, VideoURL: "https://fb.example/v1", State: LedgerDone})
	if err != nil || !created {
		t.Fatalf("first LedgerBegin: created=%v err=%v", created, err)
	}
	if e.State != LedgerPending || !e.CreatedAt.Equal(clock.Now()) || e.VideoURL != "https://fb.example/v1" {
		t.Errorf("begun entry = %+v; want pending, created now, with the video URL", e)
	}
	clock.Add(time.Minute)
	if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerDone, PostID: "p1_42", Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	again, created, err := db.LedgerBegin(LedgerEntry{LedgerKey: k})
	if err != nil || created {
		t.Fatalf("second LedgerBegin: created=%v err=%v", created, err)
	}
	if again.State != LedgerDone || again.PostID != "p1_42" {
		t.Errorf("second LedgerBegin returned %+v, want the done entry untouched", again)
	}
}

func TestLedgerPutKeepsCreatedAtAndSetsUpdatedAndDoneTimes(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock)
	k := key("r1", "v1", "p1")
	begun, _, _ := db.LedgerBegin(LedgerEntry{LedgerKey: k})
	clock.Add(time.Minute)
	if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerFailed, Reason: "rate_limited", Attempts: 2}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := db.LedgerGet(k)
	if !got.CreatedAt.Equal(begun.CreatedAt) || !got.UpdatedAt.Equal(clock.Now()) || !got.DoneAt.IsZero() || got.Attempts != 2 || got.Reason != "rate_limited" {
		t.Errorf("failed entry = %+v", got)
	}
	clock.Add(time.Minute)
	if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerDone, PostID: "x", Attempts: 3}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = db.LedgerGet(k)
	if !got.DoneAt.Equal(clock.Now()) || got.Attempts != 3 {
		t.Errorf("done entry = %+v", got)
	}
}

func TestLedgerRefusesBadEntriesAndWritesNothing(t *testing.T) {
	db := openTest(t, newClock())
	cases := []struct {
		name string
		e    LedgerEntry
		want string
	}{
		{"no route", LedgerEntry{LedgerKey: key("", "v", "d"), State: LedgerDone}, "route ID is missing"},
		{"NUL in video", LedgerEntry{LedgerKey: key("r", "v\x00x", "d"), State: LedgerDone}, "not allowed"},
		{"unknown state", LedgerEntry{LedgerKey: key("r", "v", "d"), State: "maybe"}, "not valid"},
		{"negative attempts", LedgerEntry{LedgerKey: key("r", "v", "d"), State: LedgerFailed, Attempts: -1}, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.LedgerPut(tc.e)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LedgerPut: %v, want an error saying %q", err, tc.want)
			}
			if _, ok, _ := db.LedgerGet(tc.e.LedgerKey); ok {
				t.Error("a refused entry was written")
			}
		})
	}
}

func TestLedgerQueriesFollowStateChanges(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock)
	for _, k := range []LedgerKey{key("r1", "v1", "p1"), key("r1", "v1", "p2"), key("r2", "v1", "p1"), key("r1", "v2", "p1")} {
		if _, _, err := db.LedgerBegin(LedgerEntry{LedgerKey: k}); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
	}
	_ = db.LedgerPut(LedgerEntry{LedgerKey: key("r1", "v1", "p2"), State: LedgerAssistedOpen})
	_ = db.LedgerPut(LedgerEntry{LedgerKey: key("r2", "v1", "p1"), State: LedgerDone, PostID: "p1_1"})

	keys := func(es []LedgerEntry) []LedgerKey {
		var out []LedgerKey
		for _, e := range es {
			out = append(out, e.LedgerKey)
		}
		return out
	}
	equal := func(a, b []LedgerKey) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	pending, _ := db.LedgerPending()
	if want := []LedgerKey{key("r1", "v2", "p1")}; !equal(keys(pending), want) {
		t.Errorf("pending = %v, want %v", keys(pending), want)
	}
	open, _ := db.LedgerInState(LedgerAssistedOpen)
	if want := []LedgerKey{key("r1", "v1", "p2")}; !equal(keys(open), want) {
		t.Errorf("assisted-open = %v, want %v", keys(open), want)
	}
	byVideo, _ := db.LedgerByVideo("v1")
	// r2 shared (v1, p1), which r1 had begun: one share, recorded under r2.
	if want := []LedgerKey{key("r2", "v1", "p1"), key("r1", "v1", "p2")}; !equal(keys(byVideo), want) {
		t.Errorf("by video = %v, want %v", keys(byVideo), want)
	}
	byDest, _ := db.LedgerByDestination("p1", 0)
	if want := []LedgerKey{key("r1", "v2", "p1"), key("r2", "v1", "p1")}; !equal(keys(byDest), want) {
		t.Errorf("by destination (newest first) = %v, want %v", keys(byDest), want)
	}
	limited, _ := db.LedgerByDestination("p1", 2)
	if len(limited) != 2 || limited[0].VideoID != "v2" {
		t.Errorf("by destination limited to 2 = %v", keys(limited))
	}
	if none, _ := db.LedgerByDestination("p", 0); len(none) != 0 {
		t.Errorf("a destination ID that prefixes another matched: %v", keys(none))
	}
}

func TestLedgerBeginUnderAnotherRouteReturnsTheShareAlreadyBegun(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock)
	first, created, err := db.LedgerBegin(LedgerEntry{LedgerKey: key("r1", "v1", "p1")})
	if err != nil || !created {
		t.Fatalf("first LedgerBegin: created=%v err=%v", created, err)
	}
	clock.Add(time.Minute)
	again, created, err := db.LedgerBegin(LedgerEntry{LedgerKey: key("r2", "v1", "p1")})
	if err != nil || created {
		t.Fatalf("LedgerBegin of the same live and Page under another route: created=%v err=%v, want the existing share", created, err)
	}
	if again.RouteID != "r1" || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("got %+v, want route r1's entry begun at %v", again, first.CreatedAt)
	}
	if got, ok, _ := db.LedgerGet(key("r9", "v1", "p1")); !ok || got.RouteID != "r1" {
		t.Errorf("LedgerGet under any route = %+v %v, want the one share", got, ok)
	}
}

func TestLedgerKeepsUnconfirmedSharesInTheirOwnState(t *testing.T) {
	db := openTest(t, newClock())
	k := key("r1", "v1", "p1")
	if _, _, err := db.LedgerBegin(LedgerEntry{LedgerKey: k}); err != nil {
		t.Fatal(err)
	}
	if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerUnconfirmed, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if pending, _ := db.LedgerPending(); len(pending) != 0 {
		t.Errorf("an unconfirmed share is still pending: %+v", pending)
	}
	if got, _ := db.LedgerInState(LedgerUnconfirmed); len(got) != 1 || got[0].LedgerKey != k {
		t.Errorf("unconfirmed = %+v", got)
	}
}

func TestLedgerResolveSettlesOnlyAnUnconfirmedShare(t *testing.T) {
	db := openTest(t, newClock())
	k := key("r1", "v1", "p1")
	if _, err := db.LedgerResolve(k, true); !errors.Is(err, ErrNotUnconfirmed) {
		t.Fatalf("resolve of a share never begun: %v, want ErrNotUnconfirmed", err)
	}
	_, _, _ = db.LedgerBegin(LedgerEntry{LedgerKey: k})
	if _, err := db.LedgerResolve(k, false); !errors.Is(err, ErrNotUnconfirmed) {
		t.Fatalf("resolve of a pending share: %v, want ErrNotUnconfirmed", err)
	}
	if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerUnconfirmed}); err != nil {
		t.Fatal(err)
	}
	again, err := db.LedgerResolve(k, false)
	if err != nil || again.State != LedgerPending || !again.NoCheck {
		t.Fatalf("share again = %+v, %v; want pending without a look", again, err)
	}
	if pending, _ := db.LedgerPending(); len(pending) != 1 || !pending[0].NoCheck {
		t.Errorf("pending after share again = %+v", pending)
	}
	if _, err := db.LedgerResolve(k, false); err != nil {
		t.Errorf("asking twice to share again: %v", err)
	}
	if err := db.LedgerPut(LedgerEntry{LedgerKey: k, State: LedgerUnconfirmed}); err != nil {
		t.Fatal(err)
	}
	done, err := db.LedgerResolve(k, true)
	if err != nil || done.State != LedgerDone || done.NoCheck || done.DoneAt.IsZero() {
		t.Fatalf("mark shared = %+v, %v; want done", done, err)
	}
	if _, err := db.LedgerResolve(k, true); err != nil {
		t.Errorf("marking shared twice: %v", err)
	}
}

// An entry the person must act on and the line that tells them are one
// write: both land, or (a bad line) neither does.
func TestLedgerPutNotedWritesTheEntryAndItsLineTogether(t *testing.T) {
	db := openTest(t, newClock())
	k := key("r1", "v1", "p1")
	if _, _, err := db.LedgerBegin(LedgerEntry{LedgerKey: k}); err != nil {
		t.Fatal(err)
	}
	bad := Activity{Kind: "unconfirmed", Message: strings.Repeat("x", 5000)}
	if err := db.LedgerPutNoted(LedgerEntry{LedgerKey: k, State: LedgerUnconfirmed}, bad); err == nil {
		t.Fatal("a line too long was accepted")
	}
	if got, _, _ := db.LedgerGet(k); got.State != LedgerPending {
		t.Errorf("after a refused line the entry is %s, want still pending", got.State)
	}
	line := Activity{Kind: "unconfirmed", Message: "Could not confirm the share to Choir", RouteID: "r1", VideoID: "v1", DestinationID: "p1"}
	if err := db.LedgerPutNoted(LedgerEntry{LedgerKey: k, State: LedgerUnconfirmed}, line); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.LedgerGet(k); got.State != LedgerUnconfirmed {
		t.Errorf("entry %s, want unconfirmed", got.State)
	}
	acts, err := db.Activities(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].Message != line.Message || acts[0].Time.IsZero() {
		t.Errorf("activity %+v, want the one line, timed", acts)
	}
}
