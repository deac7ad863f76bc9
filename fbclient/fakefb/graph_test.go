package fakefb

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
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
