package control

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// plainWriter is the one path of the command line's text output to a
// terminal: names and titles come from Facebook or the person (a Page
// name, a route name, a live video's title), and a control sequence in one
// could move the cursor, rewrite what was printed, retitle the window or
// hide the rest of the line. JSON output is data for programs and stays as
// it is (encoding/json escapes C0 controls).
type plainWriter struct{ w io.Writer }

// Write writes p without its control characters; it reports len(p) so
// that fmt and tabwriter see a complete write.
func (pw plainWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(pw.w, plainText(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// plainText removes from s every terminal control: escape sequences (CSI,
// OSC and the two-character ones, whole), and every other C0 or C1 control
// character and DEL, keeping newline and tab, which the text layout uses.
func plainText(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\x1b':
			i += escapeLength(s[i:])
			continue
		case r == '\u009b': // C1 CSI
			i += size + csiBodyLength(s[i+size:])
			continue
		case r == '\u009d' || r == '\u0090' || r == '\u009e' || r == '\u009f': // C1 OSC, DCS, PM, APC
			i += size + stringBodyLength(s[i+size:])
			continue
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case isControl(r), r == utf8.RuneError && size == 1:
			// A byte that is not UTF-8 (0x80–0x9F among them) is a C1
			// control to a terminal in 8-bit mode: dropped too.
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func hasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && isControl(r) {
			return true
		}
	}
	return false
}

// jsonControlsEscaped is encoded JSON with DEL and the C1 controls, which
// encoding/json leaves raw, written as \u escapes: the data a program
// decodes stays as stored, and a terminal showing the output sees no
// control (plainText's isControl is the one list; JSON escapes C0).
func jsonControlsEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x7f && isControl(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isControl reports C0 controls, DEL and C1 controls.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// escapeLength is the length of the escape sequence at the start of s,
// which starts with ESC.
func escapeLength(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		return 2 + csiBodyLength(s[2:])
	case ']', 'P', '^', '_': // OSC, DCS, PM, APC: a string up to its terminator
		return 2 + stringBodyLength(s[2:])
	}
	if s[1] < 0x20 || s[1] >= 0x7f {
		return 1 // a lone ESC; what follows is handled on its own
	}
	return 2
}

// csiBodyLength is the length of a CSI sequence's parameters and final
// byte (0x40–0x7E); a sequence cut short runs to the end of s.
func csiBodyLength(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x40 && c <= 0x7e: // the final byte
			return i + 1
		case c < 0x20 || c > 0x7e: // not part of a CSI: the sequence was cut
			return i
		}
	}
	return len(s)
}

// stringBodyLength is the length of an OSC-like string and its terminator
// (BEL, ESC \ or C1 ST); one with no terminator runs to the end of s.
func stringBodyLength(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\a':
			return i + 1
		case s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
	}
	return len(s)
}
