package fbclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// crosspostScopes are LiveRoute's permissions with the one crossposting
// needs besides them.
var crosspostScopes = append(slices.Clone(allScopes), "pages_manage_engagement")

// crosspostEnv is a source Page live now and a partner Page, with a Page
// token of the source that may crosspost.
type crosspostEnv struct {
	*graphEnv
	src, partner string
	srcTok       fbclient.Token
	live         fakefb.Broadcast
}

func newCrosspostEnv(t *testing.T) crosspostEnv {
	t.Helper()
	e := newGraphEnv(t, 2)
	x := crosspostEnv{graphEnv: e, src: e.pages[0], partner: e.pages[1]}
	x.srcTok = fbclient.Token(e.fb.MintPageToken(e.app.ID, e.userID, x.src, crosspostScopes, 0).Value)
	live, err := e.fb.StartLive(x.src, fakefb.LiveSpec{Title: "Shared live"})
	if err != nil {
		t.Fatal(err)
	}
	x.live = live
	return x
}

func (x crosspostEnv) crosspost(t *testing.T, id string) (string, error) {
	t.Helper()
	return x.c.Crosspost(context.Background(), x.srcTok, id, x.partner)
}

func TestCrosspostRecordsTheCrosspostedBroadcastNotTheSource(t *testing.T) {
	x := newCrosspostEnv(t)
	x.fb.AddCrosspostPartners(x.src, x.partner)
	id, err := x.crosspost(t, x.live.ID)
	if err != nil {
		t.Fatal(err)
	}
	if id == "" || id == x.live.ID || id == x.live.VideoID {
		t.Fatalf("broadcast ID %q; the source's are %s and %s", id, x.live.ID, x.live.VideoID)
	}
	posts := x.fb.Posts(x.partner)
	if len(posts) != 1 || !posts[0].Crosspost || !strings.HasSuffix(posts[0].Link, x.live.PermalinkURL) {
		t.Fatalf("partner posts %+v", posts)
	}
	reqs := x.fb.Requests()
	if last := reqs[len(reqs)-1]; last.Method != "POST" || !strings.HasSuffix(last.Path, "/"+x.live.ID) {
		t.Errorf("crosspost went to %s %s, want POST on the LiveVideo", last.Method, last.Path)
	}
}

func TestCrosspostThatFacebookDoesNotMakeIsNotCrossposted(t *testing.T) {
	cases := []struct {
		name  string
		setup func(x crosspostEnv)
	}{
		{"not a partner", func(crosspostEnv) {}},
		{"partner approves each live", func(x crosspostEnv) {
			x.fb.AddCrosspostPartners(x.src, x.partner)
			x.fb.SetAllowsLiveCrossposts(x.src, x.partner, false)
		}},
		{"invalid options (-1/1363103)", func(x crosspostEnv) {
			x.fb.AddCrosspostPartners(x.src, x.partner)
			x.fb.RefuseCrosspostOptionsNext(1)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := newCrosspostEnv(t)
			tc.setup(x)
			id, err := x.crosspost(t, x.live.ID)
			if !errors.Is(err, fbclient.ErrNotCrossposted) || id != "" {
				t.Fatalf("crosspost = %q, %v; want ErrNotCrossposted", id, err)
			}
			if posts := x.fb.Posts(x.partner); len(posts) != 0 {
				t.Fatalf("partner posts %+v, want none", posts)
			}
		})
	}
}

func TestCrosspostOnAVideoIDIsRefused(t *testing.T) {
	x := newCrosspostEnv(t)
	x.fb.AddCrosspostPartners(x.src, x.partner)
	_, err := x.crosspost(t, x.live.VideoID)
	if err == nil || errors.Is(err, fbclient.ErrNotCrossposted) || fbclient.Classify(err) != fbclient.ClassInvalid {
		t.Fatalf("crosspost on the Video: %v", err)
	}
	if posts := x.fb.Posts(x.partner); len(posts) != 0 {
		t.Fatalf("partner posts %+v, want none", posts)
	}
}

func TestCrosspostNeedsPagesManageEngagement(t *testing.T) {
	x := newCrosspostEnv(t)
	x.fb.AddCrosspostPartners(x.src, x.partner)
	x.srcTok = fbclient.Token(x.fb.MintPageToken(x.app.ID, x.userID, x.src, allScopes, 0).Value)
	_, err := x.crosspost(t, x.live.ID)
	if fbclient.Classify(err) != fbclient.ClassPermissionMissing {
		t.Fatalf("crosspost without pages_manage_engagement: %v", err)
	}
}

func TestCrosspostPartnersSayWhetherLivesNeedApproval(t *testing.T) {
	x := newCrosspostEnv(t)
	third := "300000000099999"
	x.fb.AddPage(fakefb.Page{ID: third, Name: "Third", Category: "Community"}, x.userID)
	x.fb.AddCrosspostPartners(x.src, x.partner)
	x.fb.AddCrosspostPartners(x.src, third)
	x.fb.SetAllowsLiveCrossposts(x.src, third, false)
	got, err := x.c.CrosspostPartners(context.Background(), x.srcTok, x.src)
	if err != nil {
		t.Fatal(err)
	}
	want := []fbclient.CrosspostPartner{{ID: x.partner, Name: "Page 2", AllowsLive: true}, {ID: third, Name: "Third", AllowsLive: false}}
	if !slices.Equal(got, want) {
		t.Fatalf("partners %+v, want %+v", got, want)
	}
}

func TestCrosspostHandshakeCarriesEachSidesAllowLive(t *testing.T) {
	x := newCrosspostEnv(t)
	partnerTok := fbclient.Token(x.fb.MintPageToken(x.app.ID, x.userID, x.partner, crosspostScopes, 0).Value)
	post := func(tok fbclient.Token, page, param, allow string) {
		t.Helper()
		q := `[{"partner_page_id":"` + param + `","allow_live":` + allow + `}]`
		key := "begin_crossposting_handshake"
		if page == x.partner {
			key = "accept_crossposting_handshake"
		}
		form := url.Values{key: {q}, "access_token": {tok.Reveal()}, "appsecret_proof": {fakefb.Proof(tok.Reveal(), x.app.Secret)}}
		resp, err := http.PostForm(x.fb.URL+"/v27.0/"+page, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s on %s: HTTP %d", key, page, resp.StatusCode)
		}
	}
	post(x.srcTok, x.src, x.partner, "false") // the partner's lives need the source's approval
	post(partnerTok, x.partner, x.src, "true")
	src, err := x.c.CrosspostPartners(context.Background(), x.srcTok, x.src)
	if err != nil || len(src) != 1 || !src[0].AllowsLive {
		t.Fatalf("source's partners %+v, %v; want the partner, taking lives", src, err)
	}
	back, err := x.c.CrosspostPartners(context.Background(), partnerTok, x.partner)
	if err != nil || len(back) != 1 || back[0].AllowsLive {
		t.Fatalf("partner's partners %+v, %v; want the source, approving each live", back, err)
	}
}

func TestACrosspostAnswerWithoutBroadcastsIsReadBackBeforeDeciding(t *testing.T) {
	cases := []struct {
		name    string
		partner bool
	}{{"crossposted", true}, {"not crossposted", false}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := newCrosspostEnv(t)
			if tc.partner {
				x.fb.AddCrosspostPartners(x.src, x.partner)
			}
			x.fb.AnswerCrosspostsWithoutBroadcasts(true)
			before := x.fb.RequestCount()
			id, err := x.crosspost(t, x.live.ID)
			if n := x.fb.RequestCount() - before; n != 2 {
				t.Errorf("%d requests, want the crosspost and one read of the live video", n)
			}
			made := x.fb.Crossposts(x.live.ID)[x.partner]
			switch {
			case tc.partner && (err != nil || id == "" || id != made):
				t.Fatalf("id=%q err=%v, want the crossposted broadcast %q", id, err, made)
			case !tc.partner && !errors.Is(err, fbclient.ErrNotCrossposted):
				t.Fatalf("id=%q err=%v, want ErrNotCrossposted", id, err)
			}
		})
	}
}

// crosspostStub answers the crosspost POST and the read-back GET of live
// video 700000000000001 with the bodies a test gives.
func crosspostStub(t *testing.T, post, get string, getStatus int) *fbclient.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v27.0/700000000000001" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"(#100) unexpected request","type":"OAuthException","code":100}}`)
			return
		}
		if r.Method == http.MethodPost {
			fmt.Fprint(w, post)
			return
		}
		if r.URL.Query().Get("fields") != "crossposted_broadcasts.limit(100){from{id},status}" {
			t.Errorf("read back with fields=%q", r.URL.Query().Get("fields"))
		}
		w.WriteHeader(getStatus)
		fmt.Fprint(w, get)
	}))
	t.Cleanup(srv.Close)
	return fbclient.New(fbclient.Config{GraphURL: srv.URL, FacebookURL: srv.URL, AppID: "1", AppSecret: "s",
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, Now: func() time.Time { return graphStart }})
}

func broadcastsOn(page, status string) string {
	return `{"id":"700000000000001","crossposted_broadcasts":{"data":[{"id":"700000000000009","from":{"id":"` + page + `"},"status":"` + status + `"}]}}`
}

func TestACrosspostThatCannotBeToldIsAmbiguousNotNotCrossposted(t *testing.T) {
	const page = "300000000000002"
	cases := []struct {
		name, post, get string
		getStatus       int
	}{
		{"read back fails", `{"success":true}`, `{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"is_transient":true}}`, 500},
		{"read back lacks the field too", `{"id":"700000000000001"}`, `{"id":"700000000000001"}`, 200},
		{"read back unreadable", `{"success":true}`, `{"id":"700000000000001","crossposted_broadcasts":"soon"}`, 200},
		{"read back refused", `{"success":true}`, `{"error":{"message":"(#200) Permissions error","type":"OAuthException","code":200}}`, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := crosspostStub(t, tc.post, tc.get, tc.getStatus)
			_, err := c.Crosspost(context.Background(), "page-token", "700000000000001", page)
			if !fbclient.IsAmbiguous(err) || errors.Is(err, fbclient.ErrNotCrossposted) {
				t.Fatalf("err=%v, want ambiguous and not ErrNotCrossposted", err)
			}
			if fbclient.Classify(err) == fbclient.ClassPermissionMissing {
				t.Errorf("err=%v reads as a missing permission, which sends a link post on top", err)
			}
		})
	}
}

// A broadcast on the destination that is not published yet may be
// published later: neither done nor "not crossposted" (a link post on top
// of it would become a duplicate), but ambiguous.
func TestACrosspostedBroadcastNotOnAirIsAmbiguousNotDoneNorNotCrossposted(t *testing.T) {
	const page = "300000000000002"
	for status, done := range map[string]bool{
		"LIVE": true, "VOD": true, "LIVE_STOPPED": true, "PROCESSING": true,
		"UNPUBLISHED": false, "SCHEDULED_UNPUBLISHED": false, "SCHEDULED_CANCELED": false, "SCHEDULED_EXPIRED": false,
	} {
		c := crosspostStub(t, broadcastsOn(page, status), broadcastsOn(page, status), 200)
		id, err := c.Crosspost(context.Background(), "page-token", "700000000000001", page)
		switch {
		case done && (err != nil || id != "700000000000009"):
			t.Errorf("Crosspost %s: id=%q err=%v, want done", status, id, err)
		case !done && (!fbclient.IsAmbiguous(err) || errors.Is(err, fbclient.ErrNotCrossposted) || id != ""):
			t.Errorf("Crosspost %s: id=%q err=%v, want ambiguous", status, id, err)
		}
		id, found, err := c.CrosspostedTo(context.Background(), "page-token", "700000000000001", page)
		switch {
		case done && (err != nil || !found || id != "700000000000009"):
			t.Errorf("CrosspostedTo %s: id=%q found=%v err=%v, want found", status, id, found, err)
		case !done && (!fbclient.IsAmbiguous(err) || found):
			t.Errorf("CrosspostedTo %s: id=%q found=%v err=%v, want ambiguous", status, id, found, err)
		}
	}
}

// An edge inside fields gives only its first page: a list cut off without
// the destination cannot say it was not crossposted.
func TestACutOffListOfCrosspostedBroadcastsIsAmbiguousUnlessItListsThePage(t *testing.T) {
	const page, other = "300000000000002", "300000000000003"
	cutOff := func(from string) string {
		return `{"id":"700000000000001","crossposted_broadcasts":{"data":[{"id":"700000000000009","from":{"id":"` + from +
			`"},"status":"LIVE"}],"paging":{"cursors":{"after":"QVFI"},"next":"https://graph.facebook.com/v27.0/700000000000001/crossposted_broadcasts?after=QVFI"}}}`
	}
	c := crosspostStub(t, cutOff(other), cutOff(other), 200)
	if id, err := c.Crosspost(context.Background(), "page-token", "700000000000001", page); !fbclient.IsAmbiguous(err) || errors.Is(err, fbclient.ErrNotCrossposted) {
		t.Errorf("Crosspost on a cut-off list: id=%q err=%v, want ambiguous", id, err)
	}
	if id, found, err := c.CrosspostedTo(context.Background(), "page-token", "700000000000001", page); !fbclient.IsAmbiguous(err) || found {
		t.Errorf("CrosspostedTo on a cut-off list: id=%q found=%v err=%v, want ambiguous", id, found, err)
	}
	c = crosspostStub(t, cutOff(page), cutOff(page), 200)
	if id, err := c.Crosspost(context.Background(), "page-token", "700000000000001", page); err != nil || id != "700000000000009" {
		t.Errorf("Crosspost listed on the first page: id=%q err=%v, want done", id, err)
	}
	if id, found, err := c.CrosspostedTo(context.Background(), "page-token", "700000000000001", page); err != nil || !found || id != "700000000000009" {
		t.Errorf("CrosspostedTo listed on the first page: id=%q found=%v err=%v, want found", id, found, err)
	}
}

func TestCrosspostedToTellsNotFoundOnlyFromACompleteList(t *testing.T) {
	const page = "300000000000002"
	cases := []struct {
		name, get string
		status    int
		wantFound bool
		wantAmbig bool
	}{
		{"empty list", `{"id":"700000000000001","crossposted_broadcasts":{"data":[]}}`, 200, false, false},
		{"other page only", broadcastsOn("300000000000003", "LIVE"), 200, false, false},
		{"on the page", broadcastsOn(page, "LIVE"), 200, true, false},
		{"field absent", `{"id":"700000000000001"}`, 200, false, true},
		{"read fails", `{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"is_transient":true}}`, 500, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := crosspostStub(t, "", tc.get, tc.status)
			id, found, err := c.CrosspostedTo(context.Background(), "page-token", "700000000000001", page)
			if found != tc.wantFound || fbclient.IsAmbiguous(err) != tc.wantAmbig {
				t.Fatalf("id=%q found=%v err=%v; want found=%v ambiguous=%v", id, found, err, tc.wantFound, tc.wantAmbig)
			}
			if tc.status != 200 && err == nil {
				t.Fatal("a failed read gave no error")
			}
			if tc.status == 200 && !tc.wantAmbig && err != nil {
				t.Fatalf("err=%v", err)
			}
		})
	}
}

// Against fakefb: the crosspost made is read back; a live crossposted to
// more partners than one page holds is read with limit(100), and beyond
// that the look says it cannot tell.
func TestCrosspostedToReadsTheCrosspostBackFromFakeFacebook(t *testing.T) {
	x := newCrosspostEnv(t)
	ctx := context.Background()
	if _, found, err := x.c.CrosspostedTo(ctx, x.srcTok, x.live.ID, x.partner); err != nil || found {
		t.Fatalf("before crossposting: found=%v err=%v", found, err)
	}
	x.fb.AddCrosspostPartners(x.src, x.partner)
	made, err := x.crosspost(t, x.live.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 { // past Facebook's default page of 25
		x.fb.AddCrosspostElsewhere(x.live.ID, fmt.Sprintf("39%013d", i))
	}
	if id, found, err := x.c.CrosspostedTo(ctx, x.srcTok, x.live.ID, x.partner); err != nil || !found || id != made {
		t.Fatalf("after crossposting: id=%q found=%v err=%v, want %q", id, found, err, made)
	}
	x.fb.SetCrosspostStatus(x.live.ID, x.partner, "UNPUBLISHED")
	if _, err := x.crosspost(t, x.live.ID); !fbclient.IsAmbiguous(err) || errors.Is(err, fbclient.ErrNotCrossposted) {
		t.Fatalf("crossposting again over an unpublished broadcast: err=%v, want ambiguous", err)
	}
	x.fb.SetCrosspostStatus(x.live.ID, x.partner, "")
	for i := 30; i < 100; i++ {
		x.fb.AddCrosspostElsewhere(x.live.ID, fmt.Sprintf("39%013d", i))
	}
	if id, found, err := x.c.CrosspostedTo(ctx, x.srcTok, x.live.ID, x.partner); !fbclient.IsAmbiguous(err) || found {
		t.Fatalf("on page two: id=%q found=%v err=%v, want ambiguous", id, found, err)
	}
}
