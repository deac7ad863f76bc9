package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDesktopSmoke builds the real binary, starts it with --demo on the X
// display that scripts/test-env provides, finds its window by title, takes a
// screenshot and checks the window shows real content. It then asks the app
// to quit and expects a clean exit. Set LIVEROUTE_SCREENSHOT=path to keep
// the screenshot (the README's picture is made this way).
func TestDesktopSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the GUI binary")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireInCI(t, tool+" is missing (scripts/deps test installs it)")
		}
	}
	if os.Getenv("DISPLAY") == "" {
		requireInCI(t, "no X display: run the tests through scripts/test-env (make test does)")
	}

	// Only this run's notifications count: note how many the daemon holds.
	const offer = "Share to 1 group"
	offersBefore := strings.Count(dunstHistory(context.Background()), offer)

	dir := t.TempDir()
	setUpDemo(t, binary(t), isolatedEnv(dir))
	cmd := exec.Command(binary(t), "--demo")
	cmd.Env = isolatedEnv(dir)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	// --sync waits until a window with that exact title is mapped.
	find := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", `^LiveRoute \(demo\)$`)
	out, err := find.Output()
	if err != nil {
		t.Fatalf("no window titled \"LiveRoute (demo)\" appeared: %v\napp output:\n%s", err, output.String())
	}
	win := strings.Fields(string(out))[0]

	// The first frames may still be blank while the driver starts; photograph
	// until the window shows content or the deadline passes.
	shot := filepath.Join(dir, "window.png")
	var img image.Image
	for ctx.Err() == nil {
		if err := exec.CommandContext(ctx, "import", "-window", win, shot).Run(); err == nil {
			if img, err = readPNG(shot); err == nil && distinctColours(img) > 50 {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if img == nil {
		t.Fatalf("could not photograph the window\napp output:\n%s", output.String())
	}
	if n := distinctColours(img); n <= 50 {
		t.Fatalf("the window looks blank: %d distinct colours\napp output:\n%s", n, output.String())
	}
	if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 400 {
		t.Errorf("window is %dx%d, want at least 600x400", b.Dx(), b.Dy())
	}
	if keep := os.Getenv("LIVEROUTE_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Errorf("keep screenshot: %v", err)
		}
	}

	// The demo's live starts about 20 s in; its group share is offered with
	// one desktop notification, which must reach the real daemon (dunst).
	if _, err := exec.LookPath("dunstctl"); err == nil {
		if summary := waitForNotification(ctx, offer, offersBefore+1); strings.Count(summary, offer) <= offersBefore {
			t.Errorf("notifications seen by the daemon: %q, want the group share offer\napp output:\n%s", summary, output.String())
		}
	} else {
		requireInCI(t, "dunst is missing (scripts/deps test installs it)")
	}

	// Starting LiveRoute again brings this window forward and exits.
	second := exec.CommandContext(ctx, binary(t), "--demo")
	second.Env = cmd.Env
	out2, err := second.CombinedOutput()
	if err != nil || !strings.Contains(string(out2), "already running") {
		t.Errorf("second start: %v\n%s", err, out2)
	}
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the first instance ended when a second one started: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("app exited with %v after SIGTERM\n%s", err, output.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("app did not quit within 20 s of SIGTERM\n%s", output.String())
	}
}

func requireInCI(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// waitForNotification waits until the notification daemon holds n
// notifications that say want, and returns every notification it holds
// (JSON).
func waitForNotification(ctx context.Context, want string, n int) string {
	var seen string
	for ctx.Err() == nil {
		seen = dunstHistory(ctx)
		if strings.Count(seen, want) >= n {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	return seen
}

// dunstHistory is every notification dunst has received, as JSON.
func dunstHistory(ctx context.Context) string {
	// close-all moves what is on screen into the history dunstctl reads.
	exec.CommandContext(ctx, "dunstctl", "close-all").Run()
	data, _ := exec.CommandContext(ctx, "dunstctl", "history").Output()
	return string(data)
}
