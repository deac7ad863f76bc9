package fbclient

import (
	"context"
	"fmt"
	"net/url"
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

// Page reads one Page by ID, for Pages missing from me/accounts. Its
// AccessToken and Tasks are empty when the person holds no role there or
// did not grant it to the app.
func (c *Client) Page(ctx context.Context, userTok Token, pageID string) (Page, error) {
	if err := checkID(pageID); err != nil {
		return Page{}, err
	}
	var p Page
	if err := c.get(ctx, userTok, pageID, url.Values{"fields": {pageFields}}, &p); err != nil {
		return Page{}, fmt.Errorf("read page %s: %w", pageID, err)
	}
	return p, nil
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
