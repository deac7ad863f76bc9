package store

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestExportThenImportMovesRoutesDestinationsAndSettings(t *testing.T) {
	clock := newClock()
	from := openTest(t, clock)
	_ = from.PutAccount(Account{UserID: "100", Name: "Ana"})
	_ = from.PutDestination(Destination{ID: "p1", Name: "Church", Kind: KindPage, Status: "role_lost"})
	_ = from.PutDestination(Destination{ID: "g1", Name: "Youth", Kind: KindGroup})
	r := pageRoute("src", "p1")
	r.Targets = append(r.Targets, Target{DestinationID: "g1", Mode: ModeAssisted, Delay: 2 * time.Minute})
	r = mustRoute(t, from, r)
	s := DefaultSettings()
	s.AppID, s.PollInterval = "42", 20*time.Second
	_ = from.PutSettings(s)

	var file bytes.Buffer
	if err := from.Export(&file); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(file.String(), "Ana") || strings.Contains(file.String(), "role_lost") {
		t.Errorf("the export carries the account or this machine's destination health:\n%s", file.String())
	}

	to := openTest(t, clock)
	res, err := to.Import(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if res != (ImportResult{Routes: 1, Destinations: 2, Settings: true}) {
		t.Errorf("ImportResult = %+v", res)
	}
	got, ok, _ := to.Route(r.ID)
	if !ok || len(got.Targets) != 2 || got.Targets[1].Delay != 2*time.Minute || !got.CreatedAt.Equal(r.CreatedAt) {
		t.Errorf("imported route = %+v, want %+v", got, r)
	}
	if gs, _ := to.Settings(); gs != s {
		t.Errorf("imported settings = %+v, want %+v", gs, s)
	}
	if _, ok, _ := to.Account(); ok {
		t.Error("an account came over in the export")
	}
}

func TestImportOfABadFileChangesNothing(t *testing.T) {
	db := openTest(t, newClock())
	existing := mustRoute(t, db, pageRoute("src", "p1"))
	valid := func(edit func(map[string]any)) string {
		f := map[string]any{
			"format": "liveroute-export", "version": 1,
			"destinations": []any{map[string]any{"id": "p9", "name": "New Page", "kind": "page"}},
			"routes": []any{map[string]any{"id": "new1", "source_id": "s2", "source_kind": "page", "enabled": true,
				"targets": []any{map[string]any{"destination_id": "p9", "mode": "post"}}}},
		}
		edit(f)
		raw, _ := json.Marshal(f)
		return string(raw)
	}
	cases := []struct {
		name, file, want string
	}{
		{"not JSON", "hello", "not a LiveRoute export"},
		{"another format", valid(func(f map[string]any) { f["format"] = "something-else" }), "not a LiveRoute export"},
		{"newer format", valid(func(f map[string]any) { f["version"] = 9 }), "newer LiveRoute"},
		{"bad settings", valid(func(f map[string]any) {
			f["settings"] = map[string]any{"poll_interval": 1, "api_version": "v27.0", "transport": "loopback"}
		}), "poll interval"},
		{"a bad route after a good destination", valid(func(f map[string]any) {
			f["routes"] = append(f["routes"].([]any), map[string]any{"id": "bad", "source_id": "", "source_kind": "page"})
		}), "choose the Page"},
		{"a token smuggled in", valid(func(f map[string]any) { f["access_token"] = "EAAB" }), "not a LiveRoute export"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Import(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import: %v, want an error saying %q", err, tc.want)
			}
			routes, _ := db.Routes()
			dests, _ := db.Destinations()
			if len(routes) != 1 || routes[0].ID != existing.ID || len(dests) != 0 {
				t.Errorf("a refused import changed the database: routes %+v, destinations %+v", routes, dests)
			}
		})
	}
	if res, err := db.Import(strings.NewReader(valid(func(map[string]any) {}))); err != nil || res.Routes != 1 {
		t.Errorf("the valid file was refused: %v", err)
	}
}
