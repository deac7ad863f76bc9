package fbclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// CrosspostPartner is a Page that agreed to carry another Page's crossposts.
type CrosspostPartner struct {
	ID   string
	Name string
	// AllowsLive is false when the partner approves each live crosspost by
	// hand: a crosspost asked for by an app then never appears on its own.
	AllowsLive bool
}

// Crosspost crossposts the live video liveVideoID (a LiveVideo ID, not
// its Video's) to the partner Page pageID and creates a post there. pageTok
// is the token of the Page that owns the live. broadcastID is the ID of
// the crossposted broadcast on pageID.
//
// Facebook raises no error for a crosspost it does not make: the partner
// is simply missing from the LiveVideo's crossposted_broadcasts. That, and
// Facebook's "invalid crossposting options" (-1/1363103), come back as an
// error wrapping ErrNotCrossposted: nothing was posted, a link post may
// carry the live instead.
func (c *Client) Crosspost(ctx context.Context, pageTok Token, liveVideoID, pageID string) (broadcastID string, err error) {
	if err := checkID(liveVideoID); err != nil {
		return "", err
	}
	if err := checkID(pageID); err != nil {
		return "", err
	}
	// crossposting_actions is a LiveVideo parameter, and the answer is the
	// LiveVideo, read after the write with the fields asked:
	// https://developers.facebook.com/docs/graph-api/reference/live-video/
	// https://developers.facebook.com/docs/live-video-api/guides/crossposting
	actions, _ := json.Marshal([]map[string]string{{"page_id": pageID, "action": "enable_crossposting_and_create_post"}})
	params := url.Values{
		"crossposting_actions": {string(actions)},
		"fields":               {"crossposted_broadcasts{from{id},status}"},
	}
	var out wireCrosspostAnswer
	if err := c.call(ctx, "POST", pageTok, liveVideoID, params, &out); err != nil {
		if isInvalidCrosspostOptions(err) {
			return "", fmt.Errorf("crosspost live video %s to page %s: %w: %w", liveVideoID, pageID, ErrNotCrossposted, err)
		}
		return "", fmt.Errorf("crosspost live video %s to page %s: %w", liveVideoID, pageID, err)
	}
	if id, ok := out.broadcastOn(pageID); ok {
		return id, nil
	}
	return "", fmt.Errorf("crosspost live video %s to page %s: %w", liveVideoID, pageID, ErrNotCrossposted)
}

// CrosspostPartners lists the Pages that pageID may crosspost live videos
// to, with whether each takes them without approving each one.
func (c *Client) CrosspostPartners(ctx context.Context, pageTok Token, pageID string) ([]CrosspostPartner, error) {
	if err := checkID(pageID); err != nil {
		return nil, err
	}
	// https://developers.facebook.com/docs/graph-api/reference/page/crosspost_whitelisted_pages/
	got, err := listAll[wirePartner](ctx, c, pageTok, pageID+"/crosspost_whitelisted_pages",
		url.Values{"fields": {"id,name,allows_live_crossposts"}})
	if err != nil {
		return nil, fmt.Errorf("list crossposting partners of page %s: %w", pageID, err)
	}
	out := make([]CrosspostPartner, 0, len(got))
	for _, w := range got {
		// A partner whose answer leaves allows_live_crossposts out is
		// treated as needing approval: a link post never goes missing.
		out = append(out, CrosspostPartner{ID: w.ID, Name: w.Name, AllowsLive: w.AllowsLive != nil && *w.AllowsLive})
	}
	return out, nil
}

// isInvalidCrosspostOptions reports Facebook's answer to crossposting
// options it refuses (code -1, subcode 1363103); asking again will not help.
func isInvalidCrosspostOptions(err error) bool {
	var fe *Error
	return errors.As(err, &fe) && fe.Code == -1 && fe.Subcode == 1363103
}

type wirePartner struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	AllowsLive *bool  `json:"allows_live_crossposts"`
}

// wireCrosspostAnswer is the LiveVideo answered after crossposting_actions.
type wireCrosspostAnswer struct {
	ID                    string          `json:"id"`
	CrosspostedBroadcasts json.RawMessage `json:"crossposted_broadcasts"`
}

type wireBroadcast struct {
	ID   string `json:"id"`
	From struct {
		ID string `json:"id"`
	} `json:"from"`
	Status string `json:"status"`
}

// broadcastOn finds the crossposted broadcast on pageID. Facebook gives an
// edge in a field as {"data":[…]}; a bare array is read too.
func (a wireCrosspostAnswer) broadcastOn(pageID string) (string, bool) {
	var list []wireBroadcast
	var edge struct {
		Data []wireBroadcast `json:"data"`
	}
	if json.Unmarshal(a.CrosspostedBroadcasts, &edge) == nil && edge.Data != nil {
		list = edge.Data
	} else if json.Unmarshal(a.CrosspostedBroadcasts, &list) != nil {
		return "", false
	}
	for _, b := range list {
		if b.From.ID == pageID && b.ID != "" {
			return b.ID, true
		}
	}
	return "", false
}
