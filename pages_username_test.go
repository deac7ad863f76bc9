package main

import (
	"os"
	"testing"

	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// TestPagesAddTakesAFacebookAddressWithAUsername adds the demo's third Page
// by the address a person copies from the browser, facebook.com/DemoChoir,
// and by the bare username: fbclient.ParsePageRef reads the username, the
// real binary looks it up on the demo's fake Facebook, and the Page is
// stored under its numeric ID.
func TestPagesAddTakesAFacebookAddressWithAUsername(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	const choirID = "200000000000003" // fakefb.SeedDemo's third Page
	for _, ref := range []string{"https://www.facebook.com/" + fakefb.DemoChoirUsername, "facebook.com/" + fakefb.DemoChoirUsername + "/", fakefb.DemoChoirUsername} {
		t.Run(ref, func(t *testing.T) {
			env := isolatedEnv(shortTempDir(t))
			var page struct {
				ID   string `json:"id"`
				Name string `json:"name"`
				Kind string `json:"kind"`
			}
			decodeJSON(t, runCLIBinary(t, env, "--demo", "pages", "add", ref, "--json"), &page)
			if page.ID != choirID || page.Kind != "page" {
				t.Errorf("pages add %s = %+v, want the Page %s", ref, page, choirID)
			}
		})
	}
	env := isolatedEnv(shortTempDir(t))
	if r := runCLIBinary(t, env, "--demo", "pages", "add", "https://www.facebook.com/NoSuchDemoPage"); r.code == 0 {
		t.Errorf("an unknown username was added: %s", r.stdout)
	}
}

// shortTempDir is a temporary directory with a short path: t.TempDir's
// carries the (sub)test's name, and the control socket's path under it
// would pass the 108 bytes a Unix socket address may hold.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lr-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
