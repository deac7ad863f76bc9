package fbclient

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// PostLink posts message with link (the video's permalink) on a Page's
// feed as the Page, and returns the new post's ID ("PAGEID_POSTID").
func (c *Client) PostLink(ctx context.Context, pageTok Token, pageID, message, link string) (string, error) {
	if err := checkID(pageID); err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	err := c.call(ctx, "POST", pageTok, pageID+"/feed", url.Values{"message": {message}, "link": {link}}, &out)
	if err != nil {
		return "", fmt.Errorf("post to page %s: %w", pageID, err)
	}
	if out.ID == "" {
		return "", fmt.Errorf("post to page %s: answer has no post id", pageID)
	}
	return out.ID, nil
}

// FindPostLinking looks on a Page's feed, from since on, for a post that
// links to link — the check before retrying an ambiguous share.
func (c *Client) FindPostLinking(ctx context.Context, pageTok Token, pageID, link string, since time.Time) (string, bool, error) {
	if err := checkID(pageID); err != nil {
		return "", false, err
	}
	q := url.Values{"fields": {"id,link,created_time"}, "limit": {"100"}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	posts, err := listAll[struct {
		ID   string `json:"id"`
		Link string `json:"link"`
	}](ctx, c, pageTok, pageID+"/feed", q)
	if err != nil {
		return "", false, fmt.Errorf("look for an earlier post on page %s: %w", pageID, err)
	}
	want := normalLink(link)
	for _, p := range posts {
		if p.Link != "" && normalLink(p.Link) == want {
			return p.ID, true, nil
		}
	}
	return "", false, nil
}

// AssistedShareURL is the address of Facebook's own share dialog for a
// video, where the person picks a group: no app can post to groups.
func (c *Client) AssistedShareURL(permalink string) string {
	return c.cfg.FacebookURL + "/sharer/sharer.php?u=" + url.QueryEscape(absPermalink(c.cfg.FacebookURL, permalink))
}

// normalLink compares links as Facebook may echo them: host case, a
// trailing slash and the scheme do not matter.
func normalLink(l string) string {
	u, err := url.Parse(strings.TrimSpace(l))
	if err != nil {
		return l
	}
	return strings.ToLower(strings.TrimPrefix(u.Host, "www.")) + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery
}
