package service

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

func TestCheckAppNamesTheFieldFacebookRefused(t *testing.T) {
	svc := openDemo(t)
	for _, tc := range []struct {
		name  string
		check AppCheck
		want  error
	}{
		{"right app", AppCheck{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret}, nil},
		{"unknown App ID", AppCheck{AppID: "999999999", Secret: fakefb.DemoAppSecret}, ErrUnknownApp},
		{"wrong secret", AppCheck{AppID: fakefb.DemoAppID, Secret: "not-the-secret-0123456789"}, ErrWrongSecret},
		{"letters in the App ID", AppCheck{AppID: "my-app", Secret: fakefb.DemoAppSecret}, ErrAppIDFormat},
		{"letters in the Configuration ID", AppCheck{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret, ConfigID: "abc"}, ErrConfigIDFormat},
		{"a password, not a secret", AppCheck{AppID: fakefb.DemoAppID, Secret: "hunter2"}, ErrSecretFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := svc.CheckApp(context.Background(), tc.check)
			if !errors.Is(err, tc.want) {
				t.Fatalf("CheckApp: %v, want %v", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), tc.check.Secret.Reveal()) {
				t.Fatal("the secret is in the error")
			}
		})
	}
	if settings, _ := svc.DB.Settings(); settings.AppID != fakefb.DemoAppID {
		t.Fatalf("a check changed the saved App ID to %q", settings.AppID)
	}
}

func TestCheckAppSaysFacebookCannotBeReached(t *testing.T) {
	svc := openDemo(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	svc.graphURL, svc.facebookURL = addr, addr
	err = svc.CheckApp(context.Background(), AppCheck{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret})
	if !errors.Is(err, ErrFacebookUnreachable) {
		t.Fatalf("CheckApp with Facebook away: %v", err)
	}
}

func TestCheckConnectionSaysWhyAfterAPasswordChange(t *testing.T) {
	svc := openDemo(t)
	ctx := context.Background()
	if c, err := svc.CheckConnection(ctx); err != nil || !c.Healthy {
		t.Fatalf("fresh demo: %+v %v", c, err)
	}
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CheckConnection(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Healthy || c.Subcode != 460 || !strings.Contains(c.Reason, "password changed") {
		t.Fatalf("after a password change: %+v", c)
	}
}

// A token gone from the keychain is not Facebook's doing: the check says
// so (TokenMissing) and asks Facebook nothing.
func TestCheckConnectionSaysTheTokenIsMissingFromTheKeychain(t *testing.T) {
	svc := openDemo(t)
	acct, _, err := svc.DB.Account()
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Secrets.Delete(store.UserTokenKey(acct.UserID)); err != nil {
		t.Fatal(err)
	}
	asked := svc.Fake().RequestCount()
	c, err := svc.CheckConnection(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Connected || c.Healthy || !c.TokenMissing || c.Subcode != 0 || !strings.Contains(c.Reason, "missing from the keychain") {
		t.Fatalf("with the token gone: %+v", c)
	}
	if n := svc.Fake().RequestCount() - asked; n != 0 {
		t.Errorf("the check asked Facebook %d times about a token it does not have", n)
	}
}

func TestVerifyDestinationsFlagsALostRoleAndPassesTheRest(t *testing.T) {
	svc := openDemo(t)
	fake := svc.Fake()
	lost := "200000000000002" // Demo Youth Group, a destination of the demo route
	fake.RevokePageRole(lost, "100000000000777")
	got, err := svc.VerifyDestinations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("checked %d destinations, want the route's 3: %+v", len(got), got)
	}
	for _, h := range got {
		switch {
		case h.ID == lost && (h.OK || !strings.Contains(h.Problem, "no longer an admin")):
			t.Errorf("lost Page: %+v", h)
		case h.ID != lost && !h.OK:
			t.Errorf("%s: %+v", h.Name, h)
		}
	}
	if posts := fake.Posts(lost); len(posts) != 0 {
		t.Fatal("verifying posted something")
	}
}

// A newcomer trying the reset must see the connection lost at once, not at
// the engine's next scheduled check hours later.
func TestSimulatedPasswordChangeEndsTheEnginesConnectionAtOnce(t *testing.T) {
	svc := openDemo(t)
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	if st := svc.Engine.Status().State; st.Kind != relay.NeedsReconnect {
		t.Fatalf("the engine says %+v after the simulated password change, want needs reconnect", st)
	}
}

func TestSimulatePasswordChangeIsDemoOnly(t *testing.T) {
	svc := &Service{}
	if err := svc.SimulatePasswordChange(); err == nil {
		t.Fatal("a real profile simulated a password change")
	}
}
