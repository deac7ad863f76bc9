package fbclient

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
)

// User is a Facebook account.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Page is a Facebook Page the person manages, with its Page token.
type Page struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	Tasks       []string `json:"tasks"` // ANALYZE, ADVERTISE, MODERATE, CREATE_CONTENT, MANAGE
	AccessToken Token    `json:"access_token"`
}

// CanPost reports whether the person may post as the Page (CREATE_CONTENT).
func (p Page) CanPost() bool { return slices.Contains(p.Tasks, "CREATE_CONTENT") }

// pageFields are the fields of a Page LiveRoute reads.
const pageFields = "id,name,access_token,tasks,category"

// Me returns the person (or Page) tok stands for.
func (c *Client) Me(ctx context.Context, tok Token) (User, error) {
	var u User
	if err := c.get(ctx, tok, "me", url.Values{"fields": {"id,name"}}, &u); err != nil {
		return User{}, fmt.Errorf("read me: %w", err)
	}
	return u, nil
}

// Accounts lists every Page the person granted, following all pages of
// results, each with its Page token.
func (c *Client) Accounts(ctx context.Context, userTok Token) ([]Page, error) {
	pages, err := listAll[Page](ctx, c, userTok, "me/accounts", url.Values{"fields": {pageFields}, "limit": {"100"}})
	if err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	return pages, nil
}

// Page reads one Page, for Pages missing from me/accounts. ref is the
// Page's numeric ID or its username (the name in its facebook.com address),
// which the Graph API takes in place of the ID; the Page returned always
// carries the numeric ID. Its AccessToken and Tasks are empty when the
// person holds no role there or did not grant it to the app.
func (c *Client) Page(ctx context.Context, userTok Token, ref string) (Page, error) {
	if err := checkPageRef(ref); err != nil {
		return Page{}, err
	}
	var p Page
	if err := c.get(ctx, userTok, ref, url.Values{"fields": {pageFields}}, &p); err != nil {
		return Page{}, fmt.Errorf("read page %s: %w", ref, err)
	}
	if err := checkID(p.ID); err != nil || p.ID == "me" {
		return Page{}, fmt.Errorf("read page %s: Facebook's answer has no numeric id", ref)
	}
	return p, nil
}

// pageUsername is what Facebook allows in a Page's username: letters,
// digits and dots, five to fifty of them. Nothing that could change the
// request's path or query (/ ? # %, spaces) fits.
var pageUsername = regexp.MustCompile(`^[A-Za-z0-9.]{5,50}$`)

// checkPageRef accepts what Page may look up: an object ID or a Page's username.
func checkPageRef(ref string) error {
	if checkID(ref) == nil || pageUsername.MatchString(ref) {
		return nil
	}
	return fmt.Errorf("%q is neither a Facebook Page ID nor a Page username", ref)
}

// checkID refuses an object ID that would change the request's path.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("empty Facebook object ID")
	}
	if id == "me" {
		return nil
	}
	for _, r := range id {
		if (r < '0' || r > '9') && r != '_' {
			return fmt.Errorf("facebook object ID %q is not numeric", id)
		}
	}
	return nil
}
