package service

import (
	"context"
	"errors"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/store"
)

// ControlBackend is what the control socket runs commands on: this
// profile's database and engine. show brings the window to the front; nil
// for a headless run.
func (s *Service) ControlBackend(show func() error) control.Backend {
	return control.Backend{
		DB:     s.DB,
		Engine: controlEngine{s: s, show: show},
		AddPage: func(ctx context.Context, ref string) (store.Destination, error) {
			return s.AddPage(ctx, ref)
		},
		// One path for a mark, the window's and the command line's.
		MarkGroupShared: func(_ context.Context, key store.LedgerKey) error {
			return s.MarkAssistedDone(key)
		},
	}
}

// controlEngine answers the control socket's engine commands.
type controlEngine struct {
	s    *Service
	show func() error
}

func (c controlEngine) Show() error {
	if c.show == nil {
		return errHeadless
	}
	return c.show()
}

func (c controlEngine) Health(context.Context) (control.Health, error) {
	st := c.s.Engine.Status()
	h := healthOf(st)
	for _, src := range st.Sources {
		if len(src.Live) > 0 {
			name := src.Name
			if name == "" {
				name = src.SourceID
			}
			h.LiveSources = append(h.LiveSources, name)
		}
	}
	return h, nil
}

// Check asks Facebook now — debug_token for every token and the
// destinations — and answers once it has.
func (c controlEngine) Check(ctx context.Context) (control.Health, error) {
	if err := c.s.Engine.Rebind(ctx); err != nil {
		return control.Health{}, err
	}
	h := healthOf(c.s.Engine.Status())
	var err error
	h.DestinationProblems, err = c.s.destinationProblems(ctx)
	return h, err
}

func (c controlEngine) Pause(_ context.Context, d time.Duration) (control.Health, error) {
	c.s.Engine.Pause(d)
	return healthOf(c.s.Engine.Status()), nil
}

func (c controlEngine) Resume(context.Context) (control.Health, error) {
	c.s.Engine.Resume()
	return healthOf(c.s.Engine.Status()), nil
}

func (c controlEngine) ResolveShare(_ context.Context, key store.LedgerKey, shared bool) error {
	return c.s.ResolveShare(key, shared)
}

func (c controlEngine) RoutesChanged(context.Context) error {
	c.s.Engine.ReloadRoutes()
	return nil
}

// healthOf names the engine's state as the CLI's JSON does.
func healthOf(st relay.Status) control.Health {
	h := control.Health{Reason: st.State.Reason}
	switch st.State.Kind {
	case relay.Healthy:
		h.State = control.StateHealthy
	case relay.Expiring:
		h.State = control.StateExpiring
	case relay.NeedsReconnect:
		h.State = control.StateNeedsReconnect
	case relay.Paused:
		h.State = control.StatePaused
		if !st.State.PausedUntil.IsZero() {
			until := st.State.PausedUntil
			h.PausedUntil = &until
		}
	case relay.Offline:
		h.State = control.StateOffline
	case relay.DatabaseDamaged:
		h.State = control.StateDatabaseDamaged
	}
	if !st.Running {
		h.State = control.StateStopped
	}
	for _, src := range st.Sources {
		if src.State == relay.SourceUnsupported {
			h.SourceProblems = append(h.SourceProblems, control.SourceProblem{SourceID: src.SourceID, Name: src.Name,
				State: control.SourceUnsupported, Reason: src.Reason})
		}
	}
	return h
}

var errHeadless = errors.New("LiveRoute runs headless here: there is no window to show")
