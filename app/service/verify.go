package service

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// ConnectionCheck is the connection as Facebook sees it right now.
type ConnectionCheck struct {
	Connected bool   // an account is bound
	Healthy   bool   // the user token is valid and not about to end
	Expiring  bool   // the user token is valid but ends soon (Reason says when)
	Reason    string // why not, as a sentence with the fix; "" when healthy
	Subcode   int    // Facebook's error_subcode for a dead token (0: none given)
	// TokenMissing: the keychain no longer holds the connection's token,
	// so Facebook was not asked and did not end anything.
	TokenMissing bool
	ExpiresAt    time.Time
}

// CheckConnection asks Facebook (debug_token) whether the connected
// account's token still works. An error means Facebook could not be asked.
func (s *Service) CheckConnection(ctx context.Context) (ConnectionCheck, error) {
	acct, ok, err := s.DB.Account()
	if err != nil {
		return ConnectionCheck{}, err
	}
	if !ok {
		return ConnectionCheck{Reason: "No Facebook account is connected yet: connect one to start sharing."}, nil
	}
	tok, err := s.Secrets.Get(store.UserTokenKey(acct.UserID))
	if errors.Is(err, store.ErrSecretNotFound) {
		return ConnectionCheck{Connected: true, TokenMissing: true,
			Reason: "LiveRoute's Facebook connection is missing from the keychain: reconnect to resume sharing."}, nil
	}
	if err != nil {
		return ConnectionCheck{}, err
	}
	// debug_token says whether a token is valid and why not:
	// https://developers.facebook.com/docs/graph-api/reference/debug_token
	info, err := s.graph.DebugToken(ctx, fbclient.Token(tok))
	if err != nil {
		return ConnectionCheck{}, err
	}
	check := ConnectionCheck{Connected: true, ExpiresAt: earliestOf(info.ExpiresAt, info.DataAccessExpiresAt)}
	// The engine's rule on debug_token's expiry, not the engine's state: a
	// stopped engine holds none. time.Now is the engine's clock (RealClock).
	expiry := relay.ExpiryState(check.ExpiresAt, time.Now())
	switch {
	case !info.Valid && info.Error != nil:
		check.Reason, check.Subcode = info.Error.Reason(), info.Error.Subcode
	case !info.Valid:
		check.Reason = "Facebook ended this session — reconnect to resume sharing."
	case expiry.Kind == relay.Expiring:
		check.Expiring = true
		check.Reason = "Your connection ends on " + check.ExpiresAt.Local().Format("Mon 2 Jan") + ": renew it now to keep sharing."
	case expiry.Kind == relay.NeedsReconnect:
		check.Reason = expiry.Reason
	default:
		check.Healthy = true
	}
	return check, nil
}

// engineState is the engine's state this check stands for, had the engine
// just asked Facebook: CheckSetup reads it as the running app's check does.
func (c ConnectionCheck) engineState() relay.State {
	switch {
	case c.Healthy:
		return relay.State{Kind: relay.Healthy}
	case c.Expiring:
		return relay.ExpiryState(c.ExpiresAt, time.Now())
	}
	return relay.State{Kind: relay.NeedsReconnect, Reason: c.Reason}
}

// DestinationHealth is one destination of a route, checked without posting.
type DestinationHealth struct {
	ID, Name string
	Group    bool   // shared by the person: Facebook lets no app post to groups
	OK       bool   // the token is valid, LiveRoute may post, and is not throttled
	Problem  string // the exact problem and its fix; "" when OK
}

// VerifyDestinations checks every destination that a route uses: its Page
// token is valid, carries the permission to post, the person may create
// content on the Page, and Facebook is not throttling it. Nothing is posted.
func (s *Service) VerifyDestinations(ctx context.Context) ([]DestinationHealth, error) {
	routes, err := s.DB.Routes()
	if err != nil {
		return nil, err
	}
	var out []DestinationHealth
	seen := map[string]bool{}
	for _, r := range routes {
		for _, t := range r.Targets {
			if seen[t.DestinationID] {
				continue
			}
			seen[t.DestinationID] = true
			h, err := s.verifyDestination(ctx, t.DestinationID)
			if err != nil {
				return out, err
			}
			out = append(out, h)
		}
	}
	return out, nil
}

func (s *Service) verifyDestination(ctx context.Context, id string) (DestinationHealth, error) {
	d, ok, err := s.DB.Destination(id)
	if err != nil {
		return DestinationHealth{}, err
	}
	h := DestinationHealth{ID: id, Name: d.Name}
	if h.Name == "" {
		h.Name = id
	}
	switch {
	case !ok:
		h.Problem = "This destination is no longer known to LiveRoute: edit the route and pick it again."
		return h, nil
	case d.Kind == store.KindGroup:
		// The Groups API was removed on 2024-04-22: the person shares by hand.
		h.Group, h.OK = true, true
		return h, nil
	case d.Status != store.StatusOK:
		h.Problem = d.StatusReason
		if h.Problem == "" {
			h.Problem = store.ReasonPageNotGranted
		}
		return h, nil
	}
	tok, err := s.Secrets.Get(store.PageTokenKey(id))
	if errors.Is(err, store.ErrSecretNotFound) {
		h.Problem = store.ReasonNoPageAccess
		return h, nil
	}
	if err != nil {
		return h, err
	}
	info, err := s.graph.DebugToken(ctx, fbclient.Token(tok))
	if err != nil {
		return h, err
	}
	h.Problem = pageProblem(d, info, s.graph.Usage())
	h.OK = h.Problem == ""
	return h, nil
}

// pageProblem is what stops LiveRoute from posting to d, or "".
func pageProblem(d store.Destination, info fbclient.TokenInfo, usage fbclient.Usage) string {
	switch {
	case !info.Valid && info.Error != nil:
		return info.Error.Reason()
	case !info.Valid:
		return "Facebook ended LiveRoute's access to this Page: reconnect and tick it in Facebook's dialog."
	// Posting to a Page needs pages_manage_posts and the CREATE_CONTENT task:
	// https://developers.facebook.com/docs/pages-api/getting-started
	case !slices.Contains(info.Scopes, "pages_manage_posts"):
		return "You did not allow LiveRoute to post (pages_manage_posts): " + store.PagesDialogSentence + ", with every permission allowed."
	case len(d.Tasks) > 0 && !slices.Contains(d.Tasks, "CREATE_CONTENT"):
		return "Your role on this Page does not allow creating posts: ask an admin of the Page to give you full control or content access."
	// X-Business-Use-Case-Usage counts per Page, in percent of its budget:
	// https://developers.facebook.com/docs/graph-api/overview/rate-limiting
	case usage.Business[d.ID] >= 100 || usage.App >= 100:
		return "Facebook is slowing LiveRoute down for this Page; sharing resumes by itself, nothing to do."
	}
	return ""
}

func earliestOf(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
