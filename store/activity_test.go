package store

import (
	"fmt"
	"testing"
	"time"
)

func TestActivitiesAreNewestFirstAndLimited(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock)
	for i := 0; i < 5; i++ {
		if err := db.AddActivity(Activity{Kind: "share", Message: fmt.Sprint("shared ", i)}); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
	}
	got, err := db.Activities(3)
	if err != nil || len(got) != 3 || got[0].Message != "shared 4" || got[2].Message != "shared 2" {
		t.Fatalf("Activities(3) = %+v, %v", got, err)
	}
	if !got[0].Time.Equal(clock.Now().Add(-time.Second)) {
		t.Errorf("time defaults to the clock: %v", got[0].Time)
	}
	if all, _ := db.Activities(0); len(all) != 5 {
		t.Errorf("Activities(0) returned %d entries, want all 5", len(all))
	}
}

func TestActivityLogIsBoundedByCount(t *testing.T) {
	clock := newClock()
	db, err := Open(t.TempDir()+"/liveroute.db", Options{Now: clock.Now, ActivityMaxCount: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 25; i++ {
		if err := db.AddActivity(Activity{Kind: "poll", Message: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := db.Activities(0)
	if len(all) != 10 || all[0].Message != "24" || all[9].Message != "15" {
		t.Errorf("log holds %d entries from %q to %q, want the newest 10", len(all), all[0].Message, all[len(all)-1].Message)
	}
}

func TestActivityLogIsBoundedByAge(t *testing.T) {
	clock := newClock()
	db := openTest(t, clock) // default: 30 days
	_ = db.AddActivity(Activity{Kind: "share", Message: "old"})
	clock.Add(20 * 24 * time.Hour)
	_ = db.AddActivity(Activity{Kind: "share", Message: "middle"})
	clock.Add(11 * 24 * time.Hour)
	_ = db.AddActivity(Activity{Kind: "share", Message: "new"})
	all, _ := db.Activities(0)
	if len(all) != 2 || all[1].Message != "middle" {
		t.Errorf("log = %+v; want the entry older than 30 days trimmed", all)
	}
}
