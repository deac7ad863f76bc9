package relay

import (
	"strings"
	"testing"
)

// An unconfirmed share's sentences reach the window (beside its buttons)
// and the command line (`history`, `shares again`'s error): they name no
// button and no command; each face adds its own.
func TestUnconfirmedSentencesNameNoButtonOrCommand(t *testing.T) {
	for _, s := range []string{UnconfirmedSentence("Choir"), noRouteSentence("Choir")} {
		for _, face := range []string{"Mark shared", "Share again", "choose", "press", "liveroute", "`"} {
			if strings.Contains(s, face) {
				t.Errorf("%q names %q", s, face)
			}
		}
	}
}
