package service

import (
	"context"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// LogEvents writes one log line per share event until ctx ends (the
// engine logs its state changes itself): with no window (run --headless)
// the log is how the person follows what happens, and with one it is the
// record for support.
func (s *Service) LogEvents(ctx context.Context) {
	events, cancel := s.Engine.Subscribe(256)
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			s.logEvent(ev)
		}
	}
}

func (s *Service) logEvent(ev relay.Event) {
	switch ev := ev.(type) {
	case relay.LiveDetected:
		s.log.Info("live video detected", "route", ev.RouteID, "title", ev.Video.Title, "url", ev.Video.PermalinkURL)
	case relay.ShareResult:
		name := s.destinationName(ev.Key.DestinationID)
		switch ev.State {
		case store.LedgerDone:
			s.log.Info("live video shared", "to", name, "post", ev.PostID, "video", ev.Key.VideoID)
		case store.LedgerAssistedDone:
			s.log.Info("shared to a group by hand", "to", name, "video", ev.Key.VideoID)
		case store.LedgerUnconfirmed:
			s.log.Warn("could not confirm the share: open the Page to check, then run `liveroute shares shared VIDEO PAGE` if the post is there or `liveroute shares again VIDEO PAGE` if not",
				"to", name, "video", ev.Key.VideoID, "page", ev.Key.DestinationID)
		default:
			s.log.Warn("live video not shared", "to", name, "state", string(ev.State), "reason", ev.Reason, "video", ev.Key.VideoID)
		}
	case relay.AssistedSharesPending:
		for _, a := range ev.Shares {
			s.log.Info("share to a group by hand (Facebook lets no app post there)", "group", a.Name, "open", a.ShareURL)
		}
	case relay.DestinationFlagged:
		if ev.Flag != "" {
			s.log.Warn("destination needs attention", "destination", s.destinationName(ev.DestinationID), "reason", ev.Reason)
		}
	case relay.Missed:
		s.log.Warn("live video missed: it ended before it could be shared", "to", s.destinationName(ev.Key.DestinationID), "title", ev.Video.Title)
	}
}

func (s *Service) destinationName(id string) string {
	if d, ok, err := s.DB.Destination(id); err == nil && ok && d.Name != "" {
		return d.Name
	}
	return id
}
