// Package agent is LiveRoute when no window is open: the engine's tray
// icon and menu, the desktop notifications and the window process,
// started on demand. It imports no Fyne driver and makes no GL context, so
// idle in the tray costs what the engine costs: Fyne's driver wakes 60
// times a second even with no window shown (fyne-io/fyne#2506), and the
// window runs as a second process of the same binary that ends when it is
// closed.
//
// One event loop (Agent.Run) reads everything the agent reacts to — the
// engine's events, tray clicks, notification actions and window processes
// ending — so reading it tells what the agent can do.
package agent
