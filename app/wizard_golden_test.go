package app

import (
	"fmt"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/liveroute/liveroute/fbclient/fakefb"
	"github.com/liveroute/liveroute/store"
)

// variantTheme is Fyne's default theme held to one variant, so a golden
// image does not depend on the desktop's light or dark preference.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

var goldenVariants = []struct {
	name    string
	variant fyne.ThemeVariant
}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}}

// assertStepImages compares every step of w, in both variants, with the
// images under testdata/wizard/; prepare readies step i before its capture.
func assertStepImages(t *testing.T, name string, w *wizard, prepare func(i int)) {
	t.Helper()
	for i := range w.steps {
		w.goTo(i)
		w.wait()
		if prepare != nil {
			prepare(i)
		}
		for _, v := range goldenVariants {
			fyne.CurrentApp().Settings().SetTheme(variantTheme{theme.DefaultTheme(), v.variant})
			test.AssertImageMatches(t, fmt.Sprintf("wizard/%s_step%d_%s.png", name, i+1, v.name), w.win.Canvas().Capture())
		}
	}
}

func TestSetupWizardStepsLookAsDesigned(t *testing.T) {
	s, _ := openSetup(t, setupWelcome)
	s.port = store.DefaultLoopbackPort // the image names the default address
	s.showRedirectURI()
	assertStepImages(t, "setup", s.w, nil)
	// The Meta app step is taller than the window: its end too, with the
	// buttons to the app's own pages.
	s.w.goTo(setupMetaApp)
	s.w.scroll.ScrollToBottom()
	for _, v := range goldenVariants {
		fyne.CurrentApp().Settings().SetTheme(variantTheme{theme.DefaultTheme(), v.variant})
		test.AssertImageMatches(t, "wizard/setup_step2_end_"+v.name+".png", s.w.win.Canvas().Capture())
	}
}

func TestResetWizardStepsLookAsDesigned(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	r := openReset(t, g, resetWhy)
	assertStepImages(t, "reset", r.w, func(i int) {
		switch i {
		case resetBusiness:
			r.businessDone.SetChecked(true)
		case resetReconnect:
			reconnectNow(t, r)
		}
	})
}

// A Page the reconnect did not grant: the routes step flags it, keeps it.
func TestResetWizardLostPageLooksAsDesigned(t *testing.T) {
	g, svc := newDemoGUI(t, nil)
	if err := svc.SimulatePasswordChange(); err != nil {
		t.Fatal(err)
	}
	svc.Fake().SetLoginDialog(fakefb.LoginDialog{AutoApprove: true, Pages: []string{"200000000000001", "200000000000003"}})
	r := openReset(t, g, resetReconnect)
	reconnectNow(t, r)
	r.w.goTo(resetRebind)
	r.w.wait()
	for _, v := range goldenVariants {
		fyne.CurrentApp().Settings().SetTheme(variantTheme{theme.DefaultTheme(), v.variant})
		test.AssertImageMatches(t, "wizard/reset_step4_lost_"+v.name+".png", r.w.win.Canvas().Capture())
	}
}
