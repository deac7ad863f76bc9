// Package remote is service.API over the control socket: the tray agent
// (the process that owns the database, the keychain, the engine and the
// login's loopback listener) serves it with Server, and the Fyne window,
// a second process of the same binary started on demand, reaches it with
// Client. The window then costs nothing while it is closed, and killing it
// never stops sharing.
//
// # Use
//
// In the agent, beside the rest of its control backend:
//
//	srv := remote.NewServer(svc)   // svc: the agent's *service.Service
//	defer srv.Close()
//	go ctl.Serve(ctx, control.Backend{DB: svc.DB, ..., Session: srv.Serve})
//	srv.Show("reconnect")          // the tray's "Reset connection…"; srv.Windows() == 0: start a window
//
// In the window process:
//
//	api, err := remote.Dial(ctx, paths) // control.ErrNotRunning: no agent runs
//	defer api.Close()
//	// api is the window's service.API; <-api.Done(): the agent quit, so
//	// quit too; api.ShowRequests(): come to the front ("" or "reconnect").
//
// Closing the control socket (control.Server.Close) or cancelling the
// context of its Serve ends every window session.
//
// # Session
//
// The window dials the control socket (mode 0600 in a 0700 folder: the
// kernel's permission check is the authentication, see package control)
// and asks for control.CmdWindowSession. After the OK response the
// connection is a session of newline-delimited JSON in both directions,
// many calls in flight at once. A message is a header line and, when it
// has a body, the body's JSON on the next line; the header gives the
// body's size, so a large body (an export, an import, the history) is
// read in one piece and parsed once. A body is at most 64 MiB.
//
//	→ {"kind":"hello","size":1}                    the protocol version
//	  1
//	← {"kind":"hello","size":1}
//	  1
//	→ {"kind":"call","id":7,"method":"Routes"}     a service.API method by its Go name
//	← {"kind":"reply","id":7,"size":1234}          its answer (the body) and/or its "error"
//	  [{"id":"k3j5h2gq",...}]
//	→ {"kind":"cancel","id":7}                     the window's context ended
//	→ {"kind":"call","id":8,"method":"Subscribe","size":21}
//	  {"Sub":9,"Buffer":64}
//	← {"kind":"event","id":9,"size":180}           subscription 9's next event
//	  {"type":"StateChanged","event":{...}}
//	→ {"kind":"ack","id":9}                        the window took it: send the next
//	→ {"kind":"unsubscribe","id":9}
//	← {"kind":"callback","id":10,"seq":1,"method":"paste","size":95}   Connect's callbacks
//	  {"LoginURL":"https://www.facebook.com/v27.0/dialog/oauth?...","Problem":null}
//	→ {"kind":"answer","id":10,"seq":1,"size":64}  the paste-back's answer
//	  "https://www.facebook.com/connect/login_success.html#code=..."
//	← {"kind":"show","size":11}                    bring a window to the front
//	  "reconnect"
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
