package redirectpage

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestShippedPageIsTheRepositoryFile(t *testing.T) {
	want, err := os.ReadFile("redirect.html")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) || !bytes.Equal(HTML(), want) {
		t.Fatal("the embedded relay page differs from redirect.html")
	}
}

func TestPageForwardsOnlyToLocalhostAndKeepsNoReferrer(t *testing.T) {
	page := string(HTML())
	for _, want := range []string{
		`<meta name="referrer" content="no-referrer">`,
		`"http://localhost:" + port + "/callback"`,
		`port < 1024 || port > 65535`,
		`window.location.replace(`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("relay page lacks %s", want)
		}
	}
}

func TestHTMLReturnsACopy(t *testing.T) {
	HTML()[0] = 'X'
	if HTML()[0] != '<' {
		t.Fatal("changing HTML's result changed the shipped page")
	}
}
