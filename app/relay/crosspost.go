package relay

import (
	"context"

	"github.com/liveroute/liveroute/store"
)

// sendCrossposts crossposts each job's live to its destination and
// finishes the jobs Facebook answered; it returns the jobs that should be
// shared as a link post instead.
func (e *Engine) sendCrossposts(ctx context.Context, jobs []*job) (linkPosts []*job) {
	for _, j := range jobs {
		// Crossposting is asked of the Page that owns the video.
		tok, _ := e.token(store.PageTokenKey(j.sourceID))
		id, err := e.cfg.Graph.Crosspost(ctx, tok, j.key.DestinationID, j.video.VideoID)
		e.afterCall(ctx, err)
		if err != nil {
			e.failed(ctx, j, err, true)
			continue
		}
		e.finish(j, store.LedgerDone, id, "")
	}
	return nil
}

// canCrosspost reports whether the source Page and the destination agreed
// to crosspost lives; without that the share falls back to a link post.
func (e *Engine) canCrosspost(ctx context.Context, j *job) bool {
	if j.video.VideoID == "" {
		return false
	}
	e.mu.Lock()
	partners, ok := e.partners[j.sourceID]
	e.mu.Unlock()
	if !ok {
		tok, err := e.token(store.PageTokenKey(j.sourceID))
		if err != nil {
			return false
		}
		pages, err := e.cfg.Graph.CrosspostPartners(ctx, tok, j.sourceID)
		e.afterCall(ctx, err)
		if err != nil {
			return false
		}
		partners = map[string]bool{}
		for _, p := range pages {
			partners[p.ID] = true
		}
		e.mu.Lock()
		e.partners[j.sourceID] = partners
		e.mu.Unlock()
	}
	return partners[j.key.DestinationID]
}
