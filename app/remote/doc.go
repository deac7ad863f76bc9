// Package remote is service.API over the control socket: the tray agent
// (the process that owns the database, the keychain, the engine and the
// login's loopback listener) serves it with Server, and the Fyne window,
// a second process of the same binary started on demand, reaches it with
// Client. The window then costs nothing while it is closed, and killing it
// never stops sharing.
//
// # Session
//
// The window dials the control socket (mode 0600 in a 0700 folder: the
// kernel's permission check is the authentication, see package control)
// and asks for control.CmdWindowSession. After the OK response the
// connection is a session: newline-delimited JSON messages in both
// directions, each at most 64 MiB (an export or an import travels in one
// message), many calls in flight at once.
//
//	→ {"kind":"hello","body":1}                              the protocol version
//	← {"kind":"hello","body":1}
//	→ {"kind":"call","id":7,"method":"Routes"}               a service.API method by its Go name
//	← {"kind":"reply","id":7,"body":[...]}                   its answer and/or its error
//	→ {"kind":"cancel","id":7}                               the window's context ended
//	→ {"kind":"call","id":8,"method":"Subscribe","body":{"sub":9,"buffer":64}}
//	← {"kind":"event","id":9,"body":{"type":"StateChanged","event":{...}}}
//	→ {"kind":"ack","id":9}                                  the window took it: send the next
//	→ {"kind":"unsubscribe","id":9}
//	← {"kind":"callback","id":10,"seq":1,"method":"paste","body":{...}}   Connect's callbacks
//	→ {"kind":"answer","id":10,"seq":1,"body":"https://..."}  a paste-back's answer
//	← {"kind":"show","body":"reconnect"}                     bring a window to the front
//
// An event waits for the previous one's ack, so a slow window leaves its
// events queued in the engine's bus, whose rule (drop the oldest event
// that is not a state change) holds as it does in one process.
//
// # Errors
//
// An error arrives with its sentence unchanged. errors.Is and errors.As
// still see what the window tests for: every sentinel listed in sentinels
// (errors.go) travels by its Go name, every fbclient.LoginError by its
// sentence, and these typed errors with their exported fields:
// *fbclient.Error, *fbclient.PasteError, *fbclient.DialogError,
// *fbclient.PortBusyError, *fbclient.RefusedError, *relay.TemplateError
// and *control.Error. An error whose only cause is the network (no answer
// from Facebook) still classifies as fbclient.ClassTransient.
//
// # Secrets
//
// The App secret of a ConnectRequest or an AppCheck, and the demo's public
// App secret, travel in the session and nowhere else: this package logs
// nothing and no error it makes quotes a message.
package remote
