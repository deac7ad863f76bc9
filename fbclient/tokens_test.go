package fbclient_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
)

func TestDebugTokenReportsExpiryDataAccessAndScopes(t *testing.T) {
	e := newGraphEnv(t, 2)
	info, err := e.c.DebugToken(context.Background(), e.userTok)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Valid || info.Type != "USER" || info.AppID != e.app.ID || info.UserID != e.userID || info.Error != nil {
		t.Fatalf("info %+v", info)
	}
	if !info.ExpiresAt.Equal(graphStart.Add(60*24*time.Hour)) || !info.DataAccessExpiresAt.Equal(graphStart.Add(90*24*time.Hour)) {
		t.Errorf("expiry %v, data access %v", info.ExpiresAt, info.DataAccessExpiresAt)
	}
	if !slices.Equal(info.Scopes, slices.Sorted(slices.Values(allScopes))) || !info.HasScope("pages_manage_posts") {
		t.Errorf("scopes %v", info.Scopes)
	}
	for _, g := range info.GranularScopes {
		if g.Scope == "pages_manage_posts" && !slices.Equal(g.TargetIDs, e.pages) {
			t.Errorf("granular %+v", g)
		}
	}
	page, err := e.c.DebugToken(context.Background(), e.pageToken(t, e.pages[0]))
	if err != nil || page.Type != "PAGE" || page.ProfileID != e.pages[0] || !page.ExpiresAt.IsZero() {
		t.Fatalf("page token info %+v, %v", page, err)
	}
}

func TestDebugTokenSaysWhyATokenDied(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.fb.InvalidateToken(e.userTok.Reveal(), 460)
	info, err := e.c.DebugToken(context.Background(), e.userTok)
	if err != nil {
		t.Fatal(err)
	}
	if info.Valid || info.Error == nil || info.Error.Subcode != 460 || info.Error.Class() != fbclient.ClassNeedsReconnect {
		t.Fatalf("info %+v", info)
	}
	if info.Error.Reason() != "Your Facebook password changed — reconnect to resume sharing." {
		t.Errorf("reason %q", info.Error.Reason())
	}
}

func TestAnExpiredTokenNeedsReconnect(t *testing.T) {
	e := newGraphEnv(t, 0)
	e.clock.Advance(61 * 24 * time.Hour)
	_, err := e.c.Me(context.Background(), e.userTok)
	if fe := asError(t, err); fe.Subcode != 463 || fe.Class() != fbclient.ClassNeedsReconnect {
		t.Fatalf("err %v", err)
	}
}

func TestRevokePermissionsEndsEveryTokenOfThePerson(t *testing.T) {
	e := newGraphEnv(t, 1)
	pageTok := e.pageToken(t, e.pages[0])
	if err := e.c.RevokePermissions(context.Background(), e.userTok); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []fbclient.Token{e.userTok, pageTok} {
		_, err := e.c.Me(context.Background(), tok)
		if fe := asError(t, err); fe.Subcode != 458 {
			t.Fatalf("after revoke: %v", err)
		}
	}
}

func TestVerifyAppAcceptsTheRightSecretAndExplainsAWrongOne(t *testing.T) {
	e := newGraphEnv(t, 0)
	if err := e.c.VerifyApp(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := e.client("wrong-secret-value").VerifyApp(context.Background())
	if !errors.Is(err, fbclient.ErrAppCredentials) {
		t.Fatalf("err %v", err)
	}
	if err := fbclient.New(fbclient.Config{GraphURL: e.fb.URL}).VerifyApp(context.Background()); !errors.Is(err, fbclient.ErrAppNotConfigured) {
		t.Fatalf("unconfigured: %v", err)
	}
}
