package fbclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// maxListPages stops a list that never ends (a misbehaving server).
const maxListPages = 1000

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

// decodePage reads one page of a list and returns its items and the after
// cursor of the next page ("" when the list has ended: no paging.next).
// A page may be empty and still have next.
func decodePage(body []byte) (items []json.RawMessage, after string, err error) {
	var p listPage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, "", fmt.Errorf("decode list page: %w", err)
	}
	if p.Paging == nil || p.Paging.Next == "" {
		return p.Data, "", nil
	}
	if p.Paging.Cursors.After != "" {
		return p.Data, p.Paging.Cursors.After, nil
	}
	// Only next: take its after cursor rather than follow an address
	// that carries the token and points wherever the answer says.
	u, err := url.Parse(p.Paging.Next)
	if err != nil {
		return nil, "", errors.New("decode list page: paging.next is not an address")
	}
	after = u.Query().Get("after")
	if after == "" {
		return nil, "", errors.New("decode list page: paging.next has no after cursor")
	}
	return p.Data, after, nil
}

// listAll GETs every page of a list and decodes each item into a T.
func listAll[T any](ctx context.Context, c *Client, tok Token, path string, params url.Values) ([]T, error) {
	q := url.Values{}
	for k, vs := range params {
		q[k] = vs
	}
	seen := map[string]bool{}
	var out []T
	for range maxListPages {
		body, err := c.send(ctx, "GET", tok, path, q)
		if err != nil {
			return nil, err
		}
		items, after, err := decodePage(body)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", path, err)
		}
		for _, raw := range items {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("GET %s: decode item: %w", path, err)
			}
			out = append(out, v)
		}
		if after == "" {
			return out, nil
		}
		if seen[after] {
			return nil, fmt.Errorf("GET %s: paging repeats a cursor", path)
		}
		seen[after] = true
		q.Set("after", after)
	}
	return nil, fmt.Errorf("GET %s: more than %d pages", path, maxListPages)
}
