package app

import "fyne.io/fyne/v2"

// showSetupWizard opens the setup wizard.
func (g *GUI) showSetupWizard() {
	fyne.Do(func() { g.showConnection() })
}
