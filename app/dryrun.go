package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// showDryRun asks the engine what route r would share if its source went
// live now — to where, with which message, and what would stop it — and
// shows the answer. Nothing is posted. The check runs off the UI goroutine
// (it may ask Facebook once).
func (v *mainView) showDryRun(r store.Route) {
	wait := dialog.NewCustomWithoutButtons("Trying the route…", widget.NewProgressBarInfinite(), v.g.win)
	wait.Show()
	go func() {
		plan, err := v.g.svc.DryRun(context.Background(), r.ID)
		fyne.Do(func() {
			wait.Hide()
			if err != nil {
				dialog.ShowError(err, v.g.win)
				return
			}
			v.dryRun = planText(plan)
			d := dialog.NewCustom("What this route would share", "Close", container.NewVScroll(wrapLabel(v.dryRun)), v.g.win)
			d.Resize(fyne.NewSize(620, 460))
			d.Show()
		})
		if v.dryRunDone != nil {
			v.dryRunDone <- err
		}
	}()
}

// planText says a dry run's plan in words: one paragraph per destination.
func planText(p relay.Plan) string {
	var b strings.Builder
	if p.SourceProblem != "" {
		b.WriteString("⚠ " + p.SourceProblem + "\n\n")
	}
	if p.Sample {
		b.WriteString("The source is not live now, so this uses a sample live video.\n\n")
	} else {
		b.WriteString("The source is live now: “" + p.Video.Title + "”.\n\n")
	}
	for _, s := range p.Steps {
		how := "a link post"
		switch s.Mode {
		case store.ModeCrosspost:
			how = "a crosspost"
		case store.ModeAssisted:
			how = "a share you make from the share dialog"
		}
		b.WriteString(s.Name + " — " + how)
		if s.Problem != "" {
			b.WriteString("\n  ✗ Would not be shared: " + s.Problem)
		} else if s.Message != "" {
			b.WriteString("\n  Message: " + strings.ReplaceAll(s.Message, "\n", "\n  "))
		}
		b.WriteString("\n\n")
	}
	return strings.TrimSpace(b.String())
}
