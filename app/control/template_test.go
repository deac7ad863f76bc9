package control

import (
	"testing"

	"github.com/liveroute/liveroute/store"
)

// TestRoutesAddRefusesABadTemplateAlikeRunningAndStopped runs the stopped
// app's command line on the database it opens by default (the bug: it
// opened it without the template rule and saved "{nope}").
func TestRoutesAddRefusesABadTemplateAlikeRunningAndStopped(t *testing.T) {
	answers := map[string]string{}
	for name, running := range modes() {
		h := newHarness(t, false)
		h.seed()
		if running {
			h.env.OpenDB = func(path string) (*store.DB, error) { return store.Open(path, StoreOptions()) }
			h.start()
		} else {
			h.env.OpenDB = nil // what main.go gives: the default
		}
		code, _, errOut := h.run("", "routes", "add", "--source", "200", "--to", "300", "--message", "{nope}")
		if code != ExitError {
			t.Errorf("%s: routes add with the template {nope}: exit %d, want %d", name, code, ExitError)
		}
		answers[name] = errOut
		h.stop()
		h.env.OpenDB = func(path string) (*store.DB, error) { return store.Open(path, store.Options{}) }
		h.withDB(func(db *store.DB) {
			routes, err := db.Routes()
			must(t, err)
			if len(routes) != 0 {
				t.Errorf("%s: the route with a bad template was saved", name)
			}
		})
	}
	if answers["running"] != answers["stopped"] || answers["running"] == "" {
		t.Errorf("the running app says\n%q\nthe stopped one\n%q", answers["running"], answers["stopped"])
	}
}
