package store

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needKeychain skips outside scripts/test-env, where there is no private
// session bus; under test-env a missing Secret Service makes the tests fail.
func needKeychain(t *testing.T) Keychain {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && os.Getenv("LIVEROUTE_TEST_ENV") == "" {
		t.Skip("no D-Bus session: run under scripts/test-env (make test) to test the real keychain")
	}
	// A service of its own per test, so runs never see each other's secrets.
	k := Keychain{Service: fmt.Sprintf("LiveRoute-test-%s-%d", t.Name(), time.Now().UnixNano())}
	if err := k.Check(); err != nil {
		t.Fatalf("the Secret Service of the test environment does not work: %v", err)
	}
	return k
}

func TestKeychainStoresReadsAndDeletesSecrets(t *testing.T) {
	k := needKeychain(t)
	const secret = "EAAB-user-token-0123456789"
	if err := k.Set(UserTokenKey("100"), secret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Delete(UserTokenKey("100")) })
	if err := k.Set(UserTokenKey("100"), secret+"-renewed"); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(UserTokenKey("100"))
	if err != nil || got != secret+"-renewed" {
		t.Fatalf("Get = %q, %v; want the renewed token", got, err)
	}
	if err := k.Delete(UserTokenKey("100")); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(UserTokenKey("100")); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Get after Delete: %v, want ErrSecretNotFound", err)
	}
	if err := k.Delete(UserTokenKey("100")); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("second Delete: %v, want ErrSecretNotFound", err)
	}
}

func TestKeychainKeepsServicesApart(t *testing.T) {
	k := needKeychain(t)
	other := Keychain{Service: k.Service + "-demo"}
	if err := k.Set(PageTokenKey("7"), "real-page-token"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Delete(PageTokenKey("7")) })
	if _, err := other.Get(PageTokenKey("7")); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("another profile's keychain sees the secret: %v", err)
	}
}

func TestKeychainRefusesTooLongSecretsWithoutEchoingThem(t *testing.T) {
	k := needKeychain(t)
	cases := []struct {
		name  string
		value string
	}{
		{"over the Windows limit", strings.Repeat("s", MaxSecretLen+1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := k.Set(UserTokenKey("1"), tc.value)
			if !errors.Is(err, ErrSecretTooLong) {
				t.Fatalf("Set: %v, want ErrSecretTooLong", err)
			}
			if strings.Contains(err.Error(), tc.value[:32]) {
				t.Error("the error repeats the secret")
			}
			if _, err := k.Get(UserTokenKey("1")); !errors.Is(err, ErrSecretNotFound) {
				t.Errorf("a refused secret was stored: %v", err)
			}
		})
	}
	if err := k.Set(UserTokenKey("1"), strings.Repeat("s", MaxSecretLen-len(k.Service)-len(UserTokenKey("1")))); err != nil {
		t.Errorf("a secret within the limits was refused: %v", err)
	}
	_ = k.Delete(UserTokenKey("1"))
}

func TestKeychainLimitCountsServiceAndKeyLikeMacOS(t *testing.T) {
	k := Keychain{Service: strings.Repeat("S", 600)}
	// Within Windows' 2,560 but over macOS's ~3,000 with the service name;
	// refused before any call, so no keychain is needed.
	err := k.Set(UserTokenKey("1"), strings.Repeat("v", 2500))
	if !errors.Is(err, ErrSecretTooLong) {
		t.Fatalf("Set: %v, want ErrSecretTooLong", err)
	}
}

func TestDeleteAccountSecretsRemovesEverySecretAndToleratesMissingOnes(t *testing.T) {
	k := needKeychain(t)
	secrets := map[string]string{
		AppSecretKey("555"):  "app-secret-value",
		UserTokenKey("100"):  "user-token-value",
		PageTokenKey("p1"):   "page-1-token",
		PageTokenKey("p2"):   "page-2-token",
		PageTokenKey("keep"): "another-account-page",
	}
	for key, v := range secrets {
		if err := k.Set(key, v); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = k.Delete(PageTokenKey("keep")) })
	// p3 was never stored: reset must not stop at it.
	if err := k.DeleteAccountSecrets("555", "100", []string{"p1", "p3", "p2"}); err != nil {
		t.Fatalf("DeleteAccountSecrets: %v", err)
	}
	for key := range secrets {
		_, err := k.Get(key)
		if key == PageTokenKey("keep") {
			if err != nil {
				t.Errorf("%s was removed though not the account's: %v", key, err)
			}
			continue
		}
		if !errors.Is(err, ErrSecretNotFound) {
			t.Errorf("%s survived the reset: %v", key, err)
		}
	}
}

func TestDeleteAllRemovesEverySecretOfTheServiceOnly(t *testing.T) {
	k := needKeychain(t)
	other := Keychain{Service: k.Service + "-demo"}
	// Secrets of two Meta apps (the first since replaced), an account, and
	// the probe an interrupted Check leaves behind.
	mine := []string{AppSecretKey("111"), AppSecretKey("222"), UserTokenKey("100"), PageTokenKey("p1"), "probe"}
	for _, key := range mine {
		if err := k.Set(key, "value-of-"+key); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Set(AppSecretKey("111"), "the demo profile's"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.DeleteAll() })
	if err := k.DeleteAll(); err != nil {
		t.Fatalf("DeleteAll: %v", err)
	}
	for _, key := range mine {
		if _, err := k.Get(key); !errors.Is(err, ErrSecretNotFound) {
			t.Errorf("%s survived DeleteAll: %v", key, err)
		}
	}
	if v, err := other.Get(AppSecretKey("111")); err != nil || v != "the demo profile's" {
		t.Errorf("another service's secret: %q, %v; want it kept", v, err)
	}
	if err := k.DeleteAll(); err != nil {
		t.Errorf("DeleteAll with nothing left: %v, want nil", err)
	}
}

// childKeychainProbe runs Keychain.Check (or, with keychainOpEnv set to
// "delete-all", Keychain.DeleteAll) against whatever bus the parent set and
// prints the outcome as "ok", "timeout", "nokeychain" or "other: …",
// followed by how long it took.
func childKeychainProbe() {
	start := time.Now()
	k := Keychain{Service: "LiveRoute-probe", Timeout: 500 * time.Millisecond}
	var err error
	if os.Getenv(keychainOpEnv) == "delete-all" {
		err = k.DeleteAll()
	} else {
		err = k.Check()
	}
	var verdict string
	switch {
	case err == nil:
		verdict = "ok"
	case errors.Is(err, ErrKeychainTimeout):
		verdict = "timeout"
	case errors.Is(err, ErrNoKeychain):
		verdict = "nokeychain"
	default:
		verdict = "other: " + err.Error()
	}
	fmt.Printf("%s\n%s\n%d\n", verdict, err, time.Since(start).Milliseconds())
}

// keychainOpEnv tells the probe child which Keychain call to make.
const keychainOpEnv = "LIVEROUTE_STORE_KEYCHAIN_OP"

// probeKeychainWithBus runs the probe child with busAddress as its session
// bus; godbus caches its session connection per process, hence the child.
func probeKeychainWithBus(t *testing.T, busAddress string) (verdict, message string) {
	t.Helper()
	return probeKeychainOpWithBus(t, "check", busAddress)
}

// probeKeychainOpWithBus is probeKeychainWithBus for the call op.
func probeKeychainOpWithBus(t *testing.T, op, busAddress string) (verdict, message string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=keychain-probe", keychainOpEnv+"="+op, "DBUS_SESSION_BUS_ADDRESS="+busAddress)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe child: %v\n%s", err, out)
	}
	lines := strings.SplitN(strings.TrimSpace(string(out)), "\n", 3)
	if len(lines) != 3 {
		t.Fatalf("probe child said %q", out)
	}
	return lines[0], lines[1]
}

func TestKeychainThatNeverAnswersTimesOut(t *testing.T) {
	needKeychain(t)
	for _, op := range []string{"check", "delete-all"} {
		verdict, msg := probeKeychainOpWithBus(t, op, silentBus(t))
		if verdict != "timeout" {
			t.Fatalf("%s against a silent bus: %s (%s), want timeout", op, verdict, msg)
		}
		if !strings.Contains(msg, "the system keychain did not answer") {
			t.Errorf("%s: message %q does not say the keychain did not answer", op, msg)
		}
	}
}

// silentBus is the address of a real socket that accepts connections and
// then says nothing, like a hung bus daemon.
func silentBus(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "silent-bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(held)
				return
			}
			held <- c
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for c := range held {
			c.Close()
		}
	})
	return "unix:path=" + sock
}

func TestKeychainOnUnreachableBusSaysNoKeychain(t *testing.T) {
	needKeychain(t)
	verdict, msg := probeKeychainWithBus(t, "unix:path="+filepath.Join(t.TempDir(), "no-such-bus"))
	if verdict != "nokeychain" {
		t.Fatalf("probe against an unreachable bus: %s (%s), want nokeychain", verdict, msg)
	}
	if !strings.Contains(msg, "install and unlock gnome-keyring or KWallet") {
		t.Errorf("message %q does not say how to fix it", msg)
	}
}

func TestKeychainOnBusWithoutSecretServiceSaysNoKeychain(t *testing.T) {
	needKeychain(t)
	// A real session bus with no Secret Service on it and no service
	// folders, so nothing can be activated to answer.
	dir := t.TempDir()
	config := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(config, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+filepath.Join(dir, "bus")+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+config, "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	buf := make([]byte, 512)
	n, err := out.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	verdict, msg := probeKeychainWithBus(t, strings.TrimSpace(string(buf[:n])))
	if verdict != "nokeychain" {
		t.Fatalf("probe against a bus without a Secret Service: %s (%s), want nokeychain", verdict, msg)
	}
}

func TestKeychainErrorsNeverRepeatTheSecret(t *testing.T) {
	const secret = "EAAGsecretThatMustNotLeak"
	cases := []struct {
		name  string
		cause error
		is    error
	}{
		{"refusal echoing the value", errors.New("org.freedesktop.Secret.Error: cannot store " + secret), nil},
		{"bus gone", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connection refused " + secret)}, ErrNoKeychain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := classifyKeychainError(tc.cause, secret)
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q repeats the secret", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
		})
	}
}
