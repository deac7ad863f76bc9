package fbclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
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
// carry the live instead. An answer that does not say (no
// crossposted_broadcasts) is checked by reading the live video back; if
// that cannot tell either, or the list is cut off (a next page) without
// the partner, or the partner's broadcast is not published yet (it may be
// later), the error wraps ErrAmbiguous: the crosspost may exist, look
// before posting.
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
		"fields":               {crosspostedFields},
	}
	what := fmt.Sprintf("crosspost live video %s to page %s", liveVideoID, pageID)
	var out wireCrosspostAnswer
	if err := c.call(ctx, "POST", pageTok, liveVideoID, params, &out); err != nil {
		if isInvalidCrosspostOptions(err) {
			return "", fmt.Errorf("%s: %w: %w", what, ErrNotCrossposted, err)
		}
		return "", fmt.Errorf("%s: %w", what, err)
	}
	look := out.broadcastOn(pageID)
	if !look.told {
		var readErr error
		if look, readErr = c.readCrossposted(ctx, pageTok, liveVideoID, pageID); readErr != nil {
			return "", ambiguousCrosspost(what, readErr)
		}
		if !look.told {
			return "", fmt.Errorf("%s: %w: Facebook's answer and the live video read back after it do not list the crossposted broadcasts", what, ErrAmbiguous)
		}
	}
	switch {
	case look.unsure != "":
		return "", fmt.Errorf("%s: %w: %s", what, ErrAmbiguous, look.unsure)
	case !look.found:
		return "", fmt.Errorf("%s: %w", what, ErrNotCrossposted)
	}
	return look.id, nil
}

// CrosspostedTo reads the live video liveVideoID's crossposted broadcasts
// and reports the one on pageID, published: how an unsure crosspost is
// looked for (Meta documents no other place a crosspost shows). pageTok is
// the token of the Page that owns the live. An error wrapping ErrAmbiguous
// means the read cannot tell: the list is cut off without pageID, or the
// broadcast on pageID is not published (yet).
func (c *Client) CrosspostedTo(ctx context.Context, pageTok Token, liveVideoID, pageID string) (broadcastID string, found bool, err error) {
	if err := checkID(liveVideoID); err != nil {
		return "", false, err
	}
	if err := checkID(pageID); err != nil {
		return "", false, err
	}
	what := fmt.Sprintf("look for the crosspost of live video %s on page %s", liveVideoID, pageID)
	look, err := c.readCrossposted(ctx, pageTok, liveVideoID, pageID)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("%s: %w", what, err)
	case !look.told:
		// Meta does not say whether an empty edge is left out of the
		// answer: read as "cannot tell", never as "not crossposted".
		return "", false, fmt.Errorf("%s: %w: the live video read back does not list its crossposted broadcasts", what, ErrAmbiguous)
	case look.unsure != "":
		return "", false, fmt.Errorf("%s: %w: %s", what, ErrAmbiguous, look.unsure)
	}
	return look.id, look.found, nil
}

// crosspostedFields are the LiveVideo fields that show where it was
// crossposted and whether each broadcast is on air. An edge inside fields
// gives only its first page; limit(100) makes that page hold every
// partner a Page is likely to have, and a next page left is seen (see
// broadcastOn):
// https://developers.facebook.com/docs/graph-api/guides/field-expansion
const crosspostedFields = "crossposted_broadcasts.limit(100){from{id},status}"

// readCrossposted reads the live video's crossposted broadcasts back.
func (c *Client) readCrossposted(ctx context.Context, pageTok Token, liveVideoID, pageID string) (crosspostLook, error) {
	var w wireCrosspostAnswer
	if err := c.get(ctx, pageTok, liveVideoID, url.Values{"fields": {crosspostedFields}}, &w); err != nil {
		return crosspostLook{}, err
	}
	return w.broadcastOn(pageID), nil
}

// ambiguousCrosspost is the error for a crosspost whose outcome the read
// back could not tell. It keeps the read's error, except a refusal (a
// missing permission, an invalid request): that would read as
// "crossposting is not allowed here", and a link post would then go out
// on top of a crosspost that may exist.
func ambiguousCrosspost(what string, readErr error) error {
	switch Classify(readErr) {
	case ClassPermissionMissing, ClassInvalid:
		return fmt.Errorf("%s: %w: reading the live video back failed: %v", what, ErrAmbiguous, readErr)
	}
	return fmt.Errorf("%s: %w: reading the live video back failed: %w", what, ErrAmbiguous, readErr)
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

// notPublished are the LiveVideo statuses of a broadcast nobody can see
// yet (https://developers.facebook.com/docs/graph-api/reference/live-video/).
// A crossposted broadcast in one of them exists and may be published
// later: not a share yet, but a link post on top of it could become a
// duplicate, so it is neither done nor "not crossposted".
var notPublished = []string{"UNPUBLISHED", "SCHEDULED_UNPUBLISHED", "SCHEDULED_CANCELED", "SCHEDULED_EXPIRED"}

// crosspostLook is what a LiveVideo's crossposted_broadcasts say about one
// partner Page.
type crosspostLook struct {
	id     string // the published broadcast on the Page, when found
	found  bool
	told   bool   // false: the answer does not list the broadcasts at all
	unsure string // not "": the list cannot tell, and why (a sentence)
}

// broadcastOn finds the published crossposted broadcast on pageID. The
// look is not told when the answer does not list the crossposted
// broadcasts at all (absent, null or unreadable). Facebook gives an edge
// in a field as {"data":[…],"paging":{…}}; a bare array is read too.
func (a wireCrosspostAnswer) broadcastOn(pageID string) crosspostLook {
	raw := bytes.TrimSpace(a.CrosspostedBroadcasts)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return crosspostLook{}
	}
	var list []wireBroadcast
	var edge struct {
		Data   []wireBroadcast `json:"data"`
		Paging struct {
			Next string `json:"next"`
		} `json:"paging"`
	}
	if json.Unmarshal(raw, &edge) == nil && edge.Data != nil {
		list = edge.Data
	} else if json.Unmarshal(raw, &list) != nil {
		return crosspostLook{}
	}
	for _, b := range list {
		if b.From.ID != pageID || b.ID == "" {
			continue
		}
		if slices.Contains(notPublished, b.Status) {
			return crosspostLook{told: true, unsure: "the broadcast on the page is " + b.Status + " and may still be published"}
		}
		return crosspostLook{id: b.ID, found: true, told: true}
	}
	if edge.Paging.Next != "" {
		// Cut off: the page may be on a later page of the list.
		// https://developers.facebook.com/docs/graph-api/results
		return crosspostLook{told: true, unsure: "the list of crossposted broadcasts has more pages than were read"}
	}
	return crosspostLook{told: true}
}
