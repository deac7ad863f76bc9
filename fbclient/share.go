package fbclient

import (
	"context"
	"encoding/json"
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

// Crosspost shares a live video of a Page to a crossposting partner Page
// (both Pages agreed beforehand), creating a post there. pageTok is the
// token of the Page that owns the video; pageID is the partner. Facebook
// answers only success, so postID is the new post's ID when Facebook
// gives one and "" otherwise.
func (c *Client) Crosspost(ctx context.Context, pageTok Token, pageID, videoID string) (string, error) {
	if err := checkID(pageID); err != nil {
		return "", err
	}
	if err := checkID(videoID); err != nil {
		return "", err
	}
	actions, _ := json.Marshal([]map[string]string{{"page_id": pageID, "action": "enable_crossposting_and_create_post"}})
	var out struct {
		Success bool   `json:"success"`
		ID      string `json:"id"`
	}
	if err := c.call(ctx, "POST", pageTok, videoID, url.Values{"crossposting_actions": {string(actions)}}, &out); err != nil {
		return "", fmt.Errorf("crosspost video %s to page %s: %w", videoID, pageID, err)
	}
	if !out.Success && out.ID == "" {
		return "", fmt.Errorf("crosspost video %s to page %s: Facebook did not confirm", videoID, pageID)
	}
	return out.ID, nil
}

// CrosspostPartners lists the Pages that pageID may crosspost live videos to.
func (c *Client) CrosspostPartners(ctx context.Context, pageTok Token, pageID string) ([]Page, error) {
	if err := checkID(pageID); err != nil {
		return nil, err
	}
	pages, err := listAll[Page](ctx, c, pageTok, pageID+"/crosspost_whitelisted_pages", url.Values{"fields": {"id,name"}})
	if err != nil {
		return nil, fmt.Errorf("list crossposting partners of page %s: %w", pageID, err)
	}
	return pages, nil
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
