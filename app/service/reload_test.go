package service

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

// watchedSources are the sources the engine watches now.
func watchedSources(s *Service) []string {
	var ids []string
	for _, src := range s.Engine.Status().Sources {
		ids = append(ids, src.SourceID)
	}
	return ids
}

// waitUntilWatched waits until the engine's sources include (or, with
// want false, exclude) id. The engine reloads only when told: nothing
// else in a started engine reloads routes, so this fails if the use case
// forgot to tell it. The deadline is a failsafe, not a timing claim.
func waitUntilWatched(t *testing.T, s *Service, id string, want bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for slices.Contains(watchedSources(s), id) != want {
		if time.Now().After(deadline) {
			t.Fatalf("source %s watched = %v after the write, want %v (the engine was not told)", id, !want, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Every write of the window's API reloads the engine itself: a route
// saved starts being watched, a route deleted stops, an import's routes
// are watched — with no separate "tell the engine" call by the face.
func TestWritesThroughTheAPIReloadTheEngine(t *testing.T) {
	svc := openDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	pages, err := svc.Pages()
	if err != nil {
		t.Fatal(err)
	}
	var source, dest store.Destination
	for _, p := range pages {
		switch {
		case slices.Contains(watchedSources(svc), p.ID):
		case source.ID == "":
			source = p
		case dest.ID == "":
			dest = p
		}
	}
	if source.ID == "" || dest.ID == "" {
		t.Fatalf("the demo has no two unwatched Pages: %v", pages)
	}
	route, err := svc.SaveRoute(store.Route{Name: "Reload", SourceID: source.ID, SourceName: source.Name, SourceKind: store.SourcePage,
		Enabled: true, Targets: []store.Target{{DestinationID: dest.ID, Mode: store.ModePost, Message: "Live: {url}"}}})
	if err != nil {
		t.Fatal(err)
	}
	waitUntilWatched(t, svc, source.ID, true)

	var export bytes.Buffer
	if err := svc.Export(&export); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteRoute(route.ID); err != nil {
		t.Fatal(err)
	}
	waitUntilWatched(t, svc, source.ID, false)

	if _, err := svc.Import(export.Bytes(), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntilWatched(t, svc, source.ID, true)
}
