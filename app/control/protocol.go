package control

import (
	"encoding/json"
	"errors"
)

// Request is one line a client sends on the control socket.
type Request struct {
	// Token authenticates the client where the endpoint is a loopback TCP
	// port (Windows); empty on a Unix socket, whose mode is the guard.
	Token string          `json:"token,omitempty"`
	Cmd   string          `json:"cmd"`
	Args  json.RawMessage `json:"args,omitempty"`
}

// Response is the one line the server answers with.
type Response struct {
	OK    bool            `json:"ok"`
	Error string          `json:"error,omitempty"`
	Code  string          `json:"code,omitempty"` // see the Code constants
	Data  json.RawMessage `json:"data,omitempty"`
}

// Error codes of a failed Response.
const (
	CodeInvalid    = "invalid"     // the request or its arguments are wrong
	CodeNotFound   = "not_found"   // the named route, page, ... does not exist
	CodeNotRunning = "not_running" // the command needs the running app
	CodeFailed     = "failed"      // the command ran and failed
)

// The commands of the protocol.
const (
	CmdShow         = "show"
	CmdStatus       = "status"
	CmdRoutesList   = "routes.list"
	CmdRoutesAdd    = "routes.add"
	CmdRoutesRemove = "routes.remove"
	CmdCheck        = "check"
	CmdPause        = "pause"
	CmdResume       = "resume"
	CmdPagesAdd     = "pages.add"
	CmdHistory      = "history"
	CmdExport       = "export"
	CmdImport       = "import"
	// CmdImportLoginChanges lists, without writing, the login settings an
	// import of the file would change (ImportArgs.Data; answers
	// []SettingChange), so the person sees them before taking them.
	CmdImportLoginChanges = "import.login_changes"
	CmdGroupsAdd          = "groups.add"
	CmdGroupsList         = "groups.list"
	CmdGroupsShared       = "groups.shared"
	CmdSharesShared       = "shares.shared"
	CmdSharesAgain        = "shares.again"
	// CmdWindowSession turns the connection into a window session: after
	// an OK response the connection belongs to Backend.Session (package
	// app/remote speaks on it) until either end closes it.
	CmdWindowSession = "window-session"
)

// ErrAlreadyRunning is returned by Acquire and Listen when another LiveRoute
// of the same profile owns the control socket.
var ErrAlreadyRunning = errors.New("LiveRoute is already running")

// ErrNotRunning is returned by Call when no LiveRoute listens.
var ErrNotRunning = errors.New("LiveRoute is not running")

// Error is a failed command: Code says what kind of failure, Message is a
// sentence for a person.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

func errorf(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// errNeedsApp is the answer to an engine command when the app is stopped.
var errNeedsApp = errorf(CodeNotRunning, "LiveRoute is not running; start it with `liveroute` (or `liveroute run --headless`) and try again")

// maxLine bounds one protocol line, so a confused client cannot make the
// app buffer without end. It is sized for the largest answers and requests
// a person can make: an import file may be 16 MiB (store's limit), and a
// history of the 5000 activities the store keeps, or an export, runs to
// several MiB. A 1 MiB bound once broke them only while the app ran.
const maxLine = 64 << 20
