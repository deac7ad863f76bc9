package remote

import (
	"testing"

	"github.com/liveroute/liveroute/app/service"
)

// BenchmarkRoutes is one call the window makes as it opens, in the agent's
// process and through the socket: the difference is what the second
// process costs per call.
func BenchmarkRoutes(b *testing.B) {
	paths := testPaths(b)
	svc := openDemo(b, paths)
	a := startAgent(b, paths, svc)
	window := a.window(b)
	for _, bc := range []struct {
		name string
		api  service.API
	}{{"in-process", svc}, {"through-the-socket", window}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bc.api.Routes(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
