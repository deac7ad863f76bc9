package service

import "github.com/liveroute/liveroute/store"

// ResolveShare settles a share the engine could not confirm, as the person
// decided after looking at the Page: shared records it as done; otherwise
// it is posted once more, without a look (at the engine's next start if it
// is stopped). store.ErrNotUnconfirmed when that share is not waiting.
// The window's "Mark shared" / "Share again" and the CLI's "shares shared"
// / "shares again" both come here.
func (s *Service) ResolveShare(key store.LedgerKey, shared bool) error {
	if shared {
		return s.Engine.MarkShared(key)
	}
	return s.Engine.ShareAgain(key)
}
