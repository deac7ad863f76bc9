package fbclient_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/internal/chromium"
)

func relayOptions(relayURL string) fbclient.LoginOptions {
	opts := fbclient.DefaultLoginOptions(fbclient.RedirectPage)
	opts.RedirectPageURL = relayURL
	return opts
}

func TestRelayLoginWithChromiumConnectsPublishedApp(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	relay := relayHost(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, flfb: true, redirectURIs: []string{relay}})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	opts := relayOptions(relay)
	opts.ConfigID = testConfigID
	s := env.start(t, opts)
	if s.RedirectURI() != relay || authParam(t, s, "redirect_uri") != relay {
		t.Fatalf("redirect URI %q, dialog's %q, want the relay %q", s.RedirectURI(), authParam(t, s, "redirect_uri"), relay)
	}
	page := browse(t, b, s.AuthURL())
	res, err := waitLogin(t, s)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	env.assertTokenIsLongLived(t, res)
	if dom := <-page; !strings.Contains(dom, "You're connected — return to LiveRoute") {
		t.Fatalf("the browser ends on:\n%s", dom)
	}
	assertListenerClosed(t, loopbackPort(t, s))
}

func TestRelayLoginWithChromiumForwardsDenial(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	relay := relayHost(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, redirectURIs: []string{relay}})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoDeny: true})
	s := env.start(t, relayOptions(relay))
	page := browse(t, b, s.AuthURL())
	_, err := waitLogin(t, s)
	wantErr(t, err, fbclient.ErrLoginDenied)
	if dom := <-page; !strings.Contains(dom, "LiveRoute was not connected") {
		t.Fatalf("the browser ends on:\n%s", dom)
	}
}

func TestRelayPageForwardsNothingWithoutAValidPort(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	relay := relayHost(t)
	random := strings.Repeat("A", 43)
	for _, tc := range []struct{ name, query string }{
		{"no state", "code=abc"},
		{"port below 1024", "code=abc&state=80." + random},
		{"port above 65535", "code=abc&state=70000." + random},
		{"port not a number", "code=abc&state=8o80." + random},
		{"script in state", "code=abc&state=" + url.QueryEscape("8080.<script>alert(1)</script>")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			dom, err := b.DumpDOM(ctx, relay+"?"+tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(dom, "This is not a LiveRoute login") {
				t.Fatalf("the relay page shows:\n%s", dom)
			}
		})
	}
}

func TestRelayToAnotherLoginsPortIsRefusedByThatListener(t *testing.T) {
	noLeaks(t)
	b := chromium.New(t)
	relay := relayHost(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, redirectURIs: []string{relay}})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	// Two logins at once cannot share the fixed port: each takes its own.
	opts := relayOptions(relay)
	opts.Port = 0
	ours := env.start(t, opts)
	other := env.start(t, opts)
	// Our state's random part with the other login's port: the relay page
	// forwards there, and that listener must refuse it.
	_, random, _ := strings.Cut(authParam(t, ours, "state"), ".")
	forged := loopbackPort(t, other) + "." + random
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dom, err := b.DumpDOM(ctx, relay+"?code=abc&state="+url.QueryEscape(forged))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dom, "This link is not for the current login") {
		t.Fatalf("the other listener answered:\n%s", dom)
	}
	// Neither login was disturbed.
	page := browse(t, b, other.AuthURL())
	if _, err := waitLogin(t, other); err != nil {
		t.Fatalf("the other login still finishes: %v", err)
	}
	<-page
	page = browse(t, b, ours.AuthURL())
	if _, err := waitLogin(t, ours); err != nil {
		t.Fatalf("our login still finishes: %v", err)
	}
	<-page
}

func TestRelayNeedsAnHTTPSAddress(t *testing.T) {
	env := newLoginEnv(t, envOptions{})
	for _, relay := range []string{"", "http://example.com/relay.html", "relay.html", "https://"} {
		_, err := env.client.StartLogin(context.Background(), relayOptions(relay))
		wantErr(t, err, fbclient.ErrRedirectPageURL)
	}
}

func TestPublishedAppRefusesUnregisteredRelay(t *testing.T) {
	noLeaks(t)
	env := newLoginEnv(t, envOptions{mode: fakefb.Live, redirectURIs: []string{"https://ana.example/relay.html"}})
	s := env.start(t, relayOptions("https://someone-else.example/relay.html"))
	status, body := env.get(t, s.AuthURL())
	if status != 400 || !strings.Contains(body, fakefb.URLBlockedTitle) {
		t.Fatalf("dialog with an unregistered relay: %d\n%s", status, body)
	}
}
