package service

import (
	"context"
	"sync"
	"time"

	"github.com/liveroute/liveroute/app/account"
	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/fbclient"
)

// graph forwards to the Facebook client of the Meta app currently
// configured, so connecting with another app swaps the client under a
// running engine instead of rebuilding the engine.
type graph struct {
	mu sync.RWMutex
	c  *fbclient.Client
}

var (
	_ relay.Graph   = (*graph)(nil)
	_ account.Graph = (*graph)(nil)
)

func (g *graph) client() *fbclient.Client {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.c
}

func (g *graph) set(c *fbclient.Client) {
	g.mu.Lock()
	g.c = c
	g.mu.Unlock()
}

func (g *graph) Me(ctx context.Context, tok fbclient.Token) (fbclient.User, error) {
	return g.client().Me(ctx, tok)
}

func (g *graph) Accounts(ctx context.Context, tok fbclient.Token) ([]fbclient.Page, error) {
	return g.client().Accounts(ctx, tok)
}

func (g *graph) Page(ctx context.Context, tok fbclient.Token, id string) (fbclient.Page, error) {
	return g.client().Page(ctx, tok, id)
}

func (g *graph) LiveVideos(ctx context.Context, tok fbclient.Token, sourceID string) ([]fbclient.LiveVideo, error) {
	return g.client().LiveVideos(ctx, tok, sourceID)
}

func (g *graph) Batch(ctx context.Context, tok fbclient.Token, ops []fbclient.BatchOp) ([]fbclient.BatchResult, error) {
	return g.client().Batch(ctx, tok, ops)
}

func (g *graph) FindPostLinking(ctx context.Context, tok fbclient.Token, pageID, link string, since time.Time) (string, bool, error) {
	return g.client().FindPostLinking(ctx, tok, pageID, link, since)
}

func (g *graph) Crosspost(ctx context.Context, tok fbclient.Token, liveVideoID, pageID string) (string, error) {
	return g.client().Crosspost(ctx, tok, liveVideoID, pageID)
}

func (g *graph) CrosspostedTo(ctx context.Context, tok fbclient.Token, liveVideoID, pageID string) (string, bool, error) {
	return g.client().CrosspostedTo(ctx, tok, liveVideoID, pageID)
}

func (g *graph) CrosspostPartners(ctx context.Context, tok fbclient.Token, pageID string) ([]fbclient.CrosspostPartner, error) {
	return g.client().CrosspostPartners(ctx, tok, pageID)
}

func (g *graph) DebugToken(ctx context.Context, input fbclient.Token) (fbclient.TokenInfo, error) {
	return g.client().DebugToken(ctx, input)
}

func (g *graph) AssistedShareURL(permalink string) string {
	return g.client().AssistedShareURL(permalink)
}

func (g *graph) Usage() fbclient.Usage { return g.client().Usage() }
