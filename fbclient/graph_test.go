package fbclient_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

func TestMeReturnsThePersonOfTheToken(t *testing.T) {
	e := newGraphEnv(t, 1)
	u, err := e.c.Me(context.Background(), e.userTok)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != e.userID || u.Name != "Ada Broadcaster" {
		t.Fatalf("Me = %+v", u)
	}
}

func TestAccountsFollowsEveryPageOfResultsIncludingEmptyOnes(t *testing.T) {
	e := newGraphEnv(t, 7)
	e.fb.SetMaxPageSize(2)
	e.fb.InsertEmptyPages(true)
	before := e.fb.RequestCount()
	pages, err := e.c.Accounts(context.Background(), e.userTok)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 7 {
		t.Fatalf("got %d pages, want 7", len(pages))
	}
	for i, p := range pages {
		if p.ID != e.pages[i] || p.AccessToken.IsZero() || !p.CanPost() {
			t.Errorf("page %d = %+v", i, p)
		}
	}
	// 4 pages of data, and an empty page before each of the last 3.
	if n := e.fb.RequestCount() - before; n != 7 {
		t.Errorf("made %d requests, want 7", n)
	}
}

func TestAccountsShowsOnlyPagesGrantedAtLogin(t *testing.T) {
	e := newGraphEnv(t, 3)
	rec := e.fb.MintUserToken(e.app.ID, e.userID, allScopes, 0, true)
	e.fb.GrantPages(rec.Value, e.pages[1])
	pages, err := e.c.Accounts(context.Background(), fbclient.Token(rec.Value))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].ID != e.pages[1] {
		t.Fatalf("pages = %+v, want only %s", pages, e.pages[1])
	}
}

func TestPageByIDGivesTokenAndTasksOfAManagedPage(t *testing.T) {
	e := newGraphEnv(t, 1)
	e.fb.SetPageTasks(e.pages[0], e.userID, "ANALYZE", "MODERATE")
	p, err := e.c.Page(context.Background(), e.userTok, e.pages[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Page 1" || p.Category != "Community" || p.AccessToken.IsZero() {
		t.Fatalf("page = %+v", p)
	}
	if p.CanPost() {
		t.Error("CanPost without CREATE_CONTENT")
	}
}

func TestPageByUsernameGivesThePageWithItsNumericID(t *testing.T) {
	e := newGraphEnv(t, 1)
	e.fb.AddPage(fakefb.Page{ID: "300000000099999", Name: "Ada's Choir", Category: "Musician/Band", Username: "Ada.Choir"}, e.userID)
	for _, ref := range []string{"Ada.Choir", "ada.choir", "300000000099999"} {
		p, err := e.c.Page(context.Background(), e.userTok, ref)
		if err != nil {
			t.Fatalf("Page(%q): %v", ref, err)
		}
		if p.ID != "300000000099999" || p.Name != "Ada's Choir" || p.AccessToken.IsZero() || !p.CanPost() {
			t.Errorf("Page(%q) = %+v, want Ada's Choir with its numeric ID and a Page token", ref, p)
		}
	}
	if _, err := e.c.Page(context.Background(), e.userTok, "NoSuchPage"); err == nil {
		t.Error("an unknown username gave a Page")
	}
}

func TestPageRefusesWhatIsNeitherAnIDNorAUsername(t *testing.T) {
	e := newGraphEnv(t, 0)
	before := e.fb.RequestCount()
	for _, ref := range []string{"", "123/feed", "Ada.Choir/feed", "Ada.Choir?fields=x", "Ada.Choir#x", "Ada Choir",
		"Ada%2FChoir", "abcd", strings.Repeat("a", 51), "debug_token", "../me", "Ada_Choir"} {
		if _, err := e.c.Page(context.Background(), e.userTok, ref); err == nil {
			t.Errorf("Page(%q) was accepted", ref)
		}
	}
	if n := e.fb.RequestCount() - before; n != 0 {
		t.Errorf("%d requests reached Facebook for refused references", n)
	}
}

func TestCallsOtherThanPageTakeNumericIDsOnly(t *testing.T) {
	e := newGraphEnv(t, 1)
	ctx := context.Background()
	before := e.fb.RequestCount()
	if _, err := e.c.PostLink(ctx, e.userTok, "SomePageName", "hi", "https://example.com"); err == nil {
		t.Error("PostLink took a username")
	}
	if _, err := e.c.LiveVideos(ctx, e.userTok, "SomePageName"); err == nil {
		t.Error("LiveVideos took a username")
	}
	if n := e.fb.RequestCount() - before; n != 0 {
		t.Errorf("%d requests reached Facebook", n)
	}
}

func TestPageTokenOfLostRoleNeedsAttentionForThatPage(t *testing.T) {
	e := newGraphEnv(t, 1)
	tok := e.pageToken(t, e.pages[0])
	e.fb.RevokePageRole(e.pages[0], e.userID)
	_, err := e.c.PostLink(context.Background(), tok, e.pages[0], "Live now", "https://www.facebook.com/x/videos/1/")
	fe := asError(t, err)
	if fe.Class() != fbclient.ClassPageRoleLost || fe.Code != 190 || fe.Subcode != 492 {
		t.Fatalf("err = %v (class %v)", err, fe.Class())
	}
	if fe.FBTraceID == "" {
		t.Error("no fbtrace_id")
	}
}

func TestCallsWithoutAppSecretProofAreRefusedWhenTheAppRequiresIt(t *testing.T) {
	e := newGraphEnv(t, 0)
	noSecret := e.client("")
	_, err := noSecret.Me(context.Background(), e.userTok)
	if fe := asError(t, err); fe.Code != 100 {
		t.Fatalf("err = %v", err)
	}
	wrong := e.client("not-the-secret")
	if _, err := wrong.Me(context.Background(), e.userTok); err == nil {
		t.Fatal("a wrong appsecret_proof was accepted")
	}
	if _, err := e.c.Me(context.Background(), e.userTok); err != nil {
		t.Fatalf("with the proof: %v", err)
	}
}

func TestTokensNeverAppearInErrorsOrFormattedValues(t *testing.T) {
	e := newGraphEnv(t, 1)
	pages, err := e.c.Accounts(context.Background(), e.userTok)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{e.userTok.Reveal(), pages[0].AccessToken.Reveal(), e.app.Secret}
	texts := []string{fmt.Sprintf("%v %+v %#v %s", pages, pages, pages, pages[0].AccessToken)}

	e.fb.InvalidateToken(e.userTok.Reveal(), 460)
	_, err = e.c.Me(context.Background(), e.userTok)
	texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
	_, err = e.c.DebugToken(context.Background(), e.userTok)
	if err != nil {
		texts = append(texts, err.Error())
	}
	// A transport failure: net/http puts the whole URL, query included, in its errors.
	_ = e.fb.Close()
	_, err = e.c.Me(context.Background(), pages[0].AccessToken)
	if err == nil {
		t.Fatal("call to a closed server succeeded")
	}
	if fbclient.Classify(err) != fbclient.ClassTransient {
		t.Errorf("transport failure classified %v", fbclient.Classify(err))
	}
	texts = append(texts, err.Error())
	for _, txt := range texts {
		for _, s := range secrets {
			if strings.Contains(txt, s) {
				t.Fatalf("secret leaked into %q", txt)
			}
		}
	}
}
