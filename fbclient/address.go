package fbclient

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// This file reads the Facebook addresses a person copies from the browser:
// a Page's (for "Add Pages" / `pages add`) and a group's (for "Add a
// group" / `groups add`). The window and the command line both call it
// through app/service, so both accept and refuse the same addresses.

// ErrGroupAddressForPage is ParsePageRef's error for a group's address,
// so each face can say where groups are added.
var ErrGroupAddressForPage = errors.New("that is a group's address: add it as a group")

// GroupRef is what a group's address tells: Facebook lets no app read
// groups (the Groups API was removed on 2024-04-22:
// https://developers.facebook.com/docs/graph-api/changelog/version19.0/), so the address is all
// LiveRoute can know of a group.
type GroupRef struct {
	ID  string // the group's numeric ID or vanity name, as in its address
	URL string // https://www.facebook.com/groups/ID
}

// ParsePageRef turns what a person pastes for a Page — its numeric ID or
// an address on facebook.com — into what the Graph API accepts: the ID, or
// the Page's username (Graph addresses a Page by either; its overview's
// first example, /facebook/picture, uses a username:
// https://developers.facebook.com/docs/graph-api/overview).
func ParsePageRef(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("give the Page's ID or its facebook.com address")
	}
	if numericID.MatchString(s) {
		return s, nil
	}
	if !strings.Contains(s, "/") {
		if pageName.MatchString(s) {
			return s, nil
		}
		return "", fmt.Errorf("%q is neither a Page ID nor a facebook.com address", s)
	}
	if _, isGroup, _ := groupFromURL(s); isGroup {
		return "", ErrGroupAddressForPage
	}
	u, err := facebookURL(s)
	if err != nil {
		return "", err
	}
	if id := u.Query().Get("id"); u.Path == "/profile.php" && numericID.MatchString(id) {
		return id, nil
	}
	parts := pathParts(u)
	// facebook.com/pages/Some-Name/123456 (the old form) and
	// facebook.com/people/Some-Name/123456 put the ID last.
	if len(parts) >= 3 && (parts[0] == "pages" || parts[0] == "people") && numericID.MatchString(parts[len(parts)-1]) {
		return parts[len(parts)-1], nil
	}
	if len(parts) >= 1 && (numericID.MatchString(parts[0]) || pageName.MatchString(parts[0])) {
		return parts[0], nil
	}
	return "", fmt.Errorf("%s does not look like a Page's address; open the Page and copy the address from the browser", s)
}

// ParseGroupAddress reads a Facebook group's address as a person copies it
// from the browser (https://www.facebook.com/groups/NAME-OR-ID/…, also
// m.facebook.com or without the scheme).
func ParseGroupAddress(address string) (GroupRef, error) {
	address = strings.TrimSpace(address)
	if address == "" {
		return GroupRef{}, errors.New("give the group's address, such as https://www.facebook.com/groups/yourgroup")
	}
	slug, isGroup, err := groupFromURL(address)
	if err != nil {
		return GroupRef{}, err
	}
	if !isGroup {
		return GroupRef{}, errors.New("that is not a group's address: open the group on facebook.com and copy the address from the browser; it looks like https://www.facebook.com/groups/yourgroup")
	}
	return GroupRef{ID: slug, URL: "https://www.facebook.com/groups/" + slug}, nil
}

var (
	numericID = regexp.MustCompile(`^[0-9]{1,32}$`)
	// Facebook usernames: letters, digits and dots, at least five long.
	pageName = regexp.MustCompile(`^[A-Za-z0-9.]{5,50}$`)
	// groupSlug is a group's numeric ID or its vanity name, as it appears
	// in facebook.com/groups/<slug>/.
	groupSlug = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
)

// groupFromURL reads s as a facebook.com address. isGroup says whether it
// points under /groups/; slug is then the group's name or ID, and err says
// why s cannot be read or names no group.
func groupFromURL(s string) (slug string, isGroup bool, err error) {
	u, err := facebookURL(s)
	if err != nil {
		return "", false, err
	}
	parts := pathParts(u)
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

func pathParts(u *url.URL) []string {
	return strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
}
