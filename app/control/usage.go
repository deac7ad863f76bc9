package control

// The --help texts. Each says what the command does, its arguments, and
// what it needs (the running app or not).

// Usage returns the top-level help, for `liveroute help`, `liveroute
// --help` and a command line main.go cannot read.
func Usage() string { return mainUsage }

const mainUsage = `LiveRoute shares each of your Facebook live videos to every Page and Group of its route.

Usage:
  liveroute [--demo] [--minimised]     start the app (the window and tray),
                                       or show the window of the running one
  liveroute [--demo] COMMAND [ARGS]    control it from a terminal
  liveroute relay-page                 print the HTTPS relay page for a published Meta app
  liveroute --version                  print the version

Flags:
  --demo        run against a built-in fake Facebook, in a separate demo profile
  --minimised   start in the tray without showing the window

Commands:
  status                    show whether LiveRoute runs and how the account is
  routes list|add|remove    show and change routes
  check                     check the Facebook connection now
  pause [DURATION]          stop sharing for a while
  resume                    share again
  connect --app-id ID       connect your Facebook account
  pages add ID|URL          add a Page that Facebook's login did not list
  groups add|list|shared    add a Facebook group by its address, list groups,
                            mark a group share done
  shares shared|again       settle a share LiveRoute could not confirm
  history                   show what LiveRoute did
  export FILE | import FILE move routes and settings to another computer
  run --headless            run without a desktop, logging instead of a tray
  install                   install LiveRoute for this user, starting at login
  uninstall [--purge]       remove it again
  help [COMMAND]            show this help, or a command's

Commands talk to the running LiveRoute; when it is not running, status,
routes, check, pages, groups, shares, history, export and import work on
its database directly.
Run 'liveroute COMMAND --help' for a command's details; the README's
"From a terminal" section has examples.

Environment:
  LIVEROUTE_FACEBOOK_URL, LIVEROUTE_GRAPH_URL
                talk to another Facebook (such as the fakefb test server)
                instead of www.facebook.com and graph.facebook.com

Exit status: 0 done, 1 the command failed, 2 the command line was wrong
(nothing was changed).
`

const statusUsage = `Usage: liveroute status [--json]

Shows whether LiveRoute is running, the health of the Facebook connection,
the connected account and how many routes and destinations there are.

  --json    print the status as JSON, whose fields stay stable (see
            "From a terminal" in the README)
`

const routesListUsage = `Usage: liveroute routes list [--json]

Lists every route: the source it watches and where it shares.

  --json    print the routes as a JSON array
`

const routesAddUsage = `Usage: liveroute routes add --source ID --to ID[,ID...] [--name NAME] [--message TEMPLATE] [--mode post|crosspost] [--json]

Adds a route: when the source goes live, share the video to each destination.

  --name NAME         how LiveRoute shows the route, such as "Sunday service"
  --source ID         the Page you go live on (your profile's ID or me is
                      accepted, with a warning: Facebook does not let apps
                      see live videos on a personal profile)
  --to ID,ID          the Pages and groups to share to ('liveroute routes
                      list' and 'liveroute groups list' show their IDs);
                      groups are always assisted shares, as Facebook lets
                      no app post to them
  --message TEMPLATE  the text of the post
  --mode MODE         how to share to the Pages: post (a link post, the
                      default) or crosspost (for Pages with a crossposting
                      relationship)
  --json              print the new route as JSON
`

const routesRemoveUsage = `Usage: liveroute routes remove ID

Removes the route ID ('liveroute routes list' shows IDs). What it already
shared stays in the history.
`

const checkUsage = `Usage: liveroute check [--json]

Asks Facebook now whether the connection works and whether LiveRoute may
post to every destination of your routes, and prints the result. Works on
a stopped LiveRoute too: it checks the saved connection without sharing.
`

const pauseUsage = `Usage: liveroute pause [DURATION] [--json]

Stops sharing for DURATION (like 30m, 2h or 1h30m, at most 30 days: 720h),
or until 'liveroute resume' without one. Needs the running LiveRoute.
`

const resumeUsage = `Usage: liveroute resume [--json]

Ends a pause: sharing starts again. Needs the running LiveRoute.
`

const connectUsage = `Usage: liveroute connect --app-id ID [--config-id ID] [--via loopback|paste|relay=URL] [--port N] [--pkce]

Connects your Facebook account through your own Meta app. The App secret is
read from standard input, or asked for without echo on a terminal; it is
never taken as an argument, where others could read it.

  --app-id ID       the App ID (App settings → Basic)
  --config-id ID    the Facebook Login for Business configuration ID
  --via loopback    log in through a local address (Meta app in Development mode)
  --via paste       print the login address and read back the one you land on
  --via relay=URL   log in through your HTTPS relay page
  --port N          the port of the local address Facebook returns to,
                    http://localhost:N/callback (default 28761, remembered);
                    register that exact address under Valid OAuth Redirect
                    URIs in your Meta app
  --pkce            log in with OpenID Connect and PKCE (adds the openid
                    scope); Facebook keeps PKCE only for such logins, so it
                    cannot be used with --config-id; leave it out unless you
                    know your app needs it

Example:
  secret-tool lookup service my-meta-app | liveroute connect --app-id 1234567890
`

const pagesAddUsage = `Usage: liveroute pages add ID|URL [--json]

Adds a Page you manage that Facebook's login did not list (for example one
managed through a business portfolio), by its ID or facebook.com address.
`

const groupsAddUsage = `Usage: liveroute groups add URL [--name NAME] [--json]

Adds a Facebook group that routes can share to, by its address as the
browser shows it (https://www.facebook.com/groups/yourgroup). Facebook lets
no app post to groups: when a live starts, LiveRoute lists the group's share
in its window and you finish it with one click.

  --name NAME   how LiveRoute shows the group (default: the name in the address)
  --json        print the group as JSON
`

const groupsListUsage = `Usage: liveroute groups list [--json]

Lists the groups routes can share to, with the IDs 'routes add --to' takes.

  --json    print the groups as a JSON array
`

const groupsSharedUsage = `Usage: liveroute groups shared ROUTE_ID VIDEO_ID GROUP_ID

Records that you shared a live video to a group yourself, as the window's
"Mark shared" does. 'liveroute history' lists the group shares waiting for
you, each with this command and its IDs.
`

const sharesSharedUsage = `Usage: liveroute shares shared VIDEO_ID PAGE_ID

When LiveRoute could not confirm a share (Facebook did not answer, and
looking for the post on the Page failed), it asks you to check the Page.
If the post is there, this records it as shared, as the window's "Mark
shared" does. 'liveroute history' lists these shares with their IDs.
`

const sharesAgainUsage = `Usage: liveroute shares again VIDEO_ID PAGE_ID

When LiveRoute could not confirm a share and the post is not on the Page,
this shares it again (once, without looking first), as the window's "Share
again" does. A stopped LiveRoute shares it when it starts.
`

const historyUsage = `Usage: liveroute history [--limit N] [--json]

Shows what LiveRoute did, newest first, with the group shares waiting for
you and those you finished.

  --limit N   show at most N entries (default 50; 0 shows everything)
  --json      print the entries as a JSON array
`

const exportUsage = `Usage: liveroute export FILE

Writes your routes, Pages, groups and settings to FILE as JSON, to move them
to another computer ("-" writes to standard output). The file holds no
token and no secret: after an import, connect Facebook again.
`

const importUsage = `Usage: liveroute import FILE [--with-login-settings] [--json]

Reads routes, Pages, groups and settings written by liveroute export. Routes
with the same ID are replaced; nothing else is removed. A file that is not
a LiveRoute export changes nothing.

This computer's login settings (App ID, Configuration ID, login transport,
relay page address, PKCE, loopback port, Graph API version) are kept, and
the output lists those the file has different; --with-login-settings takes
the file's.
`

const runUsage = `Usage: liveroute run --headless

Runs LiveRoute without a desktop, for an always-on machine: the same sharing,
with log lines instead of a tray and notifications. Stop it with Ctrl-C or
SIGTERM. Other commands reach it as they reach the desktop app.
`

const installUsage = `Usage: liveroute install

Installs this program for the current user, without administrator rights,
with a menu entry and an icon, and starts it at login. Running it again
repairs the installation. It prints every file it writes.
`

const uninstallUsage = `Usage: liveroute uninstall [--purge]

Removes what 'liveroute install' wrote, and the start at login.

  --purge   also delete your routes, history, logs and the secrets in the
            system keychain (quit LiveRoute first)
`

var groupUsage = map[string]string{
	"routes": "Usage: liveroute routes list|add|remove\n\n" +
		"  list     list the routes\n  add      add a route\n  remove   remove a route\n\n" +
		"Run 'liveroute routes <subcommand> --help' for details.\n",
	"pages": "Usage: liveroute pages add ID|URL\n\n" +
		"  add      add a Page by ID or address\n\n" +
		"Run 'liveroute pages add --help' for details.\n",
	"shares": "Usage: liveroute shares shared|again VIDEO_ID PAGE_ID\n\n" +
		"  shared   the post is on the Page: record it as shared\n" +
		"  again    the post is not there: share it again\n\n" +
		"Run 'liveroute shares <subcommand> --help' for details.\n",
	"groups": "Usage: liveroute groups add|list|shared\n\n" +
		"  add      add a group by its address\n  list     list the groups\n" +
		"  shared   mark a group share done\n\n" +
		"Run 'liveroute groups <subcommand> --help' for details.\n",
}
