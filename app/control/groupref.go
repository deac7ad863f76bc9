package control

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/liveroute/liveroute/store"
)

// groupSlug is a group's numeric ID or its vanity name, as it appears in
// facebook.com/groups/<slug>/.
var groupSlug = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// ParseGroupAddress reads a Facebook group's address as a person copies it
// from the browser (https://www.facebook.com/groups/NAME-OR-ID/…, also
// m.facebook.com or without the scheme) and returns the destination for it,
// named name or, when name is empty, after the address. Facebook lets no
// app read groups, so the address is all LiveRoute can know of a group.
// The window's "Add a group…" uses it too.
func ParseGroupAddress(address, name string) (store.Destination, error) {
	address, name = strings.TrimSpace(address), strings.TrimSpace(name)
	if address == "" {
		return store.Destination{}, errors.New("give the group's address, such as https://www.facebook.com/groups/yourgroup")
	}
	slug, isGroup, err := groupFromURL(address)
	if err != nil {
		return store.Destination{}, err
	}
	if !isGroup {
		return store.Destination{}, errors.New("that is not a group's address: open the group on facebook.com and copy the address from the browser; it looks like https://www.facebook.com/groups/yourgroup")
	}
	if name == "" {
		name = slug
	}
	return store.Destination{ID: slug, Name: name, Kind: store.KindGroup,
		URL: "https://www.facebook.com/groups/" + slug}, nil
}

// groupFromURL reads s as a facebook.com address. isGroup says whether it
// points under /groups/; slug is then the group's name or ID, and err says
// why s cannot be read or names no group.
func groupFromURL(s string) (slug string, isGroup bool, err error) {
	u, err := facebookURL(s)
	if err != nil {
		return "", false, err
	}
	parts := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	if len(parts) == 0 || parts[0] != "groups" {
		return "", false, nil
	}
	if len(parts) < 2 || !groupSlug.MatchString(parts[1]) {
		return "", true, errors.New("that address names no group; open the group on facebook.com and copy the address from the browser, such as https://www.facebook.com/groups/yourgroup")
	}
	return parts[1], true, nil
}

// facebookURL parses s, adding https:// when it has no scheme, and checks
// that it points to facebook.com.
func facebookURL(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an address: %v", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%s is not a web address; copy the address from the browser", s)
	}
	host := strings.ToLower(u.Hostname())
	if host != "facebook.com" && !strings.HasSuffix(host, ".facebook.com") && host != "fb.com" {
		return nil, fmt.Errorf("%s is not a Facebook address; copy the address on facebook.com", u.Hostname())
	}
	return u, nil
}
