package service

import (
	"errors"

	"github.com/liveroute/liveroute/store"
)

// SavedConnectRequest is a reconnect with the Meta app LiveRoute already
// knows — its ID, configuration, way back and port, the secret from the
// keychain — so renewing is one click. ErrNoSavedApp when there is none;
// ErrNoSavedSecret, with the request filled in, when only the secret is
// missing (the person pastes it once more).
func (s *Service) SavedConnectRequest() (ConnectRequest, error) {
	settings, err := s.DB.Settings()
	if err != nil {
		return ConnectRequest{}, err
	}
	if settings.AppID == "" {
		return ConnectRequest{}, ErrNoSavedApp
	}
	transport := settings.Transport
	if transport == "" {
		transport = store.TransportLoopback
	}
	req := ConnectRequest{AppID: settings.AppID, ConfigID: settings.ConfigID, Transport: transport,
		RelayURL: settings.RelayURL, Port: settings.LoginPort(), PKCE: settings.PKCE}
	if _, err := s.Secrets.Get(store.AppSecretKey(settings.AppID)); err != nil {
		if errors.Is(err, store.ErrSecretNotFound) {
			return req, ErrNoSavedSecret
		}
		return req, err
	}
	return req, nil
}

var (
	// ErrNoSavedApp: LiveRoute has no Meta app to reconnect with.
	ErrNoSavedApp = errors.New("LiveRoute has no Meta app saved: set one up with “Set up step by step…” in the Connection tab")
	// ErrNoSavedSecret: the Meta app is known but its secret is not in the keychain.
	ErrNoSavedSecret = errors.New("the keychain no longer holds your App secret: paste it once more (App settings → Basic → App secret → Show)")
)

// DemoApp is the demo's Meta app, whose secret is public on purpose (it
// opens only the fake Facebook), so the demo's setup can be walked
// without an app of one's own; ok is false outside the demo.
func (s *Service) DemoApp() (appID, secret string, ok bool) {
	if s.fake == nil {
		return "", "", false
	}
	return s.demoInfo.AppID, s.demoInfo.AppSecret, true
}

// RouteBinding is a route with each destination as the last login left it.
type RouteBinding struct {
	Route   store.Route
	Targets []TargetBinding
}

// TargetBinding is one destination of a route: bound to a granted Page (or
// a group), or kept but flagged because the login no longer grants it.
type TargetBinding struct {
	ID, Name string
	Group    bool
	Flagged  bool   // kept, but LiveRoute cannot post there now
	Reason   string // why, with the fix, when flagged
}

// RouteBindings lists every route with its destinations matched by ID.
// Routes are keyed by Facebook object IDs, so a reconnect re-binds them in
// place; a Page the login did not grant is flagged, never deleted.
func (s *Service) RouteBindings() ([]RouteBinding, error) {
	routes, err := s.DB.Routes()
	if err != nil {
		return nil, err
	}
	out := make([]RouteBinding, 0, len(routes))
	for _, r := range routes {
		b := RouteBinding{Route: r}
		for _, t := range r.Targets {
			d, ok, err := s.DB.Destination(t.DestinationID)
			if err != nil {
				return nil, err
			}
			tb := TargetBinding{ID: t.DestinationID, Name: d.Name, Group: d.Kind == store.KindGroup,
				Flagged: !ok || d.Status != store.StatusOK, Reason: d.StatusReason}
			if tb.Name == "" {
				tb.Name = t.DestinationID
			}
			if tb.Flagged && tb.Reason == "" {
				tb.Reason = store.ReasonPageNotGranted
			}
			b.Targets = append(b.Targets, tb)
		}
		out = append(out, b)
	}
	return out, nil
}
