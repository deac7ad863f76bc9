package fakefb

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// object is a Graph object as JSON fields.
type object = map[string]any

// listReply answers a cursor-paginated list the way Graph does: data, then
// paging.cursors and paging.next while more remains.
func (s *Server) listReply(c call, a auth, items []object) reply {
	s.mu.Lock()
	maxPage, empty := s.graph.maxPageSize, s.graph.emptyPages
	s.mu.Unlock()
	limit := 25
	if v, err := strconv.Atoi(c.params.Get("limit")); err == nil && v > 0 {
		limit = min(v, 100)
	}
	if maxPage > 0 {
		limit = min(limit, maxPage)
	}
	offset := 0
	if after := c.params.Get("after"); after != "" {
		kind, off, ok := decodeCursor(after)
		if !ok || off > len(items) {
			return errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "OAuthException", Message: "(#100) The after cursor is not valid."})
		}
		offset = off
		if kind == 'o' && empty && offset < len(items) {
			// Facebook may answer an empty page that still has next.
			return okReply(object{"data": []object{}, "paging": object{"next": s.nextURL(c, a, encodeCursor('e', offset))}})
		}
	}
	if len(items) == 0 {
		return okReply(object{"data": []object{}})
	}
	end := min(offset+limit, len(items))
	fields := parseFields(c.params.Get("fields"))
	data := make([]object, 0, end-offset)
	for _, it := range items[offset:end] {
		data = append(data, pick(it, fields))
	}
	paging := object{"cursors": object{"before": encodeCursor('o', offset), "after": encodeCursor('o', end)}}
	if end < len(items) {
		paging["next"] = s.nextURL(c, a, encodeCursor('o', end))
	}
	return okReply(object{"data": data, "paging": paging})
}

// nextURL is the absolute address of the following page. Like Facebook's,
// it carries the access token.
func (s *Server) nextURL(c call, a auth, after string) string {
	q := cloneValues(c.params)
	q.Set("after", after)
	q.Set("access_token", c.token)
	return s.URL + "/" + c.version + c.path + "?" + q.Encode()
}

func encodeCursor(kind byte, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(kind) + ":" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (kind byte, offset int, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 || b[1] != ':' || (b[0] != 'o' && b[0] != 'e') {
		return 0, 0, false
	}
	n, err := strconv.Atoi(string(b[2:]))
	if err != nil || n < 0 {
		return 0, 0, false
	}
	return b[0], n, true
}

// parseFields returns the top-level names of a fields parameter such as
// "id,name,video{id}"; nil means every field.
func parseFields(f string) []string {
	if f == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(f); i++ {
		if i < len(f) {
			switch f[i] {
			case '{':
				depth++
				continue
			case '}':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		name := strings.TrimSpace(f[start:i])
		if j := strings.IndexAny(name, "{."); j >= 0 {
			name = name[:j]
		}
		if name != "" {
			out = append(out, name)
		}
		start = i + 1
	}
	return out
}

// pick keeps id and the asked fields that the object has.
func pick(o object, fields []string) object {
	if fields == nil {
		return o
	}
	out := object{}
	if v, ok := o["id"]; ok {
		out["id"] = v
	}
	for _, f := range fields {
		if v, ok := o[f]; ok {
			out[f] = v
		}
	}
	return out
}

// timedItem is one item of a time-paged list (/feed, /posts).
type timedItem struct {
	id  string
	at  time.Time
	obj object
}

// timeListReply answers a list paged by time as Facebook pages /feed and
// /posts: items newest first; paging.next carries until and
// __paging_token (and the token, as Facebook's does), paging.previous
// since and __previous; no cursors.
func (s *Server) timeListReply(c call, a auth, items []timedItem) reply {
	s.mu.Lock()
	maxPage := s.graph.maxPageSize
	s.mu.Unlock()
	limit := 25
	if v, err := strconv.Atoi(c.params.Get("limit")); err == nil && v > 0 {
		limit = min(v, 100)
	}
	if maxPage > 0 {
		limit = min(limit, maxPage)
	}
	start, rep, ok := timeListStart(c, items)
	if !ok {
		return rep
	}
	end := min(start+limit, len(items))
	fields := parseFields(c.params.Get("fields"))
	data := make([]object, 0, end-start)
	for _, it := range items[start:end] {
		data = append(data, pick(it.obj, fields))
	}
	if len(data) == 0 {
		return okReply(object{"data": data})
	}
	first, last := items[start], items[end-1]
	paging := object{"previous": s.timeURL(c, a, object{"since": first.at.Unix(), "__paging_token": pagingToken(first.id), "__previous": "1"})}
	if end < len(items) {
		paging["next"] = s.timeURL(c, a, object{"until": last.at.Unix(), "__paging_token": pagingToken(last.id)})
	}
	return okReply(object{"data": data, "paging": paging})
}

// timeListStart is where the page asked by until/__paging_token starts.
func timeListStart(c call, items []timedItem) (int, reply, bool) {
	bad := errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "OAuthException", Message: "(#100) The parameter until is not valid."})
	if c.params.Has("after") || c.params.Has("before") {
		return 0, errReply(http.StatusBadRequest, ErrorBody{Code: 100, Type: "OAuthException",
			Message: "(#100) This edge is paged by time: use the paging.next address."}), false
	}
	v := c.params.Get("until")
	if v == "" {
		return 0, reply{}, true
	}
	until, err := parseGraphTime(v)
	if err != nil {
		return 0, bad, false
	}
	if id, ok := parsePagingToken(c.params.Get("__paging_token")); ok {
		for i, it := range items {
			if it.id == id {
				return i + 1, reply{}, true
			}
		}
	}
	for i, it := range items {
		if it.at.Before(until) {
			return i, reply{}, true
		}
	}
	return len(items), reply{}, true
}

// timeURL is the absolute address of a neighbouring page: the request's
// parameters with set's replacing since/until/__paging_token.
func (s *Server) timeURL(c call, a auth, set object) string {
	q := cloneValues(c.params)
	for _, k := range []string{"until", "__paging_token", "__previous"} {
		q.Del(k)
	}
	if _, prev := set["__previous"]; prev {
		q.Del("since")
	}
	for k, v := range set {
		q.Set(k, fmt.Sprint(v))
	}
	q.Set("access_token", c.token)
	return s.URL + "/" + c.version + c.path + "?" + q.Encode()
}

func pagingToken(id string) string {
	return "enc_" + base64.RawURLEncoding.EncodeToString([]byte("post:"+id))
}

func parsePagingToken(t string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(t, "enc_"))
	if err != nil || !strings.HasPrefix(string(b), "post:") {
		return "", false
	}
	return strings.TrimPrefix(string(b), "post:"), true
}
