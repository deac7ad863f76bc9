package remote

import (
	"context"
	"errors"
)

// KeychainChecker is the part of the agent's service beyond service.API
// that only the window process asks for (*service.Service has it).
type KeychainChecker interface {
	// KeychainProblem is nil when the keychain keeps secrets.
	KeychainProblem() error
}

// agentHandlers serve what the window asks of the agent beyond
// service.API: the things one process used to hand the window at start.
var agentHandlers = map[string]handler{
	"KeychainProblem": func(_ context.Context, ss *session, _ message) (any, error) {
		k, ok := ss.api.(KeychainChecker)
		if !ok {
			return (*wireError)(nil), nil
		}
		// The problem is the answer, not a failure of the call.
		return encodeError(k.KeychainProblem()), nil
	},
}

// KeychainProblem asks the agent whether the keychain keeps secrets: nil
// when it does, else the reason, whose sentence the window shows until it
// is fixed (in one process the window got it at start). A call that fails
// (the agent quit: Done says so) answers nil, as the window is closing.
func (c *Client) KeychainProblem() error {
	problem, err := call[*wireError](c, bg, "KeychainProblem", nil)
	if err != nil {
		if !errors.Is(err, ErrAgentGone) {
			return err
		}
		return nil
	}
	return problem.decode() // nil when the keychain works

}
