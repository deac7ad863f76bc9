package install

import (
	"strings"
)

// desktopEntry is a freedesktop.org desktop entry (spec 1.4, the newest every validator knows) that starts
// program: the menu entry, or with autostart the login entry.
func desktopEntry(program string, autostart bool) []byte {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Version=1.4\n")
	b.WriteString("Name=" + AppName + "\n")
	b.WriteString("GenericName=Live video sharing\n")
	b.WriteString("Comment=Share your Facebook live videos to your Pages and Groups\n")
	b.WriteString("Icon=" + AppID + "\n")
	if autostart {
		// Started at login, LiveRoute goes straight to the tray.
		b.WriteString("Exec=" + execQuote(program) + " " + MinimisedFlag + "\n")
	} else {
		b.WriteString("Exec=" + execQuote(program) + "\n")
	}
	b.WriteString("TryExec=" + escapeString(program) + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("Categories=Network;\n")
	b.WriteString("Keywords=Facebook;live;video;share;stream;\n")
	if autostart {
		b.WriteString("X-GNOME-Autostart-enabled=true\n")
	}
	return []byte(b.String())
}

// execQuote quotes one Exec argument as the desktop entry spec asks: an
// argument with a reserved character goes in double quotes with ", `, $ and
// \ backslash-escaped; then the string-value escape doubles every backslash
// again, and % is doubled because it starts a field code.
func execQuote(arg string) string {
	const reserved = " \t\n\"'\\><~|&;$*?#()`"
	quoted := arg
	if strings.ContainsAny(arg, reserved) {
		r := strings.NewReplacer(`"`, `\"`, "`", "\\`", `$`, `\$`, `\`, `\\`)
		quoted = `"` + r.Replace(arg) + `"`
	}
	return strings.ReplaceAll(escapeString(quoted), "%", "%%")
}

// escapeString applies the spec's escapes for values of type string.
func escapeString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return r.Replace(s)
}
