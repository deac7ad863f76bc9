// Package control is LiveRoute's local control socket: it keeps one
// instance per user and profile, lets a second start bring the first one's
// window to the front, and serves the command line (`liveroute status`,
// `liveroute routes add`, ...).
//
// # Endpoint
//
// On Unix the endpoint is a Unix socket, store.Paths.SocketFile(), mode
// 0600 in a 0700 per-user runtime folder. On Windows it is a loopback TCP
// port whose address and a random 256-bit token sit in control.addr (0600)
// in that folder; every request carries the token. An flock (LockFileEx on
// Windows) on control.lock decides which process is the instance: the
// kernel frees it when a process dies, so a socket left by a crash is
// recognised as stale and replaced.
//
// # Protocol
//
// One connection carries one request line and one response line, each a
// JSON object:
//
//	→ {"cmd":"routes.add","args":{"source_id":"1","to":["2"]}}
//	← {"ok":true,"data":{...}}
//	← {"ok":false,"error":"there is no route \"x\"; ...","code":"not_found"}
//
// Commands and their args: show, status, routes.list, routes.add
// (RoutesAddArgs), routes.remove (RoutesRemoveArgs), check, pause
// (PauseArgs), resume, pages.add (PagesAddArgs), groups.add
// (GroupsAddArgs), groups.list, groups.shared (GroupsSharedArgs),
// shares.shared and shares.again (SharesArgs), history (HistoryArgs),
// export, import (ImportArgs) and import.login_changes (ImportArgs: the
// login settings the import would change, an array of SettingChange,
// nothing written; `import --with-login-settings` shows them and asks
// before importing). Codes: invalid, not_found, not_running, failed.
//
// # JSON output
//
// `--json` prints the response's data, indented. Field names are
// snake_case and stable: fields may be added, never renamed or removed.
// Times are RFC 3339 in UTC; a time that is unknown or does not apply is
// null or absent, never the zero time.
//
// status (StatusData):
//
//	{
//	  "running": true,               // false: read from the database of a stopped app
//	  "state": "healthy",            // stopped | healthy | expiring | needs_reconnect | paused | offline | database_damaged | not_connected | keychain_broken
//	  "reason": "...",               // optional: why, in words
//	  "paused_until": "...",         // optional
//	  "live_sources": ["..."],       // optional: names of the sources live right now
//	  "source_problems": [           // optional: sources of enabled routes that cannot start a share
//	    {"source_id": "...", "name": "...", "state": "unsupported", "reason": "..."}
//	  ],
//	  "account": {                   // null when no account is connected
//	    "user_id": "...", "name": "...", "app_id": "...",
//	    "expires_at": "..." | null, "data_access_expires_at": "..." | null
//	  },
//	  "routes": 2, "routes_enabled": 2,
//	  "destinations": 3, "destinations_with_problems": 0,
//	  "pages": 2, "groups": 1,       // the destinations by kind
//	  "group_shares_waiting": 1      // group shares the person has yet to finish
//	}
//
// routes list: an array of RouteData; routes add: one RouteData:
//
//	{
//	  "id": "k3j5h2gq", "name": "", "source_id": "...", "source_name": "...",
//	  "source_kind": "page" | "profile", "enabled": true,
//	  "targets": [{"destination_id": "...", "destination_name": "...",
//	               "mode": "post" | "crosspost" | "assisted",
//	               "message": "...", "delay_seconds": 0}],
//	  "created_at": "...", "updated_at": "..."
//	}
//
// import: with_login_settings takes the file's login settings only when
// login_changes, the changes the person confirmed (import.login_changes),
// are still what the file would change; otherwise nothing is imported.
//
// check, pause, resume (Health):
//
//	{"state": "paused", "reason": "...", "paused_until": "...", "checked_at": "...", "live_sources": ["..."],
//	 "source_problems": [...],                                          // as in status
//	 "destination_problems": [                                          // check only, optional
//	   {"destination_id": "...", "name": "...", "reason": "..."}]}
//
// check also runs on a stopped app (App.CheckSetup, from app/service): it
// asks Facebook about the saved connection and answers in the same shape.
// keychain_broken (the keychain cannot keep secrets, so nothing can
// connect) comes before every other state, as in the window and the tray;
// reason says how to fix it. A stopped app's status reads only the
// database and never says it (it does not probe the keychain).
//
// pages add and groups add: one PageData; groups list: an array of them:
//
//	{"id": "...", "name": "...", "kind": "page" | "group", "status": "ok", "url": "..."}
//
// history: an array of HistoryEntry, newest first — the lines of the
// window's Activity tab (service.API.History); groups shared, shares
// shared and shares again: one:
//
//	{"time": "...", "kind": "share", "message": "...",
//	 "route_id": "...", "video_id": "...", "destination_id": "...",   // ids optional
//	 "state": "assisted-open" | "assisted-done" | "unconfirmed" | ...}  // waiting shares only
package control
