package fbclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

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
