package main

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/fbclient/fakefb"
)

// TestConnectFromTheCommandLineWithPasteBack is how a person with a
// published Meta app connects from a terminal: the secret on standard
// input, the login address printed, the final address pasted back.
func TestConnectFromTheCommandLineWithPasteBack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	fb, err := fakefb.New(fakefb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	const appID, secret = "31415926535", "0123456789abcdef0123456789abcdef"
	fb.AddApp(fakefb.App{ID: appID, Secret: secret, Name: "LiveRoute – Ada", Mode: fakefb.Live,
		RedirectURIs: []string{fb.LoginSuccessURL()}})
	fb.AddUser(fakefb.User{ID: "501", Name: "Ada"})
	fb.AddPage(fakefb.Page{ID: "9001", Name: "Ada Live"}, "501")
	fb.SetLoginDialog(fakefb.LoginDialog{AutoApprove: true})

	env := append(isolatedEnv(t.TempDir()), fbclient.EnvFacebookURL+"="+fb.URL, fbclient.EnvGraphURL+"="+fb.URL)
	// A profile of its own keeps the keychain entries apart from other tests.
	cmd := exec.Command(binary(t), "connect", "--app-id", appID, "--via", "paste")
	cmd.Env = env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	io.WriteString(stdin, secret+"\n")

	lines := bufio.NewScanner(stdout)
	var loginURL string
	for lines.Scan() {
		if l := strings.TrimSpace(lines.Text()); strings.HasPrefix(l, fb.URL) {
			loginURL = l
			break
		}
	}
	if loginURL == "" {
		cmd.Wait()
		t.Fatalf("no login address printed; stderr: %s", stderr.String())
	}
	final, err := fakefb.FinalAddress(loginURL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(final, fb.LoginSuccessURL()) {
		t.Fatalf("the dialog sent the browser to %q", final)
	}
	io.WriteString(stdin, final+"\n")
	stdin.Close()
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("connect: %v\nstdout: %s\nstderr: %s", err, rest.String(), stderr.String())
	}
	if !strings.Contains(rest.String(), "Connected to Facebook as Ada") {
		t.Errorf("connect said %q", rest.String())
	}
	if hint := fbclient.InTerminalWords(fbclient.URLBlockedHint(fb.LoginSuccessURL(), "")); !strings.Contains(stderr.String(), hint) {
		t.Errorf("stderr does not say up front which address to register:\n%s", stderr.String())
	}
	if strings.Contains(rest.String()+stderr.String(), secret) {
		t.Error("the secret was echoed")
	}

	r := runCLIBinary(t, env, "status")
	if r.code != 0 || !strings.Contains(r.stdout, "Ada") {
		t.Errorf("status after connect: %d %s%s", r.code, r.stdout, r.stderr)
	}
	// Forget what this test put in the keychain.
	if r := runCLIBinary(t, env, "uninstall", "--purge"); r.code != 0 && !strings.Contains(r.stderr, "not installed") {
		t.Logf("cleanup: %d %s", r.code, r.stderr)
	}
}
