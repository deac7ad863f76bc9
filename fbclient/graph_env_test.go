package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// graphEnv is a fake Facebook with one Development app, one person who
// manages some Pages, and a client connected as that app.
type graphEnv struct {
	fb      *fakefb.Server
	clock   *fakefb.ManualClock
	c       *fbclient.Client
	app     fakefb.App
	userID  string
	userTok fbclient.Token
	pages   []string
}

var graphStart = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// allScopes are the permissions LiveRoute asks for.
var allScopes = []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts", "pages_read_user_content", "publish_video"}

// newGraphEnv starts a fake with nPages Pages managed by the person.
func newGraphEnv(t testing.TB, nPages int) *graphEnv {
	t.Helper()
	clock := fakefb.NewManualClock(graphStart)
	fb, err := fakefb.New(fakefb.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e := &graphEnv{fb: fb, clock: clock, userID: "100000000000042",
		app: fakefb.App{ID: "555000111", Secret: "s3cret-app-secret-value", Name: "LiveRoute test", Mode: fakefb.Development, RequireProof: true}}
	fb.AddApp(e.app)
	fb.AddUser(fakefb.User{ID: e.userID, Name: "Ada Broadcaster"})
	for i := range nPages {
		id := fmt.Sprintf("3000000000%05d", i+1)
		fb.AddPage(fakefb.Page{ID: id, Name: fmt.Sprintf("Page %d", i+1), Category: "Community"}, e.userID)
		e.pages = append(e.pages, id)
	}
	e.userTok = fbclient.Token(fb.MintUserToken(e.app.ID, e.userID, allScopes, 60*24*time.Hour, true).Value)
	e.c = e.client(e.app.Secret)
	t.Cleanup(func() {
		if err := fb.Close(); err != nil {
			t.Errorf("close fake: %v", err)
		}
	})
	return e
}

// client connects to the fake as the env's app with secret.
func (e *graphEnv) client(secret string) *fbclient.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return fbclient.New(fbclient.Config{GraphURL: e.fb.URL, FacebookURL: e.fb.URL, AppID: e.app.ID,
		AppSecret: fbclient.Token(secret), Now: e.clock.Now,
		HTTPClient: &http.Client{Transport: tr, Timeout: 10 * time.Second}})
}

// pageToken returns the Page token me/accounts hands out for pageID.
func (e *graphEnv) pageToken(t testing.TB, pageID string) fbclient.Token {
	t.Helper()
	p, err := e.c.Page(context.Background(), e.userTok, pageID)
	if err != nil {
		t.Fatalf("page token of %s: %v", pageID, err)
	}
	if p.AccessToken.IsZero() {
		t.Fatalf("page %s came without a token", pageID)
	}
	return p.AccessToken
}

// asError returns the *fbclient.Error inside err, failing the test if none.
func asError(t *testing.T, err error) *fbclient.Error {
	t.Helper()
	var fe *fbclient.Error
	if !errors.As(err, &fe) {
		t.Fatalf("want a *fbclient.Error, got %T: %v", err, err)
	}
	return fe
}
