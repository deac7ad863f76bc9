package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// The engine's state and commands, as the window sees them.

func (s *Service) Status() relay.Status { return s.Engine.Status() }

func (s *Service) Subscribe(buffer int) (<-chan relay.Event, func()) {
	return s.Engine.Subscribe(buffer)
}

func (s *Service) Pause(d time.Duration) { s.Engine.Pause(d) }
func (s *Service) Resume()               { s.Engine.Resume() }
func (s *Service) CheckNow()             { s.Engine.CheckNow() }

// Account is the connected Facebook account; ok false when none is.
func (s *Service) Account() (store.Account, bool, error) { return s.DB.Account() }

// HasSavedSecret reports whether the keychain holds appID's secret, so the
// person need not paste it again to reconnect. The keychain can take
// seconds to answer: never call it on the UI goroutine.
func (s *Service) HasSavedSecret(appID string) (bool, error) {
	_, err := s.Secrets.Get(store.AppSecretKey(appID))
	if errors.Is(err, store.ErrSecretNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Routes are every route, in the database's order.
func (s *Service) Routes() ([]store.Route, error) { return s.DB.Routes() }

// DeleteRoute removes a route and tells the engine.
func (s *Service) DeleteRoute(id string) error {
	if err := s.DB.DeleteRoute(id); err != nil {
		return err
	}
	s.Engine.ReloadRoutes()
	return nil
}

// DryRun says what the route would share if its source went live now.
func (s *Service) DryRun(ctx context.Context, routeID string) (relay.Plan, error) {
	return s.Engine.DryRun(ctx, routeID)
}

// Destinations are every Page and group LiveRoute knows.
func (s *Service) Destinations() ([]store.Destination, error) { return s.DB.Destinations() }

// AddGroup reads a group's facebook.com address and stores the group,
// for the window's "Add a group…" and `liveroute groups add` alike. Adding
// a known group again renames it when name is given and otherwise keeps
// it as it is; an address whose ID LiveRoute knows as a Page is refused.
// The engine reloads, as it reads destinations with the routes.
func (s *Service) AddGroup(address, name string) (store.Destination, error) {
	ref, err := fbclient.ParseGroupAddress(address)
	if err != nil {
		return store.Destination{}, err
	}
	g := store.GroupDestination(ref.ID, ref.URL, name)
	old, known, err := s.DB.Destination(g.ID)
	if err != nil {
		return store.Destination{}, err
	}
	if known && old.Kind != store.KindGroup {
		return store.Destination{}, fmt.Errorf("LiveRoute already knows %s as a Page; check the group's address", nameAndID(old))
	}
	if known {
		if strings.TrimSpace(name) == "" {
			g.Name = old.Name
		}
		g.Status, g.StatusReason = old.Status, old.StatusReason
	}
	if err := s.DB.PutDestination(g); err != nil {
		return store.Destination{}, err
	}
	s.Engine.ReloadRoutes()
	return g, nil
}

// nameAndID names a destination as the command line does: "Name (ID)".
func nameAndID(d store.Destination) string {
	if d.Name == "" {
		return d.ID
	}
	return d.Name + " (" + d.ID + ")"
}

// Activities are the newest n lines of the activity log.
func (s *Service) History(n int) ([]relay.HistoryLine, error) { return relay.History(s.DB, n) }

// LedgerByDestination is the newest n shares to one destination.
func (s *Service) LedgerByDestination(destinationID string, n int) ([]store.LedgerEntry, error) {
	return s.DB.LedgerByDestination(destinationID, n)
}

// LedgerInState lists the shares in one state.
func (s *Service) LedgerInState(state store.LedgerState) ([]store.LedgerEntry, error) {
	return s.DB.LedgerInState(state)
}

// AssistedMessage is the route's message for a Group share, rendered as
// the engine would have posted it; the video's address when the route is
// gone.
func (s *Service) AssistedMessage(e store.LedgerEntry) (string, error) {
	route, ok, err := s.DB.Route(e.RouteID)
	if err != nil || !ok {
		return e.VideoURL, err
	}
	dests, err := s.DB.Destinations()
	if err != nil {
		return e.VideoURL, err
	}
	page := e.DestinationID
	for _, d := range dests {
		if d.ID == e.DestinationID {
			page = d.Name
		}
	}
	for _, t := range route.Targets {
		if t.DestinationID == e.DestinationID {
			// The same variables as the engine's post (relay's message); the
			// description is the LiveVideo's, kept in the ledger:
			// https://developers.facebook.com/docs/graph-api/reference/live-video/
			return relay.Render(t.Message, relay.TemplateVars{Title: e.VideoTitle, Description: e.VideoDescription,
				URL: e.VideoURL, Page: page, Source: route.SourceName}), nil
		}
	}
	return e.VideoURL, nil
}

// MarkAssistedDone records that the person shared to a group by hand:
// the one path for the window's "Mark shared" and the command line's
// "groups shared", running or stopped. The engine writes the ledger and
// one activity line, and publishes a ShareResult, so every window shows
// it. Marking a share already marked (in the window and then from the
// command line) is no error and records nothing more.
// ErrNoGroupShareWaiting when no such group share was ever offered.
func (s *Service) MarkAssistedDone(key store.LedgerKey) error {
	e, ok, err := s.DB.LedgerGet(key)
	switch {
	case err != nil:
		return err
	case ok && e.State == store.LedgerAssistedDone:
		return nil
	case !ok || e.State != store.LedgerAssistedOpen:
		return ErrNoGroupShareWaiting
	}
	return s.Engine.MarkAssistedDone(key)
}

// ErrNoGroupShareWaiting: no share to that group of that video waits for
// the person. The command line adds where to find the waiting ones.
var ErrNoGroupShareWaiting = errors.New("no group share is waiting for that route, video and group")

// Settings are the profile's settings.
func (s *Service) Settings() (store.Settings, error) { return s.DB.Settings() }

// SaveSettings stores the settings and tells the engine (the poll
// interval and pauses take effect at once).
func (s *Service) SaveSettings(st store.Settings) error {
	if err := s.DB.PutSettings(st); err != nil {
		return err
	}
	s.Engine.ReloadRoutes()
	return nil
}

// Export writes every route, destination and setting (never a secret).
func (s *Service) Export(w io.Writer) error { return s.DB.Export(w) }

// ImportLoginChanges lists the login settings importing data would change.
func (s *Service) ImportLoginChanges(data []byte) ([]store.SettingChange, error) {
	return s.DB.ImportLoginChanges(bytes.NewReader(data))
}

// Import brings in an export; its login settings only when the person
// saw and took them (opts.WithLoginSettings, with the changes shown in
// opts.Confirmed: store.ErrLoginChangesMoved if they are no longer those).
func (s *Service) Import(data []byte, opts store.ImportOptions) (store.ImportResult, error) {
	res, err := s.DB.ImportWith(bytes.NewReader(data), opts)
	if err != nil {
		return res, err
	}
	s.Engine.ReloadRoutes()
	return res, nil
}

// IsDemo reports whether this is --demo, against the built-in fake Facebook.
func (s *Service) IsDemo() bool { return s.fake != nil }
