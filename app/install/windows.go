package install

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
)

// RunValueName is the value LiveRoute owns under the per-user Run key.
const RunValueName = AppName

// runKeyDisplay names the Run key in reports.
const runKeyDisplay = `HKCU\Software\Microsoft\Windows\CurrentVersion\Run\` + RunValueName

// RunKey is the per-user Run key (HKCU\Software\Microsoft\Windows\
// CurrentVersion\Run): Windows starts every command in it at login.
type RunKey interface {
	// Get returns the value named name and whether it exists.
	Get(name string) (value string, ok bool, err error)
	// Set creates or replaces the string value name.
	Set(name, value string) error
	// Delete removes the value name.
	Delete(name string) error
}

// runValue is the Run-key command that starts program at login, in the
// tray: the path quoted, as Windows splits an unquoted command at its first
// space.
func runValue(program string) string {
	return `"` + program + `" ` + MinimisedFlag
}

// shortcut is a Windows shell link (.lnk, [MS-SHLLINK]) to a local program.
// It carries the target as LinkInfo (a local base path) rather than as a
// shell item ID list, which the format allows and Explorer resolves; writing
// an ID list would need the shell's own parsing of the path.
type shortcut struct {
	Target      string
	WorkingDir  string
	Description string
	IconPath    string
}

// Link flags and constants of [MS-SHLLINK] 2.1.1.
const (
	lnkHasLinkInfo     = 0x00000002
	lnkHasName         = 0x00000004
	lnkHasWorkingDir   = 0x00000010
	lnkHasIconLocation = 0x00000040
	lnkIsUnicode       = 0x00000080
	lnkHeaderSize      = 0x4C
	lnkShowNormal      = 1
	fileAttrNormal     = 0x80
	driveFixed         = 3
)

// lnkCLSID is 00021401-0000-0000-C000-000000000046 in its on-disk byte order.
var lnkCLSID = []byte{0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}

// bytes encodes the shortcut.
func (s shortcut) bytes() []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	// ShellLinkHeader (2.1): 76 bytes.
	b.Write(le.AppendUint32(nil, lnkHeaderSize))
	b.Write(lnkCLSID)
	b.Write(le.AppendUint32(nil, lnkHasLinkInfo|lnkHasName|lnkHasWorkingDir|lnkHasIconLocation|lnkIsUnicode))
	b.Write(le.AppendUint32(nil, fileAttrNormal))
	b.Write(make([]byte, 3*8))       // creation, access, write times: unknown
	b.Write(le.AppendUint32(nil, 0)) // file size: unknown
	b.Write(le.AppendUint32(nil, 0)) // icon index
	b.Write(le.AppendUint32(nil, lnkShowNormal))
	b.Write(make([]byte, 2+2+4+4)) // hot key, reserved

	b.Write(s.linkInfo())

	// StringData (2.4), in the order the format fixes.
	for _, str := range []string{s.Description, s.WorkingDir, s.IconPath} {
		u := utf16.Encode([]rune(str))
		b.Write(le.AppendUint16(nil, uint16(len(u))))
		for _, c := range u {
			b.Write(le.AppendUint16(nil, c))
		}
	}
	b.Write(le.AppendUint32(nil, 0)) // TerminalBlock (2.5)
	return b.Bytes()
}

// linkInfo is the LinkInfo structure (2.3) with a VolumeID for a fixed
// drive, the target as an ANSI and a Unicode local base path, and empty
// common path suffixes.
func (s shortcut) linkInfo() []byte {
	le := binary.LittleEndian
	const headerSize = 0x24 // with the Unicode offsets
	volumeID := []byte{}
	volumeID = le.AppendUint32(volumeID, 0x11)       // VolumeIDSize
	volumeID = le.AppendUint32(volumeID, driveFixed) // DriveType
	volumeID = le.AppendUint32(volumeID, 0)          // DriveSerialNumber: unknown
	volumeID = le.AppendUint32(volumeID, 0x10)       // VolumeLabelOffset
	volumeID = append(volumeID, 0)                   // empty label

	ansi := append(ansiPath(s.Target), 0)
	unicode := []byte{}
	for _, c := range utf16.Encode([]rune(s.Target)) {
		unicode = le.AppendUint16(unicode, c)
	}
	unicode = append(unicode, 0, 0)

	volumeOff := headerSize
	baseOff := volumeOff + len(volumeID)
	suffixOff := baseOff + len(ansi)
	baseUniOff := suffixOff + 1
	suffixUniOff := baseUniOff + len(unicode)
	size := suffixUniOff + 2

	out := []byte{}
	out = le.AppendUint32(out, uint32(size))
	out = le.AppendUint32(out, headerSize)
	out = le.AppendUint32(out, 1) // VolumeIDAndLocalBasePath
	out = le.AppendUint32(out, uint32(volumeOff))
	out = le.AppendUint32(out, uint32(baseOff))
	out = le.AppendUint32(out, 0) // no CommonNetworkRelativeLink
	out = le.AppendUint32(out, uint32(suffixOff))
	out = le.AppendUint32(out, uint32(baseUniOff))
	out = le.AppendUint32(out, uint32(suffixUniOff))
	out = append(out, volumeID...)
	out = append(out, ansi...)
	out = append(out, 0) // CommonPathSuffix: empty
	out = append(out, unicode...)
	out = append(out, 0, 0) // CommonPathSuffixUnicode: empty
	return out
}

// ansiPath is path in the system code page as far as ASCII goes; Windows
// reads the Unicode copy, so other characters only need a placeholder.
func ansiPath(path string) []byte {
	out := make([]byte, 0, len(path))
	for _, r := range path {
		if r < 0x80 {
			out = append(out, byte(r))
		} else {
			out = append(out, '?')
		}
	}
	return out
}
