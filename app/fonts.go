package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// WarmFonts loads the fonts the window measures its text with on another
// goroutine, so that work (parsing the theme's fonts, scanning the
// system's for the person's language: the largest part of opening the
// window after the GL context) runs while the window process connects
// to the agent and asks for its data. The returned wait must be called
// before the window measures any text: Fyne's font faces are not safe
// for use from two goroutines at once. Call it after the Fyne app exists.
func WarmFonts() (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			fyne.MeasureText("LiveRoute", theme.TextSize(), style)
		}
	}()
	return func() { <-done }
}
