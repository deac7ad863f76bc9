package install

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestDarwinInstallWritesABundleAndALaunchAgent(t *testing.T) {
	h := newHome(t, "darwin")
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(h.dir, "Applications", "LiveRoute.app", "Contents")
	program := filepath.Join(bundle, "MacOS", "liveroute")
	if fi, err := os.Stat(program); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("program: %v %v", fi, err)
	}
	info := readPlist(t, filepath.Join(bundle, "Info.plist"))
	for k, v := range map[string]string{
		"CFBundleExecutable":  "liveroute",
		"CFBundleIdentifier":  AppID,
		"CFBundleIconFile":    "LiveRoute",
		"CFBundlePackageType": "APPL",
	} {
		if info[k] != v {
			t.Errorf("Info.plist %s = %q, want %q", k, info[k], v)
		}
	}
	agent := readPlist(t, filepath.Join(h.dir, "Library", "LaunchAgents", AppID+".plist"))
	if agent["Label"] != AppID || agent["ProgramArguments"] != program+" --minimised" || agent["RunAtLoad"] != "true" {
		t.Errorf("LaunchAgent = %v", agent)
	}

	icns, err := os.ReadFile(filepath.Join(bundle, "Resources", "LiveRoute.icns"))
	if err != nil {
		t.Fatal(err)
	}
	if string(icns[:4]) != "icns" || int(binary.BigEndian.Uint32(icns[4:])) != len(icns) {
		t.Fatalf("icns header %q", icns[:8])
	}
	sizes := map[string]int{}
	for rest := icns[8:]; len(rest) > 0; {
		n := int(binary.BigEndian.Uint32(rest[4:]))
		cfg, err := png.DecodeConfig(bytes.NewReader(rest[8:n]))
		if err != nil {
			t.Fatalf("icns %s: %v", rest[:4], err)
		}
		sizes[string(rest[:4])] = cfg.Width
		rest = rest[n:]
	}
	want := map[string]int{"icp4": 16, "icp5": 32, "icp6": 64, "ic07": 128, "ic08": 256, "ic09": 512}
	if len(sizes) != len(want) {
		t.Errorf("icns entries = %v, want %v", sizes, want)
	}
	for k, v := range want {
		if sizes[k] != v {
			t.Errorf("icns %s = %d px, want %d", k, sizes[k], v)
		}
	}
}

func TestWindowsInstallWritesProgramShortcutAndRunKey(t *testing.T) {
	h := newHome(t, "windows")
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(h.dir, "AppData", "Local", "Programs", "LiveRoute")
	program := filepath.Join(dir, "liveroute.exe")
	if _, err := os.Stat(program); err != nil {
		t.Fatal(err)
	}
	rk := h.opts.RunKey.(*fakeRunKey)
	if got := rk.values[RunValueName]; got != `"`+program+`" --minimised` {
		t.Errorf("Run key = %q, want the quoted program path and --minimised", got)
	}

	lnk, err := os.ReadFile(filepath.Join(h.dir, "AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", "LiveRoute.lnk"))
	if err != nil {
		t.Fatal(err)
	}
	got := parseLnk(t, lnk)
	if got.target != program || got.workingDir != dir || got.iconPath != filepath.Join(dir, "liveroute.ico") ||
		!strings.Contains(got.description, "Facebook") {
		t.Errorf("shortcut = %+v", got)
	}

	ico, err := os.ReadFile(filepath.Join(dir, "liveroute.ico"))
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(ico[0:]) != 0 || le.Uint16(ico[2:]) != 1 || le.Uint16(ico[4:]) != 4 {
		t.Fatalf("ico header % x", ico[:6])
	}
	for i, want := range []int{16, 32, 48, 256} {
		e := ico[6+16*i:]
		dim := int(e[0])
		if dim == 0 {
			dim = 256
		}
		size, off := le.Uint32(e[8:]), le.Uint32(e[12:])
		cfg, err := png.DecodeConfig(bytes.NewReader(ico[off : off+size]))
		if err != nil || dim != want || cfg.Width != want {
			t.Errorf("ico entry %d: dir says %d, png %d, %v; want %d", i, dim, cfg.Width, err, want)
		}
	}
}

func TestShortcutKeepsANonASCIIPathInUnicode(t *testing.T) {
	target := `C:\Users\Zoë Ñandú\AppData\Local\Programs\LiveRoute\liveroute.exe`
	got := parseLnk(t, shortcut{Target: target, WorkingDir: `C:\x`, Description: "d", IconPath: `C:\x\i.ico`}.bytes())
	if got.target != target {
		t.Errorf("target = %q", got.target)
	}
	if got.ansiTarget != `C:\Users\Zo? ?and?\AppData\Local\Programs\LiveRoute\liveroute.exe` {
		t.Errorf("ANSI target = %q", got.ansiTarget)
	}
}

func TestRunValueQuotesAPathWithSpaces(t *testing.T) {
	if got := runValue(`C:\Users\Ana Maria\liveroute.exe`); got != `"C:\Users\Ana Maria\liveroute.exe" --minimised` {
		t.Errorf("runValue = %s", got)
	}
}

// readPlist flattens a plist dictionary: booleans as "true"/"false",
// arrays joined by spaces.
func readPlist(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var key, text string
	var inArray []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			text = ""
			switch el.Name.Local {
			case "true", "false":
				out[key] = el.Name.Local
			case "array":
				inArray = []string{}
			}
		case xml.CharData:
			text += string(el)
		case xml.EndElement:
			switch el.Name.Local {
			case "key":
				key = text
			case "string":
				if inArray != nil {
					inArray = append(inArray, text)
				} else {
					out[key] = text
				}
			case "array":
				out[key] = strings.Join(inArray, " ")
				inArray = nil
			}
		}
	}
	return out
}

type parsedLnk struct {
	target, ansiTarget, description, workingDir, iconPath string
}

// parseLnk reads a shell link the way [MS-SHLLINK] describes, checking the
// fixed fields on the way.
func parseLnk(t *testing.T, b []byte) parsedLnk {
	t.Helper()
	le := binary.LittleEndian
	if le.Uint32(b) != 0x4C || !bytes.Equal(b[4:20], lnkCLSID) {
		t.Fatalf("bad header % x", b[:20])
	}
	flags := le.Uint32(b[20:])
	if flags != lnkHasLinkInfo|lnkHasName|lnkHasWorkingDir|lnkHasIconLocation|lnkIsUnicode {
		t.Fatalf("flags %#x", flags)
	}
	if le.Uint32(b[60:]) != lnkShowNormal {
		t.Errorf("show command %d", le.Uint32(b[60:]))
	}
	info := b[0x4C:]
	infoSize := le.Uint32(info)
	if le.Uint32(info[4:]) != 0x24 || le.Uint32(info[8:]) != 1 {
		t.Fatalf("LinkInfo header % x", info[:12])
	}
	volume := info[le.Uint32(info[12:]):]
	if le.Uint32(volume) != 0x11 || le.Uint32(volume[4:]) != driveFixed {
		t.Errorf("VolumeID % x", volume[:17])
	}
	cstr := func(off uint32) string { s := info[off:]; return string(s[:bytes.IndexByte(s, 0)]) }
	wstr := func(off uint32) string {
		var u []uint16
		for s := info[off:]; le.Uint16(s) != 0; s = s[2:] {
			u = append(u, le.Uint16(s))
		}
		return string(utf16.Decode(u))
	}
	p := parsedLnk{ansiTarget: cstr(le.Uint32(info[16:])), target: wstr(le.Uint32(info[28:]))}
	if cstr(le.Uint32(info[24:])) != "" || wstr(le.Uint32(info[32:])) != "" {
		t.Error("common path suffix is not empty")
	}
	rest := info[infoSize:]
	counted := func() string {
		n := int(le.Uint16(rest))
		u := make([]uint16, n)
		for i := range u {
			u[i] = le.Uint16(rest[2+2*i:])
		}
		rest = rest[2+2*n:]
		return string(utf16.Decode(u))
	}
	p.description, p.workingDir, p.iconPath = counted(), counted(), counted()
	if !bytes.Equal(rest, []byte{0, 0, 0, 0}) {
		t.Errorf("trailing bytes % x, want the terminal block", rest)
	}
	return p
}
