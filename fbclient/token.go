package fbclient

import (
	"fmt"
	"io"
	"log/slog"
)

// Token is a secret: an access token or an app secret. Printed by itself
// or as an exported field — with %v, %s, %q, %#v, %x, in JSON, through
// slog — it shows [redacted], never the value. Reveal returns the raw value
// for the one place that must send it.
//
// One hole fmt leaves open: a Token inside an unexported field of a struct
// that has no String method of its own is printed raw, because fmt cannot
// call methods on values it reaches through unexported fields. A type that
// keeps a Token in an unexported field must therefore have String and
// GoString methods of its own (as Client has), or never be printed.
type Token string

const redacted = "[redacted]"

// Reveal returns the raw secret. Call it only to put the value on the wire
// or into the keychain.
func (t Token) Reveal() string { return string(t) }

// IsZero reports whether no token is set.
func (t Token) IsZero() bool { return t == "" }

// String implements fmt.Stringer without disclosing the value.
func (t Token) String() string {
	if t == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer without disclosing the value.
func (t Token) GoString() string { return fmt.Sprintf("fbclient.Token(%q)", t.String()) }

// Format covers every fmt verb, including %x and %d, which would otherwise
// bypass String.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", t.String())
		return
	}
	io.WriteString(f, t.String())
}

// MarshalText keeps tokens out of JSON and any other text encoding.
func (t Token) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// LogValue keeps tokens out of slog output.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }
