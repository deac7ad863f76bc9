package fbclient_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// assertNoSecret fails the test if text quotes any of secrets.
func assertNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s discloses %s: %q", what, s, text)
		}
	}
}

func TestDebugTokenErrorsNeverQuoteTheTokenFacebookEchoes(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.fb.EchoTokenInErrors(true)
	other := fakefb.App{ID: "555000222", Secret: "other-app-secret-value", Name: "Another app"}
	e.fb.AddApp(other)
	foreign := fbclient.Token(e.fb.MintUserToken(other.ID, e.userID, allScopes, time.Hour, true).Value)
	ctx := context.Background()

	t.Run("the call fails on a token of another app", func(t *testing.T) {
		_, err := e.c.DebugToken(ctx, foreign)
		if err == nil {
			t.Fatal("debug_token of another app's token succeeded")
		}
		assertNoSecret(t, "debug_token error", err.Error(), foreign.Reveal(), e.app.Secret)
		if fe := asError(t, err); !strings.Contains(fe.Message, "did not match the Viewing App") || !strings.Contains(fe.Message, "[redacted]") {
			t.Errorf("message %q lost Facebook's words or the mark where the token was", fe.Message)
		}
	})
	t.Run("the call fails on a wrong app secret", func(t *testing.T) {
		_, err := e.client("not-the-app-secret").DebugToken(ctx, e.userTok)
		if err == nil {
			t.Fatal("debug_token with a wrong app secret succeeded")
		}
		assertNoSecret(t, "debug_token error", err.Error(), e.userTok.Reveal(), "not-the-app-secret")
	})
	for _, dead := range []struct {
		name string
		tok  fbclient.Token
	}{
		{"data.error of a token Facebook never issued", "EAABnotAtokenFacebookIssued0123456789"},
		{"data.error of a token that died", e.userTok},
	} {
		t.Run(dead.name, func(t *testing.T) {
			if dead.tok == e.userTok {
				e.fb.InvalidateToken(e.userTok.Reveal(), 460)
			}
			info, err := e.c.DebugToken(ctx, dead.tok)
			if err != nil {
				t.Fatal(err)
			}
			if info.Valid || info.Error == nil {
				t.Fatalf("info %+v", info)
			}
			assertNoSecret(t, "TokenInfo.Error", info.Error.Error()+" "+info.Error.Reason(), dead.tok.Reveal())
			assertNoSecret(t, "TokenInfo", fmt.Sprintf("%+v %#v", info, info.Error), dead.tok.Reveal())
			if !strings.Contains(info.Error.Message, "[redacted]") {
				t.Errorf("message %q: the fake did not echo the token, so this proves nothing", info.Error.Message)
			}
		})
	}
}

func TestPastedAddressWithARefusedCodeNeverShowsTheCode(t *testing.T) {
	env := newLoginEnv(t, envOptions{mode: fakefb.Live})
	env.fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})
	env.fb.EchoTokenInErrors(true)
	s := env.start(t, fbclient.DefaultLoginOptions(fbclient.PasteBack))
	u, err := url.Parse(env.finalAddress(t, s.AuthURL()))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	const forged = "AQforgedLoginCode0123456789abcdef"
	q.Set("code", forged)
	u.RawQuery = q.Encode()
	_, err = s.Paste(context.Background(), u.String())
	wantErr(t, err, fbclient.ErrCodeRejected)
	assertNoSecret(t, "the error shown to the person", err.Error(), forged, testSecret)
}

func TestFormattingAClientOrItsConfigNeverShowsTheAppSecret(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	cfg := fbclient.Config{AppID: "123", AppSecret: secret}
	c := fbclient.New(cfg)
	for _, v := range []any{c, cfg, &cfg, c.Config()} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			assertNoSecret(t, fmt.Sprintf("%s of %T", verb, v), out, secret)
		}
	}
	if got := fmt.Sprint(c); !strings.Contains(got, "123") || !strings.Contains(got, fbclient.DefaultGraphURL) {
		t.Errorf("%%v of a Client = %q, want its App ID and Graph address", got)
	}
	s, err := c.StartLogin(context.Background(), fbclient.DefaultLoginOptions(fbclient.PasteBack))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	authURL, _ := url.Parse(s.AuthURL())
	state := authURL.Query().Get("state")
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assertNoSecret(t, verb+" of a LoginSession", fmt.Sprintf(verb, s), secret, state)
	}
	var none *fbclient.Client
	if got := fmt.Sprint(none); got != "fbclient.Client(nil)" {
		t.Errorf("%%v of a nil Client = %q", got)
	}
}
