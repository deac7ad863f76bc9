package fakefb

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
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
