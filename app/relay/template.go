package relay

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxMessageLen is the longest message Facebook accepts on a post.
const MaxMessageLen = 63206

// Placeholders are the names a route's message template may use, each
// written in braces: {title}, {description}, {url}, {page}, {source}.
// A literal brace is written twice: {{ or }}.
var Placeholders = []string{"title", "description", "url", "page", "source"}

// TemplateVars are the values a message template is rendered with.
type TemplateVars struct {
	Title       string // the live video's title
	Description string // the live video's description
	URL         string // the live video's permalink
	Page        string // the destination's name
	Source      string // the route's source name (Page or profile)
}

// TemplateError says what is wrong with a message template, and where.
type TemplateError struct {
	Offset int    // byte offset of the problem
	Msg    string // a sentence for the person, with the fix
}

// Error returns the sentence for the person.
func (e *TemplateError) Error() string { return e.Msg }

// Validate checks a message template: every placeholder is known, every
// brace is closed, and the text is valid UTF-8 of a length Facebook takes.
// The store calls it (Options.ValidateTemplate) before saving a route, so
// a bad template is refused when it is typed, not when a live starts.
func Validate(tmpl string) error {
	_, err := parseTemplate(tmpl)
	return err
}

// Render fills tmpl with v. A template that fails Validate renders as
// written, so a bad template saved by an older version still posts.
func Render(tmpl string, v TemplateVars) string {
	parts, err := parseTemplate(tmpl)
	if err != nil {
		return tmpl
	}
	var b strings.Builder
	for _, p := range parts {
		if !p.placeholder {
			b.WriteString(p.text)
			continue
		}
		switch p.text {
		case "title":
			b.WriteString(v.Title)
		case "description":
			b.WriteString(v.Description)
		case "url":
			b.WriteString(v.URL)
		case "page":
			b.WriteString(v.Page)
		case "source":
			b.WriteString(v.Source)
		}
	}
	return truncateRunes(b.String(), MaxMessageLen)
}

type templatePart struct {
	text        string
	placeholder bool
}

func parseTemplate(tmpl string) ([]templatePart, error) {
	if !utf8.ValidString(tmpl) {
		return nil, &TemplateError{Msg: "The message contains characters that are not text; retype it."}
	}
	if n := utf8.RuneCountInString(tmpl); n > MaxMessageLen {
		return nil, &TemplateError{Offset: len(tmpl), Msg: fmt.Sprintf("The message is %d characters long; Facebook takes at most %d. Shorten it.", n, MaxMessageLen)}
	}
	var parts []templatePart
	var lit strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '{' && i+1 < len(tmpl) && tmpl[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '}':
			return nil, &TemplateError{Offset: i, Msg: fmt.Sprintf("The message has a lone \"}\" at character %d; write \"}}\" for a brace, or remove it.", utf8.RuneCountInString(tmpl[:i])+1)}
		case c == '{':
			end := strings.IndexByte(tmpl[i+1:], '}')
			if end < 0 {
				return nil, &TemplateError{Offset: i, Msg: fmt.Sprintf("The message opens \"{\" at character %d and never closes it; write \"{{\" for a brace, or close the placeholder.", utf8.RuneCountInString(tmpl[:i])+1)}
			}
			name := tmpl[i+1 : i+1+end]
			if !knownPlaceholder(name) {
				return nil, &TemplateError{Offset: i, Msg: fmt.Sprintf("The message uses {%s}, which LiveRoute does not know; use one of {%s}.", name, strings.Join(Placeholders, "}, {"))}
			}
			if lit.Len() > 0 {
				parts = append(parts, templatePart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, templatePart{text: name, placeholder: true})
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, templatePart{text: lit.String()})
	}
	return parts, nil
}

func knownPlaceholder(name string) bool {
	for _, p := range Placeholders {
		if p == name {
			return true
		}
	}
	return false
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
