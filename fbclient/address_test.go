package fbclient_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
)

func TestParsePageRefReadsAnIDUsernameOrPageAddress(t *testing.T) {
	for in, want := range map[string]string{
		"123456789":                              "123456789",
		" 123456789 ":                            "123456789",
		"ChoirOfStMary":                          "ChoirOfStMary",
		"https://www.facebook.com/ChoirOfStMary": "ChoirOfStMary",
		"https://www.facebook.com/ChoirOfStMary/videos/":    "ChoirOfStMary",
		"facebook.com/profile.php?id=100064":                "100064",
		"https://m.facebook.com/pages/Choir-Name/123456789": "123456789",
		"https://www.facebook.com/people/Choir/61550000001": "61550000001",
	} {
		got, err := fbclient.ParsePageRef(in)
		if err != nil || got != want {
			t.Errorf("fbclient.ParsePageRef(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a b", "https://evil.example/123", "https://www.facebook.com/", "x"} {
		if got, err := fbclient.ParsePageRef(bad); err == nil {
			t.Errorf("fbclient.ParsePageRef(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParsePageRefSendsAGroupAddressToTheGroups(t *testing.T) {
	_, err := fbclient.ParsePageRef("https://www.facebook.com/groups/choir")
	if !errors.Is(err, fbclient.ErrGroupAddressForPage) {
		t.Errorf("err = %v, want ErrGroupAddressForPage", err)
	}
}

func TestParseGroupAddressReadsTheGroupFromItsBrowserAddress(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.facebook.com/groups/demo-prayer-circle":                     "demo-prayer-circle",
		"https://www.facebook.com/groups/demo-prayer-circle/":                    "demo-prayer-circle",
		"https://m.facebook.com/groups/123456789/permalink/987/?ref=share":       "123456789",
		"www.facebook.com/groups/choir.friends/":                                 "choir.friends",
		" facebook.com/groups/choir_friends ":                                    "choir_friends",
		"https://web.facebook.com/groups/sundayschool/posts/55?mibextid=abc#top": "sundayschool",
	} {
		got, err := fbclient.ParseGroupAddress(in)
		if err != nil || got.ID != want || got.URL != "https://www.facebook.com/groups/"+want {
			t.Errorf("ParseGroupAddress(%q) = %+v, %v; want the group %q", in, got, err, want)
		}
	}
	for in, says := range map[string]string{
		"":                                           "give the group's address",
		"https://www.facebook.com/ChoirOfStMary":     "that is not a group's address",
		"https://www.facebook.com/groups/":           "names no group",
		"https://www.facebook.com/groups/%2e%2e":     "names no group",
		"https://evil.example/groups/x":              "not a Facebook address",
		"ftp://facebook.com/groups/x":                "not a web address",
		"https://facebook.com.evil.example/groups/x": "not a Facebook address",
	} {
		if got, err := fbclient.ParseGroupAddress(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseGroupAddress(%q) = %+v, %v; want an error saying %q", in, got, err, says)
		}
	}
}
