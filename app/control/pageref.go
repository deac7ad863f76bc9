package control

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	numericID = regexp.MustCompile(`^[0-9]{1,32}$`)
	// Facebook usernames: letters, digits and dots, at least five long.
	pageName = regexp.MustCompile(`^[A-Za-z0-9.]{5,50}$`)
)

// ParsePageRef turns what a person pastes for a Page — its numeric ID or
// an address on facebook.com — into what the Graph API accepts: the ID, or
// the Page's username.
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
		return "", errors.New("that is a group's address: add it with `liveroute groups add URL`")
	}
	u, err := facebookURL(s)
	if err != nil {
		return "", err
	}
	if id := u.Query().Get("id"); u.Path == "/profile.php" && numericID.MatchString(id) {
		return id, nil
	}
	parts := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
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
