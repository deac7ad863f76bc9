// Package quietlocale keeps Fyne from printing "Fyne error: Error parsing
// user locale C" on every start under LANG=C.UTF-8, the default locale of
// many minimal Debian and Ubuntu systems, containers and ssh sessions.
//
// Fyne's lang package reads the locale in its init (fyne.io/fyne/v2/lang,
// AddTranslationsFS → updateLocalizer); github.com/jeandeaual/go-locale
// turns "C.UTF-8" into the tag "C", which golang.org/x/text cannot parse,
// and Fyne logs that to stderr. go-locale consults $LANGUAGE first whenever
// the locale is not exactly "C" or "POSIX", so a LANGUAGE=en set here, before
// Fyne's init, gives Fyne English (what the C locale means) without a word.
//
// This init runs before Fyne's: Go initialises packages in import-path
// order among those whose imports are ready (the spec's "Package
// initialization", Go 1.21+), this package needs only os and strings, and
// fyne.io/fyne/v2/lang waits for golang.org/x/text and
// github.com/nicksnyder/go-i18n, which sort after
// github.com/liveroute/…. TestNoFyneLocaleErrorUnderCUTF8 (root package)
// proves it on the built binary. main calls Restore first thing, so child
// processes (the browser, the window) get the person's environment back.
package quietlocale

import (
	"os"
	"strings"
)

// set is true when init set LANGUAGE, which the person had not set.
var set bool

func init() { quieten() }

// quieten sets LANGUAGE=en under a C locale with a codeset, unless the
// person set LANGUAGE themselves.
func quieten() {
	if _, ok := os.LookupEnv("LANGUAGE"); ok {
		return
	}
	if isCLocaleWithCodeset(effectiveLocale()) {
		set = os.Setenv("LANGUAGE", "en") == nil
	}
}

// effectiveLocale is the first of LC_ALL, LC_MESSAGES and LANG that is set,
// the order in which gettext and go-locale read them.
func effectiveLocale() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// isCLocaleWithCodeset reports "C.UTF-8", "POSIX.utf8" and the like: the
// C locale spelled in a way go-locale does not recognise as C.
func isCLocaleWithCodeset(locale string) bool {
	lang, _, found := strings.Cut(locale, ".")
	return found && (lang == "C" || lang == "POSIX")
}

// Restore undoes init's LANGUAGE, once every package has been initialised.
func Restore() {
	if set {
		_ = os.Unsetenv("LANGUAGE")
		set = false
	}
}
