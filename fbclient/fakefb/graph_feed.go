package fakefb

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

// readFeed answers GET /{page-id}/feed, newest first, honouring since.
func (s *Server) readFeed(c call, a auth, pageID string) reply {
	since := time.Time{}
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
	var items []object
	for i := len(posts) - 1; i >= 0; i-- {
		if !posts[i].CreatedAt.Before(since) {
			items = append(items, postObject(posts[i]))
		}
	}
	s.mu.Unlock()
	return s.listReply(c, a, items)
}

func (s *Server) storePostLocked(pageID, appID, msg, link string, crosspost bool) *Post {
	vis := VisiblePublic
	if app, ok := s.apps[appID]; !ok || app.Mode == Development {
		vis = VisibleToRoleHolders
	}
	p := &Post{ID: pageID + "_" + s.newIDLocked(), PageID: pageID, Message: msg, Link: link, AppID: appID,
		CreatedAt: s.now(), Visibility: vis, Crosspost: crosspost}
	s.graph.posts[pageID] = append(s.graph.posts[pageID], p)
	return p
}

func postObject(p *Post) object {
	o := object{"id": p.ID, "message": p.Message, "created_time": p.CreatedAt.UTC().Format(graphTime)}
	if p.Link != "" {
		o["link"] = p.Link
	}
	return o
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
