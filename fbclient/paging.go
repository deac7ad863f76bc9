package fbclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// maxListPages stops a list that never ends (a misbehaving server).
const maxListPages = 1000

// errTooManyPages marks a list longer than its reader's bound.
var errTooManyPages = errors.New("the list is longer than LiveRoute reads")

// ErrBadNextPage marks a paging.next address the client refused to follow:
// another host or path than the list it came from, or one that loops.
var ErrBadNextPage = errors.New("facebook's next page address points elsewhere")

// listPage is one page of a Graph list.
type listPage struct {
	Data   []json.RawMessage `json:"data"`
	Paging *struct {
		Cursors struct {
			Before string `json:"before"`
			After  string `json:"after"`
		} `json:"cursors"`
		Next     string `json:"next"`
		Previous string `json:"previous"`
	} `json:"paging"`
}

// nextPage says how to ask for the page after one: by its after cursor, or
// by the query of its paging.next address (time-based edges). Both empty:
// the list has ended.
type nextPage struct {
	after string
	next  *url.URL
}

func (n nextPage) done() bool { return n.after == "" && n.next == nil }

// decodePage reads one page of a list and returns its items and how to
// reach the next page. The list has ended when there is no paging.next
// (https://developers.facebook.com/docs/graph-api/results/); a page may be
// empty and still have next.
func decodePage(body []byte) (items []json.RawMessage, next nextPage, err error) {
	var p listPage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, nextPage{}, fmt.Errorf("decode list page: %w", err)
	}
	if p.Paging == nil || p.Paging.Next == "" {
		return p.Data, nextPage{}, nil
	}
	if p.Paging.Cursors.After != "" {
		return p.Data, nextPage{after: p.Paging.Cursors.After}, nil
	}
	u, err := url.Parse(p.Paging.Next)
	if err != nil || !u.IsAbs() {
		return nil, nextPage{}, errors.New("decode list page: paging.next is not an address")
	}
	if after := u.Query().Get("after"); after != "" {
		// Only next, on a cursor edge: its after cursor is all we need.
		return p.Data, nextPage{after: after}, nil
	}
	// /feed and /posts page by time: next carries until and
	// __paging_token and no cursors
	// (https://developers.facebook.com/docs/graph-api/results/).
	return p.Data, nextPage{next: u}, nil
}

// listAll GETs every page of a list and decodes each item into a T.
func listAll[T any](ctx context.Context, c *Client, tok Token, path string, params url.Values) ([]T, error) {
	var out []T
	err := eachPage(ctx, c, tok, path, params, maxListPages, func(raw json.RawMessage) (bool, error) {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return false, err
		}
		out = append(out, v)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// firstPage GETs only the first page of a list and decodes each item into
// a T, for lists whose newest items are all the reader needs.
func firstPage[T any](ctx context.Context, c *Client, tok Token, path string, params url.Values) ([]T, error) {
	body, err := c.send(ctx, "GET", tok, path, params)
	if err != nil {
		return nil, err
	}
	items, _, err := decodePage(body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	out := make([]T, 0, len(items))
	for _, raw := range items {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("GET %s: decode item: %w", path, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// eachPage GETs the pages of a list in order and hands visit each raw
// item, until visit says stop, the list ends, or more than maxPages pages
// would be read (an error wrapping errTooManyPages). It follows cursors, and on time-based edges paging.next itself —
// only to the same scheme, host and path as the first request, never
// echoing a token found in it: ours goes as on every call.
func eachPage(ctx context.Context, c *Client, tok Token, path string, params url.Values, maxPages int,
	visit func(json.RawMessage) (stop bool, err error)) error {
	q := cloneValues(params)
	seen := map[string]bool{}
	for range maxPages {
		body, err := c.send(ctx, "GET", tok, path, q)
		if err != nil {
			return err
		}
		items, next, err := decodePage(body)
		if err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		for _, raw := range items {
			stop, err := visit(raw)
			if err != nil {
				return fmt.Errorf("GET %s: decode item: %w", path, err)
			}
			if stop {
				return nil
			}
		}
		if next.done() {
			return nil
		}
		if q, err = c.nextQuery(path, params, next); err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		key := q.Encode()
		if seen[key] {
			return fmt.Errorf("GET %s: %w: paging repeats itself", path, ErrBadNextPage)
		}
		seen[key] = true
	}
	return fmt.Errorf("GET %s: %w: more than %d pages", path, errTooManyPages, maxPages)
}

// pagingKeys are the parameters of a paging.next address that say which
// page comes next; nothing else is taken from it. Cursor (before, after),
// time (since, until) and offset paging with limit are documented at
// https://developers.facebook.com/docs/graph-api/results/; __paging_token
// and __previous are not, but time-paged next addresses carry them.
var pagingKeys = [...]string{"until", "since", "__paging_token", "__previous", "after", "before", "limit", "offset"}

// nextQuery is the query for the page after one: our own parameters
// (params, the first page's) with the position next gives. From a
// paging.next address only its paging keys are taken: it may also carry
// Graph's method= override (a GET turned into a DELETE), other fields or
// a token, none of which we asked for.
func (c *Client) nextQuery(path string, params url.Values, next nextPage) (url.Values, error) {
	out := cloneValues(params)
	if next.after != "" {
		out.Set("after", next.after)
		return out, nil
	}
	if err := c.checkNextURL(path, next.next); err != nil {
		return nil, err
	}
	given := next.next.Query()
	for _, k := range pagingKeys {
		if vs, ok := given[k]; ok {
			out[k] = vs
		}
	}
	return out, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// versionSegment is a path's leading Graph API version ("/v27.0").
var versionSegment = regexp.MustCompile(`^/v[0-9]+\.[0-9]+(/|$)`)

// checkNextURL refuses a paging.next that leaves the Graph API host or the
// list being read: following it would send our token wherever the answer
// says. Only the version may differ (Facebook names the one that answered).
func (c *Client) checkNextURL(path string, next *url.URL) error {
	base, err := url.Parse(c.cfg.GraphURL)
	if err != nil {
		return fmt.Errorf("graph address: %w", err)
	}
	if !strings.EqualFold(next.Scheme, base.Scheme) || !strings.EqualFold(next.Host, base.Host) || next.User != nil {
		return fmt.Errorf("%w: another host (%s)", ErrBadNextPage, next.Host)
	}
	p := strings.TrimPrefix(next.EscapedPath(), strings.TrimSuffix(base.EscapedPath(), "/"))
	p = versionSegment.ReplaceAllString(p, "/")
	if strings.Trim(p, "/") != strings.Trim(path, "/") {
		return fmt.Errorf("%w: another path (%s)", ErrBadNextPage, next.EscapedPath())
	}
	return nil
}
