package fakefb

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Visibility says who can see a post.
type Visibility string

// Posts made by a Development-mode app are visible only to the app's role
// holders; a Live app's posts are public.
const (
	VisibleToRoleHolders Visibility = "role holders only"
	VisiblePublic        Visibility = "public"
)

// Post is a post the fake stored on a Page's feed.
type Post struct {
	ID         string // PAGEID_POSTID
	PageID     string
	Message    string
	Link       string
	AppID      string // the app that posted it
	FromID     string // who wrote it: the Page, or a visitor (AddVisitorPost)
	CreatedAt  time.Time
	Visibility Visibility
	Crosspost  bool // made by live crossposting, not a link post
}

// Posts lists the posts on pageID, oldest first.
func (s *Server) Posts(pageID string) []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Post, 0, len(s.graph.posts[pageID]))
	for _, p := range s.graph.posts[pageID] {
		out = append(out, *p)
	}
	return out
}

// postFeed answers POST /{page-id}/feed: a link post as the Page.
func (s *Server) postFeed(c call, a auth, pageID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	page, ok := s.pages[pageID]
	if !ok {
		return unsupported(c)
	}
	if a.rec == nil || a.rec.Kind != PageToken || a.rec.PageID != pageID {
		return errReply(http.StatusForbidden, ErrorBody{Code: 200, Type: "OAuthException",
			Message: "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission"})
	}
	if !a.hasScope("pages_manage_posts") || !slices.Contains(page.Roles[a.rec.UserID], "CREATE_CONTENT") {
		return errReply(http.StatusForbidden, ErrorBody{Code: 200, Type: "OAuthException",
			Message: "(#200) The user hasn't authorized the application to perform this action"})
	}
	msg, link := c.params.Get("message"), c.params.Get("link")
	if msg == "" && link == "" {
		return oauthErr(100, "(#100) Missing message or attachment")
	}
	if link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return oauthErr(100, "(#100) The link is not a valid URL")
		}
	}
	posts := s.graph.posts[pageID]
	if n := len(posts); n > 0 && posts[n-1].Message == msg && posts[n-1].Link == link {
		return errReply(http.StatusBadRequest, ErrorBody{Code: 506, Type: "OAuthException",
			Message:        "(#506) Duplicate status message",
			ErrorUserTitle: "Duplicate Status Update",
			ErrorUserMsg:   "This status update is identical to the last one you posted. Try posting something different, or delete your previous update."})
	}
	p := s.storePostLocked(pageID, a.appID, msg, link, false)
	r := okReply(object{"id": p.ID})
	r.write = true
	return r
}

// AddVisitorPost puts a post by a visitor (userID, not the Page) on
// pageID's feed, as anyone may write on a Page: /{page}/feed lists it,
// /{page}/posts does not. link may be empty.
func (s *Server) AddVisitorPost(pageID, userID, message, link string) (Post, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pages[pageID]; !ok {
		return Post{}, fmt.Errorf("fakefb: no page %s", pageID)
	}
	if _, ok := s.users[userID]; !ok {
		return Post{}, fmt.Errorf("fakefb: no user %s", userID)
	}
	p := s.storePostLocked(pageID, "", message, link, false)
	p.FromID, p.Visibility = userID, VisiblePublic
	return *p, nil
}

// readFeed answers GET /{page-id}/feed (everyone's posts on the Page) and
// GET /{page-id}/posts (the Page's own, ownOnly), newest first, paged by
// time like Facebook: since, until and __paging_token, no cursors
// (https://developers.facebook.com/docs/graph-api/results/).
func (s *Server) readFeed(c call, a auth, pageID string, ownOnly bool) reply {
	if rep, refused := s.refuseDeprecatedPostFields(c); refused {
		return rep
	}
	var since time.Time
	if v := c.params.Get("since"); v != "" {
		t, err := parseGraphTime(v)
		if err != nil {
			return oauthErr(100, "(#100) since must be a unix time or an ISO 8601 time")
		}
		since = t
	}
	s.mu.Lock()
	if _, ok := s.pages[pageID]; !ok || !s.canActOnPageLocked(a, pageID) {
		s.mu.Unlock()
		return unsupported(c)
	}
	posts := s.graph.posts[pageID]
	var items []timedItem
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		if p.CreatedAt.Before(since) || ownOnly && p.FromID != pageID {
			continue
		}
		items = append(items, timedItem{id: p.ID, at: p.CreatedAt, obj: s.postJSONLocked(p)})
	}
	s.mu.Unlock()
	return s.timeListReply(c, a, items)
}

// deprecatedPostFields were removed from Post on /feed, /posts and
// /published_posts in v3.3
// (https://developers.facebook.com/docs/graph-api/reference/post/).
var deprecatedPostFields = []string{"caption", "description", "link", "name", "object_id", "source", "type"}

// refuseDeprecatedPostFields answers (#12) when c asks for a removed
// field, unless AllowDeprecatedPostFields is on.
func (s *Server) refuseDeprecatedPostFields(c call) (reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refuseDeprecatedPostFieldsLocked(c)
}

func (s *Server) refuseDeprecatedPostFieldsLocked(c call) (reply, bool) {
	if s.graph.deprecatedPostFields {
		return reply{}, false
	}
	for _, f := range parseFields(c.params.Get("fields")) {
		if slices.Contains(deprecatedPostFields, f) {
			return errReply(http.StatusBadRequest, ErrorBody{Code: 12, Type: "OAuthException",
				Message: "(#12) " + f + " field is deprecated for versions v3.3 and higher"}), true
		}
	}
	return reply{}, false
}

func (s *Server) storePostLocked(pageID, appID, msg, link string, crosspost bool) *Post {
	vis := VisiblePublic
	if app, ok := s.apps[appID]; !ok || app.Mode == Development {
		vis = VisibleToRoleHolders
	}
	p := &Post{ID: pageID + "_" + s.newIDLocked(), PageID: pageID, FromID: pageID, Message: msg, Link: link, AppID: appID,
		CreatedAt: s.now(), Visibility: vis, Crosspost: crosspost}
	s.graph.posts[pageID] = append(s.graph.posts[pageID], p)
	return p
}

// postJSONLocked is a post as the Graph API shows it: what it links to
// only through attachments and permalink_url (link itself only with
// AllowDeprecatedPostFields).
func (s *Server) postJSONLocked(p *Post) object {
	_, postID, _ := strings.Cut(p.ID, "_")
	o := object{"id": p.ID, "message": p.Message, "created_time": p.CreatedAt.UTC().Format(graphTime),
		"permalink_url": s.URL + "/" + p.PageID + "/posts/" + postID + "/",
		"from":          object{"id": p.FromID, "name": s.nameLocked(p.FromID)}}
	if p.Link != "" {
		o["attachments"] = object{"data": []object{s.attachmentLocked(p.Link)}}
		if s.graph.deprecatedPostFields {
			o["link"] = p.Link
		}
	}
	return o
}

// attachmentLocked is the story attachment of a link: a video of the fake
// is shown as the video (target: its ID); any other link goes through
// Facebook's link shim in url, the original in unshimmed_url
// (https://developers.facebook.com/docs/graph-api/reference/story-attachment/).
func (s *Server) attachmentLocked(link string) object {
	if id := s.videoIDOfLocked(link); id != "" {
		return object{"type": "video_inline", "url": link, "unshimmed_url": link,
			"target": object{"id": id, "url": link}}
	}
	shim := "https://l.facebook.com/l.php?u=" + url.QueryEscape(link) + "&h=AT" + randomHex(8)
	return object{"type": "share", "url": shim, "unshimmed_url": link, "target": object{"url": shim}}
}

// videoIDOfLocked is the ID of the fake's video that link points at
// (…/videos/ID/), or "".
func (s *Server) videoIDOfLocked(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut(u.Path, "/videos/")
	id := strings.Trim(rest, "/")
	if !ok || id == "" {
		return ""
	}
	for _, v := range s.graph.lives {
		if v.VideoID == id {
			return id
		}
	}
	return ""
}

func (s *Server) nameLocked(id string) string {
	if p, ok := s.pages[id]; ok {
		return p.Name
	}
	if u, ok := s.users[id]; ok {
		return u.Name
	}
	return ""
}

// parseGraphTime reads a unix time or an ISO 8601 time, as Graph's since does.
func parseGraphTime(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	if t, err := time.Parse(graphTime, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}
