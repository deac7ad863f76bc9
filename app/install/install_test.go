package install

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// testIcon is a square PNG of size px with a transparent border.
func testIcon(t *testing.T, size int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := size / 8; y < size-size/8; y++ {
		for x := size / 8; x < size-size/8; x++ {
			img.Set(x, y, color.NRGBA{R: 0x18, G: 0x77, B: 0xf2, A: 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// home is a temporary user: HOME with XDG dirs outside it, to prove they
// are honoured, and a program file to install.
type home struct {
	dir, data, config string
	opts              Options
}

func newHome(t *testing.T, goos string) home {
	t.Helper()
	root := t.TempDir()
	h := home{
		dir:    filepath.Join(root, "home", "ana"),
		data:   filepath.Join(root, "xdg-data"),
		config: filepath.Join(root, "xdg-config"),
	}
	bin := filepath.Join(root, "build", "liveroute")
	for _, d := range []string{h.dir, filepath.Dir(bin)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho liveroute\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"HOME":            h.dir,
		"XDG_DATA_HOME":   h.data,
		"XDG_CONFIG_HOME": h.config,
		"LOCALAPPDATA":    filepath.Join(h.dir, "AppData", "Local"),
		"APPDATA":         filepath.Join(h.dir, "AppData", "Roaming"),
	}
	h.opts = Options{
		GOOS:   goos,
		Env:    func(k string) string { return env[k] },
		Binary: bin,
		Icon:   testIcon(t, 512),
		RunKey: &fakeRunKey{},
	}
	return h
}

// tree lists every file and folder under root with its content, so a test
// can compare a whole home before and after.
func tree(t *testing.T, roots ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			if d.IsDir() {
				out[p+"/"] = ""
				return nil
			}
			data, err := os.ReadFile(p)
			out[p] = string(data)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (h home) roots() []string { return []string{h.dir, h.data, h.config} }

func TestInstallLinuxWritesEveryFileWhereXDGSays(t *testing.T) {
	h := newHome(t, "linux")
	rep, err := Install(h.opts)
	if err != nil {
		t.Fatal(err)
	}
	program := filepath.Join(h.dir, ".local", "bin", "liveroute")
	desktop := filepath.Join(h.data, "applications", AppID+".desktop")
	autostart := filepath.Join(h.config, "autostart", AppID+".desktop")
	manifest := filepath.Join(h.data, "LiveRoute", "install.json")

	want := []string{program, desktop, autostart, manifest}
	for _, s := range themeSizes {
		want = append(want, filepath.Join(h.data, "icons", "hicolor", itoa(s)+"x"+itoa(s), "apps", AppID+".png"))
	}
	var got []string
	for p, content := range tree(t, h.roots()...) {
		if !strings.HasSuffix(p, "/") {
			got = append(got, p)
			_ = content
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("installed files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	if data, _ := os.ReadFile(program); string(data) != "#!/bin/sh\necho liveroute\n" {
		t.Errorf("program content = %q", data)
	}
	if fi, _ := os.Stat(program); fi.Mode().Perm() != 0o755 {
		t.Errorf("program mode = %v, want 0755", fi.Mode().Perm())
	}
	wantDesktop := "[Desktop Entry]\nType=Application\nVersion=1.4\nName=LiveRoute\n" +
		"GenericName=Live video sharing\nComment=Share your Facebook live videos to your Pages and Groups\n" +
		"Icon=" + AppID + "\nExec=" + program + "\nTryExec=" + program + "\nTerminal=false\n" +
		"Categories=Network;\nKeywords=Facebook;live;video;share;stream;\n"
	if data, _ := os.ReadFile(desktop); string(data) != wantDesktop {
		t.Errorf("menu entry =\n%s\nwant\n%s", data, wantDesktop)
	}
	wantAutostart := strings.Replace(wantDesktop, "Exec="+program+"\n", "Exec="+program+" --minimised\n", 1) +
		"X-GNOME-Autostart-enabled=true\n"
	if data, _ := os.ReadFile(autostart); string(data) != wantAutostart {
		t.Errorf("autostart entry =\n%s", data)
	}
	for _, s := range themeSizes {
		f, err := os.Open(filepath.Join(h.data, "icons", "hicolor", itoa(s)+"x"+itoa(s), "apps", AppID+".png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != s || cfg.Height != s {
			t.Errorf("icon %d: %dx%d, %v", s, cfg.Width, cfg.Height, err)
		}
	}
	validateDesktop(t, desktop, autostart)

	for _, c := range rep.Changes {
		if c.Action != Wrote {
			t.Errorf("first install reported %v for %s", c.Action, c.Path)
		}
	}
	if !strings.Contains(rep.String(), "wrote     program: "+program) {
		t.Errorf("report does not say what it did:\n%s", rep)
	}
}

func TestInstallAgainChangesNothingAndSaysSo(t *testing.T) {
	h := newHome(t, "linux")
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	before := tree(t, h.roots()...)
	rep, err := Install(h.opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Changes {
		if c.Action != Unchanged {
			t.Errorf("second install: %v %s", c.Action, c.Path)
		}
	}
	if after := tree(t, h.roots()...); !equalTrees(before, after) {
		t.Errorf("second install changed the home:\n%s", diffTrees(before, after))
	}
}

func TestInstallRepairsAFileThePersonDeleted(t *testing.T) {
	h := newHome(t, "linux")
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	desktop := filepath.Join(h.data, "applications", AppID+".desktop")
	if err := os.Remove(desktop); err != nil {
		t.Fatal(err)
	}
	rep, err := Install(h.opts)
	if err != nil {
		t.Fatal(err)
	}
	if !hasChange(rep, Wrote, desktop) {
		t.Errorf("report lacks the rewritten menu entry:\n%s", rep)
	}
}

func TestUninstallRemovesExactlyWhatInstallWrote(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			h := newHome(t, goos)
			// Things of the person's own that share LiveRoute's folders.
			mine := map[string]string{
				filepath.Join(h.dir, ".local", "bin", "other-tool"):                 "other",
				filepath.Join(h.config, "autostart", "other.desktop"):               "[Desktop Entry]\n",
				filepath.Join(h.dir, "Library", "LaunchAgents", "x.plist"):          "<plist/>",
				filepath.Join(h.dir, "AppData", "Roaming", "Microsoft", "keep.txt"): "keep",
			}
			for p, c := range mine {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := tree(t, h.roots()...)
			if _, err := Install(h.opts); err != nil {
				t.Fatal(err)
			}
			if equalTrees(before, tree(t, h.roots()...)) {
				t.Fatal("install wrote nothing")
			}
			rep, err := Uninstall(h.opts, false)
			if err != nil {
				t.Fatal(err)
			}
			if after := tree(t, h.roots()...); !equalTrees(before, after) {
				t.Errorf("uninstall left the home different:\n%s", diffTrees(before, after))
			}
			if rk := h.opts.RunKey.(*fakeRunKey); len(rk.values) != 0 {
				t.Errorf("Run key left: %v", rk.values)
			}
			if len(rep.Changes) == 0 {
				t.Error("uninstall reported nothing")
			}
			if _, err := Uninstall(h.opts, false); !errors.Is(err, ErrNotInstalled) {
				t.Errorf("second uninstall: %v, want ErrNotInstalled", err)
			}
		})
	}
}

func TestUninstallKeepsAFolderThatGainedOtherFiles(t *testing.T) {
	h := newHome(t, "linux")
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(h.dir, ".local", "bin")
	other := filepath.Join(bin, "added-later")
	if err := os.WriteFile(other, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := Uninstall(h.opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("the person's file is gone: %v", err)
	}
	if !hasChange(rep, Kept, bin) {
		t.Errorf("report does not say the folder was kept:\n%s", rep)
	}
}

func TestUninstallPurgesDataAndSecretsOnlyWhenAsked(t *testing.T) {
	for _, purge := range []bool{false, true} {
		h := newHome(t, "linux")
		data := filepath.Join(h.config, "LiveRoute")
		if err := os.MkdirAll(data, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, "liveroute.db"), []byte("db"), 0o600); err != nil {
			t.Fatal(err)
		}
		secretsDeleted := false
		h.opts.PurgeDirs = []string{data, filepath.Join(h.dir, "never-created")}
		h.opts.PurgeSecrets = func() error { secretsDeleted = true; return nil }
		if _, err := Install(h.opts); err != nil {
			t.Fatal(err)
		}
		rep, err := Uninstall(h.opts, purge)
		if err != nil {
			t.Fatal(err)
		}
		_, statErr := os.Stat(data)
		if gone := errors.Is(statErr, fs.ErrNotExist); gone != purge {
			t.Errorf("purge=%v: data folder gone=%v", purge, gone)
		}
		if secretsDeleted != purge {
			t.Errorf("purge=%v: secrets deleted=%v", purge, secretsDeleted)
		}
		if purge && !hasChange(rep, Removed, data) {
			t.Errorf("purge report lacks the data folder:\n%s", rep)
		}
	}
}

func TestUninstallPurgeReportsAKeychainFailure(t *testing.T) {
	h := newHome(t, "linux")
	h.opts.PurgeSecrets = func() error { return errors.New("keychain locked") }
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	_, err := Uninstall(h.opts, true)
	if err == nil || !strings.Contains(err.Error(), "keychain locked") {
		t.Errorf("err = %v", err)
	}
}

func TestSetAutostartTogglesTheLoginEntry(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			h := newHome(t, goos)
			for _, step := range []struct {
				enable bool
				action Action
			}{{true, Wrote}, {true, Unchanged}, {false, Removed}} {
				rep, err := SetAutostart(h.opts, step.enable)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Changes) != 1 || rep.Changes[0].Action != step.action {
					t.Errorf("SetAutostart(%v) = %v, want one %v", step.enable, rep.Changes, step.action)
				}
				on, err := AutostartEnabled(h.opts)
				if err != nil || on != step.enable {
					t.Errorf("AutostartEnabled = %v, %v; want %v", on, err, step.enable)
				}
			}
			rep, err := SetAutostart(h.opts, false)
			if err != nil || len(rep.Changes) != 0 {
				t.Errorf("turning off twice: %v, %v", rep.Changes, err)
			}
		})
	}
}

func TestAutostartStartsTheInstalledProgramOnceInstalled(t *testing.T) {
	h := newHome(t, "linux")
	l, _ := h.opts.Layout()
	if _, err := SetAutostart(h.opts, true); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(l.Autostart); !strings.Contains(string(data), "Exec="+h.opts.Binary+"\n") {
		t.Errorf("before install autostart should start the program where it is:\n%s", data)
	}
	if _, err := Install(h.opts); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(l.Autostart); !strings.Contains(string(data), "Exec="+l.Program+"\n") {
		t.Errorf("after install autostart should start the installed program:\n%s", data)
	}
}

func TestLayoutIgnoresRelativeXDGDirs(t *testing.T) {
	env := map[string]string{"HOME": "/home/ana", "XDG_DATA_HOME": "rel/data", "XDG_CONFIG_HOME": "./cfg"}
	l, err := Options{GOOS: "linux", Env: func(k string) string { return env[k] }}.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if l.DesktopEntry != "/home/ana/.local/share/applications/"+AppID+".desktop" ||
		l.Autostart != "/home/ana/.config/autostart/"+AppID+".desktop" {
		t.Errorf("layout = %+v", l)
	}
}

func TestLayoutNeedsAHome(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		_, err := Options{GOOS: goos, Env: func(string) string { return "" }}.Layout()
		if err == nil {
			t.Errorf("%s: no error without a home", goos)
		}
	}
	if _, err := (Options{GOOS: "plan9"}).Layout(); err == nil {
		t.Error("plan9: no error")
	}
}

func TestInstallWithABadIconWritesNothing(t *testing.T) {
	for name, icon := range map[string][]byte{
		"not a png":  []byte("GIF89a"),
		"not square": pngOf(t, 64, 32),
		"too small":  pngOf(t, 8, 8),
		"missing":    nil,
	} {
		t.Run(name, func(t *testing.T) {
			h := newHome(t, "linux")
			h.opts.Icon = icon
			before := tree(t, h.roots()...)
			if _, err := Install(h.opts); err == nil {
				t.Fatal("no error")
			}
			if after := tree(t, h.roots()...); !equalTrees(before, after) {
				t.Errorf("a failed install changed the home:\n%s", diffTrees(before, after))
			}
		})
	}
}

func TestExecQuotingSurvivesDesktopFileValidate(t *testing.T) {
	for _, tc := range []struct{ path, exec string }{
		{"/home/ana/.local/bin/liveroute", "/home/ana/.local/bin/liveroute"},
		{"/home/Ana Maria/.local/bin/liveroute", `"/home/Ana Maria/.local/bin/liveroute"`},
		{"/home/100%/liveroute", "/home/100%%/liveroute"},
		{`/home/a$b/live"route`, `"/home/a\\$b/live\\"route"`},
		{`/home/back\slash/liveroute`, `"/home/back\\\\slash/liveroute"`},
	} {
		if got := execQuote(tc.path); got != tc.exec {
			t.Errorf("execQuote(%q) = %s, want %s", tc.path, got, tc.exec)
		}
		p := filepath.Join(t.TempDir(), "x.desktop")
		if err := os.WriteFile(p, desktopEntry(tc.path, false), 0o644); err != nil {
			t.Fatal(err)
		}
		validateDesktop(t, p)
	}
}

func TestDownscaleWeightsCoverEachTargetPixelOnce(t *testing.T) {
	for _, tc := range []struct{ n, m int }{{512, 48}, {512, 256}, {100, 16}, {17, 16}} {
		for i, ws := range boxWeights(tc.n, tc.m) {
			total := 0.0
			for _, w := range ws {
				total += w.weight
			}
			if total < 0.999999 || total > 1.000001 {
				t.Errorf("boxWeights(%d,%d)[%d] sums to %v", tc.n, tc.m, i, total)
			}
		}
	}
}

func validateDesktop(t *testing.T, files ...string) {
	t.Helper()
	if _, err := exec.LookPath("desktop-file-validate"); err != nil {
		t.Fatal("desktop-file-validate is missing: install desktop-file-utils")
	}
	out, err := exec.Command("desktop-file-validate", files...).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("desktop-file-validate: %v\n%s", err, out)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hasChange(r Report, a Action, path string) bool {
	for _, c := range r.Changes {
		if c.Action == a && c.Path == path {
			return true
		}
	}
	return false
}

func equalTrees(a, b map[string]string) bool { return diffTrees(a, b) == "" }

func diffTrees(a, b map[string]string) string {
	var d []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			d = append(d, "- "+k)
		} else if v != w {
			d = append(d, "~ "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d = append(d, "+ "+k)
		}
	}
	sort.Strings(d)
	return strings.Join(d, "\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

// fakeRunKey is an in-memory Run key for the Windows layout's tests.
type fakeRunKey struct{ values map[string]string }

func (k *fakeRunKey) Get(name string) (string, bool, error) {
	v, ok := k.values[name]
	return v, ok, nil
}

func (k *fakeRunKey) Set(name, value string) error {
	if k.values == nil {
		k.values = map[string]string{}
	}
	k.values[name] = value
	return nil
}

func (k *fakeRunKey) Delete(name string) error {
	delete(k.values, name)
	return nil
}

func TestDownscaleAveragesPremultipliedColour(t *testing.T) {
	// A 2×2 image, one opaque blue pixel and three transparent ones, shrinks
	// to a quarter-opaque blue — not a dark one.
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.NRGBA{B: 0xff, A: 0xff})
	got := downscale(img, 1).RGBAAt(0, 0)
	if got != (color.RGBA{B: 0x40, A: 0x40}) {
		t.Errorf("downscale = %v, want {0 0 64 64}", got)
	}
}
