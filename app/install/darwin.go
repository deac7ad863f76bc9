package install

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// infoPlist is the app bundle's Info.plist.
func infoPlist() []byte {
	return plist([]plistEntry{
		{"CFBundleDevelopmentRegion", "en"},
		{"CFBundleDisplayName", AppName},
		{"CFBundleExecutable", "liveroute"},
		{"CFBundleIconFile", AppName},
		{"CFBundleIdentifier", AppID},
		{"CFBundleInfoDictionaryVersion", "6.0"},
		{"CFBundleName", AppName},
		{"CFBundlePackageType", "APPL"},
		{"NSHighResolutionCapable", true},
	})
}

// launchAgent is the per-user LaunchAgent that starts program at login.
// launchd reads it at the next login; it is not loaded now, so installing
// does not start a second copy.
func launchAgent(program string) []byte {
	return plist([]plistEntry{
		{"Label", AppID},
		{"LimitLoadToSessionType", "Aqua"},
		{"ProcessType", "Interactive"},
		{"ProgramArguments", []string{program, MinimisedFlag}},
		{"RunAtLoad", true},
	})
}

// plistEntry is one key of a property list dictionary; value is a string,
// a bool or a []string.
type plistEntry struct {
	key   string
	value any
}

// plist renders a property list (XML 1.0 format) holding one dictionary.
func plist(entries []plistEntry) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "\t<key>%s</key>\n", esc(e.key))
		switch v := e.value.(type) {
		case bool:
			fmt.Fprintf(&b, "\t<%t/>\n", v)
		case string:
			fmt.Fprintf(&b, "\t<string>%s</string>\n", esc(v))
		case []string:
			b.WriteString("\t<array>\n")
			for _, s := range v {
				fmt.Fprintf(&b, "\t\t<string>%s</string>\n", esc(s))
			}
			b.WriteString("\t</array>\n")
		default:
			panic(fmt.Sprintf("plist: unsupported value %T", v))
		}
	}
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes()
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writing to a bytes.Buffer cannot fail
	return b.String()
}
