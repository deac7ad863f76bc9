// Package account binds a Facebook login to LiveRoute: who the person is,
// which Pages they granted, and every token in the keychain. The setup and
// reset wizards, the CLI's connect and --demo all go through it, so a
// reconnect always re-binds routes in place and never loses one.
package account

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Graph is what binding needs of Facebook. *fbclient.Client satisfies it.
type Graph interface {
	Me(ctx context.Context, tok fbclient.Token) (fbclient.User, error)
	Accounts(ctx context.Context, userTok fbclient.Token) ([]fbclient.Page, error)
	Page(ctx context.Context, userTok fbclient.Token, pageID string) (fbclient.Page, error)
	DebugToken(ctx context.Context, input fbclient.Token) (fbclient.TokenInfo, error)
}

// Secrets is the keychain. store.Keychain satisfies it.
type Secrets interface {
	Get(key string) (string, error)
	Set(key, value string) error
	Delete(key string) error
}

var (
	_ Graph   = (*fbclient.Client)(nil)
	_ Secrets = store.Keychain{}
)

// Binder binds logins for one Meta app.
type Binder struct {
	Graph   Graph
	DB      *store.DB
	Secrets Secrets
	AppID   string
}

// Result says what a Connect changed, for the wizard's last page.
type Result struct {
	User     fbclient.User
	Pages    []store.Destination // every Page the login granted, now usable
	Added    []string            // Page names new to LiveRoute
	Lost     []string            // Page names LiveRoute knew that this login did not grant (flagged, kept)
	Replaced string              // the name of a different account this login replaced, if any
	Declined []string            // permissions the person declined
}

// Connect stores a fresh long-lived user token: it asks Facebook who the
// person is and which Pages they granted, puts the user token and every Page
// token in the keychain, refreshes the Pages as destinations (a Page no
// longer granted is flagged StatusMissing, never deleted, so its routes
// survive), and records the account with the token's expiry.
func (b Binder) Connect(ctx context.Context, userTok fbclient.Token, declined []string) (Result, error) {
	me, err := b.Graph.Me(ctx, userTok)
	if err != nil {
		return Result{}, fmt.Errorf("ask Facebook who you are: %w", err)
	}
	info, err := b.Graph.DebugToken(ctx, userTok)
	if err != nil {
		return Result{}, fmt.Errorf("check the new connection: %w", err)
	}
	if !info.Valid {
		return Result{}, errors.New("the new connection is not valid according to Facebook; try connecting again")
	}
	pages, err := b.Graph.Accounts(ctx, userTok)
	if err != nil {
		return Result{}, fmt.Errorf("list your Pages: %w", err)
	}

	res := Result{User: me, Declined: declined}
	prev, had, err := b.DB.Account()
	if err != nil {
		return Result{}, err
	}
	if had && prev.UserID != me.ID {
		res.Replaced = prev.Name
		if err := b.forgetSecrets(prev); err != nil {
			return Result{}, err
		}
	}

	// Tokens first: a destination that says "ok" must have its token.
	for _, p := range pages {
		if p.AccessToken.IsZero() {
			continue
		}
		if err := b.Secrets.Set(store.PageTokenKey(p.ID), p.AccessToken.Reveal()); err != nil {
			return Result{}, fmt.Errorf("save the token of %s: %w", p.Name, err)
		}
	}
	if err := b.Secrets.Set(store.UserTokenKey(me.ID), userTok.Reveal()); err != nil {
		return Result{}, fmt.Errorf("save your connection: %w", err)
	}

	known, err := b.DB.Destinations()
	if err != nil {
		return Result{}, err
	}
	granted := map[string]bool{}
	for _, p := range pages {
		granted[p.ID] = true
		d := pageDestination(p)
		if old, ok := find(known, p.ID); !ok {
			res.Added = append(res.Added, p.Name)
		} else {
			d.URL = firstNonEmpty(d.URL, old.URL)
		}
		if err := b.DB.PutDestination(d); err != nil {
			return Result{}, err
		}
		res.Pages = append(res.Pages, d)
	}
	for _, d := range known {
		if d.Kind != store.KindPage || granted[d.ID] || d.Status == store.StatusMissing {
			continue
		}
		d.Status = store.StatusMissing
		d.StatusReason = store.ReasonPageNotGranted
		if err := b.DB.PutDestination(d); err != nil {
			return Result{}, err
		}
		res.Lost = append(res.Lost, d.Name)
	}

	acct := store.Account{
		UserID:              me.ID,
		Name:                me.Name,
		IssuedAt:            info.IssuedAt,
		ExpiresAt:           info.ExpiresAt,
		DataAccessExpiresAt: info.DataAccessExpiresAt,
		Scopes:              info.Scopes,
		DeclinedScopes:      declined,
		AppID:               b.AppID,
	}
	if err := b.DB.PutAccount(acct); err != nil {
		return Result{}, err
	}
	return res, nil
}

// AddPage finds a Page missing from the login's list (one managed through a
// business portfolio, say) by its ID or username (fbclient.ParsePageRef reads
// what a person pastes), saves its token and stores it as a destination.
func (b Binder) AddPage(ctx context.Context, id string) (store.Destination, error) {
	acct, ok, err := b.DB.Account()
	if err != nil {
		return store.Destination{}, err
	}
	if !ok {
		return store.Destination{}, errors.New("connect your Facebook account first")
	}
	userTok, err := b.Secrets.Get(store.UserTokenKey(acct.UserID))
	if err != nil {
		return store.Destination{}, fmt.Errorf("read your connection from the keychain: %w", err)
	}
	p, err := b.Graph.Page(ctx, fbclient.Token(userTok), id)
	if err != nil {
		return store.Destination{}, fmt.Errorf("find the Page on Facebook: %w", err)
	}
	if p.AccessToken.IsZero() {
		return store.Destination{}, fmt.Errorf("no access to %s was granted: make sure you manage it; %s", firstNonEmpty(p.Name, id), store.PagesDialogSentence)
	}
	if err := b.Secrets.Set(store.PageTokenKey(p.ID), p.AccessToken.Reveal()); err != nil {
		return store.Destination{}, fmt.Errorf("save the token of %s: %w", p.Name, err)
	}
	d := pageDestination(p)
	if err := b.DB.PutDestination(d); err != nil {
		return store.Destination{}, err
	}
	return d, nil
}

// Disconnect forgets the connection — every secret of the account — and
// keeps the routes and destinations, so a later Connect picks up where the
// person left off.
func (b Binder) Disconnect() error {
	acct, ok, err := b.DB.Account()
	if err != nil || !ok {
		return err
	}
	if err := b.forgetSecrets(acct); err != nil {
		return err
	}
	return b.DB.DeleteAccount(acct.UserID)
}

func (b Binder) forgetSecrets(acct store.Account) error {
	dests, err := b.DB.Destinations()
	if err != nil {
		return err
	}
	keys := []string{store.UserTokenKey(acct.UserID)}
	for _, d := range dests {
		if d.Kind == store.KindPage {
			keys = append(keys, store.PageTokenKey(d.ID))
		}
	}
	for _, k := range keys {
		if err := b.Secrets.Delete(k); err != nil && !errors.Is(err, store.ErrSecretNotFound) {
			return fmt.Errorf("remove the old connection from the keychain: %w", err)
		}
	}
	return nil
}

func pageDestination(p fbclient.Page) store.Destination {
	d := store.Destination{ID: p.ID, Name: p.Name, Kind: store.KindPage, Tasks: p.Tasks,
		URL: "https://www.facebook.com/" + p.ID}
	if !p.CanPost() {
		d.Status = store.StatusPermission
		d.StatusReason = "You cannot post as " + p.Name + ": ask an admin of the Page for content access."
	}
	return d
}

func find(list []store.Destination, id string) (store.Destination, bool) {
	i := slices.IndexFunc(list, func(d store.Destination) bool { return d.ID == id })
	if i < 0 {
		return store.Destination{}, false
	}
	return list[i], true
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
