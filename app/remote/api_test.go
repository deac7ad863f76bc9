package remote

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// apiCase calls one method of service.API; the answer is compared as JSON
// (what crosses the socket) after norm, which drops what differs between
// two calls by design (a write's time).
type apiCase struct {
	method string
	call   func(api service.API) (any, error)
	norm   func(any) any
}

// apiCases call every method but Connect and Subscribe, which have tests
// of their own (connect_test.go, events_test.go).
func apiCases(svc *service.Service) []apiCase {
	ctx := context.Background()
	routes, _ := svc.Routes()
	route := routes[0]
	pages, _ := svc.Pages()
	share := store.LedgerKey{RouteID: route.ID, VideoID: "424242", DestinationID: pages[0].ID}
	group := store.LedgerEntry{LedgerKey: store.LedgerKey{RouteID: route.ID, VideoID: "424242", DestinationID: "demo-prayer-circle"},
		VideoURL: "https://www.facebook.com/100/videos/424242", VideoTitle: "Sunday service"}
	var export []byte
	return []apiCase{
		{method: "Status", call: func(a service.API) (any, error) { return a.Status(), nil }},
		{method: "Health", call: func(a service.API) (any, error) { return a.Health(), nil }},
		{method: "Pause", call: func(a service.API) (any, error) { a.Pause(0); return a.Health(), nil }},
		{method: "Resume", call: func(a service.API) (any, error) { a.Resume(); return a.Health(), nil }},
		{method: "CheckNow", call: func(a service.API) (any, error) { a.CheckNow(); return nil, nil }},
		{method: "Account", call: func(a service.API) (any, error) { acct, ok, err := a.Account(); return []any{acct, ok}, err }},
		{method: "HasSavedSecret", call: func(a service.API) (any, error) { return a.HasSavedSecret(fakefb.DemoAppID) }},
		{method: "SavedConnectRequest", call: func(a service.API) (any, error) {
			req, err := a.SavedConnectRequest()
			return wireConnectRequest(req), err
		}},
		{method: "CheckApp", call: func(a service.API) (any, error) {
			return nil, a.CheckApp(ctx, service.AppCheck{AppID: fakefb.DemoAppID, Secret: fakefb.DemoAppSecret})
		}},
		{method: "CheckConnection", call: func(a service.API) (any, error) { return a.CheckConnection(ctx) }},
		{method: "RouteBindings", call: func(a service.API) (any, error) { return a.RouteBindings() }},
		{method: "VerifyDestinations", call: func(a service.API) (any, error) { return a.VerifyDestinations(ctx) }},
		{method: "Routes", call: func(a service.API) (any, error) { return a.Routes() }},
		{method: "RouteFrom", call: func(a service.API) (any, error) {
			return a.RouteFrom(store.Route{SourceID: "me", Targets: []store.Target{{DestinationID: "demo-prayer-circle"}}})
		}},
		{method: "SaveRoute", call: func(a service.API) (any, error) { return a.SaveRoute(route) }, norm: withoutTimes},
		{method: "DeleteRoute", call: func(a service.API) (any, error) { return nil, a.DeleteRoute("no-such-route") }},
		{method: "DryRun", call: func(a service.API) (any, error) { return a.DryRun(ctx, route.ID) }},
		{method: "Destinations", call: func(a service.API) (any, error) { return a.Destinations() }},
		{method: "Pages", call: func(a service.API) (any, error) { return a.Pages() }},
		{method: "AddPage", call: func(a service.API) (any, error) { return a.AddPage(ctx, pages[0].ID) }},
		{method: "AddGroup", call: func(a service.API) (any, error) {
			return a.AddGroup("https://www.facebook.com/groups/remotechoir", "Remote choir")
		}},
		{method: "History", call: func(a service.API) (any, error) { return a.History(50) }},
		{method: "LedgerByDestination", call: func(a service.API) (any, error) { return a.LedgerByDestination(pages[0].ID, 10) }},
		{method: "LedgerInState", call: func(a service.API) (any, error) { return a.LedgerInState(store.LedgerUnconfirmed) }},
		{method: "AssistedShareURL", call: func(a service.API) (any, error) { return a.AssistedShareURL(group.VideoURL), nil }},
		{method: "AssistedMessage", call: func(a service.API) (any, error) { return a.AssistedMessage(group) }},
		{method: "MarkAssistedDone", call: func(a service.API) (any, error) { return nil, a.MarkAssistedDone(group.LedgerKey) }},
		{method: "ResolveShare", call: func(a service.API) (any, error) { return nil, a.ResolveShare(share, true) }},
		{method: "Settings", call: func(a service.API) (any, error) { return a.Settings() }},
		{method: "SaveSettings", call: func(a service.API) (any, error) {
			st, err := a.Settings()
			if err != nil {
				return nil, err
			}
			st.PollInterval = 45 * time.Second
			return nil, a.SaveSettings(st)
		}},
		{method: "SetStartChoices", call: func(a service.API) (any, error) { return nil, a.SetStartChoices(true, false) }},
		{method: "Export", call: func(a service.API) (any, error) {
			var buf bytesWriter
			err := a.Export(&buf)
			export = buf.data
			return string(buf.data), err
		}, norm: withoutExportTime},
		{method: "ImportLoginChanges", call: func(a service.API) (any, error) { return a.ImportLoginChanges(export) }},
		{method: "Import", call: func(a service.API) (any, error) { return a.Import(export, store.ImportOptions{}) }},
		{method: "IsDemo", call: func(a service.API) (any, error) { return a.IsDemo(), nil }},
		{method: "DemoApp", call: func(a service.API) (any, error) { id, secret, ok := a.DemoApp(); return []any{id, secret, ok}, nil }},
		{method: "SimulatePasswordChange", call: func(a service.API) (any, error) { return nil, a.SimulatePasswordChange() }},
		{method: "Disconnect", call: func(a service.API) (any, error) { return nil, a.Disconnect(ctx) }},
	}
}

func TestEveryAPIMethodAnswersThroughTheSocketAsInProcess(t *testing.T) {
	svc, _, window := demo(t)
	for _, tc := range apiCases(svc) {
		t.Run(tc.method, func(t *testing.T) {
			want, wantErr := tc.call(svc)
			got, gotErr := tc.call(window)
			if tc.norm != nil {
				want, got = tc.norm(want), tc.norm(got)
			}
			if w, g := asJSON(t, want), asJSON(t, got); w != g {
				t.Errorf("through the socket:\n%s\nin process:\n%s", g, w)
			}
			sameError(t, wantErr, gotErr)
		})
	}
}

func TestTheTableCallsEveryMethodOfTheAPI(t *testing.T) {
	svc := openDemo(t, testPaths(t))
	called := map[string]bool{"Connect": true, "Subscribe": true} // tests of their own
	for _, tc := range apiCases(svc) {
		called[tc.method] = true
	}
	for _, m := range apiMethods() {
		if !called[m] {
			t.Errorf("service.API.%s is not in apiCases", m)
		}
	}
}

func TestEveryMethodOfTheAPIIsServed(t *testing.T) {
	for _, m := range apiMethods() {
		if handlers[m] == nil {
			t.Errorf("service.API.%s has no handler: the window's call would fail", m)
		}
	}
	if len(handlers) != len(apiMethods()) {
		t.Errorf("%d handlers for %d methods: a handler serves no method of service.API", len(handlers), len(apiMethods()))
	}
}

func apiMethods() []string {
	api := reflect.TypeFor[service.API]()
	var names []string
	for i := range api.NumMethod() {
		names = append(names, api.Method(i).Name)
	}
	sort.Strings(names)
	return names
}

// sameError fails unless got is want as the window sees it: the same
// sentence, and the same answers from errors.Is, LoginProblem and Classify.
func sameError(t *testing.T, want, got error) {
	t.Helper()
	if (want == nil) != (got == nil) || (want != nil && want.Error() != got.Error()) {
		t.Fatalf("error through the socket %v, in process %v", got, want)
	}
	for name, s := range sentinels {
		if errors.Is(want, s) != errors.Is(got, s) {
			t.Errorf("errors.Is(err, %s): %v through the socket, %v in process", name, errors.Is(got, s), errors.Is(want, s))
		}
	}
	wantProblem, wantOK := fbclient.LoginProblem(want)
	gotProblem, gotOK := fbclient.LoginProblem(got)
	if wantProblem != gotProblem || wantOK != gotOK {
		t.Errorf("LoginProblem: %q %v through the socket, %q %v in process", gotProblem, gotOK, wantProblem, wantOK)
	}
	if fbclient.Classify(want) != fbclient.Classify(got) {
		t.Errorf("Classify: %v through the socket, %v in process", fbclient.Classify(got), fbclient.Classify(want))
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func withoutTimes(v any) any {
	r := v.(store.Route)
	r.CreatedAt, r.UpdatedAt = time.Time{}, time.Time{}
	return r
}

var exportedAt = regexp.MustCompile(`"exported_at": *"[^"]*"`)

func withoutExportTime(v any) any { return exportedAt.ReplaceAllString(v.(string), "") }
