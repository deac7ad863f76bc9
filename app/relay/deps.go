package relay

import (
	"context"
	"time"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// Graph is what the engine needs of Facebook. *fbclient.Client satisfies it.
type Graph interface {
	LiveVideos(ctx context.Context, tok fbclient.Token, sourceID string) ([]fbclient.LiveVideo, error)
	Batch(ctx context.Context, tok fbclient.Token, ops []fbclient.BatchOp) ([]fbclient.BatchResult, error)
	FindPostLinking(ctx context.Context, pageTok fbclient.Token, pageID, link string, since time.Time) (postID string, found bool, err error)
	Crosspost(ctx context.Context, pageTok fbclient.Token, liveVideoID, pageID string) (broadcastID string, err error)
	CrosspostedTo(ctx context.Context, pageTok fbclient.Token, liveVideoID, pageID string) (broadcastID string, found bool, err error)
	CrosspostPartners(ctx context.Context, pageTok fbclient.Token, pageID string) ([]fbclient.CrosspostPartner, error)
	DebugToken(ctx context.Context, input fbclient.Token) (fbclient.TokenInfo, error)
	AssistedShareURL(permalink string) string
	Usage() fbclient.Usage
}

// Store is what the engine needs of the database. *store.DB satisfies it.
type Store interface {
	Account() (store.Account, bool, error)
	Settings() (store.Settings, error)
	Routes() ([]store.Route, error)
	Route(id string) (store.Route, bool, error)
	Destinations() ([]store.Destination, error)
	PutDestination(store.Destination) error
	LedgerBegin(store.LedgerEntry) (store.LedgerEntry, bool, error)
	LedgerPut(store.LedgerEntry) error
	// LedgerPutNoted writes an entry and the activity line telling the
	// person about it in one transaction.
	LedgerPutNoted(store.LedgerEntry, store.Activity) error
	LedgerGet(store.LedgerKey) (store.LedgerEntry, bool, error)
	LedgerPending() ([]store.LedgerEntry, error)
	LedgerResolve(k store.LedgerKey, shared bool) (store.LedgerEntry, error)
	AddActivity(store.Activity) error
}

// Secrets reads tokens from the OS keychain. store.Keychain satisfies it;
// tokens are kept under store.UserTokenKey and store.PageTokenKey.
type Secrets interface {
	Get(key string) (string, error)
}

var (
	_ Store   = (*store.DB)(nil)
	_ Secrets = store.Keychain{}
)
var _ Graph = (*fbclient.Client)(nil)
