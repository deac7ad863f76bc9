package fbclient

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// Seeds are FACEBOOK.md's documented samples and their awkward relatives.

func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		`{"error":{"message":"Error validating access token: The user has not authorized application.","type":"OAuthException","code":190,"error_subcode":458,"fbtrace_id":"AbC"}}`,
		`{"error":{"message":"(#506) Duplicate status message","type":"OAuthException","code":506,"error_user_title":"Duplicate Status Update","error_user_msg":"This status update is identical to the last one you posted.","fbtrace_id":"x"}}`,
		`{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","code":2,"is_transient":true}}`,
		`{"error":{"code":"190","error_subcode":"463"}}`,
		`{"error":{"code":190,"message":"m","subcode":460}}`,
		`{"error":null}`, `{"id":"1"}`, `<html>500</html>`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, ok := decodeError(body)
		if !ok {
			return
		}
		_ = e.Class().String()
		if e.Reason() == "" || e.Error() == "" {
			t.Fatal("empty text for a decoded error")
		}
	})
}

func FuzzDecodeBatch(f *testing.F) {
	for _, s := range []string{
		`[{"code":200,"headers":[{"name":"Content-Type","value":"text/javascript; charset=UTF-8"}],"body":"{\"id\":\"1_2\"}"},null,{"code":400,"body":"{\"error\":{\"code\":506,\"message\":\"dup\"}}"}]`,
		`[{"code":200,"body":{"id":"1_2"}}]`,
		`[null]`, `[]`, `null`, `[{"code":200,"body":"not json"}]`, `[{"code":200,"body":""}]`, `{"error":{"code":1}}`,
	} {
		f.Add([]byte(s))
	}
	c := New(Config{})
	f.Fuzz(func(t *testing.T, data []byte) {
		answers, err := decodeBatch(data)
		if err != nil {
			return
		}
		for _, a := range answers {
			r := c.batchResult(BatchOp{Method: "POST"}, a, "")
			if a == nil && !IsAmbiguous(r.Err) {
				t.Fatal("a null item of a write is not ambiguous")
			}
			if a != nil && len(a.Body) > 0 && !json.Valid(a.Body) {
				t.Fatalf("body %q is not JSON", a.Body)
			}
		}
	})
}

func FuzzParseUsage(f *testing.F) {
	f.Add(`{"call_count":28,"total_time":25,"total_cputime":25}`,
		`{"112233":[{"type":"pages","call_count":97,"total_cputime":23,"total_time":23,"estimated_time_to_regain_access":0}]}`,
		``)
	f.Add(`{"call_count":1e308}`, `{"1":[{"estimated_time_to_regain_access":1e300}]}`, `{"call_count":-5}`)
	f.Add(`garbage`, `{"1":{}}`, `[]`)
	f.Fuzz(func(t *testing.T, app, buc, page string) {
		h := http.Header{}
		h.Set(HeaderAppUsage, app)
		h.Set(HeaderBusinessUsage, buc)
		h.Set(HeaderPageUsage, page)
		u, _ := ParseUsage(h, time.Unix(0, 0))
		if u.App < 0 || u.Page < 0 || u.RegainAfter < 0 || u.Max() < 0 {
			t.Fatalf("negative usage %+v", u)
		}
	})
}

func FuzzDecodePaging(f *testing.F) {
	for _, s := range []string{
		`{"data":[{"id":"1","name":"P","access_token":"EAA","tasks":["CREATE_CONTENT"]}],"paging":{"cursors":{"before":"QVFI","after":"QVFJ"},"next":"https://graph.facebook.com/v27.0/me/accounts?after=QVFJ"}}`,
		`{"data":[],"paging":{"next":"https://graph.facebook.com/v27.0/me/accounts?access_token=x&after=ZTo0"}}`,
		`{"data":[{"id":"1"}],"paging":{"cursors":{"before":"a","after":"b"}}}`,
		`{"data":[{"id":"1_2"}],"paging":{"previous":"https://graph.facebook.com/v27.0/1/posts?since=1&__paging_token=enc_a&__previous=1","next":"https://graph.facebook.com/v27.0/1/posts?until=1&__paging_token=enc_b"}}`,
		`{"data":[]}`, `{"paging":{"next":"::"}}`, `{"data":null}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, next, err := decodePage(body)
		if err != nil {
			if items != nil || !next.done() {
				t.Fatal("results with an error")
			}
			return
		}
		for _, it := range items {
			var p Page
			_ = json.Unmarshal(it, &p)
		}
	})
}
