package service

import (
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// SaveRoute validates and stores a route, then tells the engine, which
// starts watching its source at once.
func (s *Service) SaveRoute(r store.Route) (store.Route, error) {
	saved, err := s.DB.PutRoute(r)
	if err != nil {
		return saved, err
	}
	s.Engine.ReloadRoutes()
	return saved, nil
}

// SetStartChoices records whether LiveRoute starts at login (the login
// entry itself is the installer's) and whether it notifies.
func (s *Service) SetStartChoices(autostart, notifications bool) error {
	st, err := s.DB.Settings()
	if err != nil {
		return err
	}
	st.Autostart, st.Notifications = autostart, notifications
	return s.DB.PutSettings(st)
}

// Pages are the Pages the connected person granted, to share to or from.
func (s *Service) Pages() ([]store.Destination, error) {
	all, err := s.DB.Destinations()
	if err != nil {
		return nil, err
	}
	var pages []store.Destination
	for _, d := range all {
		if d.Kind == store.KindPage && d.Status == store.StatusOK {
			pages = append(pages, d)
		}
	}
	return pages, nil
}

// RouteFrom completes a route as the person described it, by the one
// reading of its source and targets (relay.RouteFrom): the window's route
// editor and `routes add` both call it before SaveRoute.
func (s *Service) RouteFrom(r store.Route) (store.Route, error) { return relay.RouteFrom(s.DB, r) }
