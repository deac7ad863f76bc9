package control

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/liveroute/liveroute/store"
)

func TestPlainTextRemovesTerminalControls(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain text stays", "Choir of St. Ann — Sunday", "Choir of St. Ann — Sunday"},
		{"newline and tab stay", "a\tb\nc", "a\tb\nc"},
		{"CSI colour", "\x1b[31mRed\x1b[0m Page", "Red Page"},
		{"CSI cursor move and clear", "Live\x1b[2J\x1b[1;1H now", "Live now"},
		{"OSC window title with BEL", "\x1b]0;pwned\aTitle", "Title"},
		{"OSC hyperlink with ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"two-character escape", "\x1bcReset", "Reset"},
		{"C1 CSI", "\u009b31mRed", "Red"},
		{"C1 OSC", "\u009d0;t\u009cName", "Name"},
		{"carriage return and backspace", "safe\rfake\bX", "safefakeX"},
		{"DEL and other C0", "a\x7fb\x00c\x07d", "abcd"},
		{"a cut sequence", "Name\x1b[31", "Name"},
		{"a lone ESC at the end", "Name\x1b", "Name"},
		{"raw 8-bit C1 bytes that are not UTF-8", "Na\x9b31mme\x85", "Na31mme"},
	}
	for _, c := range cases {
		if got := plainText(c.in); got != c.want {
			t.Errorf("%s: plainText(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

// TestTextOutputCarriesNoTerminalControlsFromNames stores a Page and a
// route whose names carry escape sequences, as a Page name from Facebook
// or a route name typed by the person could.
func TestTextOutputCarriesNoTerminalControlsFromNames(t *testing.T) {
	const evilPage = "\x1b]0;owned\aChoir\x1b[2J"
	const evilRoute = "Sunday\x1b[1A\rrm -rf"
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			h.withDB(func(db *store.DB) {
				must(t, db.PutDestination(store.Destination{ID: "200", Name: evilPage, Kind: store.KindPage}))
				must(t, db.AddActivity(store.Activity{Kind: "share", Message: "Shared “\x1b[31mlive\x1b[0m” to " + evilPage}))
			})
			h.ok("routes", "add", "--name", evilRoute, "--source", "200", "--to", "300")
			for _, args := range [][]string{{"routes", "list"}, {"history"}, {"status"}} {
				out := h.ok(args...)
				if strings.ContainsAny(out, "\x1b\r\a") {
					t.Errorf("liveroute %s prints a control character:\n%q", strings.Join(args, " "), out)
				}
			}
			if out := h.ok("routes", "list"); !strings.Contains(out, "route1  Sundayrm -rf  Choir (200)  ") {
				t.Errorf("routes list lost the names' text:\n%s", out)
			}
			var routes []RouteData
			must(t, json.Unmarshal([]byte(h.ok("routes", "list", "--json")), &routes))
			if len(routes) != 1 || routes[0].Name != evilRoute {
				t.Errorf("--json is data and keeps the name as stored: %+v", routes)
			}
		})
	}
}

// --json carries no raw C1 control (U+009B is a terminal's CSI) nor DEL:
// they are \u escapes, so the data decodes as stored.
func TestJSONOutputCarriesNoRawC1Controls(t *testing.T) {
	const evil = "Choir\u009b2J\u0085\u007f"
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			h.withDB(func(db *store.DB) {
				must(t, db.PutDestination(store.Destination{ID: "200", Name: evil, Kind: store.KindPage}))
			})
			h.ok("routes", "add", "--name", evil, "--source", "200", "--to", "300")
			out := h.ok("routes", "list", "--json")
			for _, r := range out {
				if r >= 0x7f && isControl(r) {
					t.Fatalf("routes list --json prints %U raw:\n%q", r, out)
				}
			}
			var routes []RouteData
			must(t, json.Unmarshal([]byte(out), &routes))
			if len(routes) != 1 || routes[0].Name != evil || routes[0].SourceName != evil {
				t.Errorf("--json is data and keeps the names as stored: %+v", routes)
			}
		})
	}
}

// `export -` writes to the terminal too: no raw C1 control nor DEL, yet
// the file it makes imports the names as stored.
func TestExportToStdoutCarriesNoRawC1Controls(t *testing.T) {
	const evil = "Choir\u009b2J\u0085\u007f"
	for name, running := range modes() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, running)
			h.seed()
			h.withDB(func(db *store.DB) {
				must(t, db.PutDestination(store.Destination{ID: "200", Name: evil, Kind: store.KindPage}))
			})
			h.ok("routes", "add", "--name", evil, "--source", "200", "--to", "300")
			out := h.ok("export", "-")
			for _, r := range out {
				if r >= 0x7f && isControl(r) {
					t.Fatalf("export - prints %U raw:\n%q", r, out)
				}
			}
			var doc struct {
				Routes []store.Route `json:"routes"`
			}
			must(t, json.Unmarshal([]byte(out), &doc))
			if len(doc.Routes) != 1 || doc.Routes[0].Name != evil {
				t.Errorf("the export keeps the names as stored: %+v", doc.Routes)
			}
		})
	}
}

// `check` prints a Page's missing-access reason with the command line's
// own way to Facebook's dialog for Pages (the window shows a button).
func TestCheckPointsToConnectForAPageNotGranted(t *testing.T) {
	var b strings.Builder
	writeHealth(&b, Health{State: StateHealthy, DestinationProblems: []DestinationProblem{
		{DestinationID: "200", Name: "Choir", Reason: store.ReasonPageNotGranted}}}, time.UTC)
	want := "LiveRoute cannot share to Choir (200): Facebook did not grant this Page in the last login: " +
		"it must be ticked in Facebook's dialog for Pages; `liveroute connect` opens that dialog.\n"
	if !strings.HasSuffix(b.String(), want) {
		t.Errorf("check says:\n%s\nwant it to end:\n%s", b.String(), want)
	}
}
