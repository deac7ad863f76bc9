package fbclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
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

// FindPostLinking looks on a Page, from since on, for a post by the Page
// that links to link — the check before retrying an ambiguous share. When
// Facebook refuses the check itself (a removed field, a missing permission,
// a bad parameter, a next page that points elsewhere) the error wraps
// ErrCannotVerify: asking again will not answer it. Network trouble, rate
// limits and dead tokens do not wrap it.
func (c *Client) FindPostLinking(ctx context.Context, pageTok Token, pageID, link string, since time.Time) (string, bool, error) {
	if err := checkID(pageID); err != nil {
		return "", false, err
	}
	// Never ask for link (or caption, description, name, object_id,
	// source, type): removed from Post on /feed and /posts since v3.3,
	// answered with (#12)
	// (https://developers.facebook.com/docs/graph-api/reference/post/).
	// /posts lists only what the Page itself published, unlike /feed
	// (https://developers.facebook.com/docs/graph-api/reference/page/feed/).
	q := url.Values{"fields": {feedCheckFields}, "limit": {strconv.Itoa(checkPageSize)}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	want := newLinkMatcher(link)
	var foundID string
	older := 0 // posts in a row older than since
	err := eachPage(ctx, c, pageTok, pageID+"/posts", q, maxCheckPages, func(raw json.RawMessage) (bool, error) {
		var p feedPost
		if err := json.Unmarshal(raw, &p); err != nil {
			return false, err
		}
		// Newest first, mostly: a pinned or late post can stand out of
		// order, so an older post is skipped, and the look ends only after
		// a whole page of them — whether or not Facebook's next address
		// keeps since (the docs do not say).
		if t := parseTime(p.CreatedTime); !since.IsZero() && !t.IsZero() && t.Before(since) {
			older++
			return older >= checkPageSize, nil
		}
		older = 0
		if p.byPage(pageID) && want.matches(p) {
			foundID = p.ID
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		err = fmt.Errorf("look for an earlier post on page %s: %w", pageID, err)
		if refusedCheck(err) {
			err = fmt.Errorf("%w: %w", ErrCannotVerify, err)
		}
		return "", false, err
	}
	return foundID, foundID != "", nil
}

// checkPageSize is how many posts the look asks for a page.
const checkPageSize = 100

// maxCheckPages bounds the look for an earlier post: 50 pages of 100
// posts since the share began is far more than any Page publishes.
const maxCheckPages = 50

// feedCheckFields are the Post fields that show what a post links to:
// its attachments (https://developers.facebook.com/docs/graph-api/reference/story-attachment/)
// and its own address, with the author to leave out visitors' posts.
const feedCheckFields = "id,created_time,permalink_url,from{id},attachments{url,unshimmed_url,target{id,url}}"

// feedPost is a Post as feedCheckFields ask for it.
type feedPost struct {
	ID           string `json:"id"`
	CreatedTime  string `json:"created_time"`
	PermalinkURL string `json:"permalink_url"`
	From         *struct {
		ID string `json:"id"`
	} `json:"from"`
	Attachments struct {
		Data []struct {
			URL          string `json:"url"`
			UnshimmedURL string `json:"unshimmed_url"`
			Target       struct {
				ID  string `json:"id"`
				URL string `json:"url"`
			} `json:"target"`
		} `json:"data"`
	} `json:"attachments"`
}

// byPage reports whether the Page wrote the post: a visitor's post, or
// one the Page is tagged in, that links the video is not the share
// (/feed lists both: https://developers.facebook.com/docs/graph-api/reference/page/feed/). No from at all (a Page token may not
// see it) counts as the Page's: /posts lists only the Page's own posts.
func (p feedPost) byPage(pageID string) bool {
	return p.From == nil || p.From.ID == "" || p.From.ID == pageID
}

// refusedCheck reports whether err is Facebook refusing the request
// itself, so that asking again cannot answer it.
func refusedCheck(err error) bool {
	return errors.Is(err, ErrBadNextPage) || errors.Is(err, errTooManyPages) || edgeRefused(err)
}

// linkMatcher compares the links a post carries with the video's link.
type linkMatcher struct {
	link    string // normalLink of the wanted link
	videoID string // the video's ID when link is a facebook.com video address
}

// videoPath finds a video's ID in a facebook.com address (/PAGE/videos/ID/).
var videoPath = regexp.MustCompile(`/videos/(?:[^/]+/)?([0-9]+)/?$`)

func newLinkMatcher(link string) linkMatcher {
	m := linkMatcher{link: normalLink(link)}
	if u, err := url.Parse(strings.TrimSpace(link)); err == nil {
		if sm := videoPath.FindStringSubmatch(u.Path); sm != nil {
			m.videoID = sm[1]
		}
	}
	return m
}

func (m linkMatcher) matches(p feedPost) bool {
	if m.is(p.PermalinkURL) {
		return true
	}
	for _, a := range p.Attachments.Data {
		if m.is(a.UnshimmedURL) || m.is(a.URL) || m.is(a.Target.URL) {
			return true
		}
		if m.videoID != "" && a.Target.ID == m.videoID {
			return true
		}
	}
	return false
}

func (m linkMatcher) is(candidate string) bool {
	return candidate != "" && normalLink(unshim(candidate)) == m.link
}

// unshim unwraps Facebook's link shim (l.facebook.com/l.php?u=…), which
// attachments' url carries for links that leave Facebook.
func unshim(l string) string {
	u, err := url.Parse(strings.TrimSpace(l))
	if err != nil || u.Path != "/l.php" {
		return l
	}
	switch strings.ToLower(u.Hostname()) {
	case "l.facebook.com", "lm.facebook.com":
		if target := u.Query().Get("u"); target != "" {
			return target
		}
	}
	return l
}

// AssistedShareURL is the address of Facebook's own share dialog for a
// video, where the person picks a group: no app can post to groups.
func (c *Client) AssistedShareURL(permalink string) string {
	return c.cfg.FacebookURL + "/sharer/sharer.php?u=" + url.QueryEscape(absPermalink(c.cfg.FacebookURL, permalink))
}

// normalLink compares links as Facebook may echo them: host case, a
// www./m. prefix, a trailing slash and the scheme do not matter.
func normalLink(l string) string {
	u, err := url.Parse(strings.TrimSpace(l))
	if err != nil {
		return l
	}
	host := strings.ToLower(u.Host)
	for _, prefix := range []string{"www.", "m.", "web."} {
		host = strings.TrimPrefix(host, prefix)
	}
	return host + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery
}
