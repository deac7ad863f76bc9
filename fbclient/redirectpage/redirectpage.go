// Package redirectpage holds the HTTPS redirect page (called "relay page"
// in the window and README, and by `liveroute relay-page`; in code
// "redirect page", so it is never confused with the engine, app/relay): one static HTML page a
// person hosts (for example on GitHub Pages) and registers as their Meta
// app's redirect URI, so a published app — which Facebook lets redirect
// only to HTTPS — can still hand the login back to LiveRoute's loopback
// listener. `liveroute relay-page` prints it.
package redirectpage

import (
	_ "embed"
	"io"
)

//go:embed redirect.html
var page []byte

// HTML returns the relay page. The copy is the caller's.
func HTML() []byte { return append([]byte(nil), page...) }

// Write writes the relay page to w.
func Write(w io.Writer) error {
	_, err := w.Write(page)
	return err
}
