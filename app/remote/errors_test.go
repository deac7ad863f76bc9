package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/app/service"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// TestEverySentinelErrorKeepsItsIdentity reads the source of every
// package under the service for exported Err variables: each must be in
// sentinels, or the window's errors.Is would quietly fail across the
// socket.
func TestEverySentinelErrorKeepsItsIdentity(t *testing.T) {
	dirs := map[string]string{"store": "../../store", "service": "../service", "fbclient": "../../fbclient",
		"relay": "../relay", "control": "../control"}
	for pkg, dir := range dirs {
		for _, name := range exportedErrVars(t, dir) {
			if sentinels[pkg+"."+name] == nil {
				t.Errorf("%s.%s is not in sentinels: errors.Is would not find it through the socket", pkg, name)
			}
		}
	}
}

func exportedErrVars(t *testing.T, dir string) []string {
	return declaredNames(t, dir, token.VAR, func(name string) bool { return strings.HasPrefix(name, "Err") })
}

// declaredNames lists the names that package dir's non-test files declare
// with tok (var or type) and keep accepts.
func declaredNames(t *testing.T, dir string, tok token.Token, keep func(string) bool) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var names []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != tok {
				continue
			}
			for _, spec := range gen.Specs {
				var ids []*ast.Ident
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					ids = spec.Names
				case *ast.TypeSpec:
					ids = []*ast.Ident{spec.Name}
				}
				for _, id := range ids {
					if keep(id.Name) {
						names = append(names, id.Name)
					}
				}
			}
		}
	}
	return names
}

// errorsThatCross are the errors the window inspects, bare and wrapped.
func errorsThatCross() map[string]error {
	fbErr := &fbclient.Error{HTTPStatus: 400, Code: 190, Subcode: 460, Type: "OAuthException",
		Message: "Error validating access token", FBTraceID: "Ab12"}
	cases := map[string]error{
		"a bare sentinel":               store.ErrNotUnconfirmed,
		"a wrapped sentinel":            fmt.Errorf("mark shared: %w", store.ErrNotUnconfirmed),
		"the context's cancel":          context.Canceled,
		"a wrapped cancel":              fmt.Errorf("login: %w", context.Canceled),
		"a deadline":                    fmt.Errorf("check: %w", context.DeadlineExceeded),
		"a denied login":                fbclient.ErrLoginDenied,
		"a wrapped login error":         fmt.Errorf("connect: %w", fbclient.ErrLoginTimeout),
		"a bad paste":                   &fbclient.PasteError{Problem: "Copy the whole address from the address bar."},
		"a busy port":                   fmt.Errorf("start the login: %w", &fbclient.PortBusyError{Port: 28761}),
		"an invalid port":               &fbclient.PortBusyError{Port: 99999, Invalid: true},
		"a dialog error":                &fbclient.DialogError{Code: "server_error", Reason: "x", Description: "Try later"},
		"a Facebook error":              fmt.Errorf("debug_token: %w", fbErr),
		"an ambiguous write":            &fbclient.Error{HTTPStatus: 502, Ambiguous: true, Transient: true},
		"a rate limit":                  &fbclient.Error{Code: 4, Message: "Application request limit reached"},
		"a template error":              fmt.Errorf("save the route: %w", &relay.TemplateError{Offset: 3, Msg: "{titel} is not a placeholder"}),
		"a route error":                 fmt.Errorf("route: %w", &relay.RouteError{NotFound: true, Message: "LiveRoute does not know the Page 999"}),
		"a control error":               &control.Error{Code: control.CodeNotFound, Message: "there is no route \"x\""},
		"the window's sentinel":         fmt.Errorf("reconnect: %w", service.ErrNoSavedSecret),
		"two sentinels":                 errors.Join(service.ErrWrongSecret, store.ErrNoKeychain),
		"no answer from Facebook":       fmt.Errorf("verify the app: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}),
		"an error the window knows not": errors.New("something else went wrong"),
	}
	refused := &fbclient.RefusedError{Message: "Invalid redirect_uri", Code: 191}
	cases["a refusal"] = fmt.Errorf("connect: %w", refused)
	return cases
}

func TestErrorsKeepTheirSentenceAndWhatTheWindowTestsFor(t *testing.T) {
	for name, err := range errorsThatCross() {
		t.Run(name, func(t *testing.T) {
			sameError(t, err, overTheWire(t, err))
		})
	}
}

func TestTypedErrorsKeepTheirFields(t *testing.T) {
	got := overTheWire(t, fmt.Errorf("connect: %w", &fbclient.PortBusyError{Port: 28761}))
	var busy *fbclient.PortBusyError
	if !errors.As(got, &busy) || busy.Port != 28761 {
		t.Fatalf("a busy port through the socket: %v (%#v)", got, busy)
	}
	got = overTheWire(t, fmt.Errorf("route: %w", &relay.RouteError{NotFound: true, Message: "LiveRoute does not know the Page 999"}))
	var re *relay.RouteError
	if !errors.As(got, &re) || !re.NotFound {
		t.Fatalf("a route error through the socket: %v (%#v)", got, re)
	}
	got = overTheWire(t, &fbclient.Error{Code: 190, Subcode: 460, Message: "Error validating access token"})
	var fe *fbclient.Error
	if !errors.As(got, &fe) || fe.Reason() != "Your Facebook password changed — reconnect to resume sharing." {
		t.Fatalf("a Facebook error through the socket: %v (%#v)", got, fe)
	}
}

func TestABareSentinelComesBackAsItself(t *testing.T) {
	for _, err := range []error{store.ErrNotUnconfirmed, context.Canceled, fbclient.ErrLoginDenied} {
		if got := overTheWire(t, err); got != err {
			t.Errorf("%v came back as %#v", err, got)
		}
	}
}

func overTheWire(t *testing.T, err error) error {
	t.Helper()
	data, jerr := json.Marshal(encodeError(err))
	if jerr != nil {
		t.Fatal(jerr)
	}
	var w *wireError
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w.decode()
}

// TestEveryTypedErrorOfTheUseCasesCrosses: each exported …Error type of
// the packages whose use cases the window calls (app/relay, app/control)
// is a field of wireError, so errors.As finds it in the window too.
// (store's NewerDatabaseError and CorruptError happen when the agent opens
// its database, before any window.)
func TestEveryTypedErrorOfTheUseCasesCrosses(t *testing.T) {
	carried := map[string]bool{}
	wt := reflect.TypeOf(wireError{})
	for i := range wt.NumField() {
		carried[wt.Field(i).Type.String()] = true
	}
	for pkg, dir := range map[string]string{"relay": "../relay", "control": "../control"} {
		for _, name := range exportedErrorTypes(t, dir) {
			if !carried["*"+pkg+"."+name] {
				t.Errorf("%s.%s is not carried by wireError: errors.As would not find it through the socket", pkg, name)
			}
		}
	}
}

func exportedErrorTypes(t *testing.T, dir string) []string {
	return declaredNames(t, dir, token.TYPE, func(name string) bool {
		return ast.IsExported(name) && strings.HasSuffix(name, "Error")
	})
}
