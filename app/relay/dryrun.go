package relay

import (
	"context"
	"fmt"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Plan is what a route would do if its source went live now. DryRun makes
// it without posting anything.
type Plan struct {
	Route  store.Route
	Video  fbclient.LiveVideo // the source's current live, or a sample when none is on
	Sample bool               // Video is a sample: the source is not live
	Steps  []PlanStep

	// SourceProblem is why the source can never start a share ("" when it
	// can), as the engine's source state says.
	SourceProblem string
}

// PlanStep is one destination of a dry run.
type PlanStep struct {
	DestinationID string
	Name          string
	Mode          store.Mode // what would happen: post, crosspost, or assisted (by the person)
	Message       string     // the rendered message
	Problem       string     // why it would not be shared, "" when it would
}

// DryRun shows what routeID would share, to where and with which message.
// It reads the source's live videos once (unless paused or throttled) and
// posts nothing.
func (e *Engine) DryRun(ctx context.Context, routeID string) (Plan, error) {
	r, ok, err := e.cfg.Store.Route(routeID)
	if err != nil {
		return Plan{}, fmt.Errorf("read route %s: %w", routeID, err)
	}
	if !ok {
		return Plan{}, fmt.Errorf("the route %s does not exist; it may have been deleted", routeID)
	}
	if err := e.load(); err != nil {
		return Plan{}, err
	}
	plan := Plan{Route: r, Sample: true, Video: fbclient.LiveVideo{ID: "sample", Status: "LIVE",
		Title: "Sample live title", Description: "Sample live description", PermalinkURL: "https://www.facebook.com/" + r.SourceID + "/videos/sample"}}

	e.mu.Lock()
	paused := e.machine.paused
	key := store.PageTokenKey(r.SourceID)
	graphID := r.SourceID
	if r.SourceKind == store.SourceProfile {
		key, graphID = store.UserTokenKey(e.account.UserID), "me"
	}
	e.mu.Unlock()
	if !paused && !e.pacer.until().After(e.cfg.Clock.Now()) {
		if tok, err := e.token(key); err == nil {
			videos, err := e.cfg.Graph.LiveVideos(ctx, tok, graphID)
			e.afterCall(ctx, err)
			for _, v := range videos {
				if v.IsLive() {
					plan.Video, plan.Sample = v, false
					break
				}
			}
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	plan.SourceProblem = UnsupportedSourceReason(r.SourceKind)
	if s, watched := e.sources[r.SourceID]; watched {
		if state, why := s.stateLocked(); state == SourceUnsupported {
			plan.SourceProblem = why
		} else {
			plan.SourceProblem = ""
		}
	}
	for _, t := range r.Targets {
		d, known := e.dests[t.DestinationID]
		st := PlanStep{DestinationID: t.DestinationID, Name: nameOf(d), Mode: store.ShareMode(t.Mode, d.Kind)}
		j := &job{target: t, dest: d, video: plan.Video, sourceName: r.SourceName}
		st.Message = e.message(j)
		switch {
		case !known:
			st.Name = t.DestinationID
			st.Problem = "This destination is no longer known; reconnect or remove it from the route."
		case d.Status != store.StatusOK:
			st.Problem = flagSentence(d)
		case !r.Enabled:
			st.Problem = "The route is turned off."
		}
		if why, dead := e.dead[store.PageTokenKey(t.DestinationID)]; dead && st.Problem == "" && st.Mode != store.ModeAssisted {
			st.Problem = why
		}
		if err := Validate(t.Message); err != nil && st.Problem == "" {
			st.Problem = err.Error()
		}
		plan.Steps = append(plan.Steps, st)
	}
	return plan, nil
}
