package relay

import (
	"errors"
	"strings"
	"testing"
)

func TestRenderFillsEveryPlaceholder(t *testing.T) {
	v := TemplateVars{Title: "Sunday service", Description: "Live from the hall", URL: "https://fb.example/v/1", Page: "Choir", Source: "Parish"}
	cases := []struct{ tmpl, want string }{
		{"", ""},
		{"We're live: {title}", "We're live: Sunday service"},
		{"{source} → {page}: {title} — {description} {url}", "Parish → Choir: Sunday service — Live from the hall https://fb.example/v/1"},
		{"{{literal}} {title}", "{literal} Sunday service"},
		{"{title}{title}", "Sunday serviceSunday service"},
	}
	for _, c := range cases {
		if got := Render(c.tmpl, v); got != c.want {
			t.Errorf("Render(%q) = %q, want %q", c.tmpl, got, c.want)
		}
	}
}

func TestValidateRejectsBadTemplatesWithAFix(t *testing.T) {
	cases := []struct{ tmpl, mentions string }{
		{"Live: {titel}", "{titel}"},
		{"Live: {title", "never closes"},
		{"Live: title}", "lone"},
		{"bad \xff byte", "not text"},
		{strings.Repeat("x", MaxMessageLen+1), "Shorten"},
	}
	for _, c := range cases {
		err := Validate(c.tmpl)
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Errorf("Validate(%.20q) = %v, want a TemplateError", c.tmpl, err)
			continue
		}
		if !strings.Contains(te.Msg, c.mentions) {
			t.Errorf("Validate(%.20q) says %q; want it to mention %q", c.tmpl, te.Msg, c.mentions)
		}
	}
	for _, ok := range []string{"", "{title} {url}", "{{}}", "Plain text"} {
		if err := Validate(ok); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", ok, err)
		}
	}
}

func TestRenderKeepsLongExpansionsWithinFacebooksLimit(t *testing.T) {
	got := Render("{description}{description}", TemplateVars{Description: strings.Repeat("é", MaxMessageLen)})
	if n := len([]rune(got)); n != MaxMessageLen {
		t.Fatalf("rendered %d characters, want %d", n, MaxMessageLen)
	}
}
