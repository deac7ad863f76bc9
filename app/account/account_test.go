package account

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

const appID, appSecret = "4242424242", "s3cret-of-the-app"

var scopes = fbclient.DefaultScopes()

type env struct {
	fb      *fakefb.Server
	binder  Binder
	keys    store.Keychain
	db      *store.DB
	userTok string
}

// newEnv is a fake Facebook with one person managing three Pages, a real
// bbolt file and the real keychain under a service of the test's own.
func newEnv(t *testing.T) *env {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no session bus: run the tests through scripts/test-env (make test does)")
		}
		t.Skip("needs the real keychain: run through scripts/test-env")
	}
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fb.Close() })
	fb.AddApp(fakefb.App{ID: appID, Secret: appSecret, Name: "LiveRoute – test"})
	fb.AddUser(fakefb.User{ID: "501", Name: "Ada"})
	fb.AddUser(fakefb.User{ID: "502", Name: "Grace"})
	for _, id := range []string{"1001", "1002", "1003"} {
		fb.AddPage(fakefb.Page{ID: id, Name: "Page " + id, Username: "Page" + id}, "501")
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "liveroute.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys := store.Keychain{Service: fmt.Sprintf("LiveRoute-test-%d", time.Now().UnixNano())}
	client := fbclient.New(fbclient.Config{GraphURL: fb.URL, FacebookURL: fb.URL, AppID: appID, AppSecret: appSecret})
	e := &env{fb: fb, keys: keys, db: db, binder: Binder{Graph: client, DB: db, Secrets: keys, AppID: appID}}
	e.userTok = e.login("501")
	t.Cleanup(func() {
		for _, k := range []string{store.UserTokenKey("501"), store.UserTokenKey("502"), store.PageTokenKey("1001"), store.PageTokenKey("1002"), store.PageTokenKey("1003")} {
			keys.Delete(k)
		}
	})
	return e
}

func (e *env) login(userID string, pages ...string) string {
	tok := e.fb.MintUserToken(appID, userID, scopes, 60*24*time.Hour, true).Value
	if len(pages) > 0 {
		e.fb.GrantPages(tok, pages...)
	}
	return tok
}

func TestConnectStoresTokensInTheKeychainAndPagesAsDestinations(t *testing.T) {
	e := newEnv(t)
	res, err := e.binder.Connect(context.Background(), fbclient.Token(e.userTok), []string{"publish_video"})
	if err != nil {
		t.Fatal(err)
	}
	if res.User.ID != "501" || len(res.Pages) != 3 || len(res.Added) != 3 {
		t.Fatalf("result: %+v", res)
	}
	got, err := e.keys.Get(store.UserTokenKey("501"))
	if err != nil || got != e.userTok {
		t.Errorf("user token in keychain: %v (same as issued: %v)", err, got == e.userTok)
	}
	for _, id := range []string{"1001", "1002", "1003"} {
		tok, err := e.keys.Get(store.PageTokenKey(id))
		if err != nil {
			t.Fatalf("page token %s: %v", id, err)
		}
		rec, ok := e.fb.Token(tok)
		if !ok || rec.Kind != fakefb.PageToken || rec.PageID != id {
			t.Errorf("keychain holds for %s a token Facebook knows as %+v", id, rec)
		}
		d, ok, _ := e.db.Destination(id)
		if !ok || d.Kind != store.KindPage || d.Status != "" {
			t.Errorf("destination %s: %+v", id, d)
		}
	}
	acct, ok, err := e.db.Account()
	if err != nil || !ok || acct.UserID != "501" || acct.AppID != appID || acct.ExpiresAt.IsZero() {
		t.Errorf("account: %+v %v %v", acct, ok, err)
	}
	if len(acct.DeclinedScopes) != 1 {
		t.Errorf("declined scopes not kept: %v", acct.DeclinedScopes)
	}
}

func TestReconnectFlagsPagesNoLongerGrantedAndKeepsTheirRoutes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.binder.Connect(ctx, fbclient.Token(e.userTok), nil); err != nil {
		t.Fatal(err)
	}
	route, err := e.db.PutRoute(store.Route{SourceID: "1001", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "1003", Mode: store.ModePost, Message: "{url}"}}})
	if err != nil {
		t.Fatal(err)
	}

	res, err := e.binder.Connect(ctx, fbclient.Token(e.login("501", "1001", "1002")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lost) != 1 || res.Lost[0] != "Page 1003" || len(res.Added) != 0 {
		t.Errorf("lost %v, added %v; want 1003 lost and nothing added", res.Lost, res.Added)
	}
	d, ok, _ := e.db.Destination("1003")
	if !ok || d.Status != store.StatusMissing || d.StatusReason == "" {
		t.Errorf("p3 after a login that did not grant it: %+v", d)
	}
	if _, ok, _ := e.db.Route(route.ID); !ok {
		t.Error("the route to p3 was lost on reconnect")
	}

	// Granting it again clears the flag.
	if _, err := e.binder.Connect(ctx, fbclient.Token(e.login("501")), nil); err != nil {
		t.Fatal(err)
	}
	if d, _, _ := e.db.Destination("1003"); d.Status != "" {
		t.Errorf("p3 still flagged after it was granted again: %+v", d)
	}
}

func TestConnectingAnotherPersonRemovesTheFormerSecrets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.binder.Connect(ctx, fbclient.Token(e.userTok), nil); err != nil {
		t.Fatal(err)
	}
	res, err := e.binder.Connect(ctx, fbclient.Token(e.login("502")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced != "Ada" {
		t.Errorf("Replaced = %q, want Ada", res.Replaced)
	}
	for _, k := range []string{store.UserTokenKey("501"), store.PageTokenKey("1001")} {
		if _, err := e.keys.Get(k); !errors.Is(err, store.ErrSecretNotFound) {
			t.Errorf("%s after another person connected: %v, want not found", k, err)
		}
	}
}

func TestDisconnectForgetsEverySecretButKeepsRoutes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.binder.Connect(ctx, fbclient.Token(e.userTok), nil); err != nil {
		t.Fatal(err)
	}
	route, err := e.db.PutRoute(store.Route{SourceID: "1001", SourceKind: store.SourcePage, Enabled: true,
		Targets: []store.Target{{DestinationID: "1002", Mode: store.ModePost, Message: "{url}"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.binder.Disconnect(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{store.UserTokenKey("501"), store.PageTokenKey("1001"), store.PageTokenKey("1002"), store.PageTokenKey("1003")} {
		if _, err := e.keys.Get(k); !errors.Is(err, store.ErrSecretNotFound) {
			t.Errorf("%s after disconnect: %v, want not found", k, err)
		}
	}
	if _, ok, _ := e.db.Account(); ok {
		t.Error("the account is still recorded")
	}
	if _, ok, _ := e.db.Route(route.ID); !ok {
		t.Error("disconnect lost a route")
	}
}

func TestAddPageBringsInAPageTheLoginDidNotList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok := e.login("501", "1001", "1002")
	if _, err := e.binder.Connect(ctx, fbclient.Token(tok), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.binder.AddPage(ctx, "1003"); err == nil {
		t.Fatal("a Page the person did not grant was added")
	}
	e.fb.GrantPages(tok, "1001", "1002", "1003")
	d, err := e.binder.AddPage(ctx, "1003")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "1003" || d.Kind != store.KindPage {
		t.Errorf("added %+v", d)
	}
	if _, err := e.keys.Get(store.PageTokenKey("1003")); err != nil {
		t.Errorf("no token stored for the added Page: %v", err)
	}
}

func TestAddPageByUsernameStoresThePageUnderItsNumericID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok := e.login("501", "1001", "1002")
	if _, err := e.binder.Connect(ctx, fbclient.Token(tok), nil); err != nil {
		t.Fatal(err)
	}
	e.fb.GrantPages(tok, "1001", "1002", "1003")
	d, err := e.binder.AddPage(ctx, "Page1003") // as fbclient.ParsePageRef reads facebook.com/Page1003
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "1003" || d.Name != "Page 1003" || d.Kind != store.KindPage {
		t.Errorf("added %+v, want Page 1003 under its numeric ID", d)
	}
	if stored, ok, err := e.db.Destination("1003"); err != nil || !ok || stored.ID != "1003" {
		t.Errorf("stored destination %+v %v %v", stored, ok, err)
	}
	pageTok, err := e.keys.Get(store.PageTokenKey("1003"))
	if err != nil {
		t.Fatalf("no token stored under the Page's ID: %v", err)
	}
	if rec, ok := e.fb.Token(pageTok); !ok || rec.Kind != fakefb.PageToken || rec.PageID != "1003" {
		t.Errorf("the stored token is, to Facebook, %+v", rec)
	}
	if _, err := e.keys.Get(store.PageTokenKey("Page1003")); err == nil {
		t.Error("a token was stored under the username")
	}
}

func TestConnectRefusesADeadToken(t *testing.T) {
	e := newEnv(t)
	e.fb.InvalidateToken(e.userTok, 460)
	_, err := e.binder.Connect(context.Background(), fbclient.Token(e.userTok), nil)
	if err == nil {
		t.Fatal("connected with a dead token")
	}
	if _, ok, _ := e.db.Account(); ok {
		t.Error("a failed connect recorded an account")
	}
}
