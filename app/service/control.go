package service

import (
	"context"
	"errors"
	"time"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
)

// ControlBackend is what the control socket runs commands on: this
// profile's database and engine. show brings the window to the front; nil
// for a headless run.
func (s *Service) ControlBackend(show func() error) control.Backend {
	return control.Backend{
		DB:     s.DB,
		Engine: controlEngine{s: s, show: show},
		App:    s.ControlApp(),
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
	st := c.s.Engine.Status() // once: the state and the live sources agree
	h := c.s.controlHealthAt(st)
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
	if c.s.KeychainProblem() != nil {
		return c.s.controlHealth(), nil // nothing can connect: no token to ask Facebook about
	}
	if err := c.s.Engine.Rebind(ctx); err != nil {
		return control.Health{}, err
	}
	h := c.s.controlHealth()
	var err error
	h.DestinationProblems, err = c.s.destinationProblems(ctx)
	return h, err
}

func (c controlEngine) Pause(_ context.Context, d time.Duration) (control.Health, error) {
	c.s.Engine.Pause(d)
	return c.s.controlHealth(), nil
}

func (c controlEngine) Resume(context.Context) (control.Health, error) {
	c.s.Engine.Resume()
	return c.s.controlHealth(), nil
}

// controlHealth is the window's Health in the control protocol's words.
func (s *Service) controlHealth() control.Health { return s.controlHealthAt(s.Engine.Status()) }

// controlHealthAt is controlHealth from one reading st of the engine.
func (s *Service) controlHealthAt(st relay.Status) control.Health {
	return ControlHealthOf(s.healthAt(st), st)
}

var errHeadless = errors.New("LiveRoute runs headless here: there is no window to show")
