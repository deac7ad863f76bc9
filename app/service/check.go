package service

import (
	"context"

	"github.com/liveroute/liveroute/app/control"
	"github.com/liveroute/liveroute/app/relay"
)

// CheckSetup asks Facebook about the saved connection (debug_token of the
// user token) and every destination of the routes (debug_token of its Page
// token) without starting the engine, for `liveroute check` on a stopped
// app. It answers in the shape of the running app's check.
//
// debug_token tells whether a token is valid, when it expires and what it
// may do: https://developers.facebook.com/docs/graph-api/reference/debug_token
func (s *Service) CheckSetup(ctx context.Context) (control.Health, error) {
	if err := s.KeychainProblem(); err != nil {
		return ControlHealthOf(KeychainHealth(err), s.Engine.Status()), nil // first, as in the window
	}
	conn, err := s.CheckConnection(ctx)
	if err != nil {
		return control.Health{}, err
	}
	if !conn.Connected {
		return control.NotConnectedHealth(false), nil // no token to check the Pages with
	}
	// Facebook's answer just now is the state a running engine would hold
	// after its own check: the running app's words for it, one rule.
	st := conn.engineState()
	h := ControlHealthOf(StateHealth(st), relay.Status{Running: true, State: st})
	h.DestinationProblems, err = s.destinationProblems(ctx)
	return h, err
}

// destinationProblems are the routes' destinations LiveRoute cannot share
// to, from VerifyDestinations.
func (s *Service) destinationProblems(ctx context.Context) ([]control.DestinationProblem, error) {
	dests, err := s.VerifyDestinations(ctx)
	if err != nil {
		return nil, err
	}
	var out []control.DestinationProblem
	for _, d := range dests {
		if !d.OK {
			out = append(out, control.DestinationProblem{DestinationID: d.ID, Name: d.Name, Reason: d.Problem})
		}
	}
	return out, nil
}
