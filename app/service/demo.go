package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// startFake starts the demo's fake Facebook and points the client at it.
func (s *Service) startFake() error {
	fake, info, err := fakefb.NewDemo()
	if err != nil {
		return fmt.Errorf("start the demo's fake Facebook: %w", err)
	}
	s.fake = fake
	s.facebookURL, s.graphURL = fake.URL, fake.URL
	if err := s.Secrets.Set(store.AppSecretKey(info.AppID), info.AppSecret); err != nil {
		return err
	}
	settings, err := s.DB.Settings()
	if err != nil {
		return err
	}
	settings.AppID = info.AppID
	if err := s.DB.PutSettings(settings); err != nil {
		return err
	}
	// Strict Mode: the demo's app registers the port this profile uses, as
	// the person registers theirs.
	fake.AddRedirectURI(info.AppID, fbclient.LoopbackRedirectURI(settings.LoginPort()))
	s.demoInfo = info
	return nil
}

// seedDemo connects the demo person (the fake is new every run, so its
// tokens are too) and, on a profile without routes, adds one: the live Page
// to the other two Pages. With DemoSetup, a profile never connected is
// left for the setup wizard.
func (s *Service) seedDemo(ctx context.Context) error {
	if s.opts.DemoSetup {
		_, connected, err := s.DB.Account()
		if err != nil || !connected {
			return err
		}
	}
	info := s.demoInfo
	binder := account.Binder{Graph: s.graph, DB: s.DB, Secrets: s.Secrets, AppID: info.AppID}
	if _, err := binder.Connect(ctx, fbclient.Token(info.UserToken), nil); err != nil {
		return fmt.Errorf("connect the demo account: %w", err)
	}
	routes, err := s.DB.Routes()
	if err != nil || len(routes) > 0 {
		return err
	}
	var targets []store.Target
	for _, id := range info.PageIDs {
		if id != info.LivePageID {
			targets = append(targets, store.Target{DestinationID: id, Mode: store.ModePost,
				Message: "We're live on {source}: {title} — {url}"})
		}
	}
	// A group shows the assisted share: Facebook lets no app post there.
	group := store.Destination{ID: "demo-prayer-circle", Name: "Demo Prayer Circle", Kind: store.KindGroup,
		URL: s.facebookURL + "/groups/demo-prayer-circle"}
	if err := s.DB.PutDestination(group); err != nil {
		return err
	}
	targets = append(targets, store.Target{DestinationID: group.ID, Mode: store.ModeAssisted,
		Message: "We're live on {source}: {title} — {url}"})
	src, _, err := s.DB.Destination(info.LivePageID)
	if err != nil {
		return err
	}
	_, err = s.DB.PutRoute(store.Route{Name: "Sunday service", SourceID: info.LivePageID, SourceName: src.Name,
		SourceKind: store.SourcePage, Enabled: true, Targets: targets})
	return err
}

// SimulatePasswordChange ends the demo person's every token as a password
// change does (error subcode 460), so the reset wizard can be tried. Only in
// the demo: there is no fake Facebook otherwise.
//
// Facebook never tells an app that a token died
// (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging),
// so the engine is made to ask now, as `liveroute check` does (debug_token
// of every token: https://developers.facebook.com/docs/graph-api/reference/debug_token):
// a newcomer sees the connection lost at once, not at the next scheduled
// check hours later. The demo's Facebook runs in this process, so the
// check takes milliseconds.
func (s *Service) SimulatePasswordChange() error {
	if s.fake == nil {
		return errors.New("only the demo can simulate a password change")
	}
	s.fake.InvalidateUser(s.demoInfo.UserID, 460)
	ctx, cancel := context.WithTimeout(context.Background(), demoCheckTimeout)
	defer cancel()
	return s.Engine.Rebind(ctx)
}

// demoCheckTimeout bounds the demo's check after a simulated password
// change; its Facebook is in this process.
const demoCheckTimeout = 10 * time.Second

// registerDemoRedirect registers the loopback redirect URI of port with the
// demo's fake, as the person would in their Meta app: the demo may change
// the port, and Strict Mode would otherwise show "URL blocked". Outside the
// demo it does nothing.
func (s *Service) registerDemoRedirect(appID string, port int) {
	if s.fake != nil {
		s.fake.AddRedirectURI(appID, fbclient.LoopbackRedirectURI(port))
	}
}
