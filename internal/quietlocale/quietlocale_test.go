package quietlocale

import (
	"os"
	"testing"
)

func TestIsCLocaleWithCodeset(t *testing.T) {
	for locale, want := range map[string]bool{
		"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true,
		"C": false, "POSIX": false, "": false, "en_US.UTF-8": false, "Cy_GB.UTF-8": false,
	} {
		if got := isCLocaleWithCodeset(locale); got != want {
			t.Errorf("isCLocaleWithCodeset(%q) = %v, want %v", locale, got, want)
		}
	}
}

func TestQuietenSetsLanguageOnlyForTheCLocaleAndRestoreUndoesIt(t *testing.T) {
	Restore() // whatever this test process's own start did
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")

	t.Setenv("LANG", "C.UTF-8")
	t.Setenv("LANGUAGE", "")
	os.Unsetenv("LANGUAGE")
	quieten()
	if got := os.Getenv("LANGUAGE"); got != "en" {
		t.Fatalf("under LANG=C.UTF-8, LANGUAGE = %q, want en", got)
	}
	Restore()
	if _, ok := os.LookupEnv("LANGUAGE"); ok {
		t.Fatal("Restore left LANGUAGE set")
	}

	t.Setenv("LANGUAGE", "de")
	quieten()
	Restore()
	if got := os.Getenv("LANGUAGE"); got != "de" {
		t.Fatalf("the person's LANGUAGE became %q", got)
	}

	os.Unsetenv("LANGUAGE")
	t.Setenv("LANG", "fr_FR.UTF-8")
	quieten()
	if _, ok := os.LookupEnv("LANGUAGE"); ok {
		t.Fatal("LANGUAGE set under a real locale")
	}
}
