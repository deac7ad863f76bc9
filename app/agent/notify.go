package agent

// Note is one desktop notification, with the actions it offers.
type Note struct {
	Title, Body string
	// Open is what the notification opens when clicked: "" the main
	// window, "reconnect" the reset or renew wizard.
	Open string
	// Button, when set, labels a button that opens the same (the
	// notification server may show it or not; a click on the body does
	// the same).
	Button string
	// TrayItem is the tray menu's item that does what the click does.
	// Where a notification can carry no action (macOS, Windows), a note
	// with a Button names it instead, on a line of its own (trayHint).
	TrayItem string
}

// Notifier shows desktop notifications and reports the ones clicked.
type Notifier interface {
	// Notify shows n. An error means it was not shown (no daemon).
	Notify(n Note) error
	// Opened receives a note's Open when the person clicks it or its
	// button.
	Opened() <-chan string
	// Close stops listening for clicks.
	Close() error
}
