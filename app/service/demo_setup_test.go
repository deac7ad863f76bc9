package service

import (
	"context"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// The desktop's demo starts as a newcomer does, with nothing connected and
// the demo's keys offered to the setup wizard; once the wizard connected
// it, a restart reconnects the demo person as every demo start did.
func TestDemoSetupLeavesANewDemoProfileForTheSetupWizard(t *testing.T) {
	dir := t.TempDir()
	paths := store.Paths{Profile: store.DemoProfile, Data: dir, State: dir, Runtime: dir}
	open := func() *Service {
		t.Helper()
		svc, err := Open(context.Background(), Options{Paths: paths, Demo: true, DemoSetup: true,
			OpenBrowser: fakefb.Browse, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}

	svc := open()
	if _, connected, err := svc.DB.Account(); err != nil || connected {
		t.Fatalf("a new demo profile is connected (%v, %v), want the setup wizard to connect it", connected, err)
	}
	if routes, _ := svc.DB.Routes(); len(routes) != 0 {
		t.Fatalf("a new demo profile has routes %+v before its setup", routes)
	}
	appID, secret, ok := svc.DemoApp()
	if !ok || appID != fakefb.DemoAppID {
		t.Fatalf("DemoApp() = %q, %v: the setup wizard has no keys to offer", appID, ok)
	}
	// The setup wizard's connect, with the keys it offers.
	port := freePort(t)
	svc.Fake().AddRedirectURI(appID, fbclient.LoopbackRedirectURI(port))
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	if _, err := svc.Connect(context.Background(), ConnectRequest{AppID: appID, Secret: fbclient.Token(secret),
		Transport: store.TransportLoopback, Port: port}); err != nil {
		t.Fatal(err)
	}
	svc.Close()

	svc = open()
	defer svc.Close()
	if _, connected, err := svc.DB.Account(); err != nil || !connected {
		t.Fatalf("the demo set up once is not connected at its next start (%v, %v)", connected, err)
	}
	if check, err := svc.CheckConnection(context.Background()); err != nil || !check.Healthy {
		t.Fatalf("the demo's connection at its next start: %+v %v, want the demo person reconnected", check, err)
	}
}
