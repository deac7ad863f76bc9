package fakefb

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// graphFixture is a seeded demo fake on a manual clock, called over raw HTTP
// so the tests see the wire format itself.
type graphFixture struct {
	s     *Server
	clock *ManualClock
	info  DemoInfo
}

func newGraphFixture(t *testing.T) *graphFixture {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	s, err := New(Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	info, err := s.SeedDemo()
	if err != nil {
		t.Fatal(err)
	}
	return &graphFixture{s: s, clock: clock, info: info}
}

// do sends a Graph request with the demo token and its proof.
func (f *graphFixture) do(t *testing.T, method, path string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("access_token") {
		form.Set("access_token", f.info.UserToken)
	}
	form.Set("appsecret_proof", Proof(form.Get("access_token"), f.info.AppSecret))
	var req *http.Request
	if method == http.MethodGet {
		req, _ = http.NewRequest(method, f.s.URL+"/v27.0"+path+"?"+form.Encode(), nil)
	} else {
		req, _ = http.NewRequest(method, f.s.URL+"/v27.0"+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestErrorsHaveFacebooksDocumentedShape(t *testing.T) {
	f := newGraphFixture(t)
	f.s.InvalidateToken(f.info.UserToken, 460)
	resp, body := f.do(t, http.MethodGet, "/me", nil)
	var got struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	for _, k := range []string{"message", "type", "code", "error_subcode", "fbtrace_id"} {
		if _, ok := got.Error[k]; !ok {
			t.Errorf("error object lacks %q: %s", k, body)
		}
	}
	if got.Error["code"] != float64(190) || got.Error["error_subcode"] != float64(460) {
		t.Errorf("error %s", body)
	}
}

func TestEveryAnswerCarriesUsageHeadersAndTheVersion(t *testing.T) {
	f := newGraphFixture(t)
	resp, body := f.do(t, http.MethodGet, "/me", url.Values{"fields": {"id,name"}})
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Demo Person") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var u map[string]int
	if err := json.Unmarshal([]byte(resp.Header.Get("X-App-Usage")), &u); err != nil || u["call_count"] != 0 {
		t.Errorf("X-App-Usage %q", resp.Header.Get("X-App-Usage"))
	}
	if resp.Header.Get("Facebook-Api-Version") != "v27.0" {
		t.Errorf("version header %q", resp.Header.Get("Facebook-Api-Version"))
	}
}

func TestBatchAnswersBodiesAsJSONStringsAndNullForTimedOutItems(t *testing.T) {
	f := newGraphFixture(t)
	f.s.FailNext(1, FailTimeout)
	batch := `[{"method":"GET","relative_url":"me"},{"method":"GET","relative_url":"me?fields=name"},{"method":"GET","relative_url":"v27.0/nope/feed"}]`
	resp, body := f.do(t, http.MethodPost, "/", url.Values{"batch": {batch}})
	var got []*struct {
		Code int    `json:"code"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 || len(got) != 3 {
		t.Fatalf("%d %s (%v)", resp.StatusCode, body, err)
	}
	if got[0] != nil {
		t.Errorf("timed-out item = %+v, want null", got[0])
	}
	if got[1].Code != 200 || !strings.Contains(got[1].Body, `"name":"Demo Person"`) {
		t.Errorf("item 1 = %+v", got[1])
	}
	if got[2].Code != 400 || !strings.Contains(got[2].Body, `"code":100`) {
		t.Errorf("item 2 = %+v", got[2])
	}
}

func TestBatchesOfMoreThanFiftyAreRefused(t *testing.T) {
	f := newGraphFixture(t)
	items := strings.Repeat(`{"method":"GET","relative_url":"me"},`, 51)
	resp, body := f.do(t, http.MethodPost, "/", url.Values{"batch": {"[" + strings.TrimSuffix(items, ",") + "]"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Maximum batch size is 50") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

func TestTheAppRateLimitIsARollingHour(t *testing.T) {
	f := newGraphFixture(t)
	f.s.SetRateLimits(RateLimits{AppCallsPerHour: 2})
	f.do(t, http.MethodGet, "/me", nil)
	f.clock.Advance(30 * time.Minute)
	f.do(t, http.MethodGet, "/me", nil)
	resp, body := f.do(t, http.MethodGet, "/me", nil)
	if !strings.Contains(string(body), `"code":4`) || resp.Header.Get("X-App-Usage") == "" {
		t.Fatalf("third call: %d %s", resp.StatusCode, body)
	}
	f.clock.Advance(31 * time.Minute) // the first call has left the hour; the refused one still counts
	if _, body := f.do(t, http.MethodGet, "/me", nil); !strings.Contains(string(body), `"code":4`) {
		t.Fatalf("calls made while throttled did not count: %s", body)
	}
	f.clock.Advance(time.Hour)
	if resp, body := f.do(t, http.MethodGet, "/me", nil); resp.StatusCode != 200 {
		t.Fatalf("after the hour: %s", body)
	}
}

func TestTheDemoLiveVideoStartsAfterTheDelayAndStaysLive(t *testing.T) {
	f := newGraphFixture(t)
	if st := f.s.LiveStatus(f.info.Live.ID); st != "" {
		t.Fatalf("status before start %q", st)
	}
	f.clock.Advance(DemoLiveDelay)
	f.clock.Advance(24 * time.Hour)
	if st := f.s.LiveStatus(f.info.Live.ID); st != "LIVE" {
		t.Fatalf("status %q", st)
	}
	if len(f.info.PageIDs) != 3 || f.info.LivePageID != f.info.PageIDs[0] || f.info.AppID != DemoAppID {
		t.Errorf("info %+v", f.info)
	}
}

func TestCloseEndsHandlersThatAreSleepingOrHanging(t *testing.T) {
	f := newGraphFixture(t)
	f.s.SetLatency(time.Hour)
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(f.s.URL + "/v27.0/me?access_token=" + url.QueryEscape(f.info.UserToken))
		if err == nil {
			resp.Body.Close()
		}
	}()
	for f.s.RequestCount() == 0 {
		time.Sleep(time.Millisecond) // wait for the request to arrive, not for timing
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
}

func TestRequestLogHoldsNoTokens(t *testing.T) {
	f := newGraphFixture(t)
	f.do(t, http.MethodGet, "/me", nil)
	for _, r := range f.s.Requests() {
		if strings.Contains(r.Path, f.info.UserToken) || r.Path != "/me" {
			t.Fatalf("log %+v", r)
		}
	}
}

func TestAPageUsernameStandsForItsIDAndTheAnswerGivesTheID(t *testing.T) {
	f := newGraphFixture(t)
	choir := f.info.PageIDs[2]
	for _, name := range []string{DemoChoirUsername, "demochoir"} {
		resp, body := f.do(t, http.MethodGet, "/"+name, url.Values{"fields": {"id,name,access_token"}})
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /%s: %d %s", name, resp.StatusCode, body)
		}
		if got["id"] != choir || got["name"] != "Demo Choir" || got["access_token"] == nil {
			t.Errorf("GET /%s = %s, want the Demo Choir Page with its numeric id and a Page token", name, body)
		}
	}
	if resp, body := f.do(t, http.MethodGet, "/NoSuchPageName", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET of an unknown username: %d %s", resp.StatusCode, body)
	}
}

func TestEchoTokenInErrorsQuotesTheRefusedSecret(t *testing.T) {
	f := newGraphFixture(t)
	const bogus = "EAABbogusToken0123456789"
	_, quiet := f.do(t, http.MethodGet, "/me", url.Values{"access_token": {bogus}})
	f.s.EchoTokenInErrors(true)
	_, loud := f.do(t, http.MethodGet, "/me", url.Values{"access_token": {bogus}})
	if strings.Contains(string(quiet), bogus) || !strings.Contains(string(loud), "[access_token "+bogus+"]") {
		t.Errorf("off: %s\non: %s", quiet, loud)
	}
	_, debug := f.do(t, http.MethodGet, "/debug_token", url.Values{
		"access_token": {f.info.AppID + "|" + f.info.AppSecret}, "input_token": {bogus}})
	if !strings.Contains(string(debug), "[input_token "+bogus+"]") {
		t.Errorf("debug_token data.error does not quote input_token: %s", debug)
	}
}

// pageToken mints a Page token of the demo person for pageID.
func (f *graphFixture) pageToken(pageID string) string {
	return f.s.MintPageToken(f.info.AppID, f.info.UserID, pageID, []string{"pages_read_engagement", "pages_manage_posts"}, 0).Value
}

// feedPage is one page of /feed or /posts as the wire shows it.
type feedPage struct {
	Data []struct {
		ID          string         `json:"id"`
		Link        string         `json:"link"`
		From        map[string]any `json:"from"`
		Attachments struct {
			Data []map[string]any `json:"data"`
		} `json:"attachments"`
		PermalinkURL string `json:"permalink_url"`
	} `json:"data"`
	Paging map[string]any `json:"paging"`
}

func (f *graphFixture) feed(t *testing.T, path string, q url.Values) (int, feedPage, string) {
	t.Helper()
	resp, body := f.do(t, http.MethodGet, path, q)
	var p feedPage
	_ = json.Unmarshal(body, &p)
	return resp.StatusCode, p, string(body)
}

func TestDeprecatedPostFieldsAreRefusedWithCode12(t *testing.T) {
	f := newGraphFixture(t)
	page := f.info.PageIDs[1]
	tok := f.pageToken(page)
	for _, field := range deprecatedPostFields {
		for _, edge := range []string{"/feed", "/posts"} {
			status, _, body := f.feed(t, "/"+page+edge, url.Values{"access_token": {tok}, "fields": {"id," + field + ",created_time"}})
			if status != http.StatusBadRequest || !strings.Contains(body, `"code":12`) ||
				!strings.Contains(body, "(#12) "+field+" field is deprecated for versions v3.3 and higher") {
				t.Errorf("%s fields=%s: %d %s", edge, field, status, body)
			}
		}
	}
}

func TestAllowDeprecatedPostFieldsServesLinkAgain(t *testing.T) {
	f := newGraphFixture(t)
	page := f.info.PageIDs[1]
	tok := f.pageToken(page)
	f.do(t, http.MethodPost, "/"+page+"/feed", url.Values{"access_token": {tok}, "message": {"hi"}, "link": {"https://example.com/x"}})
	f.s.AllowDeprecatedPostFields(true)
	status, p, body := f.feed(t, "/"+page+"/feed", url.Values{"access_token": {tok}, "fields": {"id,link"}})
	if status != 200 || len(p.Data) != 1 || p.Data[0].Link != "https://example.com/x" {
		t.Fatalf("%d %s", status, body)
	}
}

func TestDeprecatedPostFieldsAreRefusedOnThePostItselfToo(t *testing.T) {
	f := newGraphFixture(t)
	page := f.info.PageIDs[1]
	tok := f.pageToken(page)
	_, created := f.do(t, http.MethodPost, "/"+page+"/feed", url.Values{"access_token": {tok}, "message": {"hi"}, "link": {"https://example.com/x"}})
	var post struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(created, &post); err != nil || post.ID == "" {
		t.Fatalf("post: %s", created)
	}
	for _, field := range deprecatedPostFields {
		resp, body := f.do(t, http.MethodGet, "/"+post.ID, url.Values{"access_token": {tok}, "fields": {"id," + field}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "(#12) "+field+" field is deprecated") {
			t.Errorf("GET /{post-id}?fields=id,%s: %d %s", field, resp.StatusCode, body)
		}
	}
	f.s.AllowDeprecatedPostFields(true)
	resp, body := f.do(t, http.MethodGet, "/"+post.ID, url.Values{"access_token": {tok}, "fields": {"id,link"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"link":"https://example.com/x"`) {
		t.Errorf("with AllowDeprecatedPostFields: %d %s", resp.StatusCode, body)
	}
}

func TestPostsShowTheirLinkInAttachmentsThroughTheShim(t *testing.T) {
	f := newGraphFixture(t)
	page := f.info.PageIDs[1]
	tok := f.pageToken(page)
	f.do(t, http.MethodPost, "/"+page+"/feed", url.Values{"access_token": {tok}, "message": {"hi"}, "link": {"https://example.com/x?a=1"}})
	status, p, body := f.feed(t, "/"+page+"/posts", url.Values{"access_token": {tok},
		"fields": {"id,permalink_url,from{id,name},attachments{url,unshimmed_url,target{id,url}}"}})
	if status != 200 || len(p.Data) != 1 || len(p.Data[0].Attachments.Data) != 1 {
		t.Fatalf("%d %s", status, body)
	}
	a, post := p.Data[0].Attachments.Data[0], p.Data[0]
	if a["unshimmed_url"] != "https://example.com/x?a=1" || !strings.HasPrefix(a["url"].(string), "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fx%3Fa%3D1") {
		t.Errorf("attachment %v", a)
	}
	if post.From["id"] != page || post.PermalinkURL == "" || post.Link != "" {
		t.Errorf("post %+v", post)
	}
}

func TestFeedListsVisitorsPostsAndPostsDoesNot(t *testing.T) {
	f := newGraphFixture(t)
	page := f.info.PageIDs[1]
	tok := f.pageToken(page)
	f.do(t, http.MethodPost, "/"+page+"/feed", url.Values{"access_token": {tok}, "message": {"by the page"}})
	f.s.AddUser(User{ID: "100000000000999", Name: "A Visitor"})
	if _, err := f.s.AddVisitorPost(page, "100000000000999", "look", "https://example.com/v"); err != nil {
		t.Fatal(err)
	}
	_, feed, body := f.feed(t, "/"+page+"/feed", url.Values{"access_token": {tok}, "fields": {"id,from{id}"}})
	if len(feed.Data) != 2 || feed.Data[0].From["id"] != "100000000000999" {
		t.Fatalf("/feed %s", body)
	}
	_, posts, body := f.feed(t, "/"+page+"/posts", url.Values{"access_token": {tok}, "fields": {"id,from{id}"}})
	if len(posts.Data) != 1 || posts.Data[0].From["id"] != page {
		t.Fatalf("/posts %s", body)
	}
}

func TestFeedPagesByTimeWithUntilAndPagingTokenNotCursors(t *testing.T) {
	f := newGraphFixture(t)
	page := f.info.PageIDs[1]
	tok := f.pageToken(page)
	for i := range 5 {
		f.do(t, http.MethodPost, "/"+page+"/feed", url.Values{"access_token": {tok}, "message": {"post " + strconv.Itoa(i)}})
		f.clock.Advance(time.Minute)
	}
	var seen []string
	q := url.Values{"access_token": {tok}, "fields": {"id,message"}, "limit": {"2"}}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging never ends")
		}
		_, p, body := f.feed(t, "/"+page+"/posts", q)
		if _, ok := p.Paging["cursors"]; ok {
			t.Fatalf("time-paged edge has cursors: %s", body)
		}
		for _, d := range p.Data {
			seen = append(seen, d.ID)
		}
		next, _ := p.Paging["next"].(string)
		if next == "" {
			break
		}
		u, err := url.Parse(next)
		if err != nil || u.Query().Get("until") == "" || u.Query().Get("__paging_token") == "" || u.Query().Get("access_token") != tok {
			t.Fatalf("next %q", next)
		}
		if prev, _ := p.Paging["previous"].(string); !strings.Contains(prev, "since=") || !strings.Contains(prev, "__previous=1") {
			t.Errorf("previous %q", prev)
		}
		q = u.Query()
	}
	posts := f.s.Posts(page)
	if len(seen) != 5 || seen[0] != posts[4].ID || seen[4] != posts[0].ID {
		t.Fatalf("saw %v, want the 5 posts newest first", seen)
	}
}

func TestABatchWithoutATopLevelTokenIsRefused(t *testing.T) {
	f := newGraphFixture(t)
	tok := f.pageToken(f.info.PageIDs[1])
	item := `[{"method":"GET","relative_url":"me?access_token=` + tok + `"}]`
	req, _ := http.NewRequest(http.MethodPost, f.s.URL+"/v27.0/", strings.NewReader(url.Values{"batch": {item}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	send := func() (int, string) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := send(); status != http.StatusBadRequest || !strings.Contains(body, `"code":104`) {
		t.Fatalf("%d %s", status, body)
	}
	f.s.AcceptBatchWithoutToken(true)
	req, _ = http.NewRequest(http.MethodPost, f.s.URL+"/v27.0/", strings.NewReader(url.Values{"batch": {item}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := send(); status != http.StatusOK {
		t.Fatalf("with the switch: %d %s", status, body)
	}
}

func TestUserTokenCallsAreLimitedTo200AnHourPerAppUser(t *testing.T) {
	f := newGraphFixture(t)
	for i := range UserCallsPerHour {
		if resp, body := f.do(t, http.MethodGet, "/me", nil); resp.StatusCode != 200 {
			t.Fatalf("call %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := f.do(t, http.MethodGet, "/me", nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"code":4`) ||
		!strings.Contains(resp.Header.Get("X-App-Usage"), `"call_count":100`) {
		t.Fatalf("call 201: %d %s %q", resp.StatusCode, body, resp.Header.Get("X-App-Usage"))
	}
	// Page-token calls count against the Page's budget, not this one.
	if resp, body := f.do(t, http.MethodGet, "/me", url.Values{"access_token": {f.pageToken(f.info.PageIDs[0])}}); resp.StatusCode != 200 {
		t.Fatalf("page token: %d %s", resp.StatusCode, body)
	}
	f.clock.Advance(time.Hour)
	if resp, body := f.do(t, http.MethodGet, "/me", nil); resp.StatusCode != 200 {
		t.Fatalf("an hour later: %d %s", resp.StatusCode, body)
	}
}

func TestLiftUserCallLimitLetsATestMakeMore(t *testing.T) {
	f := newGraphFixture(t)
	f.s.LiftUserCallLimit()
	for i := range UserCallsPerHour + 1 {
		if resp, body := f.do(t, http.MethodGet, "/me", nil); resp.StatusCode != 200 {
			t.Fatalf("call %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
}

func TestFailNextPlaysTheNewErrorCodes(t *testing.T) {
	cases := []struct {
		kind    FailKind
		want    []string
		usage   bool
		statusC int
	}{
		{FailApplicationLimit, []string{`"code":341`}, true, http.StatusForbidden},
		{FailLinkPost, []string{`"code":1609005`}, false, http.StatusBadRequest},
		{FailDeprecated, []string{`"code":12`, "deprecated"}, false, http.StatusBadRequest},
		{FailInvalidCrossposting, []string{`"code":-1`, `"error_subcode":1363103`}, false, http.StatusBadRequest},
	}
	for _, c := range cases {
		f := newGraphFixture(t)
		f.s.FailNext(1, c.kind)
		resp, body := f.do(t, http.MethodGet, "/me", nil)
		for _, w := range c.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("kind %d: body %s lacks %s", c.kind, body, w)
			}
		}
		if resp.StatusCode != c.statusC || c.usage && !strings.Contains(resp.Header.Get("X-App-Usage"), `"call_count":100`) {
			t.Errorf("kind %d: %d %q", c.kind, resp.StatusCode, resp.Header.Get("X-App-Usage"))
		}
	}
}
